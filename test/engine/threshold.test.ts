import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { computeEvalReport } from '../../src/engine/eval/metrics';
import { chooseThreshold, decide } from '../../src/engine/eval/threshold';

const PYTHON = '/usr/bin/python3';

function scores(n: number, seed: number, rare: number): { labels: number[]; probs: number[] } {
  let s = seed >>> 0;
  const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const labels: number[] = [];
  const probs: number[] = [];
  for (let i = 0; i < n; i++) {
    // Class 0 ("fractured") is common; class 1 rare. The model's P(fractured) is overconfident: 0.5 misses most rare images.
    const label = r() < rare ? 1 : 0;
    const p = Math.min(0.999, Math.max(0.001, (label === 0 ? 0.85 : 0.7) + 0.2 * (r() - 0.5) + 0.1 * (r() - 0.5)));
    labels.push(label);
    probs.push(p, 1 - p);
  }
  return { labels, probs };
}

describe('decision threshold', () => {
  it("maximises sensitivity + specificity exactly as scikit-learn's ROC curve says", (t) => {
    const check = spawnSync(PYTHON, ['-c', 'import sklearn'], { encoding: 'utf8' });
    if (!existsSync(PYTHON) || check.status !== 0) return t.skip('needs scikit-learn: apt-get install -y python3-sklearn');
    for (const seed of [1, 2, 3]) {
      const { labels, probs } = scores(400, seed, 0.08);
      const th = chooseThreshold(labels, probs, 0)!;
      const py = `
import json, sys
from sklearn.metrics import roc_curve
d = json.load(sys.stdin)
fpr, tpr, thr = roc_curve([1 if l == 0 else 0 for l in d['labels']], d['scores'])
j = tpr - fpr
print(json.dumps({'best': float(j.max())}))`;
      const out = spawnSync(PYTHON, ['-c', py], { input: JSON.stringify({ labels, scores: probs.filter((_, i) => i % 2 === 0) }), encoding: 'utf8' });
      assert.equal(out.status, 0, out.stderr);
      const ref = JSON.parse(out.stdout) as { best: number };
      assert.ok(Math.abs(th.valSensitivity + th.valSpecificity - 1 - ref.best) < 1e-12, `ours J=${th.valSensitivity + th.valSpecificity - 1}, sklearn ${ref.best}`);
      // The threshold reproduces the sensitivity and specificity it claims.
      const pos = labels.map((l, i) => ({ l, p: probs[2 * i] }));
      const sens = pos.filter((e) => e.l === 0 && e.p >= th.value).length / pos.filter((e) => e.l === 0).length;
      const spec = pos.filter((e) => e.l === 1 && e.p < th.value).length / pos.filter((e) => e.l === 1).length;
      assert.equal(sens, th.valSensitivity);
      assert.equal(spec, th.valSpecificity);
    }
  });

  it('with a target sensitivity, picks the highest threshold that still reaches it', () => {
    const { labels, probs } = scores(300, 9, 0.3);
    for (const target of [0.5, 0.9, 0.99]) {
      const th = chooseThreshold(labels, probs, 0, target)!;
      assert.equal(th.method, 'target-sensitivity');
      assert.ok(th.valSensitivity >= target);
      const posScores = labels.flatMap((l, i) => (l === 0 ? [probs[2 * i]] : []));
      const above = posScores.filter((p) => p > th.value).sort((a, b) => a - b);
      const next = Math.min(...posScores.filter((p) => p >= th.value));
      // Raising the threshold past the lowest positive it still catches loses the target.
      const sensHigher = posScores.filter((p) => p > next).length / posScores.length;
      assert.ok(sensHigher < target, `a higher threshold also reaches ${target}`);
      assert.ok(above.length <= posScores.length);
    }
    assert.equal(chooseThreshold([0, 0, 0], [0.9, 0.1, 0.8, 0.2, 0.7, 0.3], 0), undefined, 'one class only: no threshold');
  });

  it('the test report decides by the threshold and gives the plain 0.5 figures beside', () => {
    const { labels, probs } = scores(200, 4, 0.1);
    const th = chooseThreshold(labels, probs, 0)!;
    assert.ok(th.value > 0.5, 'the rare class needs a cut above 0.5 here');
    const paths = labels.map((_, i) => `${i}.png`);
    const plain = computeEvalReport({ classes: ['fractured', 'normal'], labels, probabilities: probs, paths, loss: 0 });
    const cut = computeEvalReport({ classes: ['fractured', 'normal'], labels, probabilities: probs, paths, loss: 0, threshold: th });
    assert.equal(plain.threshold, undefined);
    assert.deepEqual(cut.threshold, th);
    assert.deepEqual(cut.atDefault!.confusion, plain.confusion);
    assert.equal(cut.atDefault!.specificity, plain.specificity);
    assert.ok(cut.specificity! > plain.specificity!, `specificity ${cut.specificity} at the threshold vs ${plain.specificity} at 0.5`);
    assert.ok(cut.macroAvg.f1 > plain.macroAvg.f1);
    assert.equal(decide([0.6, 0.4], 0, 2, { positiveClass: 0, value: 0.7 }), 1);
    assert.equal(decide([0.6, 0.4], 0, 2), 0);
  });
});
