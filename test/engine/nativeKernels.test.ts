import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { jsLoops } from '../../src/engine/backend/bnLoops';
import { NATIVE_FILE, nativeKernels, useNativeKernels } from '../../src/engine/backend/native';
import { initBackend } from '../../src/engine/backend/select';

const root = path.join(__dirname, '..', '..');
const built = path.join(root, 'native', 'build', 'Release', NATIVE_FILE);

function seeded(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let diff = 0;
  let scale = 1e-12;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

function cpuHasAvx2Fma(): boolean {
  try {
    const flags = readFileSync('/proc/cpuinfo', 'utf8');
    return /\bavx2\b/.test(flags) && /\bfma\b/.test(flags);
  } catch {
    return false;
  }
}

test('npm install builds the native kernels, and the wasm backend loads and names them', async () => {
  assert.ok(existsSync(built), `${path.relative(root, built)} is missing: npm install builds it with node-gyp (a C compiler is needed)`);
  const info = await initBackend('wasm');
  assert.equal(info.name, 'wasm');
  assert.match(info.detail, cpuHasAvx2Fma() ? /native kernels avx2\+fma/ : /native kernels (avx2\+fma|generic)/);
  useNativeKernels(false);
  try {
    assert.equal(nativeKernels(), null, 'turned off, no kernel uses them');
  } finally {
    useNativeKernels(true);
  }
  assert.ok(nativeKernels());
});

interface Case {
  name: string;
  x: [number, number, number, number];
  k: number;
  co: number;
  stride: number;
  pad: 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
  round?: 'ceil' | 'floor' | 'round';
}

// Shapes chosen to cross the kernels' internal limits: patch chunks of 1M floats, 256-deep blocks
// of the inner dimension, 6 x 16 register tiles with ragged edges, and the one-channel first layer.
const CASES: Case[] = [
  { name: 'several patch chunks and a 288-deep product (64 px, 32 -> 64 channels)', x: [2, 64, 64, 32], k: 3, co: 64, stride: 1, pad: 'same' },
  { name: 'ragged tiles, stride 2, odd sizes', x: [3, 17, 13, 5], k: 3, co: 7, stride: 2, pad: 'same' },
  { name: '1x1 conv, 130 -> 200 channels', x: [1, 9, 9, 130], k: 1, co: 200, stride: 1, pad: 'valid' },
  { name: 'one input channel, 5x5 valid (a first layer)', x: [2, 40, 40, 1], k: 5, co: 16, stride: 1, pad: 'valid' },
  { name: 'explicit padding, different on each side', x: [2, 9, 11, 3], k: 3, co: 4, stride: 2, pad: [[0, 0], [2, 0], [0, 1], [0, 0]] },
  // tfjs does not pass the rounding mode on to the gradient kernels: the native ones must see the
  // mismatch and leave the gradients to the WebAssembly path. (WebAssembly's own forward kernel
  // gets the last row wrong here, so the reference is the cpu backend with the padding that
  // rounding up implies written out: one row and column before, one row and two columns after.)
  { name: "numeric padding with dimRoundingMode 'ceil', against the same padding made explicit", x: [1, 9, 8, 2], k: 3, co: 3, stride: 2, pad: 1, round: 'ceil' },
];

/** The output, input gradient and filter gradient of conv2d under a fixed weighting of its output. */
function convAndGrads(c: Case): Float32Array[] {
  const outs = tf.tidy(() => {
    const x = tf.tensor4d(seeded(c.x.reduce((a, b) => a * b), 1), c.x);
    const f = tf.tensor4d(seeded(c.k * c.k * c.x[3] * c.co, 2), [c.k, c.k, c.x[3], c.co]);
    const conv = (xi: tf.Tensor, fi: tf.Tensor) => tf.conv2d(xi as tf.Tensor4D, fi as tf.Tensor4D, c.stride, c.pad, 'NHWC', 1, c.round);
    const y = conv(x, f);
    const w = tf.sin(tf.reshape(tf.range(0, y.size), y.shape));
    const [dx, df] = tf.grads((xi: tf.Tensor, fi: tf.Tensor) => tf.sum(tf.mul(conv(xi, fi), w)))([x, f]);
    return [y, dx, df];
  });
  return outs.map((t) => {
    const d = t.dataSync() as Float32Array;
    t.dispose();
    return d;
  });
}

for (const c of CASES) {
  test(`native convolution, input and filter gradients equal the WebAssembly path: ${c.name}`, async () => {
    await initBackend('wasm');
    assert.ok(nativeKernels(), 'native kernels loaded');
    const native = convAndGrads(c);
    let wasm: Float32Array[];
    if (c.round) {
      await initBackend('cpu');
      wasm = convAndGrads({ ...c, pad: [[0, 0], [1, 1], [1, 2], [0, 0]], round: undefined });
      await initBackend('wasm');
    } else {
      useNativeKernels(false);
      try {
        wasm = convAndGrads(c);
      } finally {
        useNativeKernels(true);
      }
    }
    ['output', 'input gradient', 'filter gradient'].forEach((what, i) => {
      assert.ok(wasm[i].some((v) => v !== 0), `${what} is not all zero`);
      const err = maxRelDiff(native[i], wasm[i]);
      assert.ok(err < 1e-4, `${what} differs by ${err}`);
    });
  });
}

test('the native fused convolution (bias, then ReLU or none) equals the WebAssembly one', async () => {
  await initBackend('wasm');
  for (const activation of ['relu', 'linear'] as const) {
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(seeded(2 * 12 * 12 * 3, 3), [2, 12, 12, 3]);
        const f = tf.tensor4d(seeded(3 * 3 * 3 * 10, 4), [3, 3, 3, 10]);
        return tf.fused.conv2d({ x, filter: f, strides: 1, pad: 'same', bias: tf.tensor1d(seeded(10, 5)), activation });
      });
    const n = run();
    useNativeKernels(false);
    const w = run();
    useNativeKernels(true);
    const [a, b] = [n.dataSync(), w.dataSync()];
    tf.dispose([n, w]);
    if (activation === 'relu') assert.ok(b.some((v) => v === 0) && b.some((v) => v > 0));
    assert.ok(maxRelDiff(a, b) < 1e-5, activation);
  }
});

test('an empty batch leaves the native kernels and gives an empty output, as on WebAssembly', async () => {
  await initBackend('wasm');
  const y = tf.conv2d(tf.zeros([0, 8, 8, 2]) as tf.Tensor4D, tf.ones([3, 3, 2, 4]) as tf.Tensor4D, 1, 'same');
  assert.deepEqual(y.shape, [0, 8, 8, 4]);
  assert.equal(y.dataSync().length, 0);
  y.dispose();
});

test('the native batch-norm loops equal the JavaScript ones (odd channel counts, partial row ranges, odd pool sizes)', () => {
  const native = nativeKernels();
  assert.ok(native);
  const C = 5;
  const rows = 203;
  const x = seeded(rows * C, 6);
  const y = seeded(rows * C, 7);
  const sums = () => [new Float64Array(C), new Float64Array(C)];
  const [a1, a2] = sums();
  const [b1, b2] = sums();
  native.channelSums(x, y, 7, 190, C, a1, a2);
  jsLoops.channelSums(x, y, 7, 190, C, b1, b2);
  assert.ok(maxRelDiff(a1, b1) < 1e-5 && maxRelDiff(a2, b2) < 1e-5, 'channel sums');
  const scale = seeded(C, 8);
  const shift = seeded(C, 9);
  const [o1, o2] = [new Float32Array(rows * C), new Float32Array(rows * C)];
  native.affineRelu(x, o1, 3, rows, C, scale, shift);
  jsLoops.affineRelu(x, o2, 3, rows, C, scale, shift);
  // JavaScript rounds once from double, C from float: equal within float rounding, zero at the same places.
  assert.ok(maxRelDiff(o1, o2) < 1e-6, 'normalise + ReLU');
  assert.deepEqual(o1.map((v) => +(v > 0)), o2.map((v) => +(v > 0)), 'ReLU zeros');
  assert.ok(o1.some((v) => v === 0) && o1.some((v) => v > 0));
  const [io1, io2] = [y.slice(), y.slice()];
  native.affine2(io1, x, 0, rows, C, scale, shift, seeded(C, 10));
  jsLoops.affine2(io2, x, 0, rows, C, scale, shift, seeded(C, 10));
  assert.ok(maxRelDiff(io1, io2) < 1e-6, 'input gradient affine');
  const [m1, m2] = [new Float32Array(rows * C), new Float32Array(rows * C)];
  native.reluMask(y, x, m1);
  jsLoops.reluMask(y, x, m2);
  // JavaScript's g * 0 may be -0 where C writes 0: compare values, not bit patterns.
  assert.equal(maxRelDiff(m1, m2), 0, 'ReLU mask');
  // A 2x2 pool over 7x9 maps: the last row and column belong to no window.
  const [N, H, W, Ho, Wo] = [2, 7, 9, 3, 4];
  const act = seeded(N * H * W * C, 11).map((v) => Math.max(0, v));
  const g = seeded(N * Ho * Wo * C, 12);
  const [r1, r2] = [new Float32Array(N * H * W * C).fill(9), new Float32Array(N * H * W * C).fill(9)];
  const [s1, s2] = [new Float64Array(C), new Float64Array(C)];
  native.routePooled(g, act, r1, N, H, W, C, Ho, Wo, s1);
  jsLoops.routePooled(g, act, r2, N, H, W, C, Ho, Wo, s2);
  assert.equal(maxRelDiff(r1, r2), 0, 'pooled gradient routing');
  assert.ok(!r1.includes(9), 'every element written, the uncovered row and column too');
  assert.ok(maxRelDiff(s1, s2) < 1e-6, 'routed sums');
});

test('a shape that does not fit its arrays throws a clear error instead of writing outside them', () => {
  const native = nativeKernels();
  assert.ok(native);
  const shape = Int32Array.of(1, 8, 8, 2, 3, 3, 4, 1, 1, 1, 1, 8, 8);
  const x = new Float32Array(8 * 8 * 2);
  const f = new Float32Array(3 * 3 * 2 * 4);
  assert.throws(() => native.convForward(x, f, new Float32Array(10), shape), /argument 2 holds 10 elements, the shape needs 256/);
  assert.throws(() => native.convFilterGrad(x, new Float32Array(256), new Float32Array(3), shape), /argument 2 holds 3 elements, the shape needs 72/);
  assert.throws(() => native.convForward(x, f, new Float32Array(256), Int32Array.of(1, 8, 8, 2, 3, 3, 0, 1, 1, 1, 1, 8, 8)), /must be positive/);
  assert.throws(() => native.routePooled(new Float32Array(4), new Float32Array(4), new Float32Array(4), 1, 1, 2, 2, 1, 1), /2\*Ho <= H/);
  // Sizes whose arithmetic would overflow 32 bits are refused, not wrapped round.
  assert.throws(() => native.routePooled(new Float32Array(4), new Float32Array(4), new Float32Array(4), 1, 2, 2, 1, 2 ** 30, 1), /2\*Ho <= H/);
  assert.throws(() => native.convForward(new Float32Array(1), new Float32Array(8), new Float32Array(8), Int32Array.of(1, 1, 1, 1, 1, 8, 1, 1, 1, 0, -2147483642, 1, 1)), /too large/);
  assert.throws(() => native.channelSums(x, x as unknown as Float32Array, 0, 1000, 2, new Float64Array(2), new Float64Array(2)), /holds 128 elements, the shape needs 2000/);
});

test('worker threads running the native convolution at once each get their own scratch memory', async () => {
  // Each thread convolves its own input many times; with shared scratch buffers the threads would
  // overwrite each other's patches and the repeated results would differ.
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const k = require(workerData.file);
    let s = workerData.seed >>> 0;
    const rnd = (n) => Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5);
    const shape = Int32Array.of(4, 32, 32, 16, 3, 3, 32, 1, 1, 1, 1, 32, 32);
    const x = rnd(4 * 32 * 32 * 16), f = rnd(9 * 16 * 32);
    const first = new Float32Array(4 * 32 * 32 * 32);
    k.convForward(x, f, first, shape);
    let mismatches = 0;
    for (let i = 0; i < 40; i++) {
      const y = new Float32Array(first.length);
      k.convForward(x, f, y, shape);
      for (let j = 0; j < y.length; j++) if (y[j] !== first[j]) { mismatches++; break; }
    }
    parentPort.postMessage({ mismatches, checksum: first.reduce((a, b) => a + b, 0) });
  `;
  const file = [path.join(root, 'dist', 'native', NATIVE_FILE), built].find((f) => existsSync(f));
  assert.ok(file, 'native library built');
  const run = (seed: number) =>
    new Promise<{ mismatches: number; checksum: number }>((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { file, seed } });
      w.once('message', resolve);
      w.once('error', reject);
    });
  const results = await Promise.all([run(1), run(2), run(3)]);
  for (const r of results) assert.equal(r.mismatches, 0);
  assert.notEqual(results[0].checksum, results[1].checksum, 'the threads convolved different inputs');
});
