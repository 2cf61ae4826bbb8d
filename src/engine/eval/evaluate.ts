import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ImageSet } from '../data/imageSet';
import { imagesToFloats, imagesToTensor } from '../model/input';
import type { StepExecutor } from '../train/executor';
import type { EvalReport } from '../types';
import { computeEvalReport } from './metrics';

/**
 * Class probabilities for every image of a set, row-major [size, classes], in batches (dropout off).
 * With a pool (see createInferencePool) each batch is split across its worker threads.
 */
export async function predictSet(model: tfl.LayersModel, set: ImageSet, batchSize = 64, pool?: StepExecutor): Promise<Float32Array> {
  const k = (model.outputs[0].shape as number[])[1];
  const out = new Float32Array(set.size * k);
  for (let start = 0; start < set.size; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, set.size - start) }, (_, i) => start + i);
    if (pool) {
      out.set(await pool.predict(imagesToFloats(set.read(indices), indices.length, set.imageSize), indices.length), start * k);
      continue;
    }
    const probs = tf.tidy(() => model.predict(imagesToTensor(set.read(indices), indices.length, set.imageSize)) as tf.Tensor);
    out.set(await probs.data(), start * k);
    probs.dispose();
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

/** Loss, accuracy, per-class scores, confusion matrix, ROC (two classes) and misclassified images of a set. */
export async function evaluateModel(model: tfl.LayersModel, set: ImageSet, classes: string[], batchSize = 64, pool?: StepExecutor): Promise<EvalReport> {
  const probabilities = await predictSet(model, set, batchSize, pool);
  return computeEvalReport({
    classes,
    labels: set.labels,
    probabilities,
    paths: set.paths,
    loss: crossEntropy(set.labels, probabilities, classes.length),
  });
}
