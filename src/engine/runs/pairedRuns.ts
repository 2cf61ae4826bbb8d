// The paired tests of two runs from their predictions.csv files (test rows), each decided by the
// run's own rule (its stored threshold, else argmax). No TensorFlow.js: the Runs view calls it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pairedComparison, type PairedComparison, type PairedRun } from '../eval/paired';
import { readPredictionsCsv } from '../eval/predictionsCsv';
import { decide } from '../eval/threshold';
import type { RunRecord } from '../types';
import { PREDICTIONS_CSV } from './store';

async function testRows(folder: string, record: RunRecord): Promise<{ run: PairedRun; classes: string[] } | string> {
  const file = join(folder, PREDICTIONS_CSV);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return `run ${record.id} has no ${PREDICTIONS_CSV} (trained before per-image predictions were saved)`;
  }
  const { classes, splits } = readPredictionsCsv(text, file);
  const test = splits.find((s) => s.split === 'test')!;
  const k = classes.length;
  const threshold = record.metrics?.threshold;
  const predicted = Int32Array.from({ length: test.labels.length }, (_, i) => decide(test.probabilities, i * k, k, threshold));
  const positive = record.metrics?.testScores?.positiveClass ?? record.metrics?.roc?.positiveClass;
  const scores = k === 2 && positive !== undefined ? Float64Array.from({ length: test.labels.length }, (_, i) => test.probabilities[i * 2 + positive]) : undefined;
  return { run: { paths: test.paths, labels: test.labels, predicted, scores }, classes };
}

export async function pairedRuns(folderA: string, a: RunRecord, folderB: string, b: RunRecord): Promise<PairedComparison> {
  const [ra, rb] = await Promise.all([testRows(folderA, a), testRows(folderB, b)]);
  if (typeof ra === 'string') return { notPaired: ra };
  if (typeof rb === 'string') return { notPaired: rb };
  if (ra.classes.join('\n') !== rb.classes.join('\n')) return { notPaired: `the runs have different classes (${ra.classes.join(', ')} and ${rb.classes.join(', ')})` };
  const positive = a.metrics?.testScores?.positiveClass ?? a.metrics?.roc?.positiveClass;
  return pairedComparison(ra.run, rb.run, ra.classes.length === 2 ? positive : undefined);
}
