// The dashboard's host-side logic without VS Code: snapshots assembled from run records, the live
// run kept current from training notifications, run selection, throttling, atomic exports.
// The training process is replaced by an in-memory source here (its real JSON-RPC side is
// covered by the server tests and the code-server end-to-end run).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RunRecord, RunSummary } from '../../src/engine/types';
import type { TrainingStateResult } from '../../src/protocol/training';
import type { DashboardState } from '../../src/protocol/webview';
import { DashboardController, type DashboardSource } from '../../src/views/dashboard/controller';
import { exportProblem, writeExport } from '../../src/views/dashboard/exportFile';
import { contentSecurityPolicy, webviewHtml } from '../../src/views/webviewHtml';
import { summarize } from '../../src/views/dashboard/liveRun';
import { isInside } from '../../src/shared/paths';
import { throttle } from '../../src/shared/throttle';
import { batch, completed, history, running } from './dashboardFixtures';

const RUNS = '/ws/.fracture-cnn/runs';
const folder = (r: RunRecord): string => `${RUNS}/${r.id}`;

function harness(opts: { live?: RunRecord; lastBatch?: TrainingStateResult['lastBatch']; records?: RunRecord[]; interval?: number; initial?: string }) {
  let live = opts.live;
  const records = new Map((opts.records ?? [completed]).map((r) => [folder(r), r]));
  const posted: DashboardState[] = [];
  const allowed: string[] = [];
  const source: DashboardSource = {
    listRuns: async () => [...records.values()].map((r) => summarize(r, folder(r))),
    getRun: async (f) => {
      const r = records.get(f);
      if (!r) throw new Error(`ENOENT: ${f}/run.json`);
      return r;
    },
    trainingState: async () => (live ? { running: { ...live, folder: folder(live) }, lastBatch: opts.lastBatch } : {}),
  };
  const controller = new DashboardController(
    source,
    { post: (s) => posted.push(structuredClone(s)), imageUri: (p) => `vscode-resource:${p}`, allowFolder: (f) => allowed.push(f) },
    opts.initial,
    opts.interval ?? 0,
  );
  return {
    controller,
    posted,
    allowed,
    records,
    setLive: (r: RunRecord | undefined) => (live = r),
    last: () => posted.at(-1)!,
  };
}

describe('dashboard host logic', () => {
  it('answers ready with a full snapshot of the running training, its history so far and last batch', async () => {
    const live = { ...running, history: history.slice(0, 3) };
    const h = harness({ live, lastBatch: batch(4, 12) });
    await h.controller.ready();
    const s = h.last();
    assert.equal(s.selectedRunId, running.id);
    assert.equal(s.run?.history.length, 3);
    assert.deepEqual(s.lastBatch, batch(4, 12));
    assert.deepEqual(s.runs.map((r: RunSummary) => [r.id, r.state]), [[running.id, 'running'], [completed.id, 'completed']]);
  });

  it('keeps the live run current from notifications and marks the best epoch so far', async () => {
    const h = harness({ live: running });
    await h.controller.ready();
    for (const m of history.slice(0, 4)) await h.controller.epochEnd(running.id, m);
    await h.controller.epochEnd(running.id, history[3]!); // a repeated notification changes nothing
    const s = h.last();
    assert.deepEqual(s.run?.history.map((m) => m.epoch), [1, 2, 3, 4]);
    assert.equal(s.run?.bestEpoch, 4);
    assert.equal(s.runs[0]?.epochsRun, 4);
  });

  it('shows a run picked by the user with its full record and webview URIs for its mistakes', async () => {
    const h = harness({ live: running });
    await h.controller.ready();
    await h.controller.select(completed.id);
    const s = h.last();
    assert.equal(s.run?.metrics?.accuracy, completed.metrics!.accuracy);
    assert.equal(s.lastBatch, undefined);
    const first = completed.metrics!.misclassified[0]!.path;
    assert.equal(s.imageUris[first], `vscode-resource:${first}`);
    // Thumbnails load from the folders holding the mistakes, not the whole dataset folder run.json names.
    assert.deepEqual(h.allowed.sort(), [`${completed.datasetFolder}/fractured`, `${completed.datasetFolder}/not fractured`]);
  });

  it('switches to a training that starts while the panel is open, and to its report when it ends', async () => {
    const h = harness({ initial: completed.id });
    await h.controller.ready();
    assert.equal(h.last().selectedRunId, completed.id);
    h.setLive(running);
    await h.controller.scanned(running.id, running.dataset!);
    assert.equal(h.last().selectedRunId, running.id);
    const done: RunRecord = { ...completed, id: running.id, startedAt: running.startedAt };
    h.setLive(undefined);
    h.records.set(folder(done), done);
    await h.controller.ended(running.id, { tag: 'completed', run: done });
    const s = h.last();
    assert.equal(s.selectedRunId, running.id);
    assert.equal(s.run?.state, 'completed');
    assert.ok(s.run?.metrics);
  });


  it('moves on to the next fold of a cross-validation as soon as it is announced, live from its start', async () => {
    const fold1: RunRecord = { ...running, fold: { index: 0, count: 2, group: 'cv' } };
    const h = harness({ live: fold1 });
    await h.controller.ready();
    await h.controller.epochEnd(fold1.id, history[0]!);
    const done: RunRecord = { ...completed, id: fold1.id, startedAt: fold1.startedAt, fold: fold1.fold };
    h.setLive(undefined);
    h.records.set(folder(done), done);
    await h.controller.ended(fold1.id, { tag: 'completed', run: done });
    assert.equal(h.last().run?.state, 'completed');
    const fold2: RunRecord = { ...running, id: `${running.id}-2`, history: [], fold: { index: 1, count: 2, group: 'cv' } };
    h.setLive(fold2);
    await h.controller.follow(fold2.id);
    const s = h.last();
    assert.equal(s.selectedRunId, fold2.id, 'the announced fold is shown before any of its epochs');
    assert.equal(s.run?.state, 'running');
    assert.equal(s.run?.history.length, 0, 'the new fold starts with an empty history, not the last fold\'s');
    await h.controller.epochEnd(fold2.id, history[0]!);
    assert.deepEqual(h.last().run?.history.map((m) => m.epoch), [1]);
  });
  it('sends at most one progress snapshot per interval but always the latest batch', async (t) => {
    // Mocked clock: the interval passes exactly when the test says, however busy the machine is.
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000 });
    const h = harness({ live: running, interval: 40 });
    await h.controller.ready();
    const before = h.posted.length;
    const batches = (): (number | undefined)[] => h.posted.slice(before).map((s) => s.lastBatch?.batch);
    for (let b = 1; b <= 30; b++) await h.controller.batch(running.id, batch(1, b));
    assert.deepEqual(batches(), [1], 'the first batch goes out at once, the rest wait for the interval');
    t.mock.timers.tick(39);
    assert.deepEqual(batches(), [1]);
    t.mock.timers.tick(1);
    assert.deepEqual(batches(), [1, 30], 'after the interval, the latest batch and only it');
    for (let b = 31; b <= 35; b++) await h.controller.batch(running.id, batch(1, b));
    t.mock.timers.tick(40);
    assert.deepEqual(batches(), [1, 30, 35]);
    t.mock.timers.tick(400);
    assert.deepEqual(batches(), [1, 30, 35], 'nothing more without new batches');
    h.controller.dispose();
  });

  it('says why a run cannot be shown instead of showing nothing', async () => {
    const h = harness({});
    await h.controller.ready();
    h.records.delete(folder(completed));
    await h.controller.runsChanged();
    await h.controller.select('20250101-000000-dead');
    assert.match(h.last().problem ?? '', /not found/);
  });

  it('opens a run named by its folder (the Runs tree passes folders)', async () => {
    const h = harness({ live: running });
    await h.controller.ready();
    await h.controller.selectTarget({ runFolder: folder(completed) });
    assert.equal(h.last().selectedRunId, completed.id);
  });
});

describe('dashboard host helpers', () => {
  it('writes exports atomically into the run folder and refuses paths and wrong data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dash-export-'));
    try {
      const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');
      const path = await writeExport(dir, { fileName: 'curves.png', kind: 'png', data: png });
      assert.equal(path, join(dir, 'curves.png'));
      assert.deepEqual((await readFile(path)).subarray(0, 4), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      await writeExport(dir, { fileName: 'report.md', kind: 'markdown', data: '# ok' });
      assert.deepEqual((await readdir(dir)).sort(), ['curves.png', 'report.md']);
      assert.match(exportProblem({ fileName: '../x.png', kind: 'png', data: png }) ?? '', /plain file name/);
      assert.match(exportProblem({ fileName: 'x.png', kind: 'png', data: 'aGVsbG8gd29ybGQ=' }) ?? '', /not a PNG/);
      assert.match(exportProblem({ fileName: 'x.md', kind: 'png', data: png }) ?? '', /should end with \.png/);
      await assert.rejects(writeExport(join(dir, 'missing'), { fileName: 'r.md', kind: 'markdown', data: 'x' }), /Could not write .*missing.*r\.md/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('builds the page with a nonce-only CSP: no unsafe-inline, no remote sources', () => {
    const html = webviewHtml({ cspSource: 'https://x.vscode-cdn.net', nonce: 'abc123', scriptUri: 'https://x.vscode-cdn.net/dist/webview/dashboard.js', title: 'D' });
    assert.match(html, /<script nonce="abc123" src="https:\/\/x\.vscode-cdn\.net\/dist\/webview\/dashboard\.js">/);
    assert.doesNotMatch(contentSecurityPolicy('https://x', 'n'), /unsafe|\*/);
    assert.match(contentSecurityPolicy('https://x', 'n'), /^default-src 'none'; img-src https:\/\/x data:; script-src 'nonce-n'; style-src https:\/\/x 'nonce-n'/);
  });

  it('throttle runs the trailing call and flush runs a pending one at once', async () => {
    let calls = 0;
    const t = throttle(() => calls++, 1000);
    t();
    t();
    t();
    assert.equal(calls, 1);
    t.flush();
    assert.equal(calls, 2);
    t.dispose();
  });

  it('tells which folders contain a path', () => {
    assert.ok(isInside('/a/b', '/a/b/c/d.png'));
    assert.ok(isInside('/a/b', '/a/b'));
    assert.ok(!isInside('/a/b', '/a/bc/d.png'));
    assert.ok(!isInside('/a/b', '/a/b/../c'));
  });
});
