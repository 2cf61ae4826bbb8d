// Synthetic images with a known bright square on the positive class, for checking that explanations look at it.
import { makeRng as rng } from '../../src/engine/data/rng';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** `count` images of size x size: odd indices carry a bright square (label 1, box given), even ones only noise (label 0). */
export function squareImages(count: number, size: number, seed: number): { pixels: Uint8Array; labels: number[]; boxes: (Box | undefined)[] } {
  const r = rng(seed);
  const pixels = new Uint8Array(count * size * size);
  const labels: number[] = [];
  const boxes: (Box | undefined)[] = [];
  const side = Math.round(size / 6);
  for (let i = 0; i < count; i++) {
    const base = i * size * size;
    for (let p = 0; p < size * size; p++) pixels[base + p] = 30 + Math.floor(r() * 50);
    const positive = i % 2 === 1;
    labels.push(positive ? 1 : 0);
    if (!positive) {
      boxes.push(undefined);
      continue;
    }
    const x = 2 + Math.floor(r() * (size - side - 4));
    const y = 2 + Math.floor(r() * (size - side - 4));
    for (let yy = y; yy < y + side; yy++) for (let xx = x; xx < x + side; xx++) pixels[base + yy * size + xx] = 220;
    boxes.push({ x, y, w: side, h: side });
  }
  return { pixels, labels, boxes };
}

