import { strict as assert } from 'node:assert';
import { before, test } from 'node:test';
import { initBackend } from '../../src/engine/backend/select';
import { resolveConfig } from '../../src/engine/config';
import { buildRadNet } from '../../src/engine/model/radnet';
import { batchNormLayers, refreshBatchNormStats } from '../../src/engine/train/bnStats';
import { LocalExecutor } from '../../src/engine/train/executor';
import { createParallelExecutor, shardBounds, sharedAdam } from '../../src/engine/train/parallel';
import { trainModel } from '../../src/engine/train/train';
import { flatWeights, squares, tinyCnn } from './trainHelpers';

const SIZE = 10;

before(async () => {
  await initBackend('wasm');
});

test('shards split a batch contiguously, the first ones larger', () => {
  assert.deepEqual(shardBounds(32, 2), [0, 16, 32]);
  assert.deepEqual(shardBounds(20, 3), [0, 7, 14, 20]);
  assert.deepEqual(shardBounds(2, 3), [0, 1, 2, 2]);
});

test('data-parallel training over 2 and 3 threads gives the single-thread result up to float rounding', async () => {
  const train = squares(38, SIZE, 71, (i) => i % 2);
  const val = squares(13, SIZE, 72, (i) => i % 2);
  const run = async (workers: number) => {
    const model = tinyCnn(SIZE, 2, 12); // with dropout: masks are keyed by sample, not by thread
    const logs: string[] = [];
    const r = await trainModel(
      model,
      { train, val, numClasses: 2 },
      resolveConfig({ model: 'seed', imageSize: 24, epochs: 2, batchSize: 8, learningRate: 0.01, seed: 5, workers, augment: true, classWeighting: 'balanced' }),
      { onLog: (l) => logs.push(l) },
    );
    const w = flatWeights(model);
    model.dispose();
    return { history: r.history, w, logs };
  };
  const one = await run(1);
  for (const workers of [2, 3]) {
    const many = await run(workers);
    assert.ok(many.logs.some((l) => l.includes(`over ${workers} threads`)), 'really ran in parallel');
    many.history.forEach((m, i) => {
      assert.ok(Math.abs(m.loss - one.history[i].loss) < 1e-5, `epoch ${i + 1} loss ${m.loss} vs ${one.history[i].loss}`);
      assert.ok(Math.abs(m.valLoss - one.history[i].valLoss) < 1e-5);
      assert.equal(m.acc, one.history[i].acc);
    });
    let maxDiff = 0;
    let scale = 0;
    many.w.forEach((arr, i) => arr.forEach((v, j) => {
      maxDiff = Math.max(maxDiff, Math.abs(v - one.w[i][j]));
      scale = Math.max(scale, Math.abs(one.w[i][j]));
    }));
    assert.ok(maxDiff / scale < 1e-4, `${workers} threads: weights differ by ${maxDiff} (scale ${scale})`);
  }
});

test('cancelling a data-parallel run stops within one batch and shuts its worker threads down', async () => {
  const train = squares(64, SIZE, 73, (i) => i % 2);
  const val = squares(8, SIZE, 74, (i) => i % 2);
  const model = tinyCnn(SIZE, 2, 14);
  const controller = new AbortController();
  let after = 0;
  const r = await trainModel(model, { train, val, numClasses: 2 }, resolveConfig({ model: 'seed', imageSize: 24, epochs: 3, batchSize: 8, workers: 2 }), {
    onBatch: (p) => {
      if (controller.signal.aborted) after++;
      if (p.batch === 2) controller.abort();
    },
  }, controller.signal);
  assert.equal(r.cancelled, true);
  assert.equal(after, 0);
  assert.equal(r.history.length, 0);
  model.dispose();
});

test('batch-norm statistics refreshed over 2 threads equal those of one thread and the cpu backend\'s unfused pass', async () => {
  // 70 images: chunks of 64 and 6, one per thread, so a chunk answered out of order would be
  // weighted wrongly. The cpu backend runs the plain ops (tf.moments, tf.batchNorm, a ReLU layer).
  const train = squares(70, 32, 75, (i) => i % 2);
  const spec = { kind: 'crossentropy' as const, gamma: 2, numClasses: 2 };
  const refreshed = async (backend: 'wasm' | 'cpu', workers: number) => {
    await initBackend(backend);
    const model = buildRadNet(32, 2, 3);
    const executor = workers === 1 ? new LocalExecutor(model, sharedAdam(model, 0.001), spec) : await createParallelExecutor(model, sharedAdam(model, 0.001), spec, workers);
    try {
      assert.equal(await refreshBatchNormStats(model, train, (chunks) => executor.batchNormMoments(chunks)), true);
    } finally {
      await executor.close();
    }
    const stats = batchNormLayers(model).flatMap((l) => l.getWeights().slice(2).map((w) => Float32Array.from(w.dataSync())));
    model.dispose();
    return stats;
  };
  const cpu = await refreshed('cpu', 1);
  const one = await refreshed('wasm', 1);
  const two = await refreshed('wasm', 2);
  assert.equal(one.length, 8, 'moving mean and variance of four batch-norm layers');
  const close = (a: Float32Array[], b: Float32Array[], tol: number, what: string) =>
    a.forEach((arr, i) => arr.forEach((v, j) => assert.ok(Math.abs(v - b[i][j]) <= tol * Math.max(1, Math.abs(b[i][j])), `${what}: statistic ${i}[${j}] ${v} vs ${b[i][j]}`)));
  close(two, one, 1e-6, '2 threads vs 1');
  close(one, cpu, 1e-4, 'wasm vs cpu');
  // Moving statistics start at mean 0 and variance 1: the refresh replaced them.
  assert.ok(one[0].every((m) => m !== 0), 'means were set');
  assert.ok(one[1].every((v) => v > 0 && v !== 1), 'variances were set');
});
