import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { TrainConfig } from '../config';
import { predictSet } from '../eval/evaluate';
import type { ImageSet } from '../data/imageSet';
import type { BatchProgress, EpochMetrics } from '../types';
import { labelsAt, planBatches, readPixels } from './batches';
import { batchNormLayers, refreshBatchNormStats } from './bnStats';
import { computeClassWeights } from './classWeights';
import { checkLoss, checkWeights } from './divergence';
import { BestWeights } from './earlyStopping';
import { LocalExecutor } from './executor';
import type { StepExecutor } from './executor';
import { FlatAdam } from './adam';
import { createParallelExecutor, resolveWorkers, sharedAdam } from './parallel';
import { epochOrder } from './sampling';
import { learningRateAt } from './schedule';
import { trainableVariables } from './step';
import type { LossSpec, ShardStats } from './step';
import { validationFigures, type ValidationFigures } from './validation';

export interface TrainCallbacks {
  onBatch?(progress: BatchProgress): void;
  onEpoch?(metrics: EpochMetrics): void;
  onLog?(line: string): void;
}

export interface TrainData {
  train: ImageSet;
  val: ImageSet;
  numClasses: number;
  /** Index of the class ROC AUC treats as positive (two classes); default 1. */
  positiveClass?: number;
  /** Fine-tuning: these layers start frozen and are unfrozen after `epochs` epochs, at a tenth of the learning rate. */
  freeze?: { layers: tfl.layers.Layer[]; epochs: number };
}

export type SelectionFigure = 'auc' | 'macroF1' | 'loss';

export interface TrainResult {
  history: EpochMetrics[];
  /** 1-based epoch whose weights the model holds at the end. */
  bestEpoch: number;
  stoppedEpoch?: number;
  cancelled: boolean;
  classWeights?: number[];
  /** The validation figure that chose bestEpoch. */
  selectedBy: SelectionFigure;
}

const EVAL_CHUNK = 128;

const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

function selectionFigure(config: TrainConfig, numClasses: number): SelectionFigure {
  if (config.selectBy === 'loss') return 'loss';
  return numClasses === 2 ? 'auc' : 'macroF1';
}

function score(figure: SelectionFigure, v: ValidationFigures): number {
  if (figure === 'auc') return v.auc ?? -v.loss;
  if (figure === 'macroF1') return v.macroF1;
  return -v.loss;
}

async function makeExecutor(model: tfl.LayersModel, spec: LossSpec, config: TrainConfig, lr: number, log?: (line: string) => void): Promise<{ executor: StepExecutor; optimizer: FlatAdam }> {
  const workers = resolveWorkers(config.workers, tf.getBackend());
  if (workers > 1) {
    const optimizer = sharedAdam(model, lr);
    try {
      return { executor: await createParallelExecutor(model, optimizer, spec, workers), optimizer };
    } catch (e) {
      // Same results in one thread, only slower: better than failing the run.
      log?.(`data-parallel workers could not start (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); training in one thread`);
    }
  }
  const vars = trainableVariables(model);
  const optimizer = new FlatAdam(vars, new Float32Array(FlatAdam.total(vars)), lr);
  return { executor: new LocalExecutor(model, optimizer, spec), optimizer };
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
  // Balanced batches already show every class equally often: weighting the loss as well would overcorrect.
  const weighting = config.sampling === 'balanced' && config.classWeighting === 'auto' ? 'none' : config.classWeighting;
  const classWeights = computeClassWeights(train.labels, numClasses, weighting);
  if (classWeights) callbacks.onLog?.(`class weights: ${classWeights.map((w) => w.toFixed(3)).join(', ')}`);
  const spec: LossSpec = { kind: config.loss, gamma: config.focalGamma, numClasses, classWeights };
  const figure = selectionFigure(config, numClasses);
  const positiveClass = data.positiveClass ?? 1;
  const hasBn = batchNormLayers(model).length > 0;
  const frozen = data.freeze && data.freeze.epochs > 0 ? data.freeze : undefined;
  frozen?.layers.forEach((l) => (l.trainable = false));
  let lrScale = 1;
  let { executor, optimizer } = await makeExecutor(model, spec, config, config.learningRate, callbacks.onLog);
  if (executor.workers > 1) callbacks.onLog?.(`data-parallel training over ${executor.workers} threads`);
  const best = new BestWeights(model, config.patience);
  const history: EpochMetrics[] = [];
  const batchesPerEpoch = Math.ceil(train.size / config.batchSize);
  const totalSteps = batchesPerEpoch * config.epochs;
  let step = 0;
  let batchSeconds = 0;
  let batchesDone = 0;
  let valSeconds = 0;
  let cancelled = false;
  let stoppedEpoch: number | undefined;
  try {
    for (let epoch = 1; epoch <= config.epochs && !cancelled; epoch++) {
      if (frozen && epoch === frozen.epochs + 1) {
        frozen.layers.forEach((l) => (l.trainable = true));
        lrScale = 0.1;
        await executor.close();
        ({ executor, optimizer } = await makeExecutor(model, spec, config, config.learningRate * lrScale, callbacks.onLog));
        callbacks.onLog?.(`epoch ${epoch}: base model unfrozen, fine-tuning every layer at a tenth of the learning rate`);
      }
      const epochStart = performance.now();
      const order = epochOrder(config.sampling, train.labels, numClasses, config.seed, epoch);
      const plan = planBatches(order, config.batchSize);
      const sum: ShardStats = { lossSum: 0, correct: 0 };
      let seen = 0;
      for (let b = 0; b < plan.length; b++) {
        if (signal?.aborted) {
          cancelled = true;
          break;
        }
        const t0 = performance.now();
        optimizer.lr = lrScale * learningRateAt(config.lrSchedule, config.learningRate, step++, batchesPerEpoch, totalSteps);
        const { indices, positions } = plan[b];
        // Augmented batches go out as bytes: each thread augments its own shard (keyed by seed, epoch and position).
        const images = config.augment ? { x: new Float32Array(0), raw: train.read(indices) } : { x: readPixels(train, indices) };
        const labels = labelsAt(train, indices);
        const stats = await executor.step({ ...images, labels, positions, batchSize: labels.length, seed: config.seed, epoch });
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
      if (hasBn && (await refreshBatchNormStats(model, train, (chunks) => executor.batchNormMoments(chunks)))) await executor.syncFrozen();
      const v = val.size > 0 ? validationFigures(val.labels, await predictSet(model, val, EVAL_CHUNK, executor), numClasses, positiveClass) : undefined;
      valSeconds = (performance.now() - v0) / 1000;
      const metrics: EpochMetrics = {
        epoch,
        loss: sum.lossSum / seen,
        acc: sum.correct / seen,
        valLoss: v?.loss ?? NaN,
        valAcc: v?.acc ?? NaN,
        ...(v?.auc !== undefined ? { valAuc: v.auc } : {}),
        ...(v ? { valMacroF1: v.macroF1 } : {}),
        lr: optimizer.lr,
        seconds: (performance.now() - epochStart) / 1000,
      };
      history.push(metrics);
      callbacks.onEpoch?.(metrics);
      // Without a validation split, early stopping watches the training loss.
      const stop = v ? best.update(epoch, score(figure, v), -v.loss) : best.update(epoch, -metrics.loss);
      if (stop && epoch < config.epochs) {
        stoppedEpoch = epoch;
        const what = figure === 'loss' || !v ? 'lower validation loss' : `better validation ${figure === 'auc' ? 'ROC AUC' : 'macro-F1'}`;
        callbacks.onLog?.(`early stopping after epoch ${epoch}: no ${what} since epoch ${best.bestEpoch}`);
        break;
      }
      await yieldToEvents();
    }
    best.restore();
    return { history, bestEpoch: best.bestEpoch, stoppedEpoch, cancelled, classWeights, selectedBy: figure };
  } finally {
    frozen?.layers.forEach((l) => (l.trainable = true));
    best.dispose();
    await executor.close();
  }
}
