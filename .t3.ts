import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './src/engine/backend/select';
import { buildSeedCnn } from './src/engine/model/seedCnn';
import { shardGradients } from './src/engine/train/step';
import { syntheticXrays } from './bench/train';
(async () => {
  await initBackend('wasm');
  const size = Number(process.argv[2] ?? 48), batch = 32;
  const model = buildSeedCnn(size, 2, 42);
  const set = syntheticXrays(batch, size, 3);
  const x = Float32Array.from(set.pixels, (v) => v / 255);
  const shard = { x, labels: set.labels, positions: new Int32Array(batch).map((_, i) => i), batchSize: batch, seed: 1, epoch: 1 };
  const step = () => { const { grads } = shardGradients(model, shard, { kind: 'crossentropy', gamma: 2, numClasses: 2 }); tf.dispose(grads); };
  step(); step();
  const info = await tf.profile(step);
  for (const k of info.kernels) if ((k.kernelTimeMs as number) > 0.8) console.log(k.name.padEnd(22), (k.kernelTimeMs as number).toFixed(2).padStart(7), JSON.stringify(k.inputShapes), '->', JSON.stringify(k.outputShapes));
})();
