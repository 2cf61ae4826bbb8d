import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadModel } from '../../src/engine/model/io';
import { runTraining, type PipelineOptions } from '../../src/engine/runs/pipeline';
import { RUN_ID_PATTERN, newRunId } from '../../src/engine/runs/runId';
import { computeEvalReport } from '../../src/engine/eval/metrics';
import { modelWarnings } from '../../src/engine/eval/health';
import { reportMarkdown } from '../../src/engine/runs/reportMarkdown';
import { latestCompletedRun, listRuns, readRun } from '../../src/engine/runs/store';
import type { RunRecord } from '../../src/engine/types';
import { resolveConfig } from '../../src/engine/config';
import { parseCsv } from '../../src/engine/eval/predictionsCsv';
import { writeTinyDataset } from './runs-fixtures';
import { useThreshold } from '../../src/engine/runs/useThreshold';
import { PredictorCache } from '../../src/server/predictorCache';
import { nativeKernels } from '../../src/engine/backend/native';

const TINY = { model: 'seed', imageSize: 24, epochs: 2, batchSize: 8, backend: 'wasm', workers: 1, patience: 5 } as const;

function record(id: string, state: RunRecord['state'], extra: Partial<RunRecord> = {}): RunRecord {
  return { id, state, startedAt: id.slice(0, 19), datasetFolder: '/data', config: resolveConfig(), backend: 'wasm', history: [], ...extra };
}

describe('run folders', () => {
  let dir: string;
  let data: string;
  const opts = (over: Partial<PipelineOptions> = {}): PipelineOptions => ({
    datasetFolder: data,
    runsFolder: join(dir, 'runs'),
    cacheDir: join(dir, 'cache'),
    config: TINY,
    ...over,
  });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fcnn-runs-'));
    data = join(dir, 'data');
    await writeTinyDataset(data, { perClass: 12, size: 32 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('names runs so that sorting by name sorts by start time', () => {
    const a = newRunId(new Date('2026-01-02T03:04:05Z'));
    const b = newRunId(new Date('2026-01-02T03:04:06Z'));
    assert.match(a, RUN_ID_PATTERN);
    assert.ok(a.startsWith('2026-01-02T03-04-05-'));
    assert.ok(a < b);
  });

  it('writes a completed run folder with the model, reports and run.json, which loads back', async () => {
    const started: string[] = [];
    const epochs: number[] = [];
    let whileRunning: RunRecord | undefined;
    const outcome = await runTraining(
      opts({
        callbacks: {
          onStart: (id, folder) => {
            started.push(id);
            whileRunning = JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8'));
          },
          onEpoch: (m) => epochs.push(m.epoch),
        },
      }),
    );
    assert.equal(outcome.tag, 'completed', outcome.tag === 'failed' ? outcome.message : '');
    const run = outcome.run;
    assert.deepEqual(started, [run.id]);
    assert.equal(whileRunning?.state, 'running', 'run.json says running while training');
    assert.equal(whileRunning?.pid, process.pid);
    assert.deepEqual(epochs, [1, 2]);
    const folder = join(dir, 'runs', run.id);
    assert.deepEqual((await readdir(folder)).sort(), [
      'classification_report.txt',
      'model',
      'model_summary.txt',
      'predictions.csv',
      'report.md',
      'run.json',
      'training_time.txt',
    ]);
    const saved = await readRun(folder);
    assert.equal(saved.state, 'completed');
    assert.equal(saved.pid, undefined);
    assert.deepEqual(saved.dataset?.classes, ['fractured', 'not fractured']);
    assert.equal(saved.history.length, 2);
    assert.equal(saved.metrics?.confusion.flat().reduce((a, b) => a + b, 0), saved.dataset!.counts.test.reduce((a, b) => a + b, 0));
    assert.equal(saved.metrics?.roc?.positiveClass, 0, '"fractured" is the positive class, "not fractured" is not');
    assert.ok(saved.timings && saved.timings.totalSeconds > 0);
    // Which kernels trained it: the native ones when npm install built them (a 3x difference in time).
    assert.match(saved.kernels ?? '', nativeKernels() ? /^native (avx2\+fma|generic)$/ : /^WebAssembly$/);
    const report = await readFile(join(folder, 'report.md'), 'utf8');
    assert.match(report, new RegExp(`per epoch\\) on wasm with ${saved.kernels!.replace('+', '\\+')} kernels`));
    for (const part of ['## Dataset', '## Training curves', '## Test split', 'precision    recall  f1-score   support', 'ROC AUC', '## Timings']) {
      assert.ok(report.includes(part), `report.md has ${part}`);
    }
    // 12 images a class leave 2 each for the test split: the run says it cannot judge the model.
    assert.ok(saved.metrics?.warnings?.some((w) => w.code === 'small-test-split'), 'the run carries its model warnings');
    assert.match(report, /## Warning: (too few test images to judge this model|this model is not usable as it stands)/);
    assert.ok(report.indexOf('## Warning') < report.indexOf('## Dataset'), 'the warning comes before the details');
    assert.match(await readFile(join(folder, 'classification_report.txt'), 'utf8'), /weighted avg/);
    const [header, ...rows] = parseCsv(await readFile(join(folder, 'predictions.csv'), 'utf8'));
    assert.deepEqual(header, ['path', 'split', 'true', 'p_fractured', 'p_not fractured', 'predicted', 'group']);
    const counts = saved.dataset!.counts;
    assert.equal(rows.filter((r) => r[1] === 'val').length, counts.val.reduce((a, b) => a + b, 0));
    const testRows = rows.filter((r) => r[1] === 'test');
    const classes = saved.metrics!.classes;
    const fromCsv = classes.map((t) => classes.map((p) => testRows.filter((r) => r[2] === t && r[5] === p).length));
    assert.deepEqual(fromCsv, saved.metrics!.confusion, 'the test rows give the report\'s confusion matrix');
    for (const r of rows) {
      assert.ok(r[0].startsWith(`${r[2]}/`), `${r[0]} is relative to the dataset folder`);
      assert.ok(Math.abs(Number(r[3]) + Number(r[4]) - 1) < 1e-5, 'probabilities sum to 1');
    }
    assert.match(await readFile(join(folder, 'model_summary.txt'), 'utf8'), /Total params/);
    assert.match(await readFile(join(folder, 'training_time.txt'), 'utf8'), /per epoch/);
    const { model, metadata } = await loadModel(join(folder, 'model'));
    assert.deepEqual(metadata?.classes, ['fractured', 'not fractured']);
    model.dispose();
    assert.equal((await latestCompletedRun(join(dir, 'runs')))?.id, run.id);

    // A threshold stored later (the dashboard's "Use this threshold") reaches predict and Classify X-ray, even from a loaded model.
    const cache = new PredictorCache();
    const first = await cache.get(folder);
    await useThreshold(folder, 0.42);
    const second = await cache.get(folder);
    assert.notEqual(second.predictor, first.predictor, 'the cached model is reloaded');
    assert.deepEqual(second.predictor.threshold, { positiveClass: 0, value: 0.42 });
    cache.drop();
  });

  it('marks a cancelled run cancelled and leaves no model in it', async () => {
    const controller = new AbortController();
    const outcome = await runTraining(opts({ signal: controller.signal, callbacks: { onBatch: () => controller.abort() } }));
    assert.equal(outcome.tag, 'cancelled');
    const folder = join(dir, 'runs', outcome.run.id);
    const saved = await readRun(folder);
    assert.equal(saved.state, 'cancelled');
    assert.ok(!existsSync(join(folder, 'model')));
    assert.ok(!existsSync(join(folder, 'report.md')));
  });

  it('marks the run failed with the error when training throws, never leaving it "running"', async () => {
    const outcome = await runTraining(
      opts({
        callbacks: {
          onEpoch: () => {
            throw new Error('disk on fire');
          },
        },
      }),
    );
    assert.equal(outcome.tag, 'failed');
    assert.match(outcome.tag === 'failed' ? outcome.message : '', /disk on fire/);
    const saved = await readRun(join(dir, 'runs', outcome.run!.id));
    assert.equal(saved.state, 'failed');
    assert.match(saved.error ?? '', /disk on fire/);
    assert.ok(!existsSync(join(dir, 'runs', saved.id, 'model')));
  });

  it('fails with a dataset error and makes no run folder when the dataset folder is missing', async () => {
    const before = await readdir(join(dir, 'runs'));
    const outcome = await runTraining(opts({ datasetFolder: join(dir, 'nowhere') }));
    assert.equal(outcome.tag, 'failed');
    assert.equal(outcome.kind, 'dataset');
    assert.match(outcome.tag === 'failed' ? outcome.message : '', /nowhere/);
    assert.deepEqual(await readdir(join(dir, 'runs')), before);
  });

  it('lists runs newest first and reports a "running" run whose process is gone as failed', async () => {
    const runs = join(dir, 'listed');
    const put = async (r: RunRecord) => {
      await mkdir(join(runs, r.id), { recursive: true });
      await writeFile(join(runs, r.id, 'run.json'), JSON.stringify(r));
    };
    await put(record('2026-01-01T00-00-00-aaa', 'completed'));
    await put(record('2026-01-03T00-00-00-ccc', 'running', { pid: 2 ** 22 + 12345 }));
    await put(record('2026-01-02T00-00-00-bbb', 'running', { pid: process.pid }));
    await mkdir(join(runs, 'not-a-run'));
    const list = await listRuns(runs);
    assert.deepEqual(
      list.map((r) => [r.id, r.state]),
      [
        ['2026-01-03T00-00-00-ccc', 'failed'],
        ['2026-01-02T00-00-00-bbb', 'running'],
        ['2026-01-01T00-00-00-aaa', 'completed'],
      ],
    );
    assert.match((await readRun(join(runs, '2026-01-03T00-00-00-ccc'))).error ?? '', /no longer running/);
    assert.equal((await latestCompletedRun(runs))?.id, '2026-01-01T00-00-00-aaa');
    assert.deepEqual(await listRuns(join(dir, 'absent')), []);
  });

  it('opens report.md with a warning when the model answers one class for everything, and flags such runs recorded before warnings existed', async () => {
    // The seed's failure: 108 fractured and 219 normal test images, every one called fractured.
    const labels = [...Array<number>(108).fill(0), ...Array<number>(219).fill(1)];
    const metrics = computeEvalReport({
      classes: ['fractured', 'not fractured'],
      labels,
      probabilities: labels.flatMap((_, i) => [0.6 + (i % 7) * 0.01, 0.4 - (i % 7) * 0.01]),
      paths: labels.map((_, i) => `img${i}.png`),
      loss: 0.69,
    });
    const run = record('2026-11-29T20-00-00-abcd', 'completed', { metrics, dataset: undefined });
    const md = reportMarkdown(run);
    const at = md.indexOf('## Warning: this model is not usable as it stands');
    assert.ok(at > 0 && at < md.indexOf('## Configuration') && at < md.indexOf('## Test split'), 'near the top');
    assert.ok(md.includes('- **The model answered "fractured" for 327 of 327 test images (100.0%)'));
    assert.ok(md.includes('Try: Train again with the default model (setting fractureCnn.model)'));
    assert.ok(!reportMarkdown(record('2026-11-29T20-00-01-abcd', 'completed')).includes('## Warning'), 'no section without warnings');

    // A run.json written before metrics carried warnings gets them when read.
    const { warnings, ...old } = metrics;
    assert.ok(warnings?.length);
    const folder = join(dir, 'old-runs', run.id);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'run.json'), JSON.stringify({ ...run, metrics: old }));
    // Its advice leaves out what the run's own settings already had.
    assert.deepEqual((await readRun(folder)).metrics?.warnings, modelWarnings(metrics, run.config));
    assert.deepEqual(modelWarnings(metrics, run.config).map((w) => w.message), warnings.map((w) => w.message));
    const [summary] = await listRuns(join(dir, 'old-runs'));
    assert.deepEqual(summary.warnings?.map((w) => w.code), ['one-class', 'chance-auc', 'class-never-found', 'below-majority']);
  });
});
