// Reading run folders. A run's truth is its run.json; a folder without a readable one is not a run.
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { modelWarnings } from '../eval/health';
import type { RunRecord, RunSummary } from '../types';

export const RUN_JSON = 'run.json';
export const MODEL_DIR = 'model';
export const PREDICTIONS_CSV = 'predictions.csv';

/** Whether a process with this id is alive (on this machine). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Run folders whose training in this process has ended. A long-lived process (the training
 * process) that could not write a run's final state still has the pid its run.json names: this
 * is how readers in that process know the run is over.
 */
const endedHere = new Set<string>();

export function markRunEnded(runFolder: string): void {
  endedHere.add(resolve(runFolder));
}

const STATES = new Set(['running', 'completed', 'cancelled', 'failed']);

function isRunRecord(r: unknown): r is RunRecord {
  const o = r as Partial<RunRecord> | null;
  return typeof o === 'object' && o !== null && typeof o.id === 'string' && STATES.has(o.state as string) && Array.isArray(o.history);
}

/** Whether a run.json saying 'running' describes a training that is still going on. */
export function runIsLive(record: Pick<RunRecord, 'pid'>, runFolder: string): boolean {
  if (record.pid === undefined) return false;
  if (record.pid === process.pid) return !endedHere.has(resolve(runFolder));
  return processAlive(record.pid);
}

/** run.json of a run folder. A 'running' run whose process is gone is reported as failed (interrupted). */
export async function readRun(runFolder: string): Promise<RunRecord> {
  const file = join(runFolder, RUN_JSON);
  let record: RunRecord;
  try {
    record = JSON.parse(await readFile(file, 'utf8')) as RunRecord;
  } catch (err) {
    throw new Error(`Cannot read run record ${file}: ${(err as Error).message}`);
  }
  if (!isRunRecord(record)) throw new Error(`Cannot read run record ${file}: it is not a run record (id, state or history missing)`);
  // Sorting by start time must not trip over a record without one.
  if (typeof record.startedAt !== 'string') record.startedAt = '';
  // Runs recorded before their metrics carried warnings get them now: a useless model is flagged whenever it was trained.
  if (record.metrics && !record.metrics.warnings) record.metrics.warnings = modelWarnings(record.metrics, { ...record.config, appliedClassWeights: record.classWeights ?? null });
  if (record.state === 'running' && !runIsLive(record, runFolder)) {
    return { ...record, state: 'failed', error: record.error ?? `Interrupted: the training process (pid ${record.pid ?? '?'}) is no longer running.` };
  }
  return record;
}

export function summarize(record: RunRecord, folder: string): RunSummary {
  return {
    id: record.id,
    folder,
    state: record.state,
    startedAt: record.startedAt,
    ...(record.endedAt ? { endedAt: record.endedAt } : {}),
    datasetFolder: record.datasetFolder,
    backend: record.backend,
    classes: record.dataset?.classes ?? record.metrics?.classes ?? [],
    epochsRun: record.history.length,
    ...(record.metrics ? { testAccuracy: record.metrics.accuracy, macroF1: record.metrics.macroAvg.f1 } : {}),
    ...(record.metrics?.warnings?.length ? { warnings: record.metrics.warnings } : {}),
    ...(record.fold ? { fold: record.fold } : {}),
    ...(record.kind ? { kind: record.kind } : {}),
    ...(record.crossValidation ? { crossValidation: record.crossValidation } : {}),
  };
}

/** Runs under a runs folder, newest first. A 'running' run whose process is gone is reported as 'failed'. */
export async function listRuns(runsFolder: string): Promise<RunSummary[]> {
  let names: string[];
  try {
    names = (await readdir(runsFolder, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const runs: RunSummary[] = [];
  for (const name of names) {
    const folder = join(runsFolder, name);
    try {
      runs.push(summarize(await readRun(folder), folder));
    } catch {
      // Not a run folder (or one being created right now): skip it.
    }
  }
  return runs.sort((a, b) => (a.startedAt === b.startedAt ? b.id.localeCompare(a.id) : b.startedAt.localeCompare(a.startedAt)));
}

/** The newest completed run, or undefined. */
export async function latestCompletedRun(runsFolder: string): Promise<RunSummary | undefined> {
  return (await listRuns(runsFolder)).find((r) => r.state === 'completed' && r.kind !== 'cv-summary');
}
