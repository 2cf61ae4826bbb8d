// Where a training step's time goes: per-kernel milliseconds of one batch of the seed CNN,
// measured with tf.profile on the current backend. `node --import tsx bench/profile.ts [size] [batch]`
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/engine/backend/select';
import { buildSeedCnn } from '../src/engine/model/seedCnn';
import { shardGradients } from '../src/engine/train/step';
import type { Shard } from '../src/engine/train/step';
import { syntheticXrays } from './train';

export async function profileStep(size: number, batch: number, steps = 3): Promise<{ totalMs: number; kernels: [string, number, number][] }> {
  const model = buildSeedCnn(size, 2, 42);
  const optimizer: tf.Optimizer = tf.train.adam(0.001);
  const set = syntheticXrays(batch, size, 3);
  const x = Float32Array.from(set.pixels, (v) => v / 255);
  const shard: Shard = { x, labels: set.labels, positions: new Int32Array(batch).map((_, i) => i), batchSize: batch, seed: 1, epoch: 1 };
  const step = () => {
    const { grads } = shardGradients(model, shard, { kind: 'crossentropy', gamma: 2, numClasses: 2 });
    optimizer.applyGradients(grads);
    tf.dispose(grads);
  };
  step(); // warm-up: operator creation, weight packing
  const byName = new Map<string, [number, number]>();
  let totalMs = 0;
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    const info = await tf.profile(step);
    totalMs += performance.now() - t0;
    for (const k of info.kernels) {
      const e = byName.get(k.name) ?? [0, 0];
      e[0] += (k.kernelTimeMs as number) / steps;
      e[1] += 1 / steps;
      byName.set(k.name, e);
    }
  }
  model.dispose();
  optimizer.dispose();
  const kernels = [...byName.entries()].map(([n, [ms, c]]) => [n, ms, c] as [string, number, number]).sort((a, b) => b[1] - a[1]);
  return { totalMs: totalMs / steps, kernels };
}

async function main(): Promise<void> {
  const size = Number(process.argv[2] ?? 48);
  const batch = Number(process.argv[3] ?? 32);
  const info = await initBackend((process.argv[4] as 'wasm' | 'cpu') ?? 'wasm');
  console.log(info.detail);
  const cpu0 = process.cpuUsage();
  const p = await profileStep(size, batch);
  const cpu = process.cpuUsage(cpu0);
  console.log(`step ${p.totalMs.toFixed(1)} ms wall (profiled), cpu ${((cpu.user + cpu.system) / 1000 / 4).toFixed(1)} ms/step`);
  for (const [name, ms, count] of p.kernels.slice(0, 25)) console.log(`${name.padEnd(28)} ${ms.toFixed(2).padStart(8)} ms  x${count}`);
}

if (require.main === module) void main();
