// Synthetic images with a known bright square on the positive class, for checking that explanations look at it.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { makeRng as rng } from '../../src/engine/data/rng';
import { imagesToTensor } from '../../src/engine/model/input';

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

/** Trains with plain model.fit (no project trainer involved), enough for the model to key on the square. */
export async function fitQuickly(model: tfl.LayersModel, data: ReturnType<typeof squareImages>, size: number, epochs: number): Promise<void> {
  const n = data.labels.length;
  const x = imagesToTensor(data.pixels, n, size);
  const y = tf.oneHot(tf.tensor1d(data.labels, 'int32'), 2);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  // Shuffled with a seeded order: tfjs' own shuffle uses Math.random, which made the outcome vary run to run.
  const r = rng(17);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const idx = tf.tensor1d(order, 'int32');
    const xs = tf.gather(x, idx);
    const ys = tf.gather(y, idx);
    await model.fit(xs, ys, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
    tf.dispose([idx, xs, ys]);
  }
  x.dispose();
  y.dispose();
}
