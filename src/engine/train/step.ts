// The numeric core shared by the training thread and the data-parallel workers: the gradient of
// one shard of a batch, and the loss of a shard without training. Loss sums are divided by the
// whole batch's size, so shards' gradients add up to the batch gradient whatever the split.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { LossKind } from '../config';
import { augmentBytes } from './batches';
import { fusedConvRelu, fusedConvReluPool } from './fusedConv';
import { fusedConvBnRelu } from './fusedConvBn';
import { makeRng as rng, mixKey, Stream } from '../data/rng';

export interface LossSpec {
  kind: LossKind;
  gamma: number;
  numClasses: number;
  /** Per-class weights (alpha for focal loss); absent means 1. */
  classWeights?: number[];
}

export interface Shard {
  /** The images as float NHWC, or empty when `raw` holds them. */
  x: Float32Array;
  /**
   * The images as gray bytes, to be augmented (keyed by seed, epoch and position) by the thread that
   * computes this shard: augmentation then runs on every core instead of before the step.
   */
  raw?: Uint8Array;
  labels: Int32Array;
  /** Epoch positions of the samples: keys for dropout masks. */
  positions: Int32Array;
  /** The full batch's size: the divisor of the summed loss. */
  batchSize: number;
  seed: number;
  epoch: number;
}

/** The shard's float images: x, or its raw bytes augmented here. */
function shardPixels(model: tfl.LayersModel, shard: Shard): Float32Array {
  if (!shard.raw) return shard.x;
  const size = model.inputs[0].shape[1] as number;
  return augmentBytes(shard.raw, size, shard.seed, shard.epoch, shard.positions);
}

export interface ShardStats {
  lossSum: number;
  correct: number;
}

type Layer = tfl.layers.Layer;

const chains = new WeakMap<object, Layer[] | null>();

/** The model's layers in order when it is a plain chain (run layer by layer with our own dropout masks); else null. */
export function layerChain(model: tfl.LayersModel): Layer[] | null {
  if (chains.has(model)) return chains.get(model) ?? null;
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  let prev: Layer | null = null;
  let ok = true;
  for (const layer of layers) {
    const nodes = (layer as unknown as { inboundNodes: { inboundLayers: Layer[] }[] }).inboundNodes;
    const inbound = nodes.length === 1 && nodes[0].inboundLayers.length === 1 ? nodes[0].inboundLayers[0] : null;
    if (!inbound || (prev ? inbound !== prev : inbound.getClassName() !== 'InputLayer')) ok = false;
    prev = layer;
  }
  const chain = ok && layers.length > 0 ? layers : null;
  chains.set(model, chain);
  return chain;
}

/** Inverted-dropout mask, one independent stream per (epoch, sample position, layer). */
function dropoutMask(shape: number[], rate: number, shard: Shard, layerIndex: number): tf.Tensor {
  const per = shape.slice(1).reduce((a, b) => a * b, 1);
  const values = new Float32Array(shard.positions.length * per);
  const keep = 1 / (1 - rate);
  for (let i = 0; i < shard.positions.length; i++) {
    const r = rng(mixKey(shard.seed, Stream.dropout, shard.epoch, shard.positions[i], layerIndex));
    for (let j = 0; j < per; j++) values[i * per + j] = r() >= rate ? keep : 0;
  }
  return tf.tensor(values, shape);
}

export function forward(model: tfl.LayersModel, x: tf.Tensor, training: boolean, shard?: Shard): tf.Tensor {
  const chain = layerChain(model);
  if (!chain) return model.apply(x, { training }) as tf.Tensor;
  let h = x;
  for (let i = 0; i < chain.length; i++) {
    const layer = chain[i];
    const rate = (layer as unknown as { rate?: number; noiseShape?: unknown }).rate;
    const plainDropout = layer.getClassName() === 'Dropout' && rate !== undefined && !(layer as unknown as { noiseShape?: unknown }).noiseShape;
    if (plainDropout) {
      if (training && shard && rate > 0) h = tf.mul(h, dropoutMask(h.shape, rate, shard, i));
      continue;
    }
    if (training && shard) {
      const withBn = fusedConvBnRelu(chain, i, i > 0);
      if (withBn) {
        h = withBn.apply(h);
        i += withBn.covers - 1; // the covered layers ran inside
        continue;
      }
      const withPool = i + 1 < chain.length ? fusedConvReluPool(layer, chain[i + 1], i > 0) : null;
      if (withPool) {
        h = withPool(h);
        i++; // the pooling layer ran inside
        continue;
      }
      const fused = fusedConvRelu(layer, i > 0);
      if (fused) {
        h = fused(h);
        continue;
      }
    }
    h = layer.apply(h, { training }) as tf.Tensor;
  }
  return h;
}

/** Per-sample (weighted) loss and the number of correct predictions, from softmax probabilities. */
function lossTerms(probs: tf.Tensor, labels: Int32Array, spec: LossSpec): { perSample: tf.Tensor1D; correct: tf.Scalar } {
  const labelT = tf.tensor1d(labels, 'int32');
  const oneHot = tf.oneHot(labelT, spec.numClasses);
  const p = tf.clipByValue(probs, 1e-7, 1 - 1e-7);
  const pt = tf.sum(tf.mul(p, oneHot), 1);
  let perSample = tf.neg(tf.log(pt)) as tf.Tensor1D;
  if (spec.kind === 'focal') perSample = tf.mul(perSample, tf.pow(tf.sub(1, pt), spec.gamma));
  if (spec.classWeights) {
    const w = new Float32Array(labels.length);
    for (let i = 0; i < labels.length; i++) w[i] = spec.classWeights[labels[i]];
    perSample = tf.mul(perSample, tf.tensor1d(w));
  }
  const correct = tf.sum(tf.cast(tf.equal(tf.argMax(probs, 1), labelT), 'float32')) as tf.Scalar;
  return { perSample, correct };
}

function inputTensor(model: tfl.LayersModel, x: Float32Array, n: number): tf.Tensor {
  const shape = model.inputs[0].shape.slice(1) as number[];
  return tf.tensor(x, [n, ...shape]);
}

export function trainableVariables(model: tfl.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/** Gradients of sum(weighted loss over the shard) / batchSize, keyed by variable name. */
export function shardGradients(model: tfl.LayersModel, shard: Shard, spec: LossSpec): { grads: tf.NamedTensorMap; stats: ShardStats } {
  const n = shard.labels.length;
  let lossSumT: tf.Scalar | undefined;
  let correctT: tf.Scalar | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const probs = forward(model, inputTensor(model, shardPixels(model, shard), n), true, shard);
    const { perSample, correct } = lossTerms(probs, shard.labels, spec);
    const sum = tf.sum(perSample) as tf.Scalar;
    lossSumT = tf.keep(tf.clone(sum));
    correctT = tf.keep(correct);
    return tf.div(sum, shard.batchSize) as tf.Scalar;
  }, trainableVariables(model));
  value.dispose();
  const stats = { lossSum: lossSumT!.dataSync()[0], correct: correctT!.dataSync()[0] };
  lossSumT!.dispose();
  correctT!.dispose();
  return { grads, stats };
}

/** Class probabilities of a shard in inference mode, row-major [n, classes]. */
export function predictShard(model: tfl.LayersModel, x: Float32Array, n: number): Float32Array {
  const probs = tf.tidy(() => forward(model, inputTensor(model, x, n), false));
  const out = new Float32Array(probs.dataSync());
  probs.dispose();
  return out;
}

/** Loss sum (unweighted, as Keras reports val_loss) and correct count of a shard in inference mode. */
export function evaluateShard(model: tfl.LayersModel, x: Float32Array, labels: Int32Array, spec: LossSpec): ShardStats {
  const [lossSumT, correctT] = tf.tidy(() => {
    const probs = forward(model, inputTensor(model, x, labels.length), false);
    const { perSample, correct } = lossTerms(probs, labels, { ...spec, classWeights: undefined });
    return [tf.sum(perSample), correct];
  });
  const stats = { lossSum: lossSumT.dataSync()[0], correct: correctT.dataSync()[0] };
  lossSumT.dispose();
  correctT.dispose();
  return stats;
}
