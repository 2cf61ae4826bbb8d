import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gaussian, makeRng } from '../../src/engine/data/rng';
import { bootstrapIntervals } from '../../src/engine/eval/bootstrap';
import { computeEvalReport } from '../../src/engine/eval/metrics';
import { resolveConfig } from '../../src/engine/config';
import type { Interval } from '../../src/engine/types';
import { binaryPredictions, multiclassPredictions } from './helpers/predictions';

/** Standard normal CDF (Abramowitz and Stegun 7.1.26, error below 1.5e-7). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

const inside = (v: number, [lo, hi]: Interval) => lo <= v && v <= hi;

describe('bootstrap intervals', () => {
  it('hold the true AUC, sensitivity and specificity about 95% of the time on simulated test sets', () => {
    // Positives score N(1, 1), negatives N(0, 1): AUC = Phi(1 / sqrt 2); calling scores >= 0.5 positive
    // gives sensitivity 1 - Phi(-0.5) and specificity Phi(0.5).
    const truth = { auc: phi(1 / Math.SQRT2), sensitivity: phi(0.5), specificity: phi(0.5) };
    const sets = 300;
    const hits = { auc: 0, sensitivity: 0, specificity: 0 };
    const rng = makeRng(2024);
    const pos = 60;
    const neg = 90;
    for (let s = 0; s < sets; s++) {
      const labels = Int32Array.from({ length: pos + neg }, (_, i) => (i < pos ? 1 : 0));
      const scores = Float64Array.from(labels, (y) => gaussian(rng) + y);
      const predicted = Int32Array.from(scores, (v) => (v >= 0.5 ? 1 : 0));
      const ci = bootstrapIntervals({ labels, predicted, numClasses: 2, positiveClass: 1, scores, resamples: 400, seed: s })!;
      if (inside(truth.auc, ci.auc!)) hits.auc++;
      if (inside(truth.sensitivity, ci.sensitivity!)) hits.sensitivity++;
      if (inside(truth.specificity, ci.specificity!)) hits.specificity++;
    }
    for (const [name, h] of Object.entries(hits)) {
      const coverage = h / sets;
      // 300 sets: a true 95% coverage lands within 0.90..0.99 with overwhelming probability.
      assert.ok(coverage >= 0.9 && coverage <= 0.99, `${name}: ${(coverage * 100).toFixed(1)}% of intervals hold the truth`);
    }
  });

  it('are seeded, contain every point figure, and keep a rare class in every resample', () => {
    const p = binaryPredictions(329, 15, 3);
    const args = { classes: p.classes, labels: p.labels, probabilities: p.probabilities, paths: p.paths, loss: 0 };
    const a = computeEvalReport({ ...args, seed: 5 });
    const b = computeEvalReport({ ...args, seed: 5 });
    const c = computeEvalReport({ ...args, seed: 6 });
    assert.deepEqual(a.intervals, b.intervals);
    assert.notDeepEqual(a.intervals, c.intervals);
    const ci = a.intervals!;
    assert.equal(ci.resamples, 2000);
    assert.ok(inside(a.accuracy, ci.accuracy) && inside(a.macroAvg.f1, ci.macroF1) && inside(a.kappa!, ci.kappa));
    assert.ok(inside(a.roc!.auc, ci.auc!) && inside(a.sensitivity!, ci.sensitivity!) && inside(a.specificity!, ci.specificity!));
    a.perClass.forEach((s, k) => assert.ok(inside(s.recall, ci.perClass[k].recall) && inside(s.precision, ci.perClass[k].precision) && inside(s.f1, ci.perClass[k].f1)));
    // Stratified: the 15 rare images are in every resample, so its recall interval never reaches a resample without them (0).
    assert.ok(ci.perClass[1].recall[1] - ci.perClass[1].recall[0] > 0.1, 'the rare class\'s recall is uncertain');
    assert.ok(ci.perClass[1].recall[0] > 0);
    // One image of a class, predicted right: every resample holds it, so its recall is certain.
    const one = bootstrapIntervals({ labels: [0, 0, 0, 1], predicted: [0, 1, 0, 1], numClasses: 2, positiveClass: 1, resamples: 300 })!;
    assert.deepEqual(one.sensitivity, [1, 1]);
  });

  it('can be turned off (bootstrapResamples 0), and refuse a bad count naming the setting', () => {
    const p = binaryPredictions(60, 20, 1);
    const r = computeEvalReport({ classes: p.classes, labels: p.labels, probabilities: p.probabilities, paths: p.paths, loss: 0, resamples: 0 });
    assert.equal(r.intervals, undefined);
    assert.ok(r.calibration && r.pr, 'calibration and the PR curve do not depend on it');
    assert.equal(resolveConfig().bootstrapResamples, 2000);
    assert.throws(() => resolveConfig({ bootstrapResamples: -5 }), /Invalid training setting: bootstrapResamples must be an integer from 0 \(no intervals\) to 100000, got -5/);
  });

  it('give a 10-class run intervals for every class and no binary figures', () => {
    const p = multiclassPredictions(10, 500, 4);
    const r = computeEvalReport({ classes: p.classes, labels: p.labels, probabilities: p.probabilities, paths: p.paths, loss: 0 });
    assert.equal(r.intervals?.perClass.length, 10);
    assert.equal(r.intervals?.auc, undefined);
    assert.equal(r.roc, undefined);
    assert.equal(r.pr, undefined);
    assert.equal(r.calibration?.of, 'top-label');
    assert.ok(inside(r.kappa!, r.intervals!.kappa));
  });
});
