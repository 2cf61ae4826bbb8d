import { strict as assert } from 'node:assert';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend/select';
import { resolveConfig } from '../../src/engine/config';
import type { TrainConfig } from '../../src/engine/config';
import { computeClassWeights } from '../../src/engine/train/classWeights';
import { shardGradients, trainableVariables } from '../../src/engine/train/step';
import { trainModel } from '../../src/engine/train/train';
import type { BatchProgress, EpochMetrics } from '../../src/engine/types';
import { deepCnn, flatWeights, squares, tinyCnn } from './trainHelpers';

const SIZE = 10;

function config(over: Partial<TrainConfig> = {}): TrainConfig {
  return resolveConfig({ model: 'seed', imageSize: 24, epochs: 3, batchSize: 8, learningRate: 0.01, patience: 4, seed: 7, workers: 1, classWeighting: 'none', ...over });
}

const balanced = (i: number) => i % 2;

before(async () => {
  await initBackend('wasm');
});

/** Mean over samples of w[label] * loss(p), with probabilities from the model in inference mode. */
function manualLoss(model: ReturnType<typeof tinyCnn>, set: ReturnType<typeof squares>, weights: number[] | undefined, gamma?: number): number {
  const idx = Array.from({ length: set.size }, (_, i) => i);
  const x = tf.tensor4d(Float32Array.from(set.read(idx), (v) => v / 255), [set.size, SIZE, SIZE, 1]);
  const p = (model.predict(x) as tf.Tensor).arraySync() as number[][];
  x.dispose();
  let sum = 0;
  p.forEach((row, i) => {
    const pt = Math.min(Math.max(row[set.labels[i]], 1e-7), 1 - 1e-7);
    const focal = gamma === undefined ? 1 : (1 - pt) ** gamma;
    sum += (weights ? weights[set.labels[i]] : 1) * focal * -Math.log(pt);
  });
  return sum / set.size;
}

test('balanced class weights are n_samples / (n_classes * count), switched on by auto only past 2:1', () => {
  const labels = [...Array(90).fill(0), ...Array(10).fill(1)];
  const w = computeClassWeights(labels, 2, 'auto');
  assert.ok(w);
  assert.ok(Math.abs(w[0] - 100 / 180) < 1e-12 && Math.abs(w[1] - 5) < 1e-12);
  assert.deepEqual(computeClassWeights(labels, 2, 'none'), undefined);
  const mild = [...Array(60).fill(0), ...Array(40).fill(1)];
  assert.equal(computeClassWeights(mild, 2, 'auto'), undefined);
  assert.deepEqual(computeClassWeights(mild, 2, 'balanced'), [100 / 120, 100 / 80]);
  assert.deepEqual(computeClassWeights([0, 0, 2], 3, 'balanced'), [3 / 6, 1, 3 / 3], 'an absent class gets 1');
});

test('the training loss applies the class weights (checked against the weighted loss computed by hand)', async () => {
  const train = squares(40, SIZE, 1, (i) => (i < 34 ? 0 : 1));
  const val = squares(8, SIZE, 2, balanced);
  for (const weighting of ['none', 'balanced'] as const) {
    const model = tinyCnn(SIZE, 2, 3, 0);
    const weights = computeClassWeights(train.labels, 2, weighting);
    const expected = manualLoss(model, train, weights);
    let first: BatchProgress | undefined;
    const r = await trainModel(model, { train, val, numClasses: 2 }, config({ epochs: 1, batchSize: 40, classWeighting: weighting }), {
      onBatch: (p) => (first ??= p),
    });
    assert.deepEqual(r.classWeights, weights);
    assert.ok(first && Math.abs(first.loss - expected) < 1e-4 * Math.max(1, expected), `${weighting}: ${first?.loss} vs ${expected}`);
    model.dispose();
  }
});

test('focal loss uses gamma and the class weights as alpha', async () => {
  const train = squares(24, SIZE, 4, (i) => (i < 18 ? 0 : 1));
  const val = squares(8, SIZE, 5, balanced);
  const model = tinyCnn(SIZE, 2, 3, 0);
  const weights = computeClassWeights(train.labels, 2, 'balanced');
  const expected = manualLoss(model, train, weights, 2);
  let first: BatchProgress | undefined;
  await trainModel(model, { train, val, numClasses: 2 }, config({ epochs: 1, batchSize: 24, classWeighting: 'balanced', loss: 'focal', focalGamma: 2 }), {
    onBatch: (p) => (first ??= p),
  });
  assert.ok(first && Math.abs(first.loss - expected) < 1e-4, `${first?.loss} vs ${expected}`);
  model.dispose();
});

test('with balanced weights the minority class is recalled better on heavily imbalanced data', async () => {
  // Minority images are faint: unweighted, predicting the majority everywhere is nearly optimal.
  const train = squares(120, SIZE, 11, (i) => (i % 12 === 0 ? 1 : 0));
  const val = squares(60, SIZE, 12, (i) => (i % 2 === 0 ? 1 : 0));
  const recall = async (weighting: 'none' | 'balanced') => {
    const model = tinyCnn(SIZE, 2, 5, 0);
    await trainModel(model, { train, val, numClasses: 2 }, config({ epochs: 2, batchSize: 16, learningRate: 0.003, classWeighting: weighting }));
    const idx = Array.from({ length: val.size }, (_, i) => i);
    const x = tf.tensor4d(Float32Array.from(val.read(idx), (v) => v / 255), [val.size, SIZE, SIZE, 1]);
    const pred = (tf.argMax(model.predict(x) as tf.Tensor, 1).arraySync() as number[]);
    x.dispose();
    model.dispose();
    let hit = 0;
    let total = 0;
    pred.forEach((p, i) => {
      if (val.labels[i] === 1) {
        total++;
        if (p === 1) hit++;
      }
    });
    return hit / total;
  };
  const without = await recall('none');
  const withWeights = await recall('balanced');
  assert.ok(withWeights > without, `minority recall ${withWeights} with weights vs ${without} without`);
});

test('early stopping stops after `patience` epochs without a lower val_loss and restores the best epoch', async () => {
  const train = squares(48, SIZE, 21, balanced);
  const val = squares(24, SIZE, 22, balanced, true); // the opposite rule: val_loss rises as training succeeds
  const model = tinyCnn(SIZE, 2, 9);
  const snapshots = new Map<number, Float32Array[]>();
  const epochs: EpochMetrics[] = [];
  const r = await trainModel(model, { train, val, numClasses: 2 }, config({ epochs: 10, patience: 2 }), {
    onEpoch: (m) => {
      epochs.push(m);
      snapshots.set(m.epoch, flatWeights(model));
    },
  });
  const bestLoss = Math.min(...epochs.map((m) => m.valLoss));
  const bestEpoch = epochs.find((m) => m.valLoss === bestLoss)!.epoch;
  assert.equal(r.bestEpoch, bestEpoch);
  assert.equal(r.stoppedEpoch, bestEpoch + 2);
  assert.equal(r.history.length, bestEpoch + 2);
  assert.ok(r.history.length < 10, 'stopped before the last epoch');
  assert.equal(r.cancelled, false);
  assert.deepEqual(flatWeights(model), snapshots.get(bestEpoch), "the model holds the best epoch's weights");
  model.dispose();
});

test('per-batch and per-epoch callbacks report sane numbers', async () => {
  const train = squares(30, SIZE, 31, balanced);
  const val = squares(10, SIZE, 32, balanced);
  const model = tinyCnn(SIZE, 2, 2);
  const batches: BatchProgress[] = [];
  const epochs: EpochMetrics[] = [];
  const r = await trainModel(model, { train, val, numClasses: 2 }, config({ epochs: 2, batchSize: 8 }), {
    onBatch: (p) => batches.push(p),
    onEpoch: (m) => epochs.push(m),
  });
  assert.equal(batches.length, 2 * 4, 'ceil(30 / 8) = 4 batches per epoch');
  assert.deepEqual(batches.map((b) => `${b.epoch}/${b.epochs}:${b.batch}/${b.batches}`), ['1/2:1/4', '1/2:2/4', '1/2:3/4', '1/2:4/4', '2/2:1/4', '2/2:2/4', '2/2:3/4', '2/2:4/4']);
  for (const b of batches) {
    assert.ok(Number.isFinite(b.loss) && b.loss > 0);
    assert.ok(b.acc >= 0 && b.acc <= 1);
    assert.ok(b.elapsed >= 0 && Number.isFinite(b.eta) && b.eta >= 0);
  }
  assert.equal(epochs.length, 2);
  assert.deepEqual(r.history, epochs);
  for (const m of epochs) {
    assert.ok(m.valLoss > 0 && Number.isFinite(m.valLoss) && m.valAcc >= 0 && m.valAcc <= 1 && m.seconds > 0);
  }
  assert.equal(epochs[0].loss, batches[3].loss, 'the epoch loss is the mean over its batches');
  model.dispose();
});

test('cancellation stops within one batch and leaves the best weights so far', async () => {
  const train = squares(64, SIZE, 41, balanced);
  const val = squares(16, SIZE, 42, balanced);
  const model = tinyCnn(SIZE, 2, 4);
  const controller = new AbortController();
  let batchesAfterAbort = 0;
  let epoch1: Float32Array[] | undefined;
  const r = await trainModel(model, { train, val, numClasses: 2 }, config({ epochs: 5, batchSize: 8 }), {
    onEpoch: (m) => {
      if (m.epoch === 1) epoch1 = flatWeights(model);
    },
    onBatch: (p) => {
      if (controller.signal.aborted) batchesAfterAbort++;
      if (p.epoch === 2 && p.batch === 3) controller.abort();
    },
  }, controller.signal);
  assert.equal(r.cancelled, true);
  assert.equal(batchesAfterAbort, 0, 'no batch ran after the abort');
  assert.equal(r.history.length, 1);
  assert.equal(r.bestEpoch, 1);
  assert.deepEqual(flatWeights(model), epoch1);
  model.dispose();
});

test('augmentation changes the training batches but never the validation data', async () => {
  const train = squares(16, SIZE, 51, balanced);
  const val = squares(12, SIZE, 52, balanced);
  const run = async (augment: boolean) => {
    const model = tinyCnn(SIZE, 2, 6);
    const expectedVal = manualLoss(model, val, undefined);
    let first: BatchProgress | undefined;
    // A learning rate this small leaves the weights as they were: val_loss must equal the clean loss.
    const r = await trainModel(model, { train, val, numClasses: 2 }, config({ epochs: 1, batchSize: 16, augment, learningRate: 1e-9 }), {
      onBatch: (p) => (first ??= p),
    });
    model.dispose();
    return { batchLoss: first!.loss, valLoss: r.history[0].valLoss, expectedVal };
  };
  const plain = await run(false);
  const augmented = await run(true);
  assert.notEqual(augmented.batchLoss, plain.batchLoss, 'augmented training batches differ');
  assert.ok(Math.abs(augmented.valLoss - augmented.expectedVal) < 1e-5, `val_loss ${augmented.valLoss} vs clean ${augmented.expectedVal}`);
  assert.ok(Math.abs(plain.valLoss - augmented.valLoss) < 1e-6);
  const again = await run(true);
  assert.equal(again.batchLoss, augmented.batchLoss, 'augmentation is seeded');
});

test('training is deterministic for a seed', async () => {
  const train = squares(40, SIZE, 61, balanced);
  const val = squares(10, SIZE, 62, balanced);
  const run = async (seed: number) => {
    const model = tinyCnn(SIZE, 2, 8);
    const r = await trainModel(model, { train, val, numClasses: 2 }, config({ epochs: 2, seed, augment: true }));
    const w = flatWeights(model);
    model.dispose();
    return { losses: r.history.map((m) => [m.loss, m.valLoss]), w };
  };
  const a = await run(3);
  const b = await run(3);
  const c = await run(4);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.losses, c.losses, 'another seed shuffles, drops out and augments differently');
});

test('training leaves no tensors behind', async () => {
  const train = squares(20, SIZE, 81, balanced);
  const val = squares(6, SIZE, 82, balanced);
  const model = tinyCnn(SIZE, 2, 3);
  const before = tf.memory().numTensors;
  await trainModel(model, { train, val, numClasses: 2 }, config({ epochs: 3, batchSize: 4, patience: 1 }));
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

test("the training forward pass (fused conv + bias + ReLU, and + 2x2 max-pool) gives the layers' own gradients, on wasm and cpu, even and odd sizes", async () => {
  for (const [backend, size] of [['wasm', 10], ['wasm', 11], ['cpu', 10]] as const) {
    const set = squares(6, size, 91, balanced);
    const x = Float32Array.from(set.read([0, 1, 2, 3, 4, 5]), (v) => v / 255);
    await initBackend(backend);
    const model = tinyCnn(size, 2, 13, 0);
    const shard = { x, labels: set.labels, positions: Int32Array.from([0, 1, 2, 3, 4, 5]), batchSize: 6, seed: 1, epoch: 1 };
    const ours = shardGradients(model, shard, { kind: 'crossentropy', gamma: 2, numClasses: 2 }).grads;
    const vars = trainableVariables(model);
    const ref = tf.variableGrads(() => {
      const p = tf.clipByValue(model.apply(tf.tensor4d(x, [6, size, size, 1]), { training: true }) as tf.Tensor, 1e-7, 1 - 1e-7);
      const pt = tf.sum(tf.mul(p, tf.oneHot(tf.tensor1d(set.labels, 'int32'), 2)), 1);
      return tf.div(tf.sum(tf.neg(tf.log(pt))), 6) as tf.Scalar;
    }, vars);
    for (const v of vars) {
      const a = ours[v.name].dataSync() as Float32Array;
      const b = ref.grads[v.name].dataSync() as Float32Array;
      const scale = Math.max(...Array.from(b, Math.abs));
      a.forEach((g: number, i: number) => assert.ok(Math.abs(g - b[i]) <= 1e-5 * scale + 1e-9, `${backend} ${v.name}[${i}]: ${g} vs ${b[i]}`));
    }
    tf.dispose([ours, ref.grads, ref.value] as never);
    model.dispose();
  }
  await initBackend('wasm');
});

test("with several convs, the training step's gradients on wasm (our conv kernels) equal the cpu backend's own autodiff, input gradients of hidden convs included", async () => {
  // The reference runs on cpu, where none of our kernels are registered: tfjs's own gradients.
  for (const [size, poolBetween] of [[14, true], [13, false]] as const) {
    const n = 5;
    const set = squares(n, size, 93, balanced);
    const positions = Int32Array.from({ length: n }, (_, i) => i);
    const x = Float32Array.from(set.read(positions), (v) => v / 255);
    await initBackend('wasm');
    const model = deepCnn(size, 17, poolBetween);
    const shard = { x, labels: set.labels, positions, batchSize: n, seed: 1, epoch: 1 };
    const oursTensors = shardGradients(model, shard, { kind: 'crossentropy', gamma: 2, numClasses: 2 }).grads;
    const ours = new Map(Object.entries(oursTensors).map(([k, t]) => [k, (t.dataSync() as Float32Array).slice()]));
    tf.dispose(Object.values(oursTensors));
    await initBackend('cpu');
    const vars = trainableVariables(model);
    const ref = tf.variableGrads(() => {
      const p = tf.clipByValue(model.apply(tf.tensor4d(x, [n, size, size, 1]), { training: true }) as tf.Tensor, 1e-7, 1 - 1e-7);
      const pt = tf.sum(tf.mul(p, tf.oneHot(tf.tensor1d(set.labels, 'int32'), 2)), 1);
      return tf.div(tf.sum(tf.neg(tf.log(pt))), n) as tf.Scalar;
    }, vars);
    const convKernels = vars.filter((v) => /conv2d.*kernel/.test(v.name));
    assert.ok(convKernels.length >= 2, `${convKernels.length} conv kernels`);
    for (const v of vars) {
      const a = ours.get(v.name);
      assert.ok(a, `no gradient for ${v.name}`);
      const b = ref.grads[v.name].dataSync() as Float32Array;
      const scale = Math.max(...Array.from(b, Math.abs));
      assert.ok(scale > 0, `${v.name}: the reference gradient is all zero`);
      a.forEach((g: number, i: number) => assert.ok(Math.abs(g - b[i]) <= 1e-4 * scale, `size ${size} ${v.name}[${i}]: ${g} vs ${b[i]}`));
    }
    tf.dispose([ref.grads, ref.value] as never);
    model.dispose();
  }
  await initBackend('wasm');
});
