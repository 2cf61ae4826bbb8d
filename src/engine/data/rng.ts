// The engine's seeded random numbers (one generator, mulberry32): the same seed gives the same
// split, sample images, shuffles, dropout masks and augmentations on every machine, which
// Math.random cannot promise. Training draws are keyed by what they are for (epoch, sample,
// purpose), never by the order of calls, so results do not depend on how batches are split
// across workers.

/** mulberry32: 32-bit state, fast, good enough for shuffling and synthetic images. */
export function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Mixes several integers into one seed, so streams for different purposes do not overlap.
 * Seeds the split and the sample images (their published figures depend on it); training keys
 * its draws with mixKey, which also takes integers past 32 bits.
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
    h ^= h >>> 15;
  }
  return h >>> 0;
}

/** Normal deviate by Box-Muller. */
export function gaussian(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** In-place Fisher-Yates shuffle (of an array or a typed array). */
export function shuffle<A extends { length: number; [i: number]: unknown }>(items: A, rng: () => number): A {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

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

/** Fisher-Yates permutation of 0..n-1. */
export function permutation(n: number, seed: number): Int32Array {
  return shuffle(Int32Array.from({ length: n }, (_, i) => i), makeRng(seed));
}

/** Purposes, so that two kinds of draws for the same sample never share a stream. */
export const Stream = { shuffle: 1, augment: 2, dropout: 3 } as const;
