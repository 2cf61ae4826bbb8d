import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './src/engine/backend/select';
function cpuMs(fn: () => void, n = 10) { fn(); const c0 = process.cpuUsage(); const t0 = performance.now(); for (let i = 0; i < n; i++) fn(); const c = process.cpuUsage(c0); return [((c.user + c.system) / 1000 / n).toFixed(2), ((performance.now() - t0) / n).toFixed(2)]; }
(async () => {
  await initBackend('wasm');
  const x = tf.randomNormal([32, 46, 46, 32]) as tf.Tensor4D;
  const y = tf.maxPool(x, 2, 2, 'valid');
  const dy = tf.randomNormal(y.shape);
  console.log('maxPoolGrad cpu/wall ms', cpuMs(() => { const r = tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor; r.dataSync(); r.dispose(); }));
  console.log('sum', cpuMs(() => { const r = tf.sum(x, [0, 1, 2]); r.dataSync(); r.dispose(); }));
  console.log('conv fwd conv2', cpuMs(() => { const a = tf.randomNormal([32, 23, 23, 32]) as tf.Tensor4D; const f = tf.randomNormal([3, 3, 32, 64]) as tf.Tensor4D; const r = tf.conv2d(a, f, 1, 'valid'); r.dataSync(); tf.dispose([a, f, r]); }));
  console.log('relu', cpuMs(() => { const r = tf.relu(x); r.dataSync(); r.dispose(); }));
})();
