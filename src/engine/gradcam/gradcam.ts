// Grad-CAM (Selvaraju et al.): weight the last conv layer's feature maps by the mean gradient of a
// class score (the logit before softmax), keep the positive part. Gradients flow only through the
// layers after that conv (pooling, batch norm, dense), so any backend that can predict can explain.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { imagesToTensor } from '../model/input';
import { findLastConv } from '../model/seedCnn';
import { LogitHead } from './logitHead';
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
  /**
   * True when nothing in the image raises the explained class's score: the map is zero everywhere
   * after the ReLU (or its peak is float noise next to the feature scale), so `heat` is all zeros.
   */
  noPositiveEvidence: boolean;
}

/** A peak below this share of the largest possible cell value (every channel's term aligned) is rounding noise. */
export const NO_EVIDENCE_EPSILON = 1e-5;

/**
 * A model split at its last conv layer: the body gives feature maps, the head (the layers after it,
 * in order; models are sequential stacks like the seed CNN) turns them into probabilities.
 */
export class GradCam {
  private readonly body: tfl.LayersModel;
  private readonly head: LogitHead;
  private readonly placement: HeatPlacement | undefined;

  constructor(model: tfl.LayersModel) {
    const lastConv = findLastConv(model);
    this.body = tfl.model({ inputs: model.inputs, outputs: lastConv.output as tfl.SymbolicTensor });
    this.head = new LogitHead(model.layers.slice(model.layers.indexOf(lastConv) + 1));
    this.placement = placementUpTo(model, lastConv);
  }

  /** Explains one imageSize x imageSize gray image for `classIndex`, or for the predicted class. */
  async explain(pixels: Uint8Array, imageSize: number, classIndex?: number): Promise<GradCamResult> {
    const features = tf.tidy(() => this.body.predict(imagesToTensor(pixels, 1, imageSize), { batchSize: 1 }) as tf.Tensor4D);
    try {
      const probsT = tf.tidy(() => this.head.probabilities(this.head.logits(features)));
      const probabilities = Array.from(await probsT.data());
      probsT.dispose();
      const predictedIndex = probabilities.indexOf(Math.max(...probabilities));
      const explainedIndex = classIndex ?? predictedIndex;
      if (!Number.isInteger(explainedIndex) || explainedIndex < 0 || explainedIndex >= probabilities.length) {
        throw new RangeError(`classIndex must be 0..${probabilities.length - 1}, got ${classIndex}`);
      }
      const [camT, scaleT] = tf.tidy(() => {
        // A one-hot mask rather than gather: gather's gradient needs UnsortedSegmentSum, which wasm lacks.
        const mask = tf.oneHot([explainedIndex], probabilities.length);
        const score = (a: tf.Tensor) => tf.sum(tf.mul(this.head.logits(a), mask));
        const grads = tf.grad(score)(features) as tf.Tensor4D;
        const weights = tf.mean(grads, [1, 2], true); // [1, 1, 1, channels]
        const terms = tf.mul(features, weights);
        const cam = tf.squeeze(tf.relu(tf.sum(terms, -1)), [0]) as tf.Tensor2D;
        return [cam, tf.max(tf.sum(tf.abs(terms), -1))];
      });
      const [heatHeight, heatWidth] = camT.shape;
      const heat = (await camT.data()) as Float32Array;
      const scale = (await scaleT.data())[0];
      tf.dispose([camT, scaleT]);
      let max = 0;
      for (const v of heat) if (v > max) max = v;
      const noPositiveEvidence = !(max > NO_EVIDENCE_EPSILON * scale) || !Number.isFinite(max);
      if (noPositiveEvidence) heat.fill(0);
      else for (let i = 0; i < heat.length; i++) heat[i] /= max;
      const placement = this.placement ?? uniformPlacement(heatWidth, imageSize);
      return { probabilities, predictedIndex, explainedIndex, heat, heatWidth, heatHeight, placement, noPositiveEvidence };
    } finally {
      features.dispose();
    }
  }
}

/**
 * Where the heat map peaks (the centre of its hottest cell), in pixel coordinates of the original
 * width x height image. The model input is that image stretched to a square (decode.ts resizes with
 * fit 'fill'), so each axis scales on its own: x by width / inputSize, y by height / inputSize.
 */
export function heatPeak(r: GradCamResult, width: number, height: number): { x: number; y: number } {
  let best = 0;
  for (let i = 1; i < r.heat.length; i++) if (r.heat[i] > r.heat[best]) best = i;
  const { scale, offset, inputSize } = r.placement;
  const cx = best % r.heatWidth;
  const cy = Math.floor(best / r.heatWidth);
  return { x: ((offset + scale * cx) / inputSize) * width, y: ((offset + scale * cy) / inputSize) * height };
}
