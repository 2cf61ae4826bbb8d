import * as tf from '@tensorflow/tfjs-core';

/** Gray uint8 images (row-major, n * size * size bytes) as the model's input: [n, size, size, 1] floats in [0, 1]. */
export function imagesToTensor(pixels: Uint8Array, count: number, imageSize: number): tf.Tensor4D {
  return tf.tensor4d(imagesToFloats(pixels, count, imageSize), [count, imageSize, imageSize, 1]);
}

/** The same scaling without a tensor, for work handed to worker threads. */
export function imagesToFloats(pixels: Uint8Array, count: number, imageSize: number): Float32Array {
  const floats = new Float32Array(count * imageSize * imageSize);
  for (let i = 0; i < floats.length; i++) floats[i] = pixels[i] / 255;
  return floats;
}

/** Each image mirrored left to right, for test-time augmentation (and its Grad-CAM). */
export function mirrored<T extends Float32Array | Uint8Array>(x: T, count: number, size: number): T {
  const out = new (x.constructor as new (n: number) => T)(x.length);
  for (let r = 0; r < count * size; r++) {
    const o = r * size;
    for (let c = 0; c < size; c++) out[o + c] = x[o + size - 1 - c];
  }
  return out;
}
