import { makeRng } from '../data/rng';

// Seeded randomness for training. Every random draw is keyed by what it is for (epoch, sample,
// purpose), never by the order of calls, so results do not depend on how batches are split
// across workers.

/** Mixes integers (murmur3 steps over the low and high words of each) into one 32-bit key. */
export function mixKey(...parts: number[]): number {
  let h = 0x9e3779b9 | 0;
  for (const p of parts) {
    for (const word of [p | 0, Math.floor(p / 4294967296) | 0]) {
      h = Math.imul(h ^ word, 0xcc9e2d51);
      h = (h << 15) | (h >>> 17);
      h = (Math.imul(h, 0x1b873593) + 0xe6546b64) | 0;
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The engine's one seeded generator (mulberry32), also used by the data split and the sample images. */
export { makeRng as rng } from '../data/rng';

/** Fisher-Yates permutation of 0..n-1. */
export function permutation(n: number, seed: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  const r = makeRng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

/** Purposes, so that two kinds of draws for the same sample never share a stream. */
export const Stream = { shuffle: 1, augment: 2, dropout: 3 } as const;
