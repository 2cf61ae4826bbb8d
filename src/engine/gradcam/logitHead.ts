// The layers after the last conv, split into "feature maps -> class scores (logits)" and
// "logits -> probabilities". Grad-CAM differentiates the logit: the gradient of a saturated
// softmax probability (p = 1 in float32) is exactly zero, which would blank every confident map.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** How the model's last layer turns scores into probabilities. */
export type OutputKind = 'dense-softmax' | 'softmax-layer' | 'none';

function activationOf(layer: tfl.layers.Layer): string | undefined {
  const a = (layer.getConfig() as { activation?: unknown }).activation;
  return typeof a === 'string' ? a : undefined;
}

/** The kind of output a head ends in, judged from its last layer's class and activation. */
export function outputKind(last: tfl.layers.Layer | undefined): OutputKind {
  if (!last) return 'none';
  const cls = last.getClassName();
  if (cls === 'Dense' && activationOf(last) === 'softmax') return 'dense-softmax';
  if (cls === 'Softmax' || (cls === 'Activation' && activationOf(last) === 'softmax')) return 'softmax-layer';
  return 'none';
}

/** x·W + b of a Dense layer, its output before the activation. */
function denseLogits(layer: tfl.layers.Layer, x: tf.Tensor): tf.Tensor {
  const [kernel, bias] = layer.getWeights();
  const units = kernel.shape[1] as number;
  // Dense acts on the last axis; flatten the others so one matMul covers any rank.
  const flat = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, kernel.shape[0] as number]);
  let y: tf.Tensor = tf.matMul(flat, kernel as tf.Tensor2D);
  if (bias && (layer.getConfig() as { useBias?: boolean }).useBias !== false) y = tf.add(y, bias);
  return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), units]);
}

/**
 * A sequential head run in inference mode (dropout off, batch norm on its moving statistics):
 * `logits` gives the scores Grad-CAM differentiates, `probabilities` the model's own output.
 */
export class LogitHead {
  readonly kind: OutputKind;
  private readonly body: tfl.layers.Layer[];
  private readonly last: tfl.layers.Layer | undefined;

  constructor(layers: tfl.layers.Layer[]) {
    this.kind = outputKind(layers[layers.length - 1]);
    this.body = this.kind === 'none' ? layers : layers.slice(0, -1);
    this.last = this.kind === 'none' ? undefined : layers[layers.length - 1];
  }

  /** Class scores before softmax; for a model without softmax, its output as is. */
  logits(features: tf.Tensor): tf.Tensor {
    let x = features;
    for (const layer of this.body) x = layer.apply(x, { training: false }) as tf.Tensor;
    return this.kind === 'dense-softmax' && this.last ? denseLogits(this.last, x) : x;
  }

  /** What the model outputs for these logits. */
  probabilities(logits: tf.Tensor): tf.Tensor {
    return this.kind === 'none' ? logits : tf.softmax(logits);
  }
}
