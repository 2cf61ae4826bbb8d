import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadDataset } from '../../src/engine/data/load';
import { runCrossValidation } from '../../src/engine/runs/crossValidation';
import { latestCompletedRun, listRuns, readRun } from '../../src/engine/runs/store';
import type { RunRecord } from '../../src/engine/types';
import { writeTinyDataset } from './runs-fixtures';

const TINY = { model: 'seed', imageSize: 24, epochs: 1, batchSize: 8, backend: 'wasm', workers: 1, bootstrapResamples: 0 } as const;

describe('k-fold cross-validation', () => {
  let dir: string;
  let data: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fcnn-kfold-'));
    data = join(dir, 'data');
    await writeTinyDataset(data, { perClass: 10, size: 32 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('splits into K stratified test folds that are disjoint and cover every image once', async () => {
    const K = 4;
    const seen = new Map<string, number>();
    let all = 0;
    for (let index = 0; index < K; index++) {
      const d = await loadDataset(data, { imageSize: 24, valFraction: 0.15, testFraction: 0.15, seed: 7, cacheDir: join(dir, 'cache'), fold: { index, count: K } });
      all = d.train.size + d.val.size + d.test.size;
      assert.equal(all, 20, 'every image is in train, val or test of each fold');
      const inFold = new Set([...d.train.paths, ...d.val.paths, ...d.test.paths]);
      assert.equal(inFold.size, 20, 'train, val and test of one fold do not overlap');
      for (const p of d.test.paths) seen.set(p, (seen.get(p) ?? 0) + 1);
      // 10 images of each class in 4 folds: 2 or 3 of each class in each test fold.
      for (const c of [0, 1]) {
        const n = [...d.test.labels].filter((l) => l === c).length;
        assert.ok(n === 2 || n === 3, `fold ${index} holds ${n} images of class ${c}`);
      }
      assert.ok(d.val.size > 0, 'validation is taken from the rest');
    }
    assert.equal(seen.size, all, 'the test folds together cover every image');
    assert.ok([...seen.values()].every((n) => n === 1), 'no image is in two test folds');
  });

  it('keeps a group of images in one fold', async () => {
    // folder:1 puts the first three images of each class in one group by path.
    const grouped = join(dir, 'grouped');
    await writeTinyDataset(grouped, { perClass: 10, size: 32 });
    for (const cls of ['fractured', 'not fractured']) {
      const files = (await readdir(join(grouped, cls))).sort().slice(0, 3);
      await mkdir(join(grouped, cls, 'patient1'));
      for (const f of files) await rename(join(grouped, cls, f), join(grouped, cls, 'patient1', f));
    }
    const K = 4;
    for (let index = 0; index < K; index++) {
      const d = await loadDataset(grouped, { imageSize: 24, valFraction: 0.15, testFraction: 0.15, seed: 7, cacheDir: join(dir, 'cache'), pathGroups: 'folder:1', fold: { index, count: K } });
      for (const cls of ['fractured', 'not fractured']) {
        const inTest = d.test.paths.filter((p) => p.startsWith(join(grouped, cls, 'patient1'))).length;
        assert.ok(inTest === 0 || inTest === 3, `fold ${index}: ${inTest} of the 3 grouped ${cls} images in test`);
      }
    }
  });

  it('refuses a folder with train/val/test folders, writing nothing', async () => {
    const presplit = join(dir, 'presplit');
    await writeTinyDataset(join(presplit, 'train'), { perClass: 6, size: 32 });
    await writeTinyDataset(join(presplit, 'test'), { perClass: 3, size: 32, seed: 9 });
    const runsFolder = join(dir, 'presplit-runs');
    const out = await runCrossValidation({ datasetFolder: presplit, runsFolder, cacheDir: join(dir, 'cache'), config: { ...TINY, folds: 3 } });
    assert.equal(out.tag, 'failed');
    assert.equal(out.kind, 'config');
    assert.match(out.message ?? '', /train\/val\/test folders/);
    assert.equal(out.summary, undefined);
    assert.deepEqual(existsSync(runsFolder) ? await readdir(runsFolder) : [], []);
  });

  it('trains one run per fold and a summary with the mean and sample sd of each figure', async () => {
    const runsFolder = join(dir, 'runs');
    const out = await runCrossValidation({ datasetFolder: data, runsFolder, cacheDir: join(dir, 'cache'), config: { ...TINY, folds: 3 } });
    assert.equal(out.tag, 'completed', out.message);
    const summary = await readRun(out.folder!);
    assert.equal(summary.state, 'completed');
    assert.equal(summary.kind, 'cv-summary');
    const cv = summary.crossValidation!;
    assert.equal(cv.folds, 3);
    assert.equal(cv.runIds.length, 3);
    const folds: RunRecord[] = [];
    for (const [k, id] of cv.runIds.entries()) {
      const r = await readRun(join(runsFolder, id));
      assert.equal(r.state, 'completed');
      assert.deepEqual(r.fold, { index: k, count: 3, group: summary.id });
      folds.push(r);
    }
    const expect = (values: number[]) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return { mean, sd: Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) };
    };
    const byName = new Map(cv.figures.map((f) => [f.name, f]));
    const wanted: Record<string, (r: RunRecord) => number | undefined> = {
      accuracy: (r) => r.metrics!.accuracy,
      macroF1: (r) => r.metrics!.macroAvg.f1,
      rocAuc: (r) => r.metrics!.roc?.auc,
      sensitivity: (r) => r.metrics!.sensitivity,
      specificity: (r) => r.metrics!.specificity,
      kappa: (r) => r.metrics!.kappa,
    };
    for (const [name, of] of Object.entries(wanted)) {
      const values = folds.map(of) as number[];
      const f = byName.get(name);
      assert.ok(f, `summary has ${name}`);
      assert.deepEqual(f.values, values);
      const e = expect(values);
      assert.ok(Math.abs(f.mean - e.mean) < 1e-12, `${name} mean ${f.mean} vs ${e.mean}`);
      assert.ok(Math.abs(f.sd! - e.sd) < 1e-12, `${name} sd ${f.sd} vs ${e.sd}`);
    }
    const report = await readFile(join(out.folder!, 'report.md'), 'utf8');
    for (const id of cv.runIds) assert.ok(report.includes(id), `report lists fold run ${id}`);
    const acc = byName.get('accuracy')!;
    assert.ok(report.includes(`${acc.mean.toFixed(3)} ± ${acc.sd!.toFixed(3)}`), 'report gives accuracy mean ± sd');
    // The summary has no model: it is never the run predict or the editor pick as the latest model.
    const alone = join(dir, 'summary-alone');
    await cp(out.folder!, join(alone, summary.id), { recursive: true });
    assert.equal((await listRuns(alone))[0].state, 'completed');
    assert.equal(await latestCompletedRun(alone), undefined);
    assert.equal((await listRuns(runsFolder)).length, 4);
  });

  it('stops on cancel during a fold: that fold is marked cancelled, no later fold runs, the summary says cancelled', async () => {
    const runsFolder = join(dir, 'cancel-runs');
    const controller = new AbortController();
    const out = await runCrossValidation({
      datasetFolder: data,
      runsFolder,
      cacheDir: join(dir, 'cache'),
      config: { ...TINY, folds: 3 },
      signal: controller.signal,
      callbacks: { onStart: (_id, _folder, record) => record.fold?.index === 1 && controller.abort() },
    });
    assert.equal(out.tag, 'cancelled');
    const summary = await readRun(out.folder!);
    assert.equal(summary.state, 'cancelled');
    const cv = summary.crossValidation!;
    assert.equal(cv.runIds.length, 2);
    assert.equal(cv.completed, 1);
    assert.equal((await readRun(join(runsFolder, cv.runIds[0]))).state, 'completed');
    const second = await readRun(join(runsFolder, cv.runIds[1]));
    assert.equal(second.state, 'cancelled');
    assert.ok(!existsSync(join(runsFolder, cv.runIds[1], 'model')), 'a cancelled fold keeps no model');
    assert.equal((await listRuns(runsFolder)).length, 3, 'two folds and the summary; the third fold never started');
    assert.ok(cv.figures.length > 0 && cv.figures.every((f) => f.values.length === 1 && f.sd === null));
  });
});
