import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './src/engine/backend/select';
import { resolveConfig } from './src/engine/config';
import { buildSeedCnn } from './src/engine/model/seedCnn';
import { trainModel } from './src/engine/train/train';
import { syntheticXrays, emptySet } from './bench/trainSupport';
const mb = () => `rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} max ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} heap ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} ext ${(process.memoryUsage().external / 1048576).toFixed(0)} ab ${(process.memoryUsage().arrayBuffers / 1048576).toFixed(0)}`;
(async () => {
  const workers = Number(process.argv[2] ?? 1);
  console.log('start', mb());
  await initBackend('wasm');
  console.log('backend', mb());
  const set = syntheticXrays(320, 96, 1);
  const model = buildSeedCnn(96, 2, 42);
  console.log('model', mb());
  await trainModel(model, { train: set, val: emptySet(96), numClasses: 2 }, resolveConfig({ imageSize: 96, epochs: 1, workers }), { onBatch: (p) => { if (p.batch % 5 === 0) console.log('batch', p.batch, mb(), 'tensors', tf.memory().numTensors, 'tfbytes', (tf.memory().numBytes / 1048576).toFixed(0)); } });
  console.log('end', mb());
})();
