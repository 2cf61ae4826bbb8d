// A finished run folder written from simulated predictions: run.json, predictions.csv and a
// model.json holding only the metadata (enough for everything that does not load the weights).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveConfig } from '../../../src/engine/config';
import { computeEvalReport } from '../../../src/engine/eval/metrics';
import { predictionsCsv } from '../../../src/engine/eval/predictionsCsv';
import type { DecisionThreshold, RunRecord } from '../../../src/engine/types';
import type { Predictions } from './predictions';

const DATA = '/data/xrays';

/** The first 40 images double as the validation split. */
export async function writeRun(folder: string, p: Predictions, threshold?: DecisionThreshold, id = 'r1'): Promise<RunRecord> {
  await mkdir(join(folder, 'model'), { recursive: true });
  const metrics = computeEvalReport({ classes: p.classes, labels: p.labels, probabilities: p.probabilities, paths: p.paths.map((x) => `${DATA}/${x}`), loss: 0.3, threshold, resamples: 100 });
  const run: RunRecord = { id, state: 'completed', startedAt: '2026-11-29T10:00:00.000Z', datasetFolder: DATA, config: resolveConfig(), backend: 'wasm', history: [], metrics };
  await writeFile(join(folder, 'run.json'), JSON.stringify(run));
  const val = { split: 'val' as const, paths: p.paths.slice(0, 40), labels: p.labels.slice(0, 40), probabilities: p.probabilities.slice(0, 40 * p.classes.length) };
  await writeFile(join(folder, 'predictions.csv'), predictionsCsv(p.classes, [val, { split: 'test', paths: p.paths, labels: p.labels, probabilities: p.probabilities }], threshold));
  await writeFile(join(folder, 'model', 'model.json'), JSON.stringify({ modelTopology: {}, userDefinedMetadata: { classes: p.classes, imageSize: 48, runId: id, ...(threshold ? { threshold: { positiveClass: 0, value: threshold.value } } : {}) } }));
  return run;
}
