// The Runs view groups a cross-validation: built from real run folders as the view builds them.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCrossValidation } from '../../src/engine/runs/crossValidation';
import { listRuns } from '../../src/engine/runs/store';
import type { RunSummary } from '../../src/engine/types';
import { crossValidationNode, foldRunNode, groupFolds } from '../../src/views/runs/foldGroups';
import { sortRuns } from '../../src/views/runs/runsModel';
import { writeTinyDataset } from '../engine/runs-fixtures';

describe('Runs view: cross-validation', () => {
  let dir: string;
  let runs: RunSummary[];
  let summaryId: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fcnn-cvview-'));
    await writeTinyDataset(join(dir, 'data'), { perClass: 8, size: 32 });
    const config = { model: 'seed', imageSize: 24, epochs: 1, batchSize: 8, backend: 'wasm', workers: 1, bootstrapResamples: 0 } as const;
    const out = await runCrossValidation({ datasetFolder: join(dir, 'data'), runsFolder: join(dir, 'runs'), cacheDir: join(dir, 'cache'), config: { ...config, folds: 3 } });
    assert.equal(out.tag, 'completed', out.message);
    summaryId = out.summary!.id;
    runs = sortRuns(await listRuns(join(dir, 'runs')));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('shows the summary as one item with its report and the fold runs, in fold order, as children', () => {
    assert.equal(runs.length, 4);
    const entries = groupFolds(runs);
    assert.equal(entries.length, 1, 'the three folds sit under their summary, not beside it');
    const entry = entries[0];
    assert.ok('summary' in entry);
    const node = crossValidationNode(entry.summary, entry.folds, {});
    const acc = entry.summary.crossValidation!.figures.find((f) => f.name === 'accuracy')!;
    assert.match(node.description!, /^3-fold cross-validation · acc /);
    assert.ok(node.description!.includes(`${(acc.mean * 100).toFixed(1)}% ± ${(acc.sd! * 100).toFixed(1)}%`), node.description);
    assert.equal(node.contextValue, 'cvSummary', 'no model menus (predict, use as active) on a summary');
    const kids = node.children!;
    assert.equal(kids[0].kind, 'report');
    assert.deepEqual(kids.slice(1).map((k) => k.description!.split(' · ')[0]), ['fold 1/3', 'fold 2/3', 'fold 3/3']);
    assert.deepEqual(kids.slice(1).map((k) => k.runId), entry.summary.crossValidation!.runIds);
    // Fold order, whatever order the runs were listed in.
    for (const listed of [[...runs].reverse(), [runs[2], runs[0], runs[3], runs[1]]]) {
      const again = groupFolds(listed)[0];
      assert.ok('summary' in again);
      assert.deepEqual(again.folds.map((f) => f.id), entry.summary.crossValidation!.runIds);
    }
  });

  it('labels a fold whose summary is not there yet (still running) on its own', () => {
    const withoutSummary = runs.filter((r) => r.id !== summaryId);
    const entries = groupFolds(withoutSummary);
    assert.equal(entries.length, 3);
    const labels = entries.map((e) => ('run' in e ? foldRunNode(e.run, { active: false }).description!.split(' · ')[0] : 'summary'));
    assert.deepEqual([...labels].sort(), ['fold 1/3', 'fold 2/3', 'fold 3/3']);
  });
});
