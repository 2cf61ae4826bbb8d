// The documents the Runs view opens (comparison, confusion matrix, model summary), from real runs.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readRun } from '../../src/engine/runs/store';
import type { RunRecord } from '../../src/engine/types';
import { compareMarkdown, confusionMarkdown, layersFromTopology, modelSummaryMarkdown } from '../../src/views/runs/runDocs';
import { makeRealRuns } from './realRuns';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delong, mcnemarP } from '../../src/engine/eval/paired';
import { pairedRuns } from '../../src/engine/runs/pairedRuns';
import { binaryPredictions } from '../engine/helpers/predictions';
import { writeRun } from '../engine/helpers/runFolder';
import type { RealRuns } from './realRuns';

/** Rows of the first markdown table, as cell texts. */
function tableRows(md: string): string[][] {
  return md
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|[-:|\s]+\|$/.test(l))
    .map((l) =>
      l
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
}

describe('run documents', () => {
  let runs: RealRuns;
  let a: RunRecord;
  let b: RunRecord;
  before(async () => {
    runs = await makeRealRuns();
    [a, b] = await Promise.all([readRun(runs.completedA), readRun(runs.completedB)]);
  });
  after(async () => {
    if (runs) await rm(runs.dir, { recursive: true, force: true });
  });

  it('compares two runs\' key metrics side by side with the change from the first to the second', () => {
    const rows = Object.fromEntries(tableRows(compareMarkdown(a, b)).map((r) => [r[0], r.slice(1)]));
    const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
    const accA = a.metrics?.accuracy as number;
    const accB = b.metrics?.accuracy as number;
    const d = (accB - accA) * 100;
    assert.deepEqual(rows['Test accuracy'], [pct(accA), pct(accB), `${d >= 0 ? '+' : ''}${d.toFixed(1)} pt`]);
    assert.deepEqual(rows['Macro F1'].slice(0, 2), [a.metrics?.macroAvg.f1.toFixed(3), b.metrics?.macroAvg.f1.toFixed(3)]);
    assert.deepEqual(rows['Learning rate'].slice(0, 2), ['0.001', '0.003']);
    assert.deepEqual(rows['Backend'].slice(0, 2), ['wasm', 'wasm']);
    for (const name of ['F1 fractured', 'F1 normal', 'Misclassified', 'Epochs run', 'Training time']) assert.ok(rows[name], `row ${name}`);
  });

  it('writes the confusion matrix with true classes as rows and the run\'s own counts', () => {
    const m = a.metrics as NonNullable<RunRecord['metrics']>;
    const rows = tableRows(confusionMarkdown(a));
    assert.deepEqual(rows[0].slice(1, 3), ['fractured', 'normal']);
    for (let i = 0; i < 2; i++) {
      const counts = rows[i + 1].slice(1, 3).map((c) => Number(c.replace(/\*/g, '')));
      assert.deepEqual(counts, m.confusion[i]);
    }
  });

  it('summarises the model with the layers of its saved topology', async () => {
    const topology = JSON.parse(await readFile(join(runs.completedA, 'model', 'model.json'), 'utf8'));
    const layers = layersFromTopology(topology);
    assert.ok(layers.some((l) => l.type === 'Conv2D' && /filters 32/.test(l.settings)));
    assert.equal(layers.at(-1)?.type, 'Dense');
    const md = modelSummaryMarkdown(a, layers);
    assert.match(md, new RegExp(`\\| Parameters \\| ${a.modelParams?.toLocaleString('en-US')} \\|`));
    assert.match(md, /\| Input \| 48×48 gray/);
  });

  it('keeps tables intact whatever the class names contain', () => {
    const odd: RunRecord = structuredClone(a);
    (odd.metrics as NonNullable<RunRecord['metrics']>).classes = ['a|b', '<script>x</script>'];
    const rows = tableRows(confusionMarkdown(odd));
    assert.ok(rows.every((r) => r.length === rows[0].length), 'every row has as many cells as the header');
    assert.equal(rows[0][1], 'a\\|b');
    assert.doesNotMatch(confusionMarkdown(odd), /<script>/);
  });

  it('tests whether B beats A with DeLong and McNemar on the same test images, and says why not otherwise', async () => {
    // A real run against itself: the same images, the same answers.
    const self = await pairedRuns(runs.completedA, a, runs.completedA, a);
    const md = compareMarkdown(a, a, self);
    assert.match(md, /## Is B better than A\?/);
    assert.match(md, /\| Accuracy \(McNemar, exact\) \| .* \| 1\.0000 \|/);
    assert.match(md, /0 images only A got right, 0 only B/);
    if (a.metrics?.roc) assert.match(md, /\| ROC AUC \(DeLong\) \| .* \+0\.000 .* \| 1\.0000 \|/);

    // Two simulated runs on the same 200 images, B's scores better separated.
    const dir = await mkdtemp(join(tmpdir(), 'fcnn-paired-'));
    try {
      const pa = binaryPredictions(200, 60, 1, 0.1);
      const pb = { ...binaryPredictions(200, 60, 1, 0.3), paths: pa.paths };
      const [ra, rb] = [await writeRun(join(dir, 'a'), pa, undefined, 'ra'), await writeRun(join(dir, 'b'), pb, undefined, 'rb')];
      const paired = await pairedRuns(join(dir, 'a'), ra, join(dir, 'b'), rb);
      assert.ok('images' in paired && paired.delong, JSON.stringify(paired));
      const isPos = Array.from(pa.labels, (l) => l === 0);
      const ref = delong(isPos, Array.from(pa.labels, (_, i) => pa.probabilities[i * 2]), Array.from(pb.labels, (_, i) => pb.probabilities[i * 2]))!;
      assert.equal(paired.delong.p, ref.p);
      assert.ok(paired.delong.p < 0.001, `B's better AUC is significant (p ${paired.delong.p})`);
      const right = (p: typeof pa, i: number) => (p.probabilities[i * 2] >= p.probabilities[i * 2 + 1] ? 0 : 1) === p.labels[i];
      const onlyA = pa.paths.filter((_, i) => right(pa, i) && !right(pb, i)).length;
      const onlyB = pa.paths.filter((_, i) => !right(pa, i) && right(pb, i)).length;
      assert.deepEqual([paired.mcnemar.onlyA, paired.mcnemar.onlyB], [onlyA, onlyB]);
      assert.equal(paired.mcnemar.p, mcnemarP(onlyA, onlyB));
      const text = compareMarkdown(ra, rb, paired);
      assert.ok(text.includes(`| ROC AUC (DeLong) | ${ref.aucA.toFixed(3)} | ${ref.aucB.toFixed(3)} | +${ref.difference.toFixed(3)}`), text);

      // Another test split: no paired tests, and the reason.
      const other = await writeRun(join(dir, 'c'), binaryPredictions(150, 50, 2), undefined, 'rc');
      const unpaired = await pairedRuns(join(dir, 'a'), ra, join(dir, 'c'), other);
      assert.match(compareMarkdown(ra, other, unpaired), /No paired tests: the test splits hold 200 and 150 images\. They need both runs tested on the same images/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
