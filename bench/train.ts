// Training speed: the seed CNN on 1460 synthetic 48x48 radiograph-like images, seconds per epoch on
// each backend here, against the same CNN in PyTorch on the same arrays (bench/torch_cnn.py).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/engine/backend/select';
import { resolveConfig } from '../src/engine/config';
import type { TrainConfig } from '../src/engine/config';
import type { ImageSet } from '../src/engine/data/imageSet';
import { buildSeedCnn } from '../src/engine/model/seedCnn';
import { trainModel } from '../src/engine/train/train';
import type { BenchOptions } from './main';
import type { BenchRow } from './row';

type Report = (row: BenchRow) => void;

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
}

/** A bright "bone" band over noise; class 1 adds a thin dark line across it (a crack), at a random angle. */
export function syntheticXrays(count: number, size: number, seed: number): ArraySet {
  let s = seed >>> 0;
  const r = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const px = size * size;
  const pixels = new Uint8Array(count * px);
  const labels = new Int32Array(count);
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
        if (label === 1 && d < half && Math.abs(y - (crackY + crackSlope * (x - cx))) < 0.8) v -= 70;
        pixels[i * px + y * size + x] = Math.max(0, Math.min(255, v));
      }
    }
  }
  return new ArraySet(size, pixels, labels);
}

interface TorchResult {
  torch: string;
  threads: number;
  epochSeconds: number[];
  trainAcc: number;
  testAcc: number;
  predictSeconds: number;
}

function findTorchPython(): string | undefined {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'import torch, numpy'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return undefined;
}

function runTorch(py: string, train: ArraySet, test: ArraySet, epochs: number, threads: number): TorchResult {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fracture-bench-'));
  try {
    writeFileSync(path.join(dir, 'train_x.u8'), train.pixels);
    writeFileSync(path.join(dir, 'train_y.i32'), new Uint8Array(train.labels.buffer));
    writeFileSync(path.join(dir, 'test_x.u8'), test.pixels);
    writeFileSync(path.join(dir, 'test_y.i32'), new Uint8Array(test.labels.buffer));
    const args = [path.join(__dirname, 'torch_cnn.py'), '--dir', dir, '--size', String(train.imageSize), '--epochs', String(epochs), '--batch', '32', '--threads', String(threads)];
    const r = spawnSync(py, args, { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(threads) } });
    if (r.status !== 0) throw new Error(`torch_cnn.py failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as TorchResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Steady-state seconds per epoch: the mean over epochs after the first (which pays one-off set-up), or the only one. */
export function steadyEpoch(seconds: number[]): number {
  const rest = seconds.length > 1 ? seconds.slice(1) : seconds;
  return rest.reduce((a, b) => a + b, 0) / rest.length;
}

export function accuracyOf(model: ReturnType<typeof buildSeedCnn>, set: ArraySet): number {
  const idx = Array.from({ length: set.size }, (_, i) => i);
  const x = tf.tensor4d(Float32Array.from(set.read(idx), (v) => v / 255), [set.size, set.imageSize, set.imageSize, 1]);
  const pred = tf.tidy(() => tf.argMax(model.predict(x, { batchSize: 128 }) as tf.Tensor, 1));
  const p = pred.dataSync();
  x.dispose();
  pred.dispose();
  let ok = 0;
  for (let i = 0; i < set.size; i++) if (p[i] === set.labels[i]) ok++;
  return ok / set.size;
}

/** Seconds to predict every image of the set in batches of 32, uint8-to-float conversion included. */
export function predictSeconds(model: ReturnType<typeof buildSeedCnn>, set: ArraySet): number {
  const t0 = performance.now();
  const px = set.imageSize * set.imageSize;
  for (let start = 0; start < set.size; start += 32) {
    const n = Math.min(32, set.size - start);
    const idx = Array.from({ length: n }, (_, i) => start + i);
    const probs = tf.tidy(() => model.predict(tf.tensor4d(Float32Array.from(set.read(idx), (v) => v / 255), [n, set.imageSize, set.imageSize, 1])) as tf.Tensor);
    probs.dataSync();
    probs.dispose();
    void px;
  }
  return (performance.now() - t0) / 1000;
}

const empty = (size: number) => new ArraySet(size, new Uint8Array(0), new Int32Array(0));

function benchConfig(over: Partial<TrainConfig>): TrainConfig {
  return resolveConfig({ epochs: 3, batchSize: 32, patience: 100, seed: 42, classWeighting: 'none', workers: 1, ...over });
}

export async function benchTrain(report: Report, options: BenchOptions): Promise<void> {
  const size = 48;
  const epochs = options.quick ? 2 : 3;
  const train = syntheticXrays(1460, size, 1);
  const test = syntheticXrays(400, size, 2);
  const batches = Math.ceil(train.size / 32);
  const section = 'train';

  const py = findTorchPython();
  let torch: TorchResult | undefined;
  if (py) {
    torch = runTorch(py, train, test, epochs, 2);
    report({ section, name: `PyTorch ${torch.torch}, ${torch.threads} threads: s/epoch (1460 imgs 48x48, batch 32)`, value: steadyEpoch(torch.epochSeconds), unit: 's', note: `mean of epochs 2-${epochs}` });
  } else {
    console.log('  PyTorch baseline skipped: no python3 that can import torch (apt-get install python3-torch)');
  }
  const torchEpoch = torch ? steadyEpoch(torch.epochSeconds) : undefined;
  const vsTorch = (value: number, base: number | undefined, baseName: string) => (base !== undefined ? { baseline: base, baselineName: baseName, ratio: value / base } : {});

  const wasm = await initBackend('wasm');
  console.log(`  ${wasm.detail}`);
  for (const workers of [1]) {
    const model = buildSeedCnn(size, 2, 42);
    if (model.countParams() !== 355202) throw new Error(`seed CNN has ${model.countParams()} parameters, expected 355,202`);
    const r = await trainModel(model, { train, val: empty(size), numClasses: 2 }, benchConfig({ epochs, workers }));
    const s = steadyEpoch(r.history.map((m) => m.seconds));
    report({ section, name: `wasm, ${workers} worker${workers > 1 ? 's' : ''}: s/epoch (1460 imgs 48x48, batch 32)`, value: s, unit: 's', ...vsTorch(s, torchEpoch, 'PyTorch 2 threads'), note: `mean of epochs 2-${epochs}` });
    if (workers === 1) {
      const acc = accuracyOf(model, test);
      report({ section, name: `wasm: test accuracy after ${epochs} epochs (400 held-out imgs)`, value: acc, unit: '', ...(torch ? { baseline: torch.testAcc, baselineName: 'PyTorch', ratio: acc / torch.testAcc } : {}) });
      predictSeconds(model, train); // warm-up
      const p = predictSeconds(model, train);
      report({ section, name: 'wasm: predict 1460 imgs 48x48 (batch 32)', value: p, unit: 's', ...vsTorch(p, torch?.predictSeconds, 'PyTorch 2 threads') });
    }
    model.dispose();
  }

  // The cpu backend takes about a minute per batch: time one batch and extrapolate.
  await initBackend('cpu');
  {
    const model = buildSeedCnn(size, 2, 42);
    const batch = options.quick ? 8 : 32;
    const ac = new AbortController();
    let seconds = 0;
    await trainModel(model, { train, val: empty(size), numClasses: 2 }, benchConfig({ epochs: 1, batchSize: batch }), {
      onBatch: (p) => {
        seconds = p.elapsed;
        ac.abort();
      },
    }, ac.signal);
    const perEpoch = (seconds * (32 / batch)) * batches;
    report({ section, name: 'cpu: s/epoch (1460 imgs 48x48, batch 32)', value: perEpoch, unit: 's', ...vsTorch(perEpoch, torchEpoch, 'PyTorch 2 threads'), note: `extrapolated from one batch of ${batch} (${seconds.toFixed(1)} s) x ${batches} batches` });
    model.dispose();
  }
  await initBackend('auto');
}
