// Small in-memory datasets and models for the training tests.
import * as tfl from '@tensorflow/tfjs-layers';
import type { ImageSet } from '../../src/engine/data/imageSet';

export class MemoryImageSet implements ImageSet {
  readonly paths: string[];
  reads = 0;
  constructor(
    readonly imageSize: number,
    readonly pixels: Uint8Array,
    readonly labels: Int32Array,
  ) {
    this.paths = Array.from(labels, (_, i) => `mem/${i}.png`);
  }
  get size(): number {
    return this.labels.length;
  }
  read(indices: ArrayLike<number>, out?: Uint8Array): Uint8Array {
    this.reads++;
    const px = this.imageSize * this.imageSize;
    const dst = out ?? new Uint8Array(indices.length * px);
    for (let i = 0; i < indices.length; i++) dst.set(this.pixels.subarray(indices[i] * px, (indices[i] + 1) * px), i * px);
    return dst;
  }
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Images whose class shows as a bright square in the left (class 0) or right (class 1) half, over noise.
 * `flip` swaps the sides: a validation set drawn that way gets worse as the model learns the training set.
 */
export function squares(count: number, size: number, seed: number, classOf: (i: number) => number, flip = false): MemoryImageSet {
  const r = lcg(seed);
  const px = size * size;
  const pixels = new Uint8Array(count * px);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = classOf(i);
    labels[i] = label;
    for (let p = 0; p < px; p++) pixels[i * px + p] = Math.floor(r() * 60);
    const side = flip ? 1 - label : label;
    const x0 = side === 0 ? 1 : size - 1 - Math.floor(size / 3);
    const y0 = 1 + Math.floor(r() * (size - Math.floor(size / 3) - 2));
    for (let y = y0; y < y0 + Math.floor(size / 3); y++) {
      for (let x = x0; x < x0 + Math.floor(size / 3); x++) pixels[i * px + y * size + x] = 200 + Math.floor(r() * 55);
    }
  }
  return new MemoryImageSet(size, pixels, labels);
}

export function tinyCnn(size: number, numClasses: number, seed: number, dropout = 0.25): tfl.LayersModel {
  let s = seed;
  const init = () => tfl.initializers.glorotUniform({ seed: s++ });
  const layers: tfl.layers.Layer[] = [
    tfl.layers.conv2d({ inputShape: [size, size, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: init() }),
    tfl.layers.maxPooling2d({ poolSize: 2 }),
    tfl.layers.flatten(),
    tfl.layers.dense({ units: 16, activation: 'relu', kernelInitializer: init() }),
  ];
  if (dropout > 0) layers.push(tfl.layers.dropout({ rate: dropout }));
  layers.push(tfl.layers.dense({ units: numClasses, activation: 'softmax', kernelInitializer: init() }));
  return tfl.sequential({ layers });
}

/**
 * Two or three convs (so a conv's input gradient flows back into the one before it), with or
 * without a pool between them; no dropout, so a training-mode pass is deterministic.
 */
export function deepCnn(size: number, seed: number, poolBetween: boolean): tfl.LayersModel {
  let s = seed;
  const init = () => tfl.initializers.glorotUniform({ seed: s++ });
  const conv = (filters: number, first = false) =>
    tfl.layers.conv2d({ ...(first ? { inputShape: [size, size, 1] } : {}), filters, kernelSize: 3, activation: 'relu', kernelInitializer: init(), biasInitializer: init() });
  const layers: tfl.layers.Layer[] = poolBetween
    ? [conv(4, true), tfl.layers.maxPooling2d({ poolSize: 2 }), conv(6), tfl.layers.maxPooling2d({ poolSize: 2 })]
    : [conv(3, true), conv(5), conv(4), tfl.layers.maxPooling2d({ poolSize: 2 })];
  layers.push(tfl.layers.flatten(), tfl.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: init() }));
  return tfl.sequential({ layers });
}

export function flatWeights(model: tfl.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array).map((a) => a.slice());
}
