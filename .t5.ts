import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './src/engine/backend/select';
import { buildSeedCnn } from './src/engine/model/seedCnn';
import { shardGradients } from './src/engine/train/step';
import { syntheticXrays } from './bench/train';
(async () => {
  await initBackend('wasm');
  const size = Number(process.argv[2] ?? 48);
  for (const batch of [32, 16]) {
    const model = buildSeedCnn(size, 2, 42);
    const opt: tf.Optimizer = tf.train.adam(0.001);
    const set = syntheticXrays(batch, size, 3);
    const x = Float32Array.from(set.pixels, (v) => v / 255);
    const shard = { x, labels: set.labels, positions: new Int32Array(batch).map((_, i) => i), batchSize: batch, seed: 1, epoch: 1 };
    const step = () => { const { grads } = shardGradients(model, shard, { kind: 'crossentropy', gamma: 2, numClasses: 2 }); opt.applyGradients(grads); tf.dispose(grads); };
    step(); step();
    const n = 10; const c0 = process.cpuUsage(); const t0 = performance.now();
    for (let i = 0; i < n; i++) step();
    const c = process.cpuUsage(c0);
    console.log(`batch ${batch}: cpu ${((c.user + c.system) / 1000 / n).toFixed(1)} ms/step, wall ${((performance.now() - t0) / n).toFixed(1)} ms/step`);
  }
})();
