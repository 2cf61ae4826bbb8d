import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './src/engine/backend/select';
import { buildSeedCnn } from './src/engine/model/seedCnn';
import { FlatAdam } from './src/engine/train/adam';
import { shardGradients, trainableVariables } from './src/engine/train/step';
import { syntheticXrays } from './bench/trainSupport';
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
(async () => {
  await initBackend('wasm');
  const model = buildSeedCnn(48, 2, 42);
  const vars = trainableVariables(model);
  const adam = new FlatAdam(vars, new Float32Array(FlatAdam.total(vars)), 0.001);
  const set = syntheticXrays(32, 48, 3);
  const s = { x: Float32Array.from(set.pixels, (v) => v / 255), labels: set.labels, positions: new Int32Array(32).map((_, i) => i), batchSize: 32, seed: 1, epoch: 1 };
  const spec = { kind: 'crossentropy' as const, gamma: 2, numClasses: 2 };
  const acc = [0, 0, 0, 0];
  for (let i = 0; i < 8; i++) {
    const c0 = cpu();
    const { grads } = shardGradients(model, s, spec);
    const c1 = cpu();
    const flat = adam.flatten(grads);
    tf.dispose(grads);
    const c2 = cpu();
    (adam as any).t++; // arithmetic only
    const c3 = cpu();
    adam.apply(flat);
    const c4 = cpu();
    if (i >= 2) { acc[0] += c1 - c0; acc[1] += c2 - c1; acc[2] += c4 - c3; }
  }
  console.log('grads', (acc[0] / 6).toFixed(1), 'flatten', (acc[1] / 6).toFixed(1), 'adam.apply', (acc[2] / 6).toFixed(1));
  const w = new Float32Array(355202), g = new Float32Array(355202).fill(0.01);
  const c0 = cpu(); for (let i = 0; i < 10; i++) { for (let j = 0; j < w.length; j++) w[j] += g[j]; } console.log('js add loop', ((cpu() - c0) / 10).toFixed(2));
  const c5 = cpu(); for (let i = 0; i < 10; i++) adam.load(); console.log('load', ((cpu() - c5) / 10).toFixed(2));
})();
