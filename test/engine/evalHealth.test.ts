// Whether a trained model is usable, judged from test-split reports built the way a run builds them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MIN_TEST_IMAGES_PER_CLASS, modelUnusable, modelWarnings } from '../../src/engine/eval/health';
import { computeEvalReport } from '../../src/engine/eval/metrics';
import { resolveConfig } from '../../src/engine/config';
import { makeRng } from '../../src/engine/data/rng';
import type { EvalReport } from '../../src/engine/types';

const CLASSES = ['fractured', 'not fractured'];

/** A two-class report from true labels and the probability of "fractured" for each image. */
function report(labels: number[], pFractured: number[]): EvalReport {
  return computeEvalReport({
    classes: CLASSES,
    labels,
    probabilities: pFractured.flatMap((p) => [p, 1 - p]),
    paths: labels.map((_, i) => `img${i}.png`),
    loss: 0.5,
  });
}

/** `fractured` images labelled 0, then `normal` labelled 1. */
const labelsOf = (fractured: number, normal: number): number[] => [...Array<number>(fractured).fill(0), ...Array<number>(normal).fill(1)];
const codes = (r: EvalReport): string[] => (r.warnings ?? []).map((w) => w.code);

describe('model health warnings', () => {
  it("flags the seed's failure: every test image called fractured, specificity 0, AUC near 0.5", () => {
    // 108 fractured and 219 normal test images, as in the seed's split; scores that do not depend on the class.
    const r = makeRng(5);
    const labels = labelsOf(108, 219);
    const rep = report(
      labels,
      labels.map(() => 0.55 + 0.1 * r()),
    );
    assert.equal(rep.specificity, 0);
    assert.deepEqual(codes(rep), ['one-class', 'chance-auc', 'class-never-found', 'below-majority']);
    const byCode = Object.fromEntries((rep.warnings ?? []).map((w) => [w.code, w]));
    assert.equal(
      byCode['one-class'].message,
      'The model answered "fractured" for 327 of 327 test images (100.0%), though only 33.0% of them are "fractured": it does not tell the classes apart.',
    );
    assert.match(byCode['class-never-found'].message, /219 test images of "not fractured"/);
    assert.match(byCode['below-majority'].message, /33\.0% is no better than always answering "not fractured".*67\.0%/);
    // Suggestions name settings the user can change.
    const advice = (rep.warnings ?? []).map((w) => w.suggestion).join(' ');
    for (const setting of ['fractureCnn.model', 'fractureCnn.classWeighting', 'fractureCnn.augment', 'fractureCnn.imageSize']) assert.ok(advice.includes(setting), setting);
    assert.equal(modelUnusable(rep.warnings), true);
    // A run that already had the default recipe is not told to turn it on; what it lacked is named.
    const withDefaults = modelWarnings(rep, resolveConfig({ pretrained: false }));
    const told = withDefaults.map((w) => w.suggestion).join(' ');
    for (const setting of ['fractureCnn.model', 'fractureCnn.sampling', 'fractureCnn.augment']) assert.ok(!told.includes(setting), `${setting} was already on: ${told}`);
    for (const setting of ['fractureCnn.pretrained', 'fractureCnn.imageSize']) assert.ok(told.includes(setting), setting);
    assert.match(told, /more images of the rarer class/);
    // "auto" weighting applies no weights at an imbalance of 2x or less: balancing is still advice then.
    const seedAuto = { ...resolveConfig({ model: 'seed', pretrained: false }), classWeighting: 'auto' as const };
    const unweighted = modelWarnings(rep, { ...seedAuto, appliedClassWeights: null }).map((w) => w.suggestion).join(' ');
    assert.ok(unweighted.includes('fractureCnn.classWeighting'), unweighted);
    const weighted = modelWarnings(rep, { ...seedAuto, appliedClassWeights: [0.7, 1.4] }).map((w) => w.suggestion).join(' ');
    assert.ok(!weighted.includes('fractureCnn.classWeighting'), weighted);
  });

  it('says nothing about a model that separates the classes', () => {
    // The dashboard fixture's confusion: 91 of 108 fractured found, 196 of 219 normal.
    const labels = labelsOf(108, 219);
    const p = labels.map((l, i) => (l === 0 ? (i < 91 ? 0.9 : 0.4) : i - 108 < 196 ? 0.1 : 0.6));
    const rep = report(labels, p);
    assert.deepEqual(rep.confusion, [
      [91, 17],
      [23, 196],
    ]);
    assert.deepEqual(rep.warnings, []);
    assert.equal(modelUnusable(rep.warnings), false);
  });

  it('does not call answering the majority nearly always "one class" when that class is 90% or more of the test split', () => {
    // 10 fractured, 190 normal, everything called normal: accuracy 95% is the majority's share, and fractured is never found.
    const labels = labelsOf(10, 190);
    const rep = report(
      labels,
      labels.map((l) => (l === 0 ? 0.45 : 0.2)),
    );
    assert.deepEqual(codes(rep), ['class-never-found', 'below-majority']);
    assert.ok(rep.roc && rep.roc.auc === 1, 'the ranking is perfect; only the threshold is wrong');
  });

  it('warns when the scores rank the classes the wrong way round', () => {
    const labels = labelsOf(40, 40);
    const rep = report(
      labels,
      labels.map((l, i) => (l === 0 ? 0.2 + (i % 5) * 0.01 : 0.8 - (i % 5) * 0.01)),
    );
    assert.ok(rep.roc && rep.roc.auc < 0.4);
    assert.ok(codes(rep).includes('below-chance-auc'));
    assert.match(rep.warnings?.find((w) => w.code === 'below-chance-auc')?.suggestion ?? '', /class folder/);
  });

  it('says when a class has too few test images to judge, without calling the model unusable', () => {
    const labels = labelsOf(3, 40);
    const rep = report(
      labels,
      labels.map((l) => (l === 0 ? 0.9 : 0.1)),
    );
    assert.deepEqual(codes(rep), ['small-test-split']);
    assert.match(rep.warnings?.[0].message ?? '', /only 3 images of "fractured"/);
    assert.match(rep.warnings?.[0].suggestion ?? '', new RegExp(`fractureCnn\\.testFraction.*at least ${MIN_TEST_IMAGES_PER_CLASS}`));
    assert.equal(modelUnusable(rep.warnings), false);
    const empty = modelWarnings({ ...rep, perClass: rep.perClass.map((s) => ({ ...s, support: 0 })), confusion: [[0, 0], [0, 0]] });
    assert.deepEqual(
      empty.map((w) => w.code),
      ['small-test-split'],
    );
  });
});
