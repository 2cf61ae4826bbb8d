import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ImageSet } from '../data/imageSet';
import { imagesToFloats, mirrored } from '../model/input';
import type { StepExecutor } from '../train/executor';
import type { DecisionThreshold, EvalReport } from '../types';
import { computeEvalReport } from './metrics';
import type { TrainedWith } from './health';

async function predictFloats(model: tfl.LayersModel, x: Float32Array, n: number, size: number, pool?: StepExecutor): Promise<Float32Array> {
  if (pool) return pool.predict(x, n);
  const probs = tf.tidy(() => model.predict(tf.tensor4d(x, [n, size, size, 1])) as tf.Tensor);
  const out = (await probs.data()) as Float32Array;
  probs.dispose();
  return out;
}

/**
 * Class probabilities for every image of a set, row-major [size, classes], in batches (dropout off).
 * With a pool (see createInferencePool) each batch is split across its worker threads. With `tta`,
 * each image's probabilities are averaged with its mirror image's.
 */
export async function predictSet(model: tfl.LayersModel, set: ImageSet, batchSize = 64, pool?: StepExecutor, tta = false): Promise<Float32Array> {
  const k = (model.outputs[0].shape as number[])[1];
  const out = new Float32Array(set.size * k);
  for (let start = 0; start < set.size; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, set.size - start) }, (_, i) => start + i);
    const x = imagesToFloats(set.read(indices), indices.length, set.imageSize);
    const probs = await predictFloats(model, x, indices.length, set.imageSize, pool);
    if (tta) {
      const flipped = await predictFloats(model, mirrored(x, indices.length, set.imageSize), indices.length, set.imageSize, pool);
      for (let i = 0; i < probs.length; i++) probs[i] = (probs[i] + flipped[i]) / 2;
    }
    out.set(probs, start * k);
  }
  return out;
}

/** Mean categorical cross-entropy (unweighted), as Keras' evaluate reports it, with Keras' epsilon clipping. */
export function crossEntropy(labels: ArrayLike<number>, probabilities: Float32Array, numClasses: number): number {
  if (labels.length === 0) return 0;
  const eps = 1e-7;
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum -= Math.log(Math.min(1 - eps, Math.max(eps, probabilities[i * numClasses + labels[i]])));
  return sum / labels.length;
}

export interface EvaluateOptions {
  batchSize?: number;
  pool?: StepExecutor;
  tta?: boolean;
  threshold?: DecisionThreshold;
  /** Bootstrap resamples for the intervals (default 2,000) and their seed. */
  resamples?: number;
  seed?: number;
  trainedWith?: TrainedWith;
}

/** The report of a set and the probabilities it was computed from (for predictions.csv). */
export async function scoreSet(model: tfl.LayersModel, set: ImageSet, classes: string[], options: EvaluateOptions = {}): Promise<{ report: EvalReport; probabilities: Float32Array }> {
  const probabilities = await predictSet(model, set, options.batchSize ?? 64, options.pool, options.tta);
  const report = computeEvalReport({
    classes,
    labels: set.labels,
    probabilities,
    paths: set.paths,
    loss: crossEntropy(set.labels, probabilities, classes.length),
    threshold: options.threshold,
    resamples: options.resamples,
    seed: options.seed,
    trainedWith: options.trainedWith,
  });
  if (options.tta) report.tta = true;
  return { report, probabilities };
}

/** Loss, accuracy, per-class scores, confusion matrix, ROC (two classes), intervals and misclassified images of a set. */
export async function evaluateModel(model: tfl.LayersModel, set: ImageSet, classes: string[], options: EvaluateOptions = {}): Promise<EvalReport> {
  return (await scoreSet(model, set, classes, options)).report;
}
