import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { computeEvalReport } from '../../src/engine/eval/metrics';
import { predictionsCsv } from '../../src/engine/eval/predictionsCsv';
import type { DecisionThreshold, EvalReport } from '../../src/engine/types';
import { binaryPredictions, multiclassPredictions, type Predictions } from './helpers/predictions';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, 'reference', 'sklearn_metrics.py');
const TOL = 1e-9;

interface Reference {
  accuracy: number;
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
  macroF1: number;
  kappa: number;
  auc?: number;
  roc?: [number, number][];
  ap?: number;
  pr?: [number, number][];
  brier: number;
  ece: number;
  bins: { observed: number[]; predicted: number[]; count: number[] };
}

function close(ours: number | undefined, ref: number, what: string): void {
  assert.ok(ours !== undefined && Math.abs(ours - ref) <= TOL, `${what}: ours ${ours}, scikit-learn ${ref}`);
}

function closeAll(ours: readonly number[], ref: readonly number[], what: string): void {
  assert.equal(ours.length, ref.length, `${what}: ${ours.length} values, scikit-learn ${ref.length}`);
  ours.forEach((v, i) => close(v, ref[i], `${what}[${i}]`));
}

function compare(report: EvalReport, ref: Reference): void {
  close(report.accuracy, ref.accuracy, 'accuracy');
  closeAll(report.perClass.map((c) => c.precision), ref.precision, 'precision');
  closeAll(report.perClass.map((c) => c.recall), ref.recall, 'recall');
  closeAll(report.perClass.map((c) => c.f1), ref.f1, 'F1');
  assert.deepEqual(report.perClass.map((c) => c.support), ref.support);
  close(report.macroAvg.f1, ref.macroF1, 'macro-F1');
  close(report.kappa, ref.kappa, "Cohen's kappa");
  close(report.calibration?.brier, ref.brier, 'Brier score');
  close(report.calibration?.ece, ref.ece, 'ECE');
  const bins = report.calibration!.bins;
  closeAll(bins.map((b) => b.observed), ref.bins.observed, 'reliability observed');
  closeAll(bins.map((b) => b.meanPredicted), ref.bins.predicted, 'reliability predicted');
  assert.deepEqual(bins.map((b) => b.count), ref.bins.count);
  if (ref.auc === undefined) {
    assert.equal(report.roc, undefined);
    assert.equal(report.pr, undefined);
    return;
  }
  close(report.roc?.auc, ref.auc, 'ROC AUC');
  closeAll(report.roc!.points.flat(), ref.roc!.flat(), 'ROC points');
  close(report.pr?.averagePrecision, ref.ap!, 'average precision');
  closeAll(report.pr!.points.flat(), ref.pr!.flat(), 'precision-recall points');
}

function reportOf(p: Predictions, threshold?: DecisionThreshold): EvalReport {
  return computeEvalReport({ classes: p.classes, labels: p.labels, probabilities: p.probabilities, paths: p.paths, loss: 0, threshold, resamples: 200 });
}

describe('figures checked against scikit-learn on predictions.csv', () => {
  it('matches scikit-learn to 1e-9 for a two-class run decided by a threshold and a 10-class run', async (t) => {
    const check = spawnSync(PYTHON, ['-c', 'import sklearn'], { encoding: 'utf8' });
    if (!existsSync(PYTHON) || check.status !== 0) return t.skip('needs scikit-learn: apt-get install -y python3-sklearn');
    const dir = await mkdtemp(join(tmpdir(), 'fcnn-sklearn-'));
    try {
      const binary = binaryPredictions(320, 20, 7);
      const threshold: DecisionThreshold = { positiveClass: 0, value: 0.37, method: 'youden', valSensitivity: 1, valSpecificity: 1 };
      const ten = multiclassPredictions(10, 400, 11);
      const runs = [
        { p: binary, report: reportOf(binary, threshold), threshold, positive: binary.classes[0] },
        { p: ten, report: reportOf(ten), threshold: undefined, positive: null },
      ];
      const spec = [];
      for (const [i, r] of runs.entries()) {
        const csv = join(dir, `predictions${i}.csv`);
        const val = { split: 'val' as const, paths: ['val/x.png'], labels: [0], probabilities: r.p.probabilities.slice(0, r.p.classes.length) };
        await writeFile(csv, predictionsCsv(r.p.classes, [val, { split: 'test', paths: r.p.paths, labels: r.p.labels, probabilities: r.p.probabilities }], r.threshold));
        spec.push({ csv, positive: r.positive });
      }
      const py = spawnSync(PYTHON, [SCRIPT, JSON.stringify(spec)], { encoding: 'utf8' });
      assert.equal(py.status, 0, py.stderr);
      const refs = JSON.parse(py.stdout) as Reference[];
      assert.ok(runs[0].report.confusion[0][0] !== reportOf(binary).confusion[0][0], 'the threshold changes the decisions the file records');
      compare(runs[0].report, refs[0]);
      compare(runs[1].report, refs[1]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
