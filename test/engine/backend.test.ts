import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useNativeKernels } from '../../src/engine/backend/native';
import { initBackend } from '../../src/engine/backend/select';

/** Both wasm paths: with the native kernels (built by npm install) and with the WebAssembly/JavaScript ones alone. */
const PATHS = [
  { native: true, label: 'native kernels' },
  { native: false, label: 'WebAssembly kernels' },
];

type Pad = 'valid' | 'same';
interface ConvSpec {
  k: number;
  cout: number;
  stride: number;
  pad: Pad;
}

function seededArray(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

/** Max absolute difference over the largest magnitude of the reference: a relative error that tolerates values near zero. */
function relError(actual: Float32Array, expected: Float32Array): number {
  assert.equal(actual.length, expected.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  assert.ok(scale > 0, 'reference gradient is all zeros');
  return diff / scale;
}

/** Gradients of a small conv net's loss with respect to the input and every filter, on the current backend. */
function convNetGrads(specs: ConvSpec[], inShape: [number, number, number, number]): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(seededArray(inShape.reduce((a, b) => a * b), 1), inShape);
    let cin = inShape[3];
    const filters = specs.map((s, i) => {
      const f = tf.tensor4d(seededArray(s.k * s.k * cin * s.cout, 10 + i), [s.k, s.k, cin, s.cout]);
      cin = s.cout;
      return f;
    });
    const loss = (xi: tf.Tensor, ...fs: tf.Tensor[]) => {
      let h = xi as tf.Tensor4D;
      fs.forEach((f, i) => {
        h = tf.relu(tf.conv2d(h, f as tf.Tensor4D, specs[i].stride, specs[i].pad));
      });
      return tf.sum(tf.mul(h, tf.sin(tf.reshape(tf.range(0, h.size), h.shape))));
    };
    return tf.grads(loss)([x, ...filters]);
  }).map((t) => {
    const d = t.dataSync() as Float32Array;
    t.dispose();
    return d;
  });
}

async function onBoth<T>(fn: () => T, native = true): Promise<{ cpu: T; wasm: T }> {
  await initBackend('cpu');
  const cpu = fn();
  const wasmInfo = await initBackend('wasm');
  assert.equal(wasmInfo.name, 'wasm');
  useNativeKernels(native);
  try {
    return { cpu, wasm: fn() };
  } finally {
    useNativeKernels(true);
  }
}

test('wasm backend reports SIMD and that it supplies the conv gradient kernels', async () => {
  const info = await initBackend('wasm');
  assert.equal(info.name, 'wasm');
  assert.match(info.detail, /4\.22\.0/);
  // "no SIMD" also contains "SIMD": ask for the positive wording and rule out the negative one.
  assert.match(info.detail, /, SIMD,/);
  assert.doesNotMatch(info.detail, /no SIMD/);
  assert.equal(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), true);
  for (const kernel of ['Conv2DBackpropFilter', 'Conv2DBackpropInput']) {
    assert.ok(tf.getKernel(kernel, 'wasm'), `${kernel} is registered for wasm`);
  }
  assert.match(info.detail, /conv2d gradients supplied/);
  assert.equal(tf.getBackend(), 'wasm');
  assert.deepEqual(await initBackend('wasm'), info, 'a second call returns the same backend');
});

/** Whether @tensorflow/tfjs-node loads here (an optional dependency: absent offline). */
function tfjsNodeLoads(): boolean {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional package, loaded only if present
    require('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

test('auto takes native TensorFlow when tfjs-node loads, else falls back to wasm and says why', async () => {
  const info = await initBackend('auto');
  if (tfjsNodeLoads()) {
    assert.equal(info.name, 'tensorflow');
    assert.match(info.detail, /tfjs-node/);
  } else {
    assert.equal(info.name, 'wasm');
    assert.match(info.detail, /tensorflow not used: @tensorflow\/tfjs-node could not be loaded \(.+\)/);
  }
});

const nets: { name: string; specs: ConvSpec[]; shape: [number, number, number, number] }[] = [
  { name: "valid stride 1 (the seed CNN's convs)", specs: [{ k: 3, cout: 4, stride: 1, pad: 'valid' }, { k: 3, cout: 6, stride: 1, pad: 'valid' }], shape: [3, 11, 11, 2] },
  { name: "same padding, stride 1", specs: [{ k: 3, cout: 4, stride: 1, pad: 'same' }, { k: 5, cout: 3, stride: 1, pad: 'same' }], shape: [2, 9, 10, 1] },
  { name: 'stride 2, valid and same, odd sizes', specs: [{ k: 3, cout: 5, stride: 2, pad: 'same' }, { k: 3, cout: 4, stride: 2, pad: 'valid' }], shape: [2, 15, 12, 3] },
  { name: 'many input channels (the conv route), stride 1 and 2, same padding', specs: [{ k: 3, cout: 12, stride: 1, pad: 'same' }, { k: 3, cout: 5, stride: 2, pad: 'same' }, { k: 3, cout: 4, stride: 1, pad: 'valid' }], shape: [2, 11, 11, 9] },
  { name: 'even kernel, stride 2 same padding (asymmetric pad)', specs: [{ k: 4, cout: 3, stride: 2, pad: 'same' }, { k: 2, cout: 2, stride: 1, pad: 'same' }], shape: [2, 10, 9, 2] },
];

for (const { native, label } of PATHS) for (const net of nets) {
  test(`conv net gradients on wasm (${label}) match the cpu backend within 1e-4 relative: ${net.name}`, async () => {
    const { cpu, wasm } = await onBoth(() => convNetGrads(net.specs, net.shape), native);
    cpu.forEach((ref, i) => {
      const err = relError(wasm[i], ref);
      assert.ok(err < 1e-4, `${i === 0 ? 'input' : `filter ${i}`} gradient differs by ${err}`);
    });
  });
}

for (const { native, label } of PATHS) test(`conv2dTranspose (the backprop-input kernel) on wasm (${label}) equals the cpu backend`, async () => {
  const cases: { dy: [number, number, number, number]; f: [number, number, number, number]; out: [number, number, number, number]; stride: number; pad: Pad }[] = [
    { dy: [2, 6, 6, 4], f: [3, 3, 3, 4], out: [2, 8, 8, 3], stride: 1, pad: 'valid' },
    { dy: [1, 5, 5, 2], f: [3, 3, 3, 2], out: [1, 5, 5, 3], stride: 1, pad: 'same' },
    { dy: [2, 4, 4, 3], f: [3, 3, 2, 3], out: [2, 9, 9, 2], stride: 2, pad: 'valid' },
    { dy: [1, 3, 4, 2], f: [2, 2, 1, 2], out: [1, 6, 8, 1], stride: 2, pad: 'same' },
  ];
  for (const c of cases) {
    const run = () =>
      tf.tidy(() => {
        const dy = tf.tensor4d(seededArray(c.dy.reduce((a, b) => a * b), 3), c.dy);
        const f = tf.tensor4d(seededArray(c.f.reduce((a, b) => a * b), 4), c.f);
        return tf.conv2dTranspose(dy, f, c.out, c.stride, c.pad);
      });
    const { cpu, wasm } = await onBoth(() => {
      const t = run();
      assert.deepEqual(t.shape, c.out);
      const d = t.dataSync() as Float32Array;
      t.dispose();
      return d;
    }, native);
    assert.ok(relError(wasm, cpu) < 1e-5, `case ${JSON.stringify(c)}`);
  }
});

test('a tfjs-layers conv model trains on wasm (fused conv gradients) without leaking tensors', async () => {
  await initBackend('wasm');
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const x = tf.tensor4d(seededArray(4 * 64, 7), [4, 8, 8, 1]);
  const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2);
  await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
  const before = tf.memory().numTensors;
  const h = await model.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0 });
  assert.equal(tf.memory().numTensors, before);
  const losses = h.history.loss as number[];
  assert.ok(losses.every(Number.isFinite));
  x.dispose();
  y.dispose();
  model.dispose();
});

test('max-pool gradients on wasm equal the cpu backend (2x2 and overlapping 3x3 windows, valid and same)', async () => {
  const cases: { shape: [number, number, number, number]; k: number; s: number; pad: Pad }[] = [
    { shape: [2, 9, 8, 5], k: 2, s: 2, pad: 'valid' },
    { shape: [2, 9, 8, 5], k: 2, s: 2, pad: 'same' },
    { shape: [1, 10, 11, 3], k: 3, s: 2, pad: 'same' },
    { shape: [1, 7, 7, 4], k: 3, s: 1, pad: 'valid' },
  ];
  for (const c of cases) {
    const { cpu, wasm } = await onBoth(() => {
      const g = tf.tidy(() => {
        const x = tf.tensor4d(seededArray(c.shape.reduce((a, b) => a * b), 9), c.shape);
        return tf.grad((xi: tf.Tensor) => {
          const y = tf.maxPool(xi as tf.Tensor4D, c.k, c.s, c.pad);
          return tf.sum(tf.mul(y, tf.reshape(tf.range(1, y.size + 1), y.shape)));
        })(x);
      });
      const d = g.dataSync() as Float32Array;
      g.dispose();
      return d;
    });
    assert.deepEqual(wasm, cpu, `case ${JSON.stringify(c)}`);
  }
});

test('sums over leading axes (bias gradients) and over other axes on wasm equal the cpu backend', async () => {
  for (const axes of [[0, 1, 2], [0], [1, 2], [3], [2, 0, 1]]) {
    const { cpu, wasm } = await onBoth(() => {
      const t = tf.tidy(() => tf.sum(tf.tensor4d(seededArray(3 * 5 * 4 * 6, 5), [3, 5, 4, 6]), axes));
      const d = t.dataSync() as Float32Array;
      t.dispose();
      return d;
    });
    assert.ok(relError(wasm, cpu) < 1e-6, `axes ${axes}`);
  }
});

test('matrix products with transposed operands on wasm equal the cpu backend', async () => {
  for (const [ta, tb] of [[true, false], [false, true], [true, true], [false, false]]) {
    const { cpu, wasm } = await onBoth(() => {
      const t = tf.tidy(() => {
        const a = tf.tensor2d(seededArray(5 * 7, 1), ta ? [7, 5] : [5, 7]);
        const b = tf.tensor2d(seededArray(7 * 3, 2), tb ? [3, 7] : [7, 3]);
        return tf.matMul(a, b, ta, tb);
      });
      assert.deepEqual(t.shape, [5, 3]);
      const d = t.dataSync() as Float32Array;
      t.dispose();
      return d;
    });
    assert.ok(relError(wasm, cpu) < 1e-6, `transposeA ${ta}, transposeB ${tb}`);
  }
  const { cpu, wasm } = await onBoth(() => {
    const t = tf.tidy(() => tf.matMul(tf.tensor3d(seededArray(2 * 4 * 3, 3), [2, 4, 3]), tf.tensor3d(seededArray(2 * 5 * 3, 4), [2, 5, 3]), false, true));
    const d = t.dataSync() as Float32Array;
    t.dispose();
    return d;
  });
  assert.ok(relError(wasm, cpu) < 1e-6, 'batched products keep the original kernel');
});
