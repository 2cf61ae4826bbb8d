// On-the-fly augmentation of training images, as radiographs of one finding vary: a small random
// affine warp (rotation, zoom, shift, mirror image: positioning and magnification differ between
// films) sampled bilinearly with edge clamping, then exposure (brightness, contrast, gamma) and
// quantum noise. No elastic warps or colour changes: they would draw bones that do not exist.
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
  /** Maximum zoom change, either way (0.1: x0.9 to x1.1). */
  zoom: number;
  /** Maximum gamma change, as a power of 2 either way (0.3: gamma from 0.81 to 1.23). */
  gamma: number;
  /** Maximum standard deviation of added Gaussian noise, in [0,1] pixel units. */
  noise: number;
}

export const DEFAULT_AUGMENT: AugmentRanges = { rotateDeg: 10, shift: 0.08, flipProbability: 0.5, brightness: 0.1, contrast: 0.15, zoom: 0.1, gamma: 0.3, noise: 0.02 };

/** Writes the augmented float image (values /255, then jittered, clamped to [0,1]) of `src` into `dst`. */
export function augmentImage(src: Uint8Array, size: number, dst: Float32Array, key: number, ranges: AugmentRanges = DEFAULT_AUGMENT): void {
  const r = rng(key);
  const angle = ((r() * 2 - 1) * ranges.rotateDeg * Math.PI) / 180;
  const tx = (r() * 2 - 1) * ranges.shift * size;
  const ty = (r() * 2 - 1) * ranges.shift * size;
  const flip = r() < ranges.flipProbability;
  const bright = (r() * 2 - 1) * ranges.brightness;
  const contrast = 1 + (r() * 2 - 1) * ranges.contrast;
  const zoom = 1 + (r() * 2 - 1) * ranges.zoom;
  const gamma = 2 ** ((r() * 2 - 1) * ranges.gamma);
  const sigma = r() * ranges.noise;
  const noiseKey = (r() * 4294967296) >>> 0;
  // Inverse map scales by 1/zoom: zoom > 1 magnifies.
  const cos = Math.cos(angle) / zoom;
  const sin = Math.sin(angle) / zoom;
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
  const noise = sigma > 0 ? rng(noiseKey) : undefined;
  for (let i = 0; i < size * size; i++) {
    let v = (dst[i] - mean) * contrast + mean + bright;
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    v = v ** gamma;
    // Sum of three uniforms: close enough to Gaussian, and cheap.
    if (noise) v += sigma * (noise() + noise() + noise() - 1.5) * 2;
    dst[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
}

export function augmentKey(seed: number, epoch: number, sampleIndex: number): number {
  return mixKey(seed, Stream.augment, epoch, sampleIndex);
}
