import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { TrainConfig } from '../config';
import type { ImageSet } from '../data/imageSet';
import type { BatchProgress, EpochMetrics } from '../types';
import { labelsAt, planBatches, readPixels } from './batches';
import { computeClassWeights } from './classWeights';
import { checkLoss, checkWeights } from './divergence';
import { BestWeights } from './earlyStopping';
import { LocalExecutor } from './executor';
import type { StepExecutor } from './executor';
import { FlatAdam } from './adam';
import { createParallelExecutor, resolveWorkers, sharedAdam } from './parallel';
import { mixKey, permutation, Stream } from './rng';
import { trainableVariables } from './step';
import type { LossSpec, ShardStats } from './step';

export interface TrainCallbacks {
  onBatch?(progress: BatchProgress): void;
  onEpoch?(metrics: EpochMetrics): void;
  onLog?(line: string): void;
}

export interface TrainData {
  train: ImageSet;
  val: ImageSet;
  numClasses: number;
}

export interface TrainResult {
  history: EpochMetrics[];
  /** 1-based epoch whose weights the model holds at the end. */
  bestEpoch: number;
  stoppedEpoch?: number;
  cancelled: boolean;
  classWeights?: number[];
}

const EVAL_CHUNK = 128;

const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

async function evaluateSet(executor: StepExecutor, set: ImageSet): Promise<{ loss: number; acc: number }> {
  if (set.size === 0) return { loss: NaN, acc: NaN };
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < set.size; start += EVAL_CHUNK) {
    const idx = new Int32Array(Math.min(EVAL_CHUNK, set.size - start)).map((_, i) => start + i);
    const s = await executor.evaluate(readPixels(set, idx), labelsAt(set, idx));
    lossSum += s.lossSum;
    correct += s.correct;
  }
  return { loss: lossSum / set.size, acc: correct / set.size };
}

/** Trains in place; on return the model holds the best epoch's weights. Cancels between batches when signal aborts. */
export async function trainModel(
  model: tfl.LayersModel,
  data: TrainData,
  config: TrainConfig,
  callbacks: TrainCallbacks = {},
  signal?: AbortSignal,
): Promise<TrainResult> {
  const { train, val, numClasses } = data;
  if (train.size === 0) throw new Error('trainModel: the training split holds no images');
  const classWeights = computeClassWeights(train.labels, numClasses, config.classWeighting);
  if (classWeights) callbacks.onLog?.(`class weights: ${classWeights.map((w) => w.toFixed(3)).join(', ')}`);
  const spec: LossSpec = { kind: config.loss, gamma: config.focalGamma, numClasses, classWeights };
  const workers = resolveWorkers(config.workers, tf.getBackend());
  let executor: StepExecutor | undefined;
  if (workers > 1) {
    try {
      executor = await createParallelExecutor(model, sharedAdam(model, config.learningRate), spec, workers);
    } catch (e) {
      // Same results in one thread, only slower: better than failing the run.
      callbacks.onLog?.(`data-parallel workers could not start (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); training in one thread`);
    }
  }
  if (!executor) {
    const vars = trainableVariables(model);
    executor = new LocalExecutor(model, new FlatAdam(vars, new Float32Array(FlatAdam.total(vars)), config.learningRate), spec);
  }
  if (executor.workers > 1) callbacks.onLog?.(`data-parallel training over ${executor.workers} threads`);
  const best = new BestWeights(model, config.patience);
  const history: EpochMetrics[] = [];
  const batchesPerEpoch = Math.ceil(train.size / config.batchSize);
  let batchSeconds = 0;
  let batchesDone = 0;
  let valSeconds = 0;
  let cancelled = false;
  let stoppedEpoch: number | undefined;
  try {
    for (let epoch = 1; epoch <= config.epochs && !cancelled; epoch++) {
      const epochStart = performance.now();
      const order = permutation(train.size, mixKey(config.seed, Stream.shuffle, epoch));
      const plan = planBatches(order, config.batchSize);
      const sum: ShardStats = { lossSum: 0, correct: 0 };
      let seen = 0;
      for (let b = 0; b < plan.length; b++) {
        if (signal?.aborted) {
          cancelled = true;
          break;
        }
        const t0 = performance.now();
        const { indices, positions } = plan[b];
        const augment = config.augment ? { seed: config.seed, epoch, positions } : undefined;
        const x = readPixels(train, indices, { augment });
        const labels = labelsAt(train, indices);
        const stats = await executor.step({ x, labels, positions, batchSize: labels.length, seed: config.seed, epoch });
        checkLoss(stats.lossSum, epoch, config.learningRate);
        sum.lossSum += stats.lossSum;
        sum.correct += stats.correct;
        seen += labels.length;
        batchSeconds += (performance.now() - t0) / 1000;
        batchesDone++;
        const perBatch = batchSeconds / batchesDone;
        const left = plan.length - b - 1 + (config.epochs - epoch) * batchesPerEpoch;
        callbacks.onBatch?.({
          epoch,
          epochs: config.epochs,
          batch: b + 1,
          batches: plan.length,
          loss: sum.lossSum / seen,
          acc: sum.correct / seen,
          elapsed: (performance.now() - epochStart) / 1000,
          eta: left * perBatch + (config.epochs - epoch + 1) * valSeconds,
        });
        await yieldToEvents();
      }
      if (cancelled || signal?.aborted) {
        cancelled = true;
        break;
      }
      checkWeights(model, epoch, config.learningRate);
      const v0 = performance.now();
      const v = await evaluateSet(executor, val);
      valSeconds = (performance.now() - v0) / 1000;
      const metrics: EpochMetrics = {
        epoch,
        loss: sum.lossSum / seen,
        acc: sum.correct / seen,
        valLoss: v.loss,
        valAcc: v.acc,
        seconds: (performance.now() - epochStart) / 1000,
      };
      history.push(metrics);
      callbacks.onEpoch?.(metrics);
      // Without a validation split, early stopping watches the training loss.
      const stop = best.update(epoch, val.size > 0 ? metrics.valLoss : metrics.loss);
      if (stop && epoch < config.epochs) {
        stoppedEpoch = epoch;
        callbacks.onLog?.(`early stopping after epoch ${epoch}: no lower validation loss since epoch ${best.bestEpoch}`);
        break;
      }
      await yieldToEvents();
    }
    best.restore();
    return { history, bestEpoch: best.bestEpoch, stoppedEpoch, cancelled, classWeights };
  } finally {
    best.dispose();
    await executor.close();
  }
}
