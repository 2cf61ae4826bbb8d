import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gaussian, makeRng } from '../../src/engine/data/rng';
import { delong, mcnemarP, pairedComparison } from '../../src/engine/eval/paired';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, 'reference', 'paired_tests.py');

/** Two models' P(positive) on the same images: B's scores are A's plus noise, rounded so ties occur. */
function twoModels(m: number, n: number, seed: number) {
  const rng = makeRng(seed);
  const positive = Array.from({ length: m + n }, (_, i) => (i % 3 === 0 && i / 3 < m ? 1 : 0));
  while (positive.filter(Boolean).length < m) positive[positive.indexOf(0)] = 1;
  const a = positive.map((y) => Math.round(100 / (1 + Math.exp(-(y * 1.2 + gaussian(rng))))) / 100);
  const b = a.map((s, i) => Math.round(100 * Math.min(1, Math.max(0, s + 0.12 * gaussian(rng) + (positive[i] ? 0.05 : -0.05)))) / 100);
  return { positive, a, b };
}

describe('paired tests of two runs on the same test images', () => {
  it("match an independent implementation (Sun and Xu's fast DeLong, scipy's binomial test)", (t) => {
    const check = spawnSync(PYTHON, ['-c', 'import scipy'], { encoding: 'utf8' });
    if (!existsSync(PYTHON) || check.status !== 0) return t.skip('needs scipy: apt-get install -y python3-scipy');
    for (const [m, n, seed] of [
      [40, 120, 1],
      [15, 314, 2],
    ] as const) {
      const { positive, a, b } = twoModels(m, n, seed);
      const predA = a.map((s) => (s >= 0.5 ? 1 : 0));
      const predB = b.map((s) => (s >= 0.5 ? 1 : 0));
      const labels = positive;
      const paths = positive.map((_, i) => `img${i}.png`);
      // B's rows in another order: pairing goes by path.
      const perm = paths.map((_, i) => i).reverse();
      const cmp = pairedComparison(
        { paths, labels, predicted: predA, scores: a },
        { paths: perm.map((i) => paths[i]), labels: perm.map((i) => labels[i]), predicted: perm.map((i) => predB[i]), scores: perm.map((i) => b[i]) },
        1,
      );
      assert.ok('images' in cmp, JSON.stringify(cmp));
      const py = spawnSync(PYTHON, [SCRIPT, JSON.stringify({ positive, a, b, onlyA: cmp.mcnemar.onlyA, onlyB: cmp.mcnemar.onlyB })], { encoding: 'utf8' });
      assert.equal(py.status, 0, py.stderr);
      const ref = JSON.parse(py.stdout) as { aucA: number; aucB: number; z: number; p: number; mcnemar: number };
      const d = cmp.delong!;
      assert.ok(Math.abs(d.aucA - ref.aucA) < 1e-12 && Math.abs(d.aucB - ref.aucB) < 1e-12, `AUCs ${d.aucA}, ${d.aucB} vs ${ref.aucA}, ${ref.aucB}`);
      assert.ok(Math.abs(d.z - ref.z) < 1e-9, `z ${d.z} vs ${ref.z}`);
      assert.ok(Math.abs(d.p - ref.p) <= 1e-6 * Math.max(ref.p, 1e-3), `DeLong p ${d.p} vs ${ref.p}`);
      assert.ok(Math.abs(cmp.mcnemar.p - ref.mcnemar) < 1e-12, `McNemar p ${cmp.mcnemar.p} vs ${ref.mcnemar}`);
      // By hand: the discordant counts.
      const onlyA = predA.filter((p, i) => p === labels[i] && predB[i] !== labels[i]).length;
      assert.equal(cmp.mcnemar.onlyA, onlyA);
    }
  });

  it('gives the textbook values: McNemar on 3 vs 12 discordant pairs, identical models, and unpaired test sets', () => {
    // Exact binomial: P(X <= 3 | 15, 1/2) = (1 + 15 + 105 + 455) / 32768; two-sided doubles it.
    assert.ok(Math.abs(mcnemarP(3, 12) - (2 * 576) / 32768) < 1e-15);
    assert.equal(mcnemarP(0, 0), 1);
    assert.equal(mcnemarP(7, 7), 1);
    const same = delong([true, true, false, false, true], [0.9, 0.4, 0.3, 0.5, 0.8], [0.9, 0.4, 0.3, 0.5, 0.8])!;
    assert.equal(same.difference, 0);
    assert.equal(same.p, 1);
    const a = { paths: ['x', 'y'], labels: [0, 1], predicted: [0, 1] };
    assert.deepEqual(pairedComparison(a, { ...a, paths: ['x', 'z'] }), { notPaired: "y is in A's test split only" });
    assert.deepEqual(pairedComparison(a, { ...a, labels: [1, 1] }), { notPaired: 'x has a different true class in the two runs' });
    assert.deepEqual(pairedComparison(a, { paths: ['x'], labels: [0], predicted: [0] }), { notPaired: 'the test splits hold 2 and 1 images' });
  });
});
