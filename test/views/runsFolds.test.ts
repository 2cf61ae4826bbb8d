// The Runs view groups a cross-validation: built from real run folders as the view builds them.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCrossValidation } from '../../src/engine/runs/crossValidation';
import { runTraining } from '../../src/engine/runs/pipeline';
import { listRuns } from '../../src/engine/runs/store';
import type { RunSummary } from '../../src/engine/types';
import { crossValidationNode, foldRunNode, groupFolds } from '../../src/views/runs/foldGroups';
import { deletePlan } from '../../src/views/runs/deletePlan';
import { sortRuns } from '../../src/views/runs/runsModel';
import { writeTinyDataset } from '../engine/runs-fixtures';
import { menuCommands } from './menus';

describe('Runs view: cross-validation', () => {
  let dir: string;
  let runs: RunSummary[];
  let summaryId: string;
  let single: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fcnn-cvview-'));
    await writeTinyDataset(join(dir, 'data'), { perClass: 8, size: 32 });
    const config = { model: 'seed', imageSize: 24, epochs: 1, batchSize: 8, backend: 'wasm', workers: 1, bootstrapResamples: 0 } as const;
    const out = await runCrossValidation({ datasetFolder: join(dir, 'data'), runsFolder: join(dir, 'runs'), cacheDir: join(dir, 'cache'), config: { ...config, folds: 3 } });
    assert.equal(out.tag, 'completed', out.message);
    summaryId = out.summary!.id;
    // An ordinary run beside the cross-validation, in the same runs folder.
    const alone = await runTraining({ datasetFolder: join(dir, 'data'), runsFolder: join(dir, 'runs'), cacheDir: join(dir, 'cache'), config });
    assert.equal(alone.tag, 'completed');
    single = alone.folder!;
    runs = sortRuns((await listRuns(join(dir, 'runs'))).filter((r) => r.folder !== single));
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

  it('gives the summary item a menu of its own: Open Report (also inline), Reveal and Delete; no model commands', () => {
    const entry = groupFolds(runs)[0];
    assert.ok('summary' in entry);
    const node = crossValidationNode(entry.summary, entry.folds, {});
    assert.deepEqual(menuCommands(node.contextValue!, 'menu'), ['fractureCnn.openReport', 'fractureCnn.run.delete', 'fractureCnn.run.reveal']);
    assert.deepEqual(menuCommands(node.contextValue!, 'inline'), ['fractureCnn.openReport']);
    assert.ok(existsSync(join(node.runFolder, 'report.md')), 'Open Report, given the item, opens the summary\'s report.md');
    // Its fold runs keep the menu of any completed run.
    const fold = node.children![1];
    assert.equal(fold.contextValue, 'run.completed');
    assert.deepEqual(menuCommands(fold.contextValue!), menuCommands('run.completed'));
    assert.ok(menuCommands('run.completed').includes('fractureCnn.run.setActive'));
  });

  it('deleting the summary asks about it and its fold runs, and deletes exactly those: other runs are kept', async () => {
    const listed = sortRuns(await listRuns(join(dir, 'runs')));
    const entry = groupFolds(listed).find((e) => 'summary' in e);
    assert.ok(entry && 'summary' in entry);
    const node = crossValidationNode(entry.summary, entry.folds, {});
    const plan = deletePlan(node, listed);
    const foldFolders = entry.summary.crossValidation!.runIds.map((id) => join(dir, 'runs', id));
    assert.deepEqual(plan.folders, [...foldFolders, node.runFolder], 'the fold runs, then the summary last');
    assert.match(plan.question, /^Delete the 3-fold cross-validation .* and its 3 fold runs\?$/);
    assert.ok(plan.detail.includes(node.runFolder) && plan.detail.includes('Other runs are kept'), plan.detail);
    for (const id of entry.summary.crossValidation!.runIds) assert.ok(plan.detail.includes(id), `the question names fold run ${id}`);
    assert.ok(!plan.folders.includes(single));

    // Carried out on a copy, as the command does folder by folder: only the ordinary run is left.
    const copy = join(dir, 'copy');
    await cp(join(dir, 'runs'), copy, { recursive: true });
    for (const folder of plan.folders) await rm(join(copy, folder.slice(join(dir, 'runs').length)), { recursive: true });
    assert.deepEqual((await listRuns(copy)).map((r) => r.id), [listed.find((r) => r.folder === single)!.id]);

    // A fold run deleted on its own is just that run; so is an ordinary run.
    const foldPlan = deletePlan(node.children![1], listed);
    assert.deepEqual(foldPlan.folders, [foldFolders[0]]);
    assert.match(foldPlan.question, /^Delete run /);
    assert.deepEqual(deletePlan({ runId: 'x', runFolder: single, summary: listed.find((r) => r.folder === single) }, listed).folders, [single]);
    assert.deepEqual((await readdir(join(dir, 'runs'))).length, 5, 'the plan itself deletes nothing');
  });
});
