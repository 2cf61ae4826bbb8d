// Moving statistics of batch normalisation, recomputed from the training images after each epoch
// ("precise BN"): the mean of the per-chunk batch means and variances, as PyTorch's update_bn does.
// Training computes the statistics of each shard and never updates a running average, so the
// result does not depend on how batches were split across worker threads.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ImageSet } from '../data/imageSet';
import { BN_APPLY, BN_MOMENTS } from '../backend/bnKernels';
import { readPixels } from './batches';
import { isRelu } from './fusedConvBn';
import { layerChain } from './step';

const CHUNK = 64;

export function batchNormLayers(model: tfl.LayersModel): tfl.layers.Layer[] {
  return model.layers.filter((l) => l.getClassName() === 'BatchNormalization');
}

/**
 * For each BatchNormalization layer in model order, the channel means then variances of its input
 * over these n images, run as in training (each layer normalised by the images' own statistics).
 */
export function chunkMoments(model: tfl.LayersModel, x: Float32Array, n: number): Float32Array {
  const chain = layerChain(model);
  if (!chain) throw new Error('batch-norm statistics need a plain chain of layers');
  const shape = model.inputs[0].shape.slice(1) as number[];
  // On wasm, moments and normalisation (+ the ReLU after it) are one pass each over the activations.
  const fused = tf.getBackend() === 'wasm' && !!tf.getKernel(BN_APPLY, 'wasm');
  const channelMoments = (h: tf.Tensor): tf.Tensor[] =>
    fused ? (tf.engine().runKernel(BN_MOMENTS, { x: h }) as tf.Tensor[]) : Object.values(tf.moments(h, h.shape.slice(0, -1).map((_, i) => i)));
  const parts = tf.tidy(() => {
    const out: tf.Tensor[] = [];
    let h: tf.Tensor = tf.tensor(x, [n, ...shape]);
    for (let i = 0; i < chain.length; i++) {
      const layer = chain[i];
      if (layer.getClassName() === 'BatchNormalization') {
        const [mean, variance] = channelMoments(h);
        out.push(mean, variance);
        const [gamma, beta] = layer.getWeights();
        const epsilon = (layer.getConfig() as { epsilon: number }).epsilon;
        const relu = fused && i + 1 < chain.length && isRelu(chain[i + 1]);
        h = fused
          ? (tf.engine().runKernel(BN_APPLY, { x: h, mean, variance, gamma, beta }, { epsilon, relu } as unknown as tf.NamedAttrMap) as tf.Tensor)
          : tf.batchNorm(h, mean, variance, beta, gamma, epsilon);
        if (relu) i++;
      } else if (layer.getClassName() !== 'Dropout') {
        h = layer.apply(h, { training: false }) as tf.Tensor;
      }
    }
    return tf.concat(out);
  });
  const values = parts.dataSync() as Float32Array;
  parts.dispose();
  return values;
}

/** Computes chunkMoments for each chunk of images, on whatever threads it has (StepExecutor.batchNormMoments). */
export type MomentsOf = (chunks: { x: Float32Array; n: number }[]) => Promise<Float32Array[]>;

/**
 * Sets every BatchNormalization layer's moving mean and variance from up to `limit` images of `set`
 * (spread evenly), in chunks of CHUNK images: the mean of the chunks' moments.
 */
export async function refreshBatchNormStats(model: tfl.LayersModel, set: ImageSet, momentsOf: MomentsOf, limit = 512): Promise<boolean> {
  const bns = batchNormLayers(model);
  if (!layerChain(model) || bns.length === 0 || set.size === 0) return false;
  const count = Math.min(limit, set.size);
  const picks = Array.from({ length: count }, (_, i) => Math.floor((i * set.size) / count));
  const chunks: { x: Float32Array; n: number }[] = [];
  for (let start = 0; start < count; start += CHUNK) {
    const idx = picks.slice(start, start + CHUNK);
    chunks.push({ x: readPixels(set, idx), n: idx.length });
  }
  const moments = await momentsOf(chunks);
  const widths = bns.map((l) => l.getWeights()[0].shape[0]);
  let offset = 0;
  for (const [k, layer] of bns.entries()) {
    const C = widths[k];
    const mean = new Float64Array(C);
    const sq = new Float64Array(C);
    let total = 0;
    for (const [j, m] of moments.entries()) {
      const n = chunks[j].n;
      for (let c = 0; c < C; c++) {
        mean[c] += m[offset + c] * n;
        sq[c] += m[offset + C + c] * n;
      }
      total += n;
    }
    offset += 2 * C;
    const [gamma, beta] = layer.getWeights();
    const meanT = tf.tensor1d(Float32Array.from(mean, (v) => v / total));
    const varT = tf.tensor1d(Float32Array.from(sq, (v) => v / total));
    layer.setWeights([gamma, beta, meanT, varT]);
    tf.dispose([meanT, varT]);
  }
  return true;
}

/** The model's non-trainable weights (moving statistics, frozen layers) as one flat array, in model order. */
export function flatFrozenWeights(model: tfl.LayersModel): Float32Array {
  const vars = model.nonTrainableWeights.map((w) => w.read());
  const out = new Float32Array(vars.reduce((n, v) => n + v.size, 0));
  let offset = 0;
  for (const v of vars) {
    out.set(v.dataSync() as Float32Array, offset);
    offset += v.size;
  }
  return out;
}

/** Writes values from flatFrozenWeights into a model of the same architecture. */
export function loadFrozenWeights(model: tfl.LayersModel, flat: Float32Array): void {
  let offset = 0;
  for (const w of model.nonTrainableWeights) {
    const size = (w.shape as number[]).reduce((a, b) => a * b, 1);
    const t = tf.tensor(flat.slice(offset, offset + size), w.shape as number[]);
    w.write(t);
    t.dispose();
    offset += size;
  }
}
