// Messages between the training thread and its data-parallel worker threads. Weights travel
// through one SharedArrayBuffer (written by the trainer after each optimizer step, read by the
// workers before each request); gradients come back as transferred Float32Arrays.
import type { LossSpec, Shard } from './step';

export interface InitMessage {
  type: 'init';
  backend: string;
  modelJson: string;
  spec: LossSpec;
  weights: SharedArrayBuffer;
  /** Values of the non-trainable weights (batch-norm statistics, frozen layers), see bnStats.ts. */
  frozen: Float32Array;
}

/** New values of the non-trainable weights, after batch-norm statistics were refreshed. */
export interface FrozenMessage {
  type: 'frozen';
  version: number;
  frozen: Float32Array;
}

/** One worker's shard of a training batch. */
export interface StepMessage extends Shard {
  type: 'step';
  version: number;
}

export interface EvalMessage {
  type: 'eval';
  version: number;
  x: Float32Array;
  labels: Int32Array;
}

export interface PredictMessage {
  type: 'predict';
  version: number;
  x: Float32Array;
  n: number;
}

/** Chunks of images whose batch-norm moments (bnStats.ts chunkMoments) the worker computes. */
export interface MomentsMessage {
  type: 'moments';
  version: number;
  chunks: { x: Float32Array; n: number }[];
}

export type ToWorker = InitMessage | StepMessage | EvalMessage | PredictMessage | FrozenMessage | MomentsMessage;

export type FromWorker =
  | { type: 'ready' }
  | { type: 'grads'; grads: Float32Array; lossSum: number; correct: number }
  | { type: 'evaluated'; lossSum: number; correct: number }
  | { type: 'predicted'; probs: Float32Array }
  | { type: 'moments'; moments: Float32Array[] }
  | { type: 'error'; message: string };
