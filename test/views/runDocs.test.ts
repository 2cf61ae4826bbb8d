// The documents the Runs view opens (comparison, confusion matrix, model summary), from real runs.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readRun } from '../../src/engine/runs/store';
import type { RunRecord } from '../../src/engine/types';
import { compareMarkdown, confusionMarkdown, layersFromTopology, modelSummaryMarkdown } from '../../src/views/runs/runDocs';
import { makeRealRuns } from './realRuns';
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
});
