// How one training step is carried out: here, in this thread. parallel.ts provides the same
// interface over worker threads.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { FlatAdam } from './adam';
import { chunkMoments } from './bnStats';
import { evaluateShard, predictShard, shardGradients } from './step';
import type { LossSpec, Shard, ShardStats } from './step';

export interface StepExecutor {
  /** Computes the batch gradient and applies one optimizer step; returns the batch's loss sum and correct count. */
  step(batch: Shard): Promise<ShardStats>;
  evaluate(x: Float32Array, labels: Int32Array): Promise<ShardStats>;
  /** Class probabilities of n images (inference mode), row-major [n, classes]. */
  predict(x: Float32Array, n: number): Promise<Float32Array>;
  /** chunkMoments (bnStats.ts) of each chunk, spread over the threads. */
  batchNormMoments(chunks: { x: Float32Array; n: number }[]): Promise<Float32Array[]>;
  readonly workers: number;
  /** Hands the model's current non-trainable weights (batch-norm statistics) to every thread that computes. */
  syncFrozen(): Promise<void>;
  close(): Promise<void>;
}

export class LocalExecutor implements StepExecutor {
  readonly workers = 1;

  constructor(
    private readonly model: tfl.LayersModel,
    private readonly optimizer: FlatAdam,
    private readonly spec: LossSpec,
  ) {}

  async step(batch: Shard): Promise<ShardStats> {
    const { grads, stats } = shardGradients(this.model, batch, this.spec);
    const flat = this.optimizer.flatten(grads);
    tf.dispose(grads);
    this.optimizer.apply(flat);
    return stats;
  }

  async evaluate(x: Float32Array, labels: Int32Array): Promise<ShardStats> {
    return evaluateShard(this.model, x, labels, this.spec);
  }

  async predict(x: Float32Array, n: number): Promise<Float32Array> {
    return predictShard(this.model, x, n);
  }

  async batchNormMoments(chunks: { x: Float32Array; n: number }[]): Promise<Float32Array[]> {
    return chunks.map((c) => chunkMoments(this.model, c.x, c.n));
  }

  async syncFrozen(): Promise<void> {}

  async close(): Promise<void> {}
}
