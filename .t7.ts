import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './src/engine/backend/select';
import { IM2COL_T } from './src/engine/backend/heapKernels';
function cpuMs(fn: () => tf.Tensor, n = 8) { let r = fn(); r.dataSync(); r.dispose(); const c0 = process.cpuUsage(); for (let i = 0; i < n; i++) { r = fn(); r.dataSync(); r.dispose(); } const c = process.cpuUsage(c0); return ((c.user + c.system) / 1000 / n).toFixed(2); }
(async () => {
  await initBackend('wasm');
  const B = 16;
  for (const [h, ci, co] of [[48, 1, 32], [23, 32, 64], [10, 64, 128]]) {
    const ho = h - 2;
    const x = tf.randomNormal([B, h, h, ci]) as tf.Tensor4D; const dy = tf.randomNormal([B * ho * ho, co]) as tf.Tensor2D;
    const attrs = { kh: 3, kw: 3, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, outH: ho, outW: ho };
    const pt = tf.engine().runKernel(IM2COL_T, { x }, attrs as any) as tf.Tensor2D;
    console.log(h, ci, co, 'im2colT', cpuMs(() => tf.engine().runKernel(IM2COL_T, { x }, attrs as any) as tf.Tensor), 'matmul', cpuMs(() => tf.matMul(pt, dy)), 'rows', pt.shape);
  }
})();
