// Training speed: the seed CNN on 1460 synthetic 48x48 radiograph-like images, seconds per epoch on
// each backend and worker count here, against the same CNN in PyTorch on the same arrays
// (bench/torch_cnn.py); scaling with input size and simulated core counts; peak memory on a
// 100,000-image disk-backed set (bench/memory.ts, in a child process).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/engine/backend/select';
import { resolveConfig } from '../src/engine/config';
import { buildSeedCnn } from '../src/engine/model/seedCnn';
import { buildRadNet } from '../src/engine/model/radnet';
import { nativeKernels, useNativeKernels } from '../src/engine/backend/native';
import { PRESET_RECIPES } from '../src/engine/config';
import { predictSet } from '../src/engine/eval/evaluate';
import { FlatAdam } from '../src/engine/train/adam';
import { readPixels, labelsAt } from '../src/engine/train/batches';
import { createInferencePool, createParallelExecutor, shardBounds, sharedAdam } from '../src/engine/train/parallel';
import { shardGradients, trainableVariables } from '../src/engine/train/step';
import { trainModel } from '../src/engine/train/train';
import type { BenchOptions } from './main';
import type { BenchRow } from './row';
import { accuracyOf, cpuSeconds, emptySet, findTorchPython, predictSeconds, runTorch, steady, syntheticXrays } from './trainSupport';
import type { ArraySet, TorchResult } from './trainSupport';

type Report = (row: BenchRow) => void;
const section = 'train';

interface Timed {
  wall: number;
  cpu: number;
  model: ReturnType<typeof buildSeedCnn>;
}

/**
 * Steady-state wall and CPU seconds per epoch of our training over `train` (no validation, no
 * augmentation, a constant learning rate: the same work as the PyTorch loop).
 */
async function timeOurs(train: ArraySet, epochs: number, workers: number, preset: 'seed' | 'radnet' = 'seed'): Promise<Timed> {
  const model = preset === 'radnet' ? buildRadNet(train.imageSize, 2, 42) : buildSeedCnn(train.imageSize, 2, 42);
  const cpu: number[] = [];
  let c0 = cpuSeconds();
  const config = resolveConfig({ model: preset, imageSize: train.imageSize, epochs, patience: 100, classWeighting: 'none', workers, augment: false, lrSchedule: 'constant', selectBy: 'loss' });
  const r = await trainModel(model, { train, val: emptySet(train.imageSize), numClasses: 2 }, config, {
    onEpoch: () => {
      const c = cpuSeconds();
      cpu.push(c - c0);
      c0 = c;
    },
  });
  return { wall: steady(r.history.map((m) => m.seconds)), cpu: steady(cpu), model };
}

/** One-thread CPU milliseconds of a shard's gradient, and of the serial part (flatten, sum, Adam) of a step. */
function stepParts(size: number, shard: number): { shardMs: number; serialMs: number } {
  const model = buildSeedCnn(size, 2, 42);
  const set = syntheticXrays(shard, size, 5);
  const x = Float32Array.from(set.pixels, (v) => v / 255);
  const vars = trainableVariables(model);
  const adam = new FlatAdam(vars, new Float32Array(FlatAdam.total(vars)), 0.001);
  const s = { x, labels: set.labels, positions: new Int32Array(shard).map((_, i) => i), batchSize: 32, seed: 1, epoch: 1 };
  const spec = { kind: 'crossentropy' as const, gamma: 2, numClasses: 2 };
  const serial = (grads: tf.NamedTensorMap) => {
    const flat = adam.flatten(grads);
    for (let j = 0; j < flat.length; j++) flat[j] += flat[j] * 0; // the cost of adding one more shard
    adam.apply(flat);
  };
  const reps = 4;
  let shardMs = 0;
  let grads: tf.NamedTensorMap = {};
  for (let i = 0; i <= reps; i++) {
    tf.dispose(grads);
    const c0 = cpuSeconds();
    grads = shardGradients(model, s, spec).grads;
    if (i > 0) shardMs += ((cpuSeconds() - c0) * 1000) / reps;
    serial(grads);
  }
  // The serial part is cheap JavaScript: measure it over enough calls for V8 to have optimised it, as in a real run.
  for (let i = 0; i < 20; i++) serial(grads);
  const c0 = cpuSeconds();
  for (let i = 0; i < 20; i++) serial(grads);
  const serialMs = ((cpuSeconds() - c0) * 1000) / 20;
  tf.dispose(grads);
  model.dispose();
  return { shardMs, serialMs };
}

/** Seconds for the engine's own batch prediction (predictSet) over an inference pool, after a warm-up pass. */
async function pooledPredictSeconds(model: ReturnType<typeof buildSeedCnn>, set: ArraySet, workers: number): Promise<{ seconds: number; startSeconds: number }> {
  const t0 = performance.now();
  const pool = await createInferencePool(model, workers);
  const startSeconds = (performance.now() - t0) / 1000;
  try {
    await predictSet(model, set, 64, pool);
    const t1 = performance.now();
    await predictSet(model, set, 64, pool);
    return { seconds: (performance.now() - t1) / 1000, startSeconds };
  } finally {
    await pool.close();
  }
}

/** Seconds for a forward pass over the whole set split across worker threads, as validation runs it each epoch. */
async function parallelForwardSeconds(model: ReturnType<typeof buildSeedCnn>, set: ArraySet, workers: number): Promise<number> {
  const executor = await createParallelExecutor(model, sharedAdam(model, 0.001), { kind: 'crossentropy', gamma: 2, numClasses: 2 }, workers);
  try {
    const pass = async () => {
      const t0 = performance.now();
      for (let start = 0; start < set.size; start += 64) {
        const idx = Array.from({ length: Math.min(64, set.size - start) }, (_, i) => start + i);
        await executor.evaluate(readPixels(set, idx), labelsAt(set, idx));
      }
      return (performance.now() - t0) / 1000;
    };
    await pass(); // warm-up
    return await pass();
  } finally {
    await executor.close();
  }
}

function torchRows(report: Report, torch: TorchResult, label: string, epochs: number): void {
  report({ section, name: `PyTorch ${torch.torch}, ${torch.threads} thread${torch.threads > 1 ? 's' : ''}: s/epoch (${label})`, value: steady(torch.epochSeconds), unit: 's', note: `CPU ${steady(torch.epochCpuSeconds).toFixed(2)} s/epoch; mean of epochs 2-${epochs}` });
}

export async function benchTrain(report: Report, options: BenchOptions): Promise<void> {
  const epochs = options.quick ? 2 : 5;
  const train = syntheticXrays(1460, 48, 1);
  const test = syntheticXrays(400, 48, 2);
  const batches = Math.ceil(train.size / 32);
  const label = '1460 imgs 48x48, batch 32';
  const py = findTorchPython();
  let torch: TorchResult | undefined;
  let base: number | undefined;
  let basePredict: number | undefined;
  let baseName = 'PyTorch 2 threads';
  if (py) {
    torch = runTorch(py, train, test, epochs, 2);
    torchRows(report, torch, label, epochs);
    base = steady(torch.epochSeconds);
    basePredict = torch.predictSeconds;
    if (!options.quick) {
      // On a busy machine two PyTorch threads can be slower than one (they spin waiting for each other):
      // compare against whichever was faster here, so a loaded run does not flatter us.
      const one = runTorch(py, train, test, epochs, 1);
      torchRows(report, one, label, epochs);
      if (steady(one.epochSeconds) < base) {
        base = steady(one.epochSeconds);
        baseName = 'PyTorch 1 thread (faster than 2 here)';
      }
      basePredict = Math.min(basePredict, one.predictSeconds);
    }
  } else {
    console.log('  PyTorch baseline skipped: no python3 that can import torch (apt-get install python3-torch)');
  }
  const vs = (value: number, b: number | undefined, name = baseName) => (b !== undefined ? { baseline: b, baselineName: name, ratio: value / b } : {});

  const wasm = await initBackend('wasm');
  console.log(`  ${wasm.detail}`);
  for (const workers of options.quick ? [1, 2] : [1, 2, 4]) {
    const t = await timeOurs(train, epochs, workers);
    const over = workers > 2 ? ', more threads than the 2 cores' : '';
    report({ section, name: `wasm, ${workers} worker${workers > 1 ? 's' : ''}: s/epoch (${label})`, value: t.wall, unit: 's', ...vs(t.wall, base), note: `CPU ${t.cpu.toFixed(2)} s/epoch; mean of epochs 2-${epochs}${over}` });
    if (workers === 2) {
      const p = await parallelForwardSeconds(t.model, train, 2);
      report({ section, name: 'wasm, 2 workers: forward pass over 1460 imgs 48x48 (batches of 64 split in 2)', value: p, unit: 's', ...vs(p, basePredict, 'PyTorch predict, best of 1/2 threads'), note: 'how validation runs; the single-image classify path is one thread' });
      const pp = await pooledPredictSeconds(t.model, train, 2);
      report({ section, name: 'wasm, 2 workers: predictSet over 1460 imgs 48x48 (as the test split is evaluated)', value: pp.seconds, unit: 's', ...vs(pp.seconds, basePredict, 'PyTorch predict, best of 1/2 threads'), note: `plus ${pp.startSeconds.toFixed(2)} s to start the pool once` });
      const acc = accuracyOf(t.model, test);
      report({ section, name: `wasm, 2 workers: test accuracy after ${epochs} epochs (400 held-out imgs)`, value: acc, unit: '', ...(torch ? { baseline: torch.testAcc, baselineName: 'PyTorch', ratio: acc / torch.testAcc } : {}), note: 'different initial weights: parity within noise, not equality' });
    }
    if (workers === 1) {
      predictSeconds(t.model, train.head(64));
      const p = predictSeconds(t.model, train);
      report({ section, name: 'wasm: predict 1460 imgs 48x48 (batch 32, one thread)', value: p, unit: 's', ...vs(p, basePredict, 'PyTorch predict, best of 1/2 threads') });
    }
    t.model.dispose();
  }

  // More workers than cores here: project from one-thread timings of the shard each worker would compute.
  const full = stepParts(48, 32);
  for (const workers of [2, 4, 8]) {
    const part = stepParts(48, shardBounds(32, workers)[1]);
    const perEpoch = (batches * (part.shardMs + full.serialMs)) / 1000;
    report({ section, name: `wasm, ${workers} workers on ${workers} idle cores (simulated): s/epoch (${label})`, value: perEpoch, unit: 's', ...vs(perEpoch, base), note: `simulated from one-thread CPU timings: ${batches} x (shard of ${shardBounds(32, workers)[1]} ${part.shardMs.toFixed(0)} ms + serial ${full.serialMs.toFixed(1)} ms) CPU, one-thread timings` });
  }

  for (const [size, n] of options.quick ? [[96, 96]] : [[96, 192], [224, 64]]) {
    const sub = syntheticXrays(n, size, 3);
    const scale = 1460 / n;
    const t = await timeOurs(sub, 2, 2);
    t.model.dispose();
    const torchSub = py ? runTorch(py, sub, syntheticXrays(32, size, 4), 2, 2) : undefined;
    const torchEpoch = torchSub ? steady(torchSub.epochSeconds) * scale : undefined;
    if (torchEpoch !== undefined) report({ section, name: `PyTorch 2 threads: s/epoch (1460 imgs ${size}x${size})`, value: torchEpoch, unit: 's', note: `extrapolated from epoch 2 over ${n} imgs` });
    report({ section, name: `wasm, 2 workers: s/epoch (1460 imgs ${size}x${size})`, value: t.wall * scale, unit: 's', ...vs(t.wall * scale, torchEpoch, 'PyTorch 2 threads'), note: `extrapolated from epoch 2 over ${n} imgs` });
  }

  if (!options.quick) {
    // The cpu backend takes about a minute per batch: time one batch and extrapolate.
    await initBackend('cpu');
    const model = buildSeedCnn(48, 2, 42);
    const ac = new AbortController();
    let seconds = 0;
    await trainModel(model, { train, val: emptySet(48), numClasses: 2 }, resolveConfig({ model: 'seed', epochs: 1, classWeighting: 'none', workers: 1 }), {
      onBatch: (p) => {
        seconds = p.elapsed;
        ac.abort();
      },
    }, ac.signal);
    model.dispose();
    report({ section, name: `cpu backend: s/epoch (${label})`, value: seconds * batches, unit: 's', ...vs(seconds * batches, base), note: `extrapolated from one batch (${seconds.toFixed(1)} s) x ${batches} batches` });
    await initBackend('auto');
  }

  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'memory.ts'), options.quick ? '10000' : '100000'], { encoding: 'utf8', cwd: path.join(__dirname, '..') });
  if (child.status !== 0) throw new Error(`bench/memory.ts failed: ${child.stderr}`);
  const mem = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { images: number; batches: number; maxRssMB: number; workers: number; seconds: number };
  report({ section, name: `peak RSS training on ${mem.images.toLocaleString('en-US')} imgs 96x96 from disk`, value: mem.maxRssMB, unit: 'MB', baseline: 1536, baselineName: 'target 1.5 GB', ratio: mem.maxRssMB / 1536, note: `child process: FileImageSet over one ${((mem.images * 9216) / 1e9).toFixed(2)} GB file, first ${mem.batches} batches of epoch 1, ${mem.workers} workers, maxRSS` });
}

/** The default model's section: its own row set, so `--only radnet` measures it alone. */
export async function benchRadNetSection(report: Report, options: BenchOptions): Promise<void> {
  const wasm = await initBackend('wasm');
  console.log(`  ${wasm.detail}`);
  await benchRadNet(report, options, findTorchPython(), options.quick ? 2 : 4);
}

/** The default model (radnet) at its default input size against the same architecture in PyTorch. */
async function benchRadNet(report: Report, options: BenchOptions, py: string | undefined, epochs: number): Promise<void> {
  const size = PRESET_RECIPES.radnet.imageSize;
  const n = options.quick ? 320 : 1460;
  const label = `${n} imgs ${size}x${size}, batch 32`;
  const train = syntheticXrays(n, size, 21);
  const test = syntheticXrays(200, size, 22);
  let base: number | undefined;
  let baseName = 'PyTorch 2 threads';
  if (py) {
    const two = runTorch(py, train, test, epochs, 2, 'radnet');
    report({ section, name: `PyTorch ${two.torch}, radnet, 2 threads: s/epoch (${label})`, value: steady(two.epochSeconds), unit: 's', note: `CPU ${steady(two.epochCpuSeconds).toFixed(2)} s/epoch; mean of epochs 2-${epochs}` });
    base = steady(two.epochSeconds);
    const one = runTorch(py, train, test, epochs, 1, 'radnet');
    report({ section, name: `PyTorch ${one.torch}, radnet, 1 thread: s/epoch (${label})`, value: steady(one.epochSeconds), unit: 's', note: `CPU ${steady(one.epochCpuSeconds).toFixed(2)} s/epoch` });
    if (steady(one.epochSeconds) < base) {
      base = steady(one.epochSeconds);
      baseName = 'PyTorch 1 thread (faster than 2 here)';
    }
  }
  const native = nativeKernels() !== null;
  // With the native kernels (when built) and without them, so their gain is measured in this run too.
  const runs = native ? [{ workers: 1, native: true }, { workers: 2, native: true }, { workers: 2, native: false }] : [{ workers: 1, native: false }, { workers: 2, native: false }];
  for (const run of runs) {
    useNativeKernels(run.native);
    try {
      const t = await timeOurs(train, epochs, run.workers, 'radnet');
      t.model.dispose();
      const kernels = run.native ? `native kernels (${nativeKernels()?.isa()})` : 'WebAssembly kernels only';
      report({ section, name: `wasm, radnet (default model), ${kernels}, ${run.workers} worker${run.workers > 1 ? 's' : ''}: s/epoch (${label})`, value: t.wall, unit: 's', ...(base !== undefined ? { baseline: base, baselineName: baseName, ratio: t.wall / base } : {}), note: `CPU ${t.cpu.toFixed(2)} s/epoch; includes the per-epoch batch-norm statistics pass` });
    } finally {
      useNativeKernels(true);
    }
  }
}
