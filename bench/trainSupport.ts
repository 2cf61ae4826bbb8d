// Data, the PyTorch runner and timing helpers for bench/train.ts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ImageSet } from '../src/engine/data/imageSet';

export class ArraySet implements ImageSet {
  readonly paths: string[];
  constructor(
    readonly imageSize: number,
    readonly pixels: Uint8Array,
    readonly labels: Int32Array,
  ) {
    this.paths = Array.from(labels, (_, i) => `synthetic/${i}`);
  }
  get size(): number {
    return this.labels.length;
  }
  read(indices: ArrayLike<number>, out?: Uint8Array): Uint8Array {
    const px = this.imageSize * this.imageSize;
    const dst = out ?? new Uint8Array(indices.length * px);
    for (let i = 0; i < indices.length; i++) dst.set(this.pixels.subarray(indices[i] * px, (indices[i] + 1) * px), i * px);
    return dst;
  }
  head(n: number): ArraySet {
    const px = this.imageSize * this.imageSize;
    return new ArraySet(this.imageSize, this.pixels.slice(0, n * px), this.labels.slice(0, n));
  }
}

export const emptySet = (size: number) => new ArraySet(size, new Uint8Array(0), new Int32Array(0));

/** A bright "bone" band over noise; class 1 (every third image) adds a thin dark line across it, at a random angle. */
export function syntheticXrays(count: number, size: number, seed: number): ArraySet {
  let s = seed >>> 0;
  const r = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const px = size * size;
  const pixels = new Uint8Array(count * px);
  const labels = new Int32Array(count);
  const k = size / 48;
  for (let i = 0; i < count; i++) {
    const label = i % 3 === 0 ? 1 : 0;
    labels[i] = label;
    const cx = size * (0.35 + 0.3 * r());
    const half = size * (0.1 + 0.08 * r());
    const tilt = (r() - 0.5) * 0.5;
    const crackY = size * (0.25 + 0.5 * r());
    const crackSlope = (r() - 0.5) * 1.5;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let v = 35 + 30 * r();
        const d = Math.abs(x - (cx + tilt * (y - size / 2)));
        if (d < half) v += 110 + 20 * Math.cos((d / half) * 1.5);
        if (label === 1 && d < half && Math.abs(y - (crackY + crackSlope * (x - cx))) < 1.2 * k) v -= 75;
        pixels[i * px + y * size + x] = Math.max(0, Math.min(255, v));
      }
    }
  }
  return new ArraySet(size, pixels, labels);
}

export interface TorchResult {
  torch: string;
  threads: number;
  epochSeconds: number[];
  epochCpuSeconds: number[];
  trainAcc: number;
  testAcc: number;
  predictSeconds: number;
}

export function findTorchPython(): string | undefined {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'import torch, numpy'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return undefined;
}

/** Runs bench/torch_cnn.py on the same arrays (written to a temp folder as raw files). */
export function runTorch(py: string, train: ArraySet, test: ArraySet, epochs: number, threads: number, model: 'seed' | 'radnet' = 'seed'): TorchResult {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fracture-bench-'));
  try {
    writeFileSync(path.join(dir, 'train_x.u8'), train.pixels);
    writeFileSync(path.join(dir, 'train_y.i32'), new Uint8Array(train.labels.buffer, train.labels.byteOffset, train.labels.byteLength));
    writeFileSync(path.join(dir, 'test_x.u8'), test.pixels);
    writeFileSync(path.join(dir, 'test_y.i32'), new Uint8Array(test.labels.buffer, test.labels.byteOffset, test.labels.byteLength));
    const args = [path.join(__dirname, 'torch_cnn.py'), '--dir', dir, '--size', String(train.imageSize), '--epochs', String(epochs), '--batch', '32', '--threads', String(threads), '--model', model];
    const r = spawnSync(py, args, { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(threads) } });
    if (r.status !== 0) throw new Error(`torch_cnn.py failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as TorchResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Steady state: the mean over epochs after the first (which pays one-off set-up), or the only one. */
export function steady(values: number[]): number {
  const rest = values.length > 1 ? values.slice(1) : values;
  return rest.reduce((a, b) => a + b, 0) / rest.length;
}

export function accuracyOf(model: tfl.LayersModel, set: ArraySet): number {
  let ok = 0;
  for (let start = 0; start < set.size; start += 128) {
    const idx = Array.from({ length: Math.min(128, set.size - start) }, (_, i) => start + i);
    const pred = tf.tidy(() => tf.argMax(model.predict(tf.tensor4d(Float32Array.from(set.read(idx), (v) => v / 255), [idx.length, set.imageSize, set.imageSize, 1])) as tf.Tensor, 1));
    const p = pred.dataSync();
    pred.dispose();
    idx.forEach((i, k) => (ok += p[k] === set.labels[i] ? 1 : 0));
  }
  return ok / set.size;
}

/** Seconds to predict every image of the set in batches of 32, uint8-to-float conversion included. */
export function predictSeconds(model: tfl.LayersModel, set: ArraySet): number {
  const t0 = performance.now();
  for (let start = 0; start < set.size; start += 32) {
    const n = Math.min(32, set.size - start);
    const idx = Array.from({ length: n }, (_, i) => start + i);
    const probs = tf.tidy(() => model.predict(tf.tensor4d(Float32Array.from(set.read(idx), (v) => v / 255), [n, set.imageSize, set.imageSize, 1])) as tf.Tensor);
    probs.dataSync();
    probs.dispose();
  }
  return (performance.now() - t0) / 1000;
}

/** CPU seconds of this process, all threads (worker threads included). */
export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
