// Real run folders for the view tests: the engine generates a small sample dataset and its own
// pipeline trains on it (one epoch, a few seconds); the states a short test cannot reach by
// training (still running, interrupted) are written with the engine's atomic writer from a real record.
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSampleDataset } from '../../src/engine/data/sample';
import { writeJsonAtomic } from '../../src/engine/fs/atomic';
import { runTraining } from '../../src/engine/runs/pipeline';
import { readRun } from '../../src/engine/runs/store';
import type { RunRecord } from '../../src/engine/types';

export interface RealRuns {
  dir: string;
  datasetFolder: string;
  runsFolder: string;
  completedA: string;
  completedB: string;
  cancelled: string;
  running: string;
  interrupted: string;
}

const fast = { model: 'seed' as const, epochs: 1, backend: 'wasm' as const, workers: 1, batchSize: 16 };

async function train(datasetFolder: string, runsFolder: string, config: Record<string, unknown>, cancelAtStart = false): Promise<string> {
  const abort = new AbortController();
  const outcome = await runTraining({
    datasetFolder,
    runsFolder,
    config: { ...fast, ...config },
    signal: abort.signal,
    callbacks: cancelAtStart ? { onStart: () => abort.abort() } : {},
  });
  const folder = (outcome as { folder?: string }).folder;
  if (!folder) throw new Error(`training made no run folder: ${outcome.tag} ${'message' in outcome ? outcome.message : ''}`);
  return folder;
}

/** A sample dataset and one completed run trained on it. */
export async function makeCompletedRun(): Promise<{ dir: string; datasetFolder: string; runFolder: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'views-run-'));
  const sample = await generateSampleDataset(join(dir, 'data'), { fractured: 16, normal: 24, size: 96 });
  return { dir, datasetFolder: sample.root, runFolder: await train(sample.root, join(dir, 'runs'), {}) };
}

/** A sample dataset and a runs folder with two completed runs, a cancelled one, a running one and an interrupted one. */
export async function makeRealRuns(): Promise<RealRuns> {
  const dir = await mkdtemp(join(tmpdir(), 'views-runs-'));
  const sample = await generateSampleDataset(join(dir, 'data'), { fractured: 16, normal: 24, size: 96 });
  const runsFolder = join(dir, 'runs');
  const completedA = await train(sample.root, runsFolder, { seed: 1 });
  const completedB = await train(sample.root, runsFolder, { seed: 2, learningRate: 0.003 });
  const cancelled = await train(sample.root, runsFolder, { seed: 3 }, true);

  const base = await readRun(completedB);
  const later = (minutes: number): string => new Date(Date.parse(base.startedAt) + minutes * 60_000).toISOString();
  const running = join(runsFolder, 'zz-running');
  const live: RunRecord = { ...base, id: 'zz-running', state: 'running', startedAt: later(5), pid: process.pid, history: base.history.slice(0, 1) };
  delete live.metrics;
  delete live.endedAt;
  delete live.timings;
  await writeJsonAtomic(join(running, 'run.json'), live);

  // A run whose training process died: its run.json still says running, with a pid that is gone.
  const interrupted = join(runsFolder, 'zz-interrupted');
  await cp(running, interrupted, { recursive: true });
  await writeJsonAtomic(join(interrupted, 'run.json'), { ...live, id: 'zz-interrupted', startedAt: later(1), pid: 2 ** 22 + 12345 });
  return { dir, datasetFolder: sample.root, runsFolder, completedA, completedB, cancelled, running, interrupted };
}
