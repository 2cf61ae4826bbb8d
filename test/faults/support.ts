// Shared parts of the fault-injection suite: the real CLI as a child process, a tally of faults,
// and the invariants that must hold after every one of them.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadModel } from '../../src/engine/model/io';
import { Predictor } from '../../src/engine/predict/predictor';
import { listRuns, processAlive, readRun } from '../../src/engine/runs/store';
import type { RunRecord } from '../../src/engine/types';

export const CLI = resolve(__dirname, '../../dist/cli.js');
export const TRAIN_ARGS = ['--model', 'seed', '--epochs', '3', '--image-size', '24', '--batch-size', '8', '--workers', '1', '--backend', 'wasm', '--patience', '10'];

/** Seeded, so a failing point can be replayed: FAULT_SEED=<n> npm test -- faults. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}
export const FAULT_SEED = Number(process.env.FAULT_SEED ?? Date.now() % 100000);

export interface Tally {
  injected: number;
  survived: number;
  dataLost: number;
  problems: string[];
  /** Faults injected per kind (the first word of their name). */
  byKind: Record<string, number>;
}
export const tally: Tally = { injected: 0, survived: 0, dataLost: 0, problems: [], byKind: {} };

/** Records one injected fault and what the checks after it found. */
export function record(name: string, problems: string[], lost: boolean): void {
  const kind = name.split(/[ :]/)[0];
  tally.byKind[kind] = (tally.byKind[kind] ?? 0) + 1;
  tally.injected++;
  if (problems.length === 0) tally.survived++;
  else tally.problems.push(`${name}: ${problems.join('; ')}`);
  if (lost) tally.dataLost++;
}

/** A check after the faults (not a fault itself) that found problems. */
export function recordCheck(name: string, problems: string[], lost: boolean): void {
  if (problems.length) tally.problems.push(`${name}: ${problems.join('; ')}`);
  if (lost) tally.dataLost++;
}

export function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function startCli(args: string[], cwd: string): { child: ChildProcess; exited: Promise<number | null>; stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited, stdout: () => out, stderr: () => err };
}

/**
 * Runs `action` once, as soon as a file matching `pattern` appears in a new run folder of
 * runsFolder (inotify, so within a millisecond or so of the moment, with no hook in the engine).
 */
export function whenFileAppears(runsFolder: string, pattern: RegExp, action: () => void): { stop: () => void; hit: () => boolean } {
  const watchers: FSWatcher[] = [];
  let hit = false;
  const fire = () => {
    if (hit) return;
    hit = true;
    action();
  };
  const watchRun = (folder: string) => {
    try {
      watchers.push(watch(folder, (_e, name) => name && pattern.test(name) && fire()));
      // It may have appeared before the watch began.
      if (readdirSync(folder).some((n) => pattern.test(n))) fire();
    } catch {
      // the folder went away
    }
  };
  mkdirSync(runsFolder, { recursive: true });
  watchers.push(
    watch(runsFolder, (_e, name) => {
      if (name && !name.startsWith('.') && existsSync(join(runsFolder, name))) watchRun(join(runsFolder, name));
    }),
  );
  return { stop: () => watchers.forEach((w) => w.close()), hit: () => hit };
}

/** sha256 of every file under dir, by relative path. */
export function hashTree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) Object.assign(out, hashTree(p, `${prefix}${name}/`));
    else out[`${prefix}${name}`] = createHash('sha256').update(readFileSync(p)).digest('hex');
  }
  return out;
}

function runFolders(runsFolder: string): string[] {
  if (!existsSync(runsFolder)) return [];
  return readdirSync(runsFolder, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => join(runsFolder, d.name));
}

function onDisk(folder: string): RunRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
}

/**
 * What readers see right after a fault, with no training process left: no run is 'running',
 * the earlier model's files are unchanged, and every completed run's model loads and predicts.
 * Returns the problems found and whether data was lost.
 */
export async function checkAfterFault(runsFolder: string, baseline: { folder: string; hashes: Record<string, string> }, image: string): Promise<{ problems: string[]; lost: boolean }> {
  const problems: string[] = [];
  let lost = false;
  for (const r of await listRuns(runsFolder)) if (r.state === 'running') problems.push(`run ${r.id} shows as running without a live process`);
  const now = existsSync(baseline.folder) ? hashTree(baseline.folder) : {};
  try {
    assert.deepEqual(now, baseline.hashes);
  } catch {
    problems.push('the earlier model folder changed');
    lost = true;
  }
  for (const folder of runFolders(runsFolder)) {
    const rec = onDisk(folder);
    if (rec?.state !== 'completed') continue;
    try {
      const p = await Predictor.load(folder);
      const [o] = await p.predict([image], { gradcam: false });
      p.dispose();
      if (!o.ok) throw new Error(o.error);
    } catch (e) {
      problems.push(`completed run ${rec.id} cannot predict: ${(e as Error).message}`);
      lost = true;
    }
  }
  return { problems, lost };
}

/**
 * The run folder, the Runs view (readRun) and report.md agree: a run that readers do not see as
 * completed has no model/, and a report.md says the state readers see.
 */
export async function checkConsistent(runsFolder: string): Promise<string[]> {
  const problems: string[] = [];
  for (const folder of runFolders(runsFolder)) {
    let state: string;
    try {
      state = (await readRun(folder)).state;
    } catch {
      continue; // no run.json could be written: not a run, nothing claims anything
    }
    if (state !== 'completed' && existsSync(join(folder, 'model'))) problems.push(`${folder}: a run shown as ${state} holds a model/`);
    const report = join(folder, 'report.md');
    const said = existsSync(report) ? /State: \*\*(\w+)\*\*/.exec(readFileSync(report, 'utf8'))?.[1] : undefined;
    if (said && said !== state && state !== 'running') problems.push(`${folder}: report.md says ${said}, the run is ${state}`);
  }
  return problems;
}

/** After a training that ran to its end: what a killed or failed run left has been put right on disk. */
export async function checkSettled(runsFolder: string): Promise<string[]> {
  const problems: string[] = await checkConsistent(runsFolder);
  for (const folder of runFolders(runsFolder)) {
    const rec = onDisk(folder);
    if (rec?.state === 'running' && !(rec.pid !== undefined && processAlive(rec.pid))) problems.push(`${folder}: run.json still says running`);
    if (rec && rec.state !== 'completed' && existsSync(join(folder, 'model'))) problems.push(`${folder}: a ${rec.state} run keeps a model/`);
    if (rec?.state === 'completed') await loadModel(join(folder, 'model')).then((m) => m.model.dispose(), (e: Error) => problems.push(`${folder}: ${e.message}`));
    for (const name of readdirSync(folder)) {
      const pid = /^\..+\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name)?.[1];
      if (pid && !processAlive(Number(pid))) problems.push(`${folder}: stale temporary ${name}`);
    }
  }
  return problems;
}

export function summaryLine(t: Tally, seconds: number): string {
  const kinds = Object.entries(t.byKind).map(([k, n]) => `${k} ${n}`).join(', ');
  return `fault injection: ${t.injected} faults injected (${kinds}), ${t.survived} survived, ${t.dataLost} data lost (seed ${FAULT_SEED}, ${seconds.toFixed(0)} s)`;
}
