// The Runs view's tree, built from real run folders exactly as the view builds it (listRuns and
// readRun answer the training process's ListRuns and GetRun requests).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listRuns, readRun } from '../../src/engine/runs/store';
import type { RunSummary } from '../../src/engine/types';
import { formatDate, runChildren, runNode, sameMinute, sortRuns } from '../../src/views/runs/runsModel';
import type { RunsNode } from '../../src/views/runs/runsModel';
import { menuCommands } from './menus';
import { makeRealRuns } from './realRuns';
import type { RealRuns } from './realRuns';

describe('Runs view tree', () => {
  let runs: RealRuns;
  let summaries: RunSummary[];
  const byFolder = (folder: string): RunSummary => summaries.find((s) => s.folder === folder) as RunSummary;
  const nodes = (active?: string): RunsNode[] => sortRuns(summaries).map((s) => runNode(s, { active: s.folder === active }));

  before(async () => {
    runs = await makeRealRuns();
    summaries = await listRuns(runs.runsFolder);
  });
  after(async () => {
    if (runs) await rm(runs.dir, { recursive: true, force: true });
  });

  it('shows one item per run folder, running first, then newest first', () => {
    const order = nodes().map((n) => n.runFolder);
    assert.equal(order.length, 5);
    assert.equal(order[0], runs.running);
    const rest = sortRuns(summaries).slice(1).map((s) => s.startedAt);
    assert.deepEqual(rest, [...rest].sort().reverse());
  });

  it('labels a completed run with its date, backend, test accuracy and macro F1', () => {
    // As a run without model warnings shows (these tiny runs have some: see below).
    const s = { ...byFolder(runs.completedA), warnings: undefined };
    const n = runNode(s, { active: false });
    assert.equal(n.label, formatDate(s.startedAt));
    assert.match(n.label, /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
    assert.equal(n.description, `acc ${((s.testAccuracy as number) * 100).toFixed(1)}% · F1 ${(s.macroF1 as number).toFixed(2)} · wasm`);
    assert.equal(n.contextValue, 'run.completed');
    assert.equal(n.icon.id, 'pass');
    assert.match(n.tooltip ?? '', /Classes: fractured, normal/);
  });

  it('gives each state its own icon and menu key, and reports a run whose process died as failed', () => {
    const states = Object.fromEntries(nodes().map((n) => [n.runFolder, [n.contextValue, n.icon.id]]));
    assert.deepEqual(states[runs.running], ['run.running', 'sync~spin']);
    assert.deepEqual(states[runs.cancelled], ['run.cancelled', 'circle-slash']);
    assert.deepEqual(states[runs.interrupted], ['run.failed', 'error']);
    assert.deepEqual(states[runs.completedB], ['run.completed', 'warning'], 'a completed run with model warnings');
    assert.equal(runNode({ ...byFolder(runs.completedB), warnings: undefined }, { active: false }).icon.id, 'pass', 'one without');
  });

  it('marks a completed run whose model has warnings: warning icon, the verdict first in its description, the warnings in its tooltip', () => {
    // 16 fractured images in all leave 2 or 3 for the test split: too few to judge the model.
    const s = byFolder(runs.completedA);
    assert.ok(s.warnings?.some((w) => w.code === 'small-test-split'), 'the summary carries the warnings of run.json');
    const n = runNode(s, { active: false });
    assert.deepEqual(n.icon, { id: 'warning', color: 'list.warningForeground' });
    assert.match(n.description ?? '', /^(model not usable|too few test images) · acc /);
    for (const w of s.warnings ?? []) assert.ok(n.tooltip?.includes(w.message), w.code);
    const unusable = runNode({ ...s, warnings: [{ code: 'one-class', message: 'Answers one class.', suggestion: 'Try the default model.' }] }, { active: false });
    assert.match(unusable.description ?? '', /^model not usable · /);
    assert.match(unusable.tooltip ?? '', /\*\*Model not usable:\*\*\n- Answers one class\. Try the default model\./);
  });

  it('marks the active model, and only a completed run can be it', () => {
    const marked = nodes(runs.completedB).filter((n) => n.contextValue === 'run.active');
    assert.deepEqual(
      marked.map((n) => n.runFolder),
      [runs.completedB],
    );
    assert.equal(marked[0].icon.id, 'star-full');
    assert.match(marked[0].description ?? '', /active model/);
    assert.equal(nodes(runs.running).filter((n) => n.contextValue === 'run.active').length, 0);
  });

  it('tells runs started in the same minute apart by their seconds', () => {
    const precise = sameMinute(summaries);
    const a = byFolder(runs.completedA);
    const twins = [
      { ...a, folder: '/r/1', startedAt: '2026-01-01T10:00:05Z' },
      { ...a, folder: '/r/2', startedAt: '2026-01-01T10:00:40Z' },
      { ...a, folder: '/r/3', startedAt: '2026-01-01T10:07:00Z' },
    ];
    assert.deepEqual([...sameMinute(twins)], ['/r/1', '/r/2']);
    for (const s of summaries) {
      const shared = summaries.some((o) => o !== s && formatDate(o.startedAt) === formatDate(s.startedAt));
      assert.equal(precise.has(s.folder), shared);
      const label = runNode(s, { active: false, seconds: precise.has(s.folder) }).label;
      assert.match(label, shared ? /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/ : /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
    }
  });

  it('says which epoch the running training is in', () => {
    const n = runNode(byFolder(runs.running), { active: false, live: { epoch: 3, epochs: 20 } });
    assert.equal(n.description, 'running · epoch 3/20 · wasm');
  });

  it('offers set-active only on completed runs and never offers to delete the running one', () => {
    assert.deepEqual(menuCommands('run.running'), ['fractureCnn.run.openDashboard', 'fractureCnn.run.reveal']);
    assert.deepEqual(menuCommands('run.completed'), ['fractureCnn.run.compare', 'fractureCnn.run.delete', 'fractureCnn.run.openDashboard', 'fractureCnn.run.reveal', 'fractureCnn.run.setActive']);
    assert.deepEqual(menuCommands('run.active'), ['fractureCnn.run.compare', 'fractureCnn.run.delete', 'fractureCnn.run.openDashboard', 'fractureCnn.run.reveal']);
    assert.ok(menuCommands('run.failed').includes('fractureCnn.run.delete'));
    assert.ok(!menuCommands('run.failed').includes('fractureCnn.run.compare'));
  });

  it('lists a completed run\'s report, model summary, confusion matrix and misclassified images, each pointing at a real file', async () => {
    const record = await readRun(runs.completedA);
    const children = runChildren(record, runs.completedA, await readdir(runs.completedA));
    assert.deepEqual(
      children.map((c) => c.label),
      ['Report', 'Model summary', 'Confusion matrix', 'Misclassified images'],
    );
    const [report, summary, confusion, mis] = children;
    assert.equal(report.path, join(runs.completedA, 'report.md'));
    assert.ok(existsSync(report.path as string));
    assert.ok(existsSync(summary.path as string), 'the model summary the engine wrote');
    assert.match(summary.description ?? '', /48×48 gray · [\d,]+ params/);
    assert.equal(confusion.description, '2×2');
    const wrong = record.metrics?.misclassified ?? [];
    assert.equal(mis.description, String(wrong.length));
    assert.equal(mis.children?.length, wrong.length);
    for (const [i, child] of (mis.children ?? []).entries()) {
      assert.equal(child.path, wrong[i].path);
      assert.ok(existsSync(child.path as string));
      assert.match(child.description ?? '', /^(fractured|normal) → (fractured|normal) \(\d+%\)$/);
    }
    assert.equal(mis.collapsible, wrong.length > 0 ? 'collapsed' : 'none');
  });

  it('shows why an interrupted run failed and offers no report for a cancelled one', async () => {
    const failed = runChildren(await readRun(runs.interrupted), runs.interrupted, await readdir(runs.interrupted));
    assert.equal(failed[0].kind, 'message');
    assert.match(failed[0].description ?? '', /Interrupted: the training process \(pid \d+\) is no longer running/);
    const cancelled = runChildren(await readRun(runs.cancelled), runs.cancelled, await readdir(runs.cancelled));
    assert.deepEqual(
      cancelled.map((c) => c.kind),
      ['summary'],
    );
  });
});
