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

interface BnLayer {
  layer: tfl.layers.Layer;
  epsilon: number;
}

export function batchNormLayers(model: tfl.LayersModel): tfl.layers.Layer[] {
  return model.layers.filter((l) => l.getClassName() === 'BatchNormalization');
}

/** Sets every BatchNormalization layer's moving mean and variance from up to `limit` images of `set` (spread evenly). */
export function refreshBatchNormStats(model: tfl.LayersModel, set: ImageSet, limit = 512): boolean {
  const chain = layerChain(model);
  const bns = batchNormLayers(model);
  if (!chain || bns.length === 0 || set.size === 0) return false;
  const count = Math.min(limit, set.size);
  const picks = Array.from({ length: count }, (_, i) => Math.floor((i * set.size) / count));
  const bnAt = new Map<tfl.layers.Layer, BnLayer>(bns.map((l) => [l, { layer: l, epsilon: (l.getConfig() as { epsilon: number }).epsilon }]));
  const sums = new Map<tfl.layers.Layer, { mean: Float64Array; sq: Float64Array; n: number }>();
  const shape = model.inputs[0].shape.slice(1) as number[];
  // On wasm, moments and normalisation (+ the ReLU after it) are one pass each over the activations.
  const fused = tf.getBackend() === 'wasm' && !!tf.getKernel(BN_APPLY, 'wasm');
  const channelMoments = (h: tf.Tensor): tf.Tensor[] =>
    fused ? (tf.engine().runKernel(BN_MOMENTS, { x: h }) as tf.Tensor[]) : Object.values(tf.moments(h, h.shape.slice(0, -1).map((_, i) => i)));
  for (let start = 0; start < count; start += CHUNK) {
    const idx = picks.slice(start, start + CHUNK);
    const x = readPixels(set, idx);
    const moments: [tfl.layers.Layer, tf.Tensor, tf.Tensor][] = [];
    tf.tidy(() => {
      let h: tf.Tensor = tf.tensor(x, [idx.length, ...shape]);
      for (let i = 0; i < chain.length; i++) {
        const layer = chain[i];
        const bn = bnAt.get(layer);
        if (bn) {
          const [mean, variance] = channelMoments(h);
          moments.push([layer, tf.keep(mean), tf.keep(variance)]);
          const [gamma, beta] = layer.getWeights();
          const relu = fused && i + 1 < chain.length && isRelu(chain[i + 1]);
          h = fused
            ? (tf.engine().runKernel(BN_APPLY, { x: h, mean, variance, gamma, beta }, { epsilon: bn.epsilon, relu } as unknown as tf.NamedAttrMap) as tf.Tensor)
            : tf.batchNorm(h, mean, variance, beta, gamma, bn.epsilon);
          if (relu) i++;
        } else if (layer.getClassName() !== 'Dropout') {
          h = layer.apply(h, { training: false }) as tf.Tensor;
        }
      }
    });
    for (const [layer, mean, variance] of moments) {
      const m = mean.dataSync();
      const v = variance.dataSync();
      const acc = sums.get(layer) ?? { mean: new Float64Array(m.length), sq: new Float64Array(m.length), n: 0 };
      for (let c = 0; c < m.length; c++) {
        acc.mean[c] += m[c] * idx.length;
        acc.sq[c] += v[c] * idx.length;
      }
      acc.n += idx.length;
      sums.set(layer, acc);
      tf.dispose([mean, variance]);
    }
  }
  for (const [layer, acc] of sums) {
    const [gamma, beta] = layer.getWeights();
    const mean = tf.tensor1d(Float32Array.from(acc.mean, (v) => v / acc.n));
    const variance = tf.tensor1d(Float32Array.from(acc.sq, (v) => v / acc.n));
    layer.setWeights([gamma, beta, mean, variance]);
    tf.dispose([mean, variance]);
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
