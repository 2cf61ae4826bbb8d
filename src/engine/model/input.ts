import * as tf from '@tensorflow/tfjs-core';

/** Gray uint8 images (row-major, n * size * size bytes) as the model's input: [n, size, size, 1] floats in [0, 1]. */
export function imagesToTensor(pixels: Uint8Array, count: number, imageSize: number): tf.Tensor4D {
  const floats = new Float32Array(count * imageSize * imageSize);
  for (let i = 0; i < floats.length; i++) floats[i] = pixels[i] / 255;
  return tf.tensor4d(floats, [count, imageSize, imageSize, 1]);
}
