import type { ImageSet } from '../data/imageSet';
import { augmentImage, augmentKey } from './augment';

export interface BatchPlan {
  /** Sample indices into the ImageSet. */
  indices: Int32Array;
  /** Position of each sample in the epoch's order: keys augmentation and dropout, independent of batching. */
  positions: Int32Array;
}

/** Consecutive batches over an epoch's order. */
export function planBatches(order: Int32Array, batchSize: number): BatchPlan[] {
  const out: BatchPlan[] = [];
  for (let start = 0; start < order.length; start += batchSize) {
    const end = Math.min(order.length, start + batchSize);
    const positions = new Int32Array(end - start);
    for (let i = 0; i < positions.length; i++) positions[i] = start + i;
    out.push({ indices: order.subarray(start, end), positions });
  }
  return out;
}

/** Reads images as float32 in [0,1], NHWC with one channel; never holds more than the batch. */
export function readPixels(set: ImageSet, indices: ArrayLike<number>, bytes?: Uint8Array): Float32Array {
  const px = set.imageSize * set.imageSize;
  const raw = set.read(indices, bytes && bytes.length >= indices.length * px ? bytes.subarray(0, indices.length * px) : undefined);
  const out = new Float32Array(indices.length * px);
  for (let i = 0; i < out.length; i++) out[i] = raw[i] / 255;
  return out;
}

/** Augmented float images from gray bytes, image i drawn with the key of (seed, epoch, positions[i]). */
export function augmentBytes(raw: Uint8Array, imageSize: number, seed: number, epoch: number, positions: ArrayLike<number>): Float32Array {
  const px = imageSize * imageSize;
  const out = new Float32Array(raw.length);
  for (let i = 0; i < raw.length / px; i++) {
    augmentImage(raw.subarray(i * px, (i + 1) * px), imageSize, out.subarray(i * px, (i + 1) * px), augmentKey(seed, epoch, positions[i]));
  }
  return out;
}

export function labelsAt(set: ImageSet, indices: ArrayLike<number>): Int32Array {
  const out = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = set.labels[indices[i]];
  return out;
}
