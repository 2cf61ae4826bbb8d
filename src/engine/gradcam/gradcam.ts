// Grad-CAM (Selvaraju et al.): weight the last conv layer's feature maps by the mean gradient of a
// class probability, keep the positive part. Gradients flow only through the layers after that conv
// (pooling, dense), so any backend that can predict can explain.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { imagesToTensor } from '../model/input';
import { findLastConv } from '../model/seedCnn';
import { placementUpTo, uniformPlacement, type HeatPlacement } from './placement';

export interface GradCamResult {
  probabilities: number[];
  predictedIndex: number;
  explainedIndex: number;
  /** Heat map over the model input, row-major, values in [0, 1] (1 at the strongest evidence). */
  heat: Float32Array;
  heatWidth: number;
  heatHeight: number;
  /** Where the heat map's cells sit on the model input. */
  placement: HeatPlacement;
}

/**
 * A model split at its last conv layer: the body gives feature maps, the head (the layers after it,
 * in order; models are sequential stacks like the seed CNN) turns them into probabilities.
 */
export class GradCam {
  private readonly body: tfl.LayersModel;
  private readonly head: tfl.layers.Layer[];
  private readonly placement: HeatPlacement | undefined;

  constructor(model: tfl.LayersModel) {
    const lastConv = findLastConv(model);
    this.body = tfl.model({ inputs: model.inputs, outputs: lastConv.output as tfl.SymbolicTensor });
    this.head = model.layers.slice(model.layers.indexOf(lastConv) + 1);
    this.placement = placementUpTo(model, lastConv);
  }

  private applyHead(features: tf.Tensor): tf.Tensor {
    let x = features;
    for (const layer of this.head) x = layer.apply(x, { training: false }) as tf.Tensor;
    return x;
  }

  /** Explains one imageSize x imageSize gray image for `classIndex`, or for the predicted class. */
  async explain(pixels: Uint8Array, imageSize: number, classIndex?: number): Promise<GradCamResult> {
    const features = tf.tidy(() => this.body.predict(imagesToTensor(pixels, 1, imageSize), { batchSize: 1 }) as tf.Tensor4D);
    try {
      const probsT = tf.tidy(() => this.applyHead(features));
      const probabilities = Array.from(await probsT.data());
      probsT.dispose();
      const predictedIndex = probabilities.indexOf(Math.max(...probabilities));
      const explainedIndex = classIndex ?? predictedIndex;
      if (!Number.isInteger(explainedIndex) || explainedIndex < 0 || explainedIndex >= probabilities.length) {
        throw new RangeError(`classIndex must be 0..${probabilities.length - 1}, got ${classIndex}`);
      }
      const camT = tf.tidy(() => {
        // A one-hot mask rather than gather: gather's gradient needs UnsortedSegmentSum, which wasm lacks.
        const mask = tf.oneHot([explainedIndex], probabilities.length);
        const score = (a: tf.Tensor) => tf.sum(tf.mul(this.applyHead(a), mask));
        const grads = tf.grad(score)(features) as tf.Tensor4D;
        const weights = tf.mean(grads, [1, 2], true); // [1, 1, 1, channels]
        return tf.squeeze(tf.relu(tf.sum(tf.mul(features, weights), -1)), [0]) as tf.Tensor2D;
      });
      const [heatHeight, heatWidth] = camT.shape;
      const heat = (await camT.data()) as Float32Array;
      camT.dispose();
      let max = 0;
      for (const v of heat) if (v > max) max = v;
      if (max > 0) for (let i = 0; i < heat.length; i++) heat[i] /= max;
      const placement = this.placement ?? uniformPlacement(heatWidth, imageSize);
      return { probabilities, predictedIndex, explainedIndex, heat, heatWidth, heatHeight, placement };
    } finally {
      features.dispose();
    }
  }
}

/** Where the heat map peaks, in coordinates of an image of width x height that the model input was resized from. */
export function heatPeak(r: GradCamResult, width: number, height: number): { x: number; y: number } {
  let best = 0;
  for (let i = 1; i < r.heat.length; i++) if (r.heat[i] > r.heat[best]) best = i;
  const { scale, offset, inputSize } = r.placement;
  const cx = best % r.heatWidth;
  const cy = Math.floor(best / r.heatWidth);
  return { x: ((offset + scale * cx) / inputSize) * width, y: ((offset + scale * cy) / inputSize) * height };
}
