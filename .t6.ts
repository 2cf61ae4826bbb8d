import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './src/engine/backend/select';
import { conv2dFilterGrad, conv2dInputGrad } from './src/engine/backend/convGrad';
function cpuMs(fn: () => tf.Tensor, n = 8) { let r = fn(); r.dataSync(); r.dispose(); const c0 = process.cpuUsage(); for (let i = 0; i < n; i++) { r = fn(); r.dataSync(); r.dispose(); } const c = process.cpuUsage(c0); return ((c.user + c.system) / 1000 / n).toFixed(2); }
function im2colT(x: tf.Tensor4D, k: number, ho: number, wo: number) { // [k*k*Ci, N*Ho*Wo]
  return tf.tidy(() => { const xt = tf.transpose(x, [3, 0, 1, 2]); const parts = []; for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) parts.push(tf.slice(xt, [0, 0, i, j], [-1, -1, ho, wo])); const [ci, n] = [x.shape[3], x.shape[0]]; return tf.reshape(tf.stack(parts), [k * k * ci, n * ho * wo]); });
}
function im2col(x: tf.Tensor4D, k: number, ho: number, wo: number) { // [N*Ho*Wo, k*k*Ci]
  return tf.tidy(() => { const parts = []; for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) parts.push(tf.slice(x, [0, i, j, 0], [-1, ho, wo, -1])); const [n, ci] = [x.shape[0], x.shape[3]]; return tf.reshape(tf.concat(parts, 3), [n * ho * wo, k * k * ci]); });
}
(async () => {
  await initBackend('wasm');
  const B = Number(process.argv[2] ?? 16);
  const layers = [[48, 1, 32], [23, 32, 64], [10, 64, 128]];
  for (const [h, ci, co] of layers) {
    const x = tf.randomNormal([B, h, h, ci]) as tf.Tensor4D; const f = tf.randomNormal([3, 3, ci, co]) as tf.Tensor4D; const dy = tf.randomNormal([B, h - 2, h - 2, co]) as tf.Tensor4D;
    const attrs = { strides: 1, pad: 'valid' as const, dataFormat: 'NHWC' as const };
    const fwd = cpuMs(() => tf.conv2d(x, f, 1, 'valid'));
    const dx = ci > 1 ? cpuMs(() => conv2dInputGrad(dy, f, x.shape, attrs)) : '-';
    const dw = cpuMs(() => conv2dFilterGrad(x, dy, f.shape, attrs));
    const ho = h - 2;
    const dwMM = cpuMs(() => tf.tidy(() => tf.reshape(tf.matMul(im2colT(x, 3, ho, ho), tf.reshape(dy, [-1, co])), [3, 3, ci, co])));
    const dwMM2 = cpuMs(() => tf.tidy(() => tf.reshape(tf.transpose(tf.matMul(tf.transpose(tf.reshape(dy, [-1, co])), im2col(x, 3, ho, ho))), [3, 3, ci, co])));
    const cols = cpuMs(() => im2colT(x, 3, ho, ho));
    console.log(`layer ${h}x${h}x${ci}->${co} B=${B}: fwd ${fwd}  dx ${dx}  dW(conv trick) ${dw}  dW(im2colT@dy) ${dwMM} (im2colT alone ${cols})  dW(dyT@im2col) ${dwMM2}`);
    tf.dispose([x, f, dy]);
  }
})();
