import type { TrainConfig } from '../config';
import type { TrainCallbacks } from '../train/train';
import type { DatasetReport, TrainingOutcome } from '../types';

export interface PipelineCallbacks extends TrainCallbacks {
  onStart?(runId: string, runFolder: string): void;
  onDataset?(report: DatasetReport): void;
  onDecodeProgress?(done: number, total: number): void;
}

export interface PipelineOptions {
  datasetFolder: string;
  runsFolder: string;
  config: Partial<TrainConfig>;
  callbacks?: PipelineCallbacks;
  signal?: AbortSignal;
  cacheDir?: string;
}

/** The whole job: load data, train, evaluate, write the run folder atomically. Used by the CLI and the training process. */
export async function runTraining(options: PipelineOptions): Promise<TrainingOutcome> {
  void options;
  throw new Error('runTraining: not implemented yet');
}
