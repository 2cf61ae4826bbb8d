// Grad-CAM (Selvaraju et al.): weight the last conv layer's feature maps by the mean gradient of a
// class score (the logit before softmax), keep the positive part. Gradients flow only through the
// layers after that conv (pooling, batch norm, dense), so any backend that can predict can explain.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { imagesToTensor, mirrored } from '../model/input';
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

  /**
   * Explains one imageSize x imageSize gray image for `classIndex`, or for the predicted class.
   * `mirror`: the model decides by averaging the image with its mirror image (test-time
   * augmentation), so the map is the average of the image's map and the mirror's, flipped back;
   * probabilities are averaged the same way. With the sub-cell peak (heatPeak) it raised the
   * pointing game on the sample data from 71% to 88% (README, Models). Skipped when the map's cells
   * do not sit symmetrically on the input (a radnet input not divisible by 4).
   */
  async explain(pixels: Uint8Array, imageSize: number, classIndex?: number, options: { mirror?: boolean } = {}): Promise<GradCamResult> {
    let direct = await this.rawCam(pixels, imageSize, (probabilities) => classIndex ?? argmax(probabilities));
    const placement = this.placement ?? uniformPlacement(direct.heatWidth, imageSize);
    let { heat, probabilities, scale } = direct;
    if (options.mirror && mirrorsExactly(placement, direct.heatWidth)) {
      const mirror = mirrored(pixels, 1, imageSize);
      let flipped = await this.rawCam(mirror, imageSize, () => direct.explainedIndex);
      if (classIndex === undefined) {
        // The predicted class is the averaged prediction's; explain that one in both images.
        const averaged = argmax(direct.probabilities.map((p, k) => p + flipped.probabilities[k]));
        if (averaged !== direct.explainedIndex) {
          direct = await this.rawCam(pixels, imageSize, () => averaged);
          flipped = await this.rawCam(mirror, imageSize, () => averaged);
        }
      }
      const w = direct.heatWidth;
      const back = flipped.heat;
      heat = direct.heat.map((v, i) => (v + back[i + w - 1 - 2 * (i % w)]) / 2);
      probabilities = direct.probabilities.map((p, k) => (p + flipped.probabilities[k]) / 2);
      scale = Math.max(direct.scale, flipped.scale);
    }
    let max = 0;
    for (const v of heat) if (v > max) max = v;
    const noPositiveEvidence = !(max > NO_EVIDENCE_EPSILON * scale) || !Number.isFinite(max);
    if (noPositiveEvidence) heat.fill(0);
    else for (let i = 0; i < heat.length; i++) heat[i] /= max;
    return { probabilities, predictedIndex: argmax(probabilities), explainedIndex: direct.explainedIndex, heat, heatWidth: direct.heatWidth, heatHeight: direct.heatHeight, placement, noPositiveEvidence };
  }

  /** The unnormalised map (ReLU of the gradient-weighted feature sum) and the largest value a cell could reach. */
  private async rawCam(pixels: Uint8Array, imageSize: number, pick: (probabilities: number[]) => number): Promise<{ heat: Float32Array; heatWidth: number; heatHeight: number; scale: number; probabilities: number[]; explainedIndex: number }> {
    const features = tf.tidy(() => this.body.predict(imagesToTensor(pixels, 1, imageSize), { batchSize: 1 }) as tf.Tensor4D);
    try {
      const probsT = tf.tidy(() => this.head.probabilities(this.head.logits(features)));
      const probabilities = Array.from(await probsT.data());
      probsT.dispose();
      const explainedIndex = pick(probabilities);
      if (!Number.isInteger(explainedIndex) || explainedIndex < 0 || explainedIndex >= probabilities.length) {
        throw new RangeError(`classIndex must be 0..${probabilities.length - 1}, got ${explainedIndex}`);
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
      return { heat, heatWidth, heatHeight, scale, probabilities, explainedIndex };
    } finally {
      features.dispose();
    }
  }
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** Whether flipping the input flips the map cell for cell: the cells' centres sit symmetrically on the input. */
function mirrorsExactly(p: HeatPlacement, cells: number): boolean {
  return Math.abs(2 * p.offset + p.scale * (cells - 1) - p.inputSize) < 1e-6;
}

/**
 * The map blurred by a 3x3 binomial kernel, cells beyond its edge counted as cold. The hottest
 * single cell of a coarse map is often a noisy neighbour of the region that drove the decision;
 * the blurred map peaks at that region's centre, and not on the map's border. With the same trained
 * models it raised the pointing game on the sample data from 85.9% to 96.8%, and on the
 * independent hardset.py sets from 73.7% to 94.3% (thin lines), 41.3% to 62.6% (like the issue's
 * set) and 24.6% to 40.2% (the hardest) (README, Models).
 */
export function smoothedHeat(heat: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(heat.length);
  const k = [1, 2, 1];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx >= 0 && xx < w) sum += k[dy + 1] * k[dx + 1] * heat[yy * w + xx];
        }
      }
      out[y * w + x] = sum / 16;
    }
  }
  return out;
}

/**
 * Where the heat map peaks, in pixel coordinates of the original width x height image: the hottest
 * cell of the blurred map (smoothedHeat), moved within it by a parabola through its two neighbours
 * on each axis, since one cell spans 4 input pixels (20 of a 320 px film) and a fracture box is often
 * narrower: the parabola alone raised the pointing game on the sample data from 71% to 79%. The
 * model input is that image stretched to a square (decode.ts resizes with fit 'fill'), so each axis
 * scales on its own.
 */
export function heatPeak(r: GradCamResult, width: number, height: number): { x: number; y: number } {
  const w = r.heatWidth;
  const h = r.heatHeight;
  const heat = smoothedHeat(r.heat, w, h);
  let best = 0;
  for (let i = 1; i < heat.length; i++) if (heat[i] > heat[best]) best = i;
  const { scale, offset, inputSize } = r.placement;
  const cx = best % w;
  const cy = Math.floor(best / w);
  const peak = heat[best];
  // A cell on the map's edge has one neighbour on that axis: no parabola, it stays at its centre.
  const fx = cx > 0 && cx < w - 1 ? cx + parabolaPeak(heat[best - 1], peak, heat[best + 1]) : cx;
  const fy = cy > 0 && cy < h - 1 ? cy + parabolaPeak(heat[best - w], peak, heat[best + w]) : cy;
  return { x: ((offset + scale * fx) / inputSize) * width, y: ((offset + scale * fy) / inputSize) * height };
}

/** Offset in (-0.5, 0.5) of the vertex of the parabola through (-1, before), (0, peak), (1, after). */
export function parabolaPeak(before: number, peak: number, after: number): number {
  const curvature = before - 2 * peak + after;
  if (!(curvature < 0) || before === after) return 0;
  return Math.max(-0.5, Math.min(0.5, (before - after) / (2 * curvature)));
}
