// Where a training step's time goes: per-kernel milliseconds of one shard of the default model
// (radnet), measured with tf.profile on the current backend.
// `node --import tsx bench/profile.ts [size] [batch] [backend] [seed|radnet]`
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/engine/backend/select';
import { nativeKernels } from '../src/engine/backend/native';
import { buildRadNet } from '../src/engine/model/radnet';
import { buildSeedCnn } from '../src/engine/model/seedCnn';
import { FlatAdam } from '../src/engine/train/adam';
import { shardGradients, trainableVariables } from '../src/engine/train/step';
import type { Shard } from '../src/engine/train/step';
import type { BenchRow } from './row';
import { syntheticXrays } from './trainSupport';

/**
 * Kernels that tf.profile lists beside the kernels they are built from, counted once: 'forward', the
 * fused training ops (custom gradients) around their kernels, and without the native kernels the
 * convolution gradients, which are then built from other kernels.
 */
function composite(): Set<string> {
  return new Set(nativeKernels() ? ['forward'] : ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'forward']);
}

export async function profileStep(size: number, batch: number, steps = 3, preset: 'seed' | 'radnet' = 'radnet'): Promise<{ totalMs: number; kernels: [string, number, number][] }> {
  const COMPOSITE = composite();
  const model = preset === 'radnet' ? buildRadNet(size, 2, 42) : buildSeedCnn(size, 2, 42);
  const vars = trainableVariables(model);
  const adam = new FlatAdam(vars, new Float32Array(FlatAdam.total(vars)), 0.001);
  const set = syntheticXrays(batch, size, 3);
  const x = Float32Array.from(set.pixels, (v) => v / 255);
  const shard: Shard = { x, labels: set.labels, positions: new Int32Array(batch).map((_, i) => i), batchSize: batch, seed: 1, epoch: 1 };
  const step = () => {
    const { grads } = shardGradients(model, shard, { kind: 'crossentropy', gamma: 2, numClasses: 2 });
    const flat = adam.flatten(grads);
    tf.dispose(grads);
    adam.apply(flat);
  };
  // Warm-up: operator creation, weight packing, and enough calls for V8 to optimise the JavaScript kernels.
  for (let i = 0; i < 10; i++) step();
  const byName = new Map<string, [number, number]>();
  let totalMs = 0;
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    const info = await tf.profile(step);
    totalMs += performance.now() - t0;
    // Our conv-gradient kernels are built from other kernels, which tf.profile lists too: count those once.
    for (const k of info.kernels.filter((k) => !COMPOSITE.has(k.name))) {
      if (process.env.PROFILE_SHAPES) console.log(k.name, (k.kernelTimeMs as number).toFixed(2), JSON.stringify(k.inputShapes));
      const e = byName.get(k.name) ?? [0, 0];
      e[0] += (k.kernelTimeMs as number) / steps;
      e[1] += 1 / steps;
      byName.set(k.name, e);
    }
  }
  model.dispose();
  const kernels = [...byName.entries()].map(([n, [ms, c]]) => [n, ms, c] as [string, number, number]).sort((a, b) => b[1] - a[1]);
  return { totalMs: totalMs / steps, kernels };
}

/** The bench section: where one training step's time goes, so a missed speed target shows its bound. */
export async function benchProfile(report: (row: BenchRow) => void): Promise<void> {
  await initBackend('wasm');
  // One thread's shard of a step of the default model: 16 of a batch of 32 on two threads.
  const p = await profileStep(64, 16);
  const section = 'profile';
  report({ section, name: `wasm, one thread, ${nativeKernels() ? `native kernels ${nativeKernels()?.isa()}` : 'WebAssembly kernels'}: radnet training step of 16 imgs 64x64 (tf.profile)`, value: p.totalMs, unit: 'ms' });
  const notes: Record<string, string> = {
    Conv2D: 'forward convolutions',
    Conv2DBackpropInput: 'input gradients of the convolutions',
    Conv2DBackpropFilter: 'filter gradients of the convolutions',
    FractureBnReluGrad: 'batch norm + ReLU (+ pool) backward',
    FractureBnRelu: 'batch norm + ReLU forward',
  };
  for (const [name, ms] of p.kernels.slice(0, 6)) {
    report({ section, name: `  kernel ${name}`, value: ms, unit: 'ms', baseline: p.totalMs, baselineName: 'share of the step', ratio: ms / p.totalMs, note: notes[name] });
  }
  const kernelMs = p.kernels.reduce((a, k) => a + k[1], 0);
  report({ section, name: '  outside kernels (tfjs dispatch, tape, JavaScript)', value: p.totalMs - kernelMs, unit: 'ms', baseline: p.totalMs, baselineName: 'share of the step', ratio: (p.totalMs - kernelMs) / p.totalMs });
}

async function main(): Promise<void> {
  const size = Number(process.argv[2] ?? 64);
  const batch = Number(process.argv[3] ?? 16);
  const info = await initBackend((process.argv[4] as 'wasm' | 'cpu') ?? 'wasm');
  console.log(info.detail);
  const cpu0 = process.cpuUsage();
  const p = await profileStep(size, batch, 3, process.argv[5] === 'seed' ? 'seed' : 'radnet');
  const cpu = process.cpuUsage(cpu0);
  console.log(`step ${p.totalMs.toFixed(1)} ms wall (profiled), cpu ${((cpu.user + cpu.system) / 1000 / 4).toFixed(1)} ms/step`);
  const sum = p.kernels.reduce((a, k) => a + k[1], 0);
  console.log(`kernels ${sum.toFixed(1)} ms of ${p.totalMs.toFixed(1)} ms; the rest is tfjs dispatch, tape and JavaScript`);
  for (const [name, ms, count] of p.kernels.slice(0, 25)) console.log(`${name.padEnd(28)} ${ms.toFixed(2).padStart(8)} ms  x${Math.round(count)}`);
}

if (require.main === module) void main();
