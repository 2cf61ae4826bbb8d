// What every part of the extension host shares: the training-process client, its events,
// the output channel and the active-model choice. Implemented by ExtensionCtx (extensionCtx.ts);
// the views only depend on this interface.
import type * as vscode from 'vscode';
import type { NotificationType, RequestType } from 'vscode-languageclient';
import type { BatchProgress, DatasetReport, EpochMetrics, TrainingOutcome } from '../engine/types';

export interface RunLocation {
  workspaceFolder: vscode.WorkspaceFolder;
  /** Absolute path of the runs folder of that workspace folder. */
  runsFolder: string;
}

/** A run that Train started, and whether its workspace folder's settings ask for its dashboard. */
export interface StartedRun {
  runId: string;
  runFolder: string;
  openDashboard: boolean;
  /** The run is fold `index` (0-based) of `count` of the cross-validation `crossValidation` (its summary's id). */
  fold?: { index: number; count: number; crossValidation: string };
}

export interface Ctx {
  readonly extensionContext: vscode.ExtensionContext;
  readonly extensionUri: vscode.Uri;
  readonly output: vscode.LogOutputChannel;

  /** Sends a request to the training process, starting (or restarting after a crash) it first. */
  sendRequest<P, R>(type: RequestType<P, R, void>, params: P): Promise<R>;

  readonly onDidStartRun: vscode.Event<StartedRun>;
  readonly onDidScanDataset: vscode.Event<{ runId: string; report: DatasetReport }>;
  readonly onBatchProgress: vscode.Event<{ runId: string; progress: BatchProgress }>;
  readonly onEpochEnd: vscode.Event<{ runId: string; metrics: EpochMetrics }>;
  readonly onTrainingEnd: vscode.Event<{ runId: string; outcome: TrainingOutcome }>;
  /** A run started, ended, or run folders changed on disk. */
  readonly onDidChangeRuns: vscode.Event<void>;

  /** The running training, if any: in a cross-validation, the fold training now (or the last one, between folds). */
  readonly currentRun: { runId: string; runFolder: string } | undefined;

  /** Runs folders of every workspace folder. */
  runLocations(): RunLocation[];
  /** Folder of the run whose model classifies: the user's pick, else the latest completed run. */
  activeRunFolder(): Promise<string | undefined>;
  setActiveRunFolder(folder: string | undefined): Promise<void>;

  /** Starts training (asks for the dataset folder when needed). Used by "Train a model" buttons. */
  train(datasetFolder?: vscode.Uri): Promise<void>;
}

export type { NotificationType };
