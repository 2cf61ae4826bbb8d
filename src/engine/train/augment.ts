// On-the-fly augmentation of training images: a small random affine warp (rotation, shift,
// horizontal flip) sampled bilinearly with edge clamping, then brightness and contrast.
// Each image's draw is keyed by (seed, epoch, sample index), so it does not depend on batching.
import { makeRng as rng, mixKey, Stream } from '../data/rng';

export interface AugmentRanges {
  /** Maximum rotation, degrees either way. */
  rotateDeg: number;
  /** Maximum shift, as a fraction of the side, either way. */
  shift: number;
  flipProbability: number;
  /** Maximum brightness change, in [0,1] pixel units, either way. */
  brightness: number;
  /** Maximum contrast scale change, either way (0.1: x0.9 to x1.1). */
  contrast: number;
}

export const DEFAULT_AUGMENT: AugmentRanges = { rotateDeg: 10, shift: 0.08, flipProbability: 0.5, brightness: 0.1, contrast: 0.1 };

/** Writes the augmented float image (values /255, then jittered, clamped to [0,1]) of `src` into `dst`. */
export function augmentImage(src: Uint8Array, size: number, dst: Float32Array, key: number, ranges: AugmentRanges = DEFAULT_AUGMENT): void {
  const r = rng(key);
  const angle = ((r() * 2 - 1) * ranges.rotateDeg * Math.PI) / 180;
  const tx = (r() * 2 - 1) * ranges.shift * size;
  const ty = (r() * 2 - 1) * ranges.shift * size;
  const flip = r() < ranges.flipProbability;
  const bright = (r() * 2 - 1) * ranges.brightness;
  const contrast = 1 + (r() * 2 - 1) * ranges.contrast;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const c = (size - 1) / 2;
  const last = size - 1;
  let sum = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Inverse map: output pixel -> source position.
      const ox = (flip ? last - x : x) - c - tx;
      const oy = y - c - ty;
      let sx = cos * ox + sin * oy + c;
      let sy = -sin * ox + cos * oy + c;
      sx = sx < 0 ? 0 : sx > last ? last : sx;
      sy = sy < 0 ? 0 : sy > last ? last : sy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = x0 < last ? x0 + 1 : x0;
      const y1 = y0 < last ? y0 + 1 : y0;
      const fx = sx - x0;
      const fy = sy - y0;
      const top = src[y0 * size + x0] * (1 - fx) + src[y0 * size + x1] * fx;
      const bottom = src[y1 * size + x0] * (1 - fx) + src[y1 * size + x1] * fx;
      const v = (top * (1 - fy) + bottom * fy) / 255;
      dst[y * size + x] = v;
      sum += v;
    }
  }
  const mean = sum / (size * size);
  for (let i = 0; i < size * size; i++) {
    const v = (dst[i] - mean) * contrast + mean + bright;
    dst[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
}

export function augmentKey(seed: number, epoch: number, sampleIndex: number): number {
  return mixKey(seed, Stream.augment, epoch, sampleIndex);
}
