import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend/select';
import { resolveConfig } from '../../src/engine/config';
import { buildSeedCnn } from '../../src/engine/model/seedCnn';
import { runTraining, type PipelineOptions } from '../../src/engine/runs/pipeline';
import { reportMarkdown } from '../../src/engine/runs/reportMarkdown';
import { markRunEnded, readRun } from '../../src/engine/runs/store';
import { MemoryImageSet } from '../../src/engine/data/imageSet';
import { trainModel } from '../../src/engine/train/train';
import type { RunRecord } from '../../src/engine/types';
import { writeTinyDataset } from './runs-fixtures';

const TINY = { model: 'seed', imageSize: 24, epochs: 2, batchSize: 8, backend: 'wasm', workers: 1, patience: 5 } as const;

/** The pid of a process that has ended (and been reaped). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid!;
}

describe('run folders after faults', () => {
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
    dir = await mkdtemp(join(tmpdir(), 'fcnn-runfaults-'));
    data = join(dir, 'data');
    await writeTinyDataset(data, { perClass: 12, size: 32 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('completes with its model when one run.json write fails during epoch 1 and the next ones work', async () => {
    let folder = '';
    let blocker = '';
    const logged: string[] = [];
    const outcome = await runTraining(
      opts({
        callbacks: {
          onStart: (_id, f) => (folder = f),
          onEpoch: (m) => {
            // A folder where run.json goes makes its rename fail, as a full disk would.
            blocker = join(folder, 'run.json');
            if (m.epoch === 1) {
              rmSync(blocker);
              mkdirSync(join(blocker, 'x'), { recursive: true });
            }
          },
          // The disk has room again once the failed write has been reported.
          onLog: (line) => {
            if (/Could not update/.test(line)) {
              logged.push(line);
              rmSync(blocker, { recursive: true, force: true });
            }
          },
        },
      }),
    );
    assert.equal(outcome.tag, 'completed', outcome.tag === 'failed' ? outcome.message : '');
    assert.ok(logged.length >= 1, 'the failed write was reported');
    const saved = await readRun(folder);
    assert.equal(saved.state, 'completed');
    assert.ok(existsSync(join(folder, 'model', 'weights.bin')), 'the trained model is kept');
    assert.match(await readFile(join(folder, 'report.md'), 'utf8'), /State: \*\*completed\*\*/);
  });

  it('marks a run killed mid-training failed on disk, removes its model and stale temporary folders, when the next training starts', async () => {
    const runs = join(dir, 'killed');
    const pid = deadPid();
    const id = '2026-01-01T00-00-00-kil';
    const killed = join(runs, id);
    await mkdir(join(killed, 'model'), { recursive: true });
    await writeFile(join(killed, 'model', 'weights.bin'), 'x');
    await mkdir(join(killed, `.model.${pid}.abc123.tmp`));
    await writeFile(join(killed, `.run.json.${pid}.def456.tmp`), '{');
    await mkdir(join(killed, `.model.${process.pid}.aaaaaa.tmp`));
    const rec: RunRecord = { id, state: 'running', pid, startedAt: '2026-01-01T00:00:00.000Z', datasetFolder: data, config: resolveConfig(), backend: 'wasm', history: [] };
    await writeFile(join(killed, 'run.json'), JSON.stringify(rec));
    await writeFile(join(killed, 'report.md'), reportMarkdown({ ...rec, state: 'completed' }));
    const outcome = await runTraining(opts({ runsFolder: runs, config: { ...TINY, epochs: 1 } }));
    assert.equal(outcome.tag, 'completed', outcome.tag === 'failed' ? outcome.message : '');
    const onDisk = JSON.parse(await readFile(join(killed, 'run.json'), 'utf8')) as RunRecord;
    assert.equal(onDisk.state, 'failed');
    assert.match(onDisk.error ?? '', /Interrupted/);
    assert.equal(onDisk.pid, undefined);
    assert.deepEqual((await readdir(killed)).sort(), [`.model.${process.pid}.aaaaaa.tmp`, 'report.md', 'run.json'], 'model/ and the dead process temporaries are gone; a live one stays');
    assert.match(await readFile(join(killed, 'report.md'), 'utf8'), /State: \*\*failed\*\*/, 'its report says what happened');
  });

  it('reports a run of this process that ended without its final state as failed, not running', async () => {
    const runs = join(dir, 'ended');
    const rec: RunRecord = { id: 'r1', state: 'running', pid: process.pid, startedAt: '2026-01-01T00:00:00.000Z', datasetFolder: data, config: resolveConfig(), backend: 'wasm', history: [] };
    await mkdir(join(runs, 'r1'), { recursive: true });
    await writeFile(join(runs, 'r1', 'run.json'), JSON.stringify(rec));
    assert.equal((await readRun(join(runs, 'r1'))).state, 'running');
    markRunEnded(join(runs, 'r1'));
    assert.equal((await readRun(join(runs, 'r1'))).state, 'failed');
  });

  it('fails with a dataset error instead of reporting accuracy on an empty test split', async () => {
    const one = join(dir, 'one-per-class');
    await writeTinyDataset(one, { perClass: 1, size: 32 });
    const outcome = await runTraining(opts({ datasetFolder: one, runsFolder: join(dir, 'one-runs') }));
    assert.equal(outcome.tag, 'failed');
    assert.equal(outcome.kind, 'dataset');
    assert.match(outcome.tag === 'failed' ? outcome.message : '', /split .* is empty/);
  });

  it('rejects focalGamma, seed and augment values out of range, naming the setting', async () => {
    assert.throws(() => resolveConfig({ focalGamma: -5 }), /focalGamma/);
    assert.throws(() => resolveConfig({ focalGamma: 50 }), /focalGamma/);
    assert.throws(() => resolveConfig({ seed: 1.5 }), /seed/);
    assert.throws(() => resolveConfig({ augment: 'yes' as unknown as boolean }), /augment/);
    assert.throws(() => resolveConfig({ valFraction: '0.2' as unknown as number }), /valFraction/);
    assert.equal(resolveConfig({ focalGamma: 0 }).focalGamma, 0);
  });

  it('fails a training whose weights turn NaN, suggesting a lower learning rate', async () => {
    await initBackend('wasm');
    const model = buildSeedCnn(24, 2, 1);
    const w = model.trainableWeights[0].read();
    model.trainableWeights[0].write(tf.fill(w.shape, NaN));
    const n = 16;
    const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
    const set = new MemoryImageSet(24, labels, Array.from(labels, String), new Uint8Array(n * 24 * 24).fill(100), Int32Array.from({ length: n }, (_, i) => i));
    await assert.rejects(
      trainModel(model, { train: set, val: set, numClasses: 2 }, resolveConfig({ ...TINY, epochs: 1 })),
      /diverged.*lower learning rate/s,
    );
    model.dispose();
  });

  it('writes class names and paths into report.md as text: no HTML, no broken table rows', () => {
    const evil = 'a|b<img src=x onerror=alert(1)>\nc';
    const rec: RunRecord = {
      id: 'r',
      state: 'completed',
      startedAt: 'now',
      datasetFolder: '/d',
      config: resolveConfig(),
      backend: 'wasm',
      history: [],
      dataset: {
        root: '/d|x',
        classes: [evil, 'ok'],
        layout: 'stratified',
        counts: { train: [1, 1], val: [1, 1], test: [1, 1] },
        skipped: [{ path: '/d/`x`\n# heading.png', reason: 'empty', detail: '<b>0</b> bytes' }],
        duplicates: [],
        leakage: [],
        imbalanceRatio: 1,
        warnings: [],
        imageSize: 24,
        decodeSeconds: 0,
        cachedImages: 0,
      },
    };
    const md = reportMarkdown(rec);
    assert.ok(!md.includes('<img'), 'no raw HTML');
    assert.ok(!md.includes('<b>'), 'no raw HTML');
    assert.ok(!/^# heading/m.test(md), 'a newline in a path cannot start a heading');
    const row = md.split('\n').find((l) => l.includes('onerror'))!;
    assert.equal(row.split(/(?<!\\)\|/).length - 2, 5, `one table row of five cells: ${row}`);
  });
});
