import type * as tfl from '@tensorflow/tfjs-layers';
import type { TrainConfig } from '../config';
import type { ImageSet } from '../data/imageSet';
import type { BatchProgress, EpochMetrics } from '../types';

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

/** Trains in place; on return the model holds the best epoch's weights. Cancels between batches when signal aborts. */
export async function trainModel(
  model: tfl.LayersModel,
  data: TrainData,
  config: TrainConfig,
  callbacks: TrainCallbacks = {},
  signal?: AbortSignal,
): Promise<TrainResult> {
  void model;
  void data;
  void config;
  void callbacks;
  void signal;
  throw new Error('trainModel: not implemented yet');
}
