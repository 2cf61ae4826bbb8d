// Stores a decision threshold picked on the dashboard's operating-point slider with a finished
// two-class run: the model's metadata (predict and Classify X-ray read it), and the run's figures
// recomputed from its predictions.csv at that threshold, so every file of the run agrees.
// No TensorFlow.js: the extension host calls it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { computeEvalReport } from '../eval/metrics';
import { predictionsCsv, readPredictionsCsv } from '../eval/predictionsCsv';
import { classificationReportFile } from '../eval/reportText';
import { writeFileAtomic, writeJsonAtomic } from '../fs/atomic';
import type { DecisionThreshold, RunRecord } from '../types';
import { reportMarkdown } from './reportMarkdown';
import { MODEL_DIR, PREDICTIONS_CSV, readRun, RUN_JSON } from './store';

/** Kept in step with model/io.ts, which the host must not import (it loads TensorFlow.js). */
const MODEL_JSON = 'model.json';

/** Why the threshold cannot be stored with this run, or undefined when it can. */
export function thresholdProblem(record: RunRecord, value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value >= 1) return `the threshold must be a number between 0 and 1 (exclusive), got ${String(value)}`;
  if (record.state !== 'completed') return `run ${record.id} is ${record.state}, not completed`;
  if (record.metrics?.classes.length !== 2) return `run ${record.id} has ${record.metrics?.classes.length ?? 0} classes; a threshold needs two`;
  return undefined;
}

const rate = (hit: number, of: number) => (of === 0 ? 0 : hit / of);

/** Rewrites model.json's metadata, predictions.csv, the reports and run.json (last). Returns the new record. */
export async function useThreshold(runFolder: string, value: number): Promise<RunRecord> {
  const record = await readRun(runFolder);
  const problem = thresholdProblem(record, value);
  if (problem) throw new Error(`Cannot use this threshold: ${problem}.`);
  const old = record.metrics!;
  const csvFile = join(runFolder, PREDICTIONS_CSV);
  const { classes, splits } = readPredictionsCsv(await readFile(csvFile, 'utf8').catch(() => {
    throw new Error(`Cannot use this threshold: ${csvFile} is missing (runs trained before per-image predictions were saved cannot change their threshold).`);
  }), csvFile);
  if (classes.join('\n') !== old.classes.join('\n')) throw new Error(`Cannot use this threshold: ${csvFile} names classes ${classes.join(', ')}, the run ${old.classes.join(', ')}.`);
  const positiveClass = old.testScores?.positiveClass ?? old.roc?.positiveClass ?? old.threshold?.positiveClass ?? 1;
  const [val, test] = splits as [(typeof splits)[0], (typeof splits)[0]];
  let tp = 0;
  let pos = 0;
  let tn = 0;
  for (let i = 0; i < val.labels.length; i++) {
    const isPos = val.labels[i] === positiveClass;
    const called = val.probabilities[i * 2 + positiveClass] >= value;
    if (isPos) {
      pos++;
      if (called) tp++;
    } else if (!called) tn++;
  }
  const threshold: DecisionThreshold = { positiveClass, value, method: 'chosen', valSensitivity: rate(tp, pos), valSpecificity: rate(tn, val.labels.length - pos) };
  const metrics = computeEvalReport({
    classes,
    labels: test.labels,
    probabilities: test.probabilities,
    paths: test.paths.map((p) => join(record.datasetFolder, p)),
    loss: old.loss,
    threshold,
    seed: old.intervals?.seed ?? record.config.seed,
    resamples: old.intervals?.resamples ?? record.config.bootstrapResamples ?? 0,
    trainedWith: { ...record.config, appliedClassWeights: record.classWeights ?? null },
  });
  if (old.tta) metrics.tta = true;
  if (old.localization) metrics.localization = old.localization;
  const next: RunRecord = { ...record, metrics };

  const modelJson = join(runFolder, MODEL_DIR, MODEL_JSON);
  const model = JSON.parse(await readFile(modelJson, 'utf8')) as { userDefinedMetadata?: Record<string, unknown> };
  model.userDefinedMetadata = { ...model.userDefinedMetadata, threshold: { positiveClass, value } };
  await writeFileAtomic(modelJson, JSON.stringify(model));
  await writeFileAtomic(csvFile, predictionsCsv(classes, splits, threshold));
  await writeFileAtomic(join(runFolder, 'classification_report.txt'), classificationReportFile(metrics));
  await writeFileAtomic(join(runFolder, 'report.md'), reportMarkdown(next));
  await writeJsonAtomic(join(runFolder, RUN_JSON), next);
  return next;
}
