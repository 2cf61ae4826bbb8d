// Every JSON-RPC message between the extension (client) and the training process (server).
// Both sides import the method objects from here; nobody spells a method name elsewhere.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { TrainConfig } from '../engine/config';
import type {
  BatchProgress,
  DatasetReport,
  EpochMetrics,
  PredictOutcome,
  RunRecord,
  RunSummary,
  TrainingOutcome,
} from '../engine/types';

export interface TrainParams {
  datasetFolder: string;
  runsFolder: string;
  config: Partial<TrainConfig>;
}
/** A k-fold cross-validation: `id` and `folder` name its summary run, written when the last fold ends. */
export interface CrossValidationInfo {
  id: string;
  folder: string;
  folds: number;
}
export interface TrainResult {
  /** The run training now: with settings folds >= 2, the first fold's run. */
  runId: string;
  runFolder: string;
  /** Present when the training is a cross-validation (settings folds >= 2). */
  crossValidation?: CrossValidationInfo;
}
/**
 * client -> server: start a training run, or with folds >= 2 a cross-validation (its folds one after
 * another, then the summary); answers at once with the (first) run's id, then streams notifications.
 * Progress is a server-created work-done progress whose Cancel cancels the run (and any folds after it).
 */
export const TrainRequest = new RequestType<TrainParams, TrainResult, void>('fractureCnn/train');

export interface CancelParams {
  /** Omit to cancel whatever is running. A fold's run id or the cross-validation's id stops the whole cross-validation. */
  runId?: string;
}
export interface CancelResult {
  cancelled: boolean;
}
/** client -> server: stop the running training between batches; the run ends as 'cancelled'. */
export const CancelRequest = new RequestType<CancelParams, CancelResult, void>('fractureCnn/cancel');

export interface PredictParams {
  /** A run folder; its model is used. */
  runFolder: string;
  images: string[];
  gradcam: boolean;
  /** Where overlay PNGs are written. */
  outDir: string;
  /** Explain this class instead of the predicted one. */
  classIndex?: number;
}
export interface PredictResult {
  outcomes: PredictOutcome[];
  /** Milliseconds spent loading the model for this call (0 when it was already loaded). */
  modelLoadMs: number;
}
/** client -> server: classify images with a run's model, optionally with Grad-CAM overlays. */
export const PredictRequest = new RequestType<PredictParams, PredictResult, void>('fractureCnn/predict');

export interface ListRunsParams {
  runsFolder: string;
}
/** client -> server: the runs under a runs folder, newest first. */
export const ListRunsRequest = new RequestType<ListRunsParams, RunSummary[], void>('fractureCnn/listRuns');

export interface GetRunParams {
  runFolder: string;
}
/** client -> server: a run's full record (run.json, or the live record of the running one). */
export const GetRunRequest = new RequestType<GetRunParams, RunRecord, void>('fractureCnn/getRun');

export interface GenerateSampleParams {
  /** Folder to write fractured/ and normal/ into (created if needed). */
  outDir: string;
  /** Image counts and side; the engine's sample defaults when left out. */
  fractured?: number;
  normal?: number;
  size?: number;
}
export interface GenerateSampleResult {
  root: string;
  fractured: number;
  normal: number;
  boxesFile: string;
}
/** client -> server: write the built-in synthetic sample dataset, for trying the extension without data of one's own. */
export const GenerateSampleRequest = new RequestType<GenerateSampleParams, GenerateSampleResult, void>('fractureCnn/generateSample');

export interface TrainingStateResult {
  /** The live record of the running training, if any. */
  running?: RunRecord & { folder: string };
  lastBatch?: BatchProgress;
  /** The cross-validation the running training belongs to, with the fold (0-based `index`) under way. */
  crossValidation?: CrossValidationInfo & { index: number };
}
/** client -> server: what is training now, with its history so far (for panels opened mid-run). */
export const TrainingStateRequest = new RequestType<void, TrainingStateResult, void>('fractureCnn/trainingState');

export interface RunNotification {
  runId: string;
}

/** server -> client: the dataset was scanned and decoded; training is about to start. */
export const DidScanDatasetNotification = new NotificationType<RunNotification & { report: DatasetReport }>(
  'fractureCnn/didScanDataset',
);
/** server -> client: a training batch finished. Throttled to a few per second. */
export const BatchProgressNotification = new NotificationType<RunNotification & { progress: BatchProgress }>(
  'fractureCnn/batchProgress',
);
/** server -> client: an epoch finished, with every metric. */
export const EpochEndNotification = new NotificationType<RunNotification & { metrics: EpochMetrics }>(
  'fractureCnn/epochEnd',
);
/** server -> client: the run ended: completed with its report, cancelled, or failed. Sent for each fold run of a cross-validation too. */
export const TrainingEndNotification = new NotificationType<RunNotification & { outcome: TrainingOutcome }>(
  'fractureCnn/trainingEnd',
);

export interface FoldStart extends RunNotification {
  runFolder: string;
  /** 0-based fold number, and the number of folds. */
  index: number;
  count: number;
  /** Id of the cross-validation (its summary run). */
  crossValidation: string;
}
/**
 * server -> client: a fold's run of a cross-validation exists (the first one's after the TrainRequest's
 * answer); the notifications of that fold follow under its run id.
 */
export const DidStartFoldNotification = new NotificationType<FoldStart>('fractureCnn/didStartFold');

/** How a cross-validation ended; `summary` is its summary run (absent when no fold run was made). */
export interface CrossValidationEnd {
  tag: 'completed' | 'cancelled' | 'failed';
  summary?: RunRecord;
  message?: string;
}
/** server -> client: a cross-validation ended, after the end of its last fold run; `runId` is the summary's id. */
export const CrossValidationEndNotification = new NotificationType<RunNotification & { runFolder: string; outcome: CrossValidationEnd }>(
  'fractureCnn/crossValidationEnd',
);

export type LogLevel = 'info' | 'warn' | 'error';
/** server -> client: a line for the output channel. */
export const LogNotification = new NotificationType<{ runId?: string; level: LogLevel; message: string }>(
  'fractureCnn/log',
);

/** Codes of the ResponseErrors the training process answers with (JSON-RPC's server-defined range). */
export const TrainingErrorCodes = {
  /** A training is running already; only one at a time. */
  alreadyTraining: -32001,
  /** A folder, run or file named in the request does not exist or cannot be read. */
  notFound: -32002,
  /** Settings or parameters out of range. */
  invalidSettings: -32003,
  /** The engine failed on this input. */
  failed: -32004,
  /** The dataset folder holds nothing usable (no class folders, no readable images). */
  datasetError: -32005,
  /** The training was cancelled before its run started (LSP's RequestCancelled). */
  cancelled: -32800,
} as const;
