import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useNativeKernels } from '../../src/engine/backend/native';
import { initBackend } from '../../src/engine/backend/select';
import { buildPresetModel } from '../../src/engine/model/presets';
import { buildRadNet } from '../../src/engine/model/radnet';
import { findLastConv } from '../../src/engine/model/seedCnn';
import { shardGradients } from '../../src/engine/train/step';

after(() => initBackend('wasm'));

function noise(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  });
}

test('the radnet preset is a batch-normalised CNN with global average pooling and its Grad-CAM layer after the last ReLU', async () => {
  await initBackend('wasm');
  const model = buildPresetModel('radnet', 96, 2, 1);
  assert.equal(model.countParams(), 98130);
  const classes = model.layers.map((l) => l.getClassName());
  assert.equal(classes.filter((c) => c === 'BatchNormalization').length, 4);
  assert.ok(classes.includes('GlobalAveragePooling2D'));
  assert.ok(!classes.includes('Flatten'));
  const cam = findLastConv(model);
  assert.equal(cam.getClassName(), 'ReLU');
  assert.deepEqual(cam.outputShape, [null, 24, 24, 64]);
  assert.throws(() => buildPresetModel('radnet', 24, 2), /imageSize must be at least 32 for the radnet model/);
  assert.equal(buildPresetModel('seed', 48, 2, 1).countParams(), 355202);
  model.dispose();
});

for (const native of [true, false]) test(`the fused conv + batch norm + ReLU (+ max-pool) training op on wasm (${native ? 'native' : 'WebAssembly'} kernels) gives the cpu backend's autodiff gradients, even and odd sizes`, async (t) => {
  useNativeKernels(native);
  t.after(() => useNativeKernels(true));
  for (const size of [32, 35]) {
    const n = 5;
    const x = noise(n * size * size, size);
    const labels = Int32Array.from([0, 1, 1, 0, 1]);
    const shard = { x, labels, positions: Int32Array.from([0, 1, 2, 3, 4]), batchSize: n, seed: 1, epoch: 1 };
    const spec = { kind: 'crossentropy' as const, gamma: 2, numClasses: 2, classWeights: [0.7, 1.4] };
    const grads = async (backend: 'wasm' | 'cpu') => {
      await initBackend(backend);
      const model = buildRadNet(size, 2, 7);
      // Non-trivial scale and shift, so their gradients and the normalisation are both exercised.
      for (const layer of model.layers.filter((l) => l.getClassName() === 'BatchNormalization')) {
        const [gamma, , mean, variance] = layer.getWeights();
        const c = gamma.shape[0];
        layer.setWeights([tf.add(gamma, tf.linspace(-0.5, 0.5, c)), tf.linspace(-0.2, 0.3, c), mean, variance]);
      }
      const { grads: g } = shardGradients(model, shard, spec);
      // Variable names carry a per-model suffix: key by the layer's weight name.
      const out = Object.fromEntries(Object.entries(g).map(([k, t]) => [k.replace(/_\d+$/, ''), Float32Array.from(t.dataSync())]));
      tf.dispose(g);
      model.dispose();
      return out;
    };
    const ours = await grads('wasm');
    const ref = await grads('cpu');
    assert.deepEqual(Object.keys(ours).sort(), Object.keys(ref).sort());
    assert.ok(Object.keys(ours).some((k) => k.includes('gamma')));
    for (const name of Object.keys(ref)) {
      const a = ours[name];
      const b = ref[name];
      const scale = Math.max(...Array.from(b, Math.abs));
      assert.ok(scale > 0, `${name} has a gradient`);
      a.forEach((g, i) => assert.ok(Math.abs(g - b[i]) <= 2e-4 * scale + 1e-8, `${size}px ${name}[${i}]: wasm ${g} vs cpu ${b[i]}`));
    }
  }
});

test('batch-norm statistics are taken per group of 16 images, so a 20-image batch equals its 16 + 4 shards computed apart (cpu autodiff)', async () => {
  const size = 32;
  const n = 20;
  const x = noise(n * size * size, 99);
  const labels = Int32Array.from({ length: n }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0);
  const positions = Int32Array.from({ length: n }, (_, i) => i);
  const spec = { kind: 'crossentropy' as const, gamma: 2, numClasses: 2 };
  const flat = (g: Record<string, tf.Tensor>) => Object.fromEntries(Object.entries(g).map(([k, t]) => [k.replace(/_\d+$/, ''), Float32Array.from(t.dataSync())]));
  await initBackend('wasm');
  const m1 = buildRadNet(size, 2, 3);
  const whole = shardGradients(m1, { x, labels, positions, batchSize: n, seed: 1, epoch: 1 }, spec);
  const ours = flat(whole.grads);
  tf.dispose(whole.grads);
  m1.dispose();
  await initBackend('cpu');
  const m2 = buildRadNet(size, 2, 3);
  const px = size * size;
  const parts = [[0, 16], [16, 20]].map(([a, b]) => {
    const r = shardGradients(m2, { x: x.subarray(a * px, b * px), labels: labels.subarray(a, b), positions: positions.subarray(a, b), batchSize: n, seed: 1, epoch: 1 }, spec);
    const out = flat(r.grads);
    tf.dispose(r.grads);
    return out;
  });
  m2.dispose();
  for (const name of Object.keys(ours)) {
    const ref = parts[0][name].map((v, i) => v + parts[1][name][i]);
    const scale = Math.max(...Array.from(ref, Math.abs));
    ours[name].forEach((g, i) => assert.ok(Math.abs(g - ref[i]) <= 2e-4 * scale + 1e-8, `${name}[${i}]: ${g} vs ${ref[i]}`));
  }
});
