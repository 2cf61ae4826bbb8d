// The Ctx every part of the extension host shares: the training process (started lazily,
// restarted on the next use after a crash), its events, the output channel and the active model.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient, RequestType } from 'vscode-languageclient/node';
import type { BatchProgress, DatasetReport, EpochMetrics, TrainingOutcome } from '../engine/types';
import {
  BatchProgressNotification,
  CrossValidationEndNotification,
  DidScanDatasetNotification,
  DidStartFoldNotification,
  EpochEndNotification,
  GenerateSampleRequest,
  ListRunsRequest,
  LogNotification,
  TrainingEndNotification,
  type CrossValidationEnd,
  type CrossValidationInfo,
  type FoldStart,
  type TrainResult,
} from '../protocol/training';
import { Config } from './config';
import type { Ctx, RunLocation, StartedRun } from './ctx';
import { DatasetChooser } from './datasetPicker';
import { describeDataset, describeEpoch } from './logLines';
import { ProcessSupervisor } from './supervisor';
import { TrainingClient } from './trainingClient';
import { TrainingTracker } from './trainingTracker';

const ACTIVE_RUN_KEY = 'fractureCnn.activeRunFolder';
export const TRAINING_CONTEXT_KEY = 'fractureCnn.training';

export class ExtensionCtx implements Ctx, vscode.Disposable {
  readonly output: vscode.LogOutputChannel;
  readonly datasets: DatasetChooser;
  private readonly supervisor: ProcessSupervisor<TrainingClient>;
  private readonly tracker = new TrainingTracker();
  private startingTraining = false;
  private readonly didChangeTraining = new vscode.EventEmitter<void>();
  /** Training started, ended, or began starting (decoding the dataset before the run has an id). */
  readonly onDidChangeTraining = this.didChangeTraining.event;

  private readonly didStartRun = new vscode.EventEmitter<StartedRun>();
  private readonly didScanDataset = new vscode.EventEmitter<{ runId: string; report: DatasetReport }>();
  private readonly batchProgress = new vscode.EventEmitter<{ runId: string; progress: BatchProgress }>();
  private readonly epochEnd = new vscode.EventEmitter<{ runId: string; metrics: EpochMetrics }>();
  private readonly trainingEnd = new vscode.EventEmitter<{ runId: string; outcome: TrainingOutcome }>();
  private readonly didChangeRuns = new vscode.EventEmitter<void>();
  private readonly crossValidationEnd = new vscode.EventEmitter<{ runId: string; runFolder: string; outcome: CrossValidationEnd }>();
  readonly onDidStartRun = this.didStartRun.event;
  readonly onDidScanDataset = this.didScanDataset.event;
  readonly onBatchProgress = this.batchProgress.event;
  readonly onEpochEnd = this.epochEnd.event;
  readonly onTrainingEnd = this.trainingEnd.event;
  readonly onDidChangeRuns = this.didChangeRuns.event;
  /** A cross-validation ended (after its last fold's onTrainingEnd); `runId` is its summary's id. */
  readonly onCrossValidationEnd = this.crossValidationEnd.event;

  /** Set by the train command; Ctx.train forwards to it. */
  trainHandler: ((datasetFolder?: vscode.Uri) => Promise<void>) | undefined;

  constructor(readonly extensionContext: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('Fracture CNN', { log: true });
    this.datasets = new DatasetChooser(extensionContext.workspaceState, async (outDir) => {
      const written = await this.sendRequest(GenerateSampleRequest, { outDir });
      this.output.info(`Wrote ${written.fractured} fractured and ${written.normal} normal sample images to ${written.root}.`);
    });
    const serverModule = extensionContext.asAbsolutePath(join('dist', 'server.js'));
    this.supervisor = new ProcessSupervisor(() => TrainingClient.start(serverModule, this.output, (client) => this.wire(client)), {
      onCrash: (_exit, message) => this.onCrash(message),
      onRestart: () => this.output.info('Starting the training process again.'),
    });
    extensionContext.subscriptions.push(this.output, this.didChangeTraining, this.didStartRun, this.didScanDataset, this.batchProgress, this.epochEnd, this.trainingEnd, this.didChangeRuns, this.crossValidationEnd);
  }

  get extensionUri(): vscode.Uri {
    return this.extensionContext.extensionUri;
  }

  get currentRun(): { runId: string; runFolder: string } | undefined {
    return this.tracker.run;
  }

  /** The cross-validation under way, if the running training is one; `index` is the fold of currentRun. */
  get currentCrossValidation(): (CrossValidationInfo & { index: number }) | undefined {
    return this.tracker.crossValidation;
  }

  /** A TrainRequest is out and its run has no id yet: the process is reading the dataset. */
  get starting(): boolean {
    return this.startingTraining;
  }

  set starting(value: boolean) {
    this.startingTraining = value;
    this.updateTrainingContext();
    this.didChangeTraining.fire();
  }

  /** True while the training process runs (commands that only talk to a running one check this). */
  get processRunning(): boolean {
    return this.supervisor.running;
  }

  /** The process died and has not been started again; its crash has been reported. */
  get processCrashed(): boolean {
    return this.supervisor.crashed !== undefined;
  }

  async sendRequest<P, R>(type: RequestType<P, R, void>, params: P): Promise<R> {
    const training = await this.supervisor.get();
    return training.client.sendRequest(type, params);
  }

  /** Records the run a TrainRequest started (unless its end has already been seen) and announces it. */
  beginRun(result: TrainResult, opts: { openDashboard: boolean }): void {
    if (this.tracker.begin(result)) this.trainingChanged();
    // A run that ended before its start was answered still gets its dashboard, showing the outcome.
    const cv = result.crossValidation;
    const fold = cv ? { fold: { index: 0, count: cv.folds, crossValidation: cv.id } } : {};
    this.didStartRun.fire({ runId: result.runId, runFolder: result.runFolder, openDashboard: opts.openDashboard, ...fold });
  }

  /** The next fold of the running cross-validation has its run: it becomes the current run. */
  private foldStarted(e: FoldStart): void {
    if (!this.tracker.foldStarted(e)) return;
    this.output.info(`Cross-validation ${e.crossValidation}: fold ${e.index + 1}/${e.count} is run ${e.runId} in ${e.runFolder}.`);
    this.trainingChanged();
    this.didStartRun.fire({ runId: e.runId, runFolder: e.runFolder, openDashboard: false, fold: { index: e.index, count: e.count, crossValidation: e.crossValidation } });
  }

  fireRunsChanged(): void {
    this.didChangeRuns.fire();
  }

  runLocations(): RunLocation[] {
    return (vscode.workspace.workspaceFolders ?? []).map((workspaceFolder) => ({
      workspaceFolder,
      runsFolder: new Config(workspaceFolder).runsFolder,
    }));
  }

  async activeRunFolder(): Promise<string | undefined> {
    const chosen = this.extensionContext.workspaceState.get<string>(ACTIVE_RUN_KEY);
    if (chosen && existsSync(join(chosen, 'run.json'))) return chosen;
    let best: { folder: string; at: string } | undefined;
    for (const { runsFolder } of this.runLocations()) {
      // No runs folder yet: nothing to list, and no reason to start the training process.
      if (!existsSync(runsFolder)) continue;
      for (const run of await this.sendRequest(ListRunsRequest, { runsFolder })) {
        const at = run.endedAt ?? run.startedAt;
        if (run.state === 'completed' && run.kind !== 'cv-summary' && (!best || at > best.at)) best = { folder: run.folder, at };
      }
    }
    return best?.folder;
  }

  async setActiveRunFolder(folder: string | undefined): Promise<void> {
    await this.extensionContext.workspaceState.update(ACTIVE_RUN_KEY, folder);
    this.didChangeRuns.fire();
  }

  async train(datasetFolder?: vscode.Uri): Promise<void> {
    await this.trainHandler?.(datasetFolder);
  }

  /** Resolves when `runId` has ended (at once when it is not the running one); for a fold, when its cross-validation has. */
  waitForEnd(runId: string): Promise<void> {
    const end = this.tracker.endOf(runId);
    if (!end) return Promise.resolve();
    if ('crossValidation' in end) return nextEvent(this.onCrossValidationEnd, (e) => e.runId === end.crossValidation);
    return nextEvent(this.onTrainingEnd, (e) => e.runId === runId);
  }

  async dispose(): Promise<void> {
    await this.supervisor.dispose();
  }

  private wire(client: LanguageClient): vscode.Disposable[] {
    return [
      client.onNotification(DidScanDatasetNotification, (e) => {
        this.output.info(describeDataset(e.report));
        this.didScanDataset.fire(e);
      }),
      client.onNotification(BatchProgressNotification, (e) => this.batchProgress.fire(e)),
      client.onNotification(EpochEndNotification, (e) => {
        this.output.info(describeEpoch(e.metrics, this.tracker.run?.runId === e.runId ? undefined : e.runId));
        this.epochEnd.fire(e);
      }),
      client.onNotification(TrainingEndNotification, (e) => this.ended(e.runId, e.outcome)),
      client.onNotification(DidStartFoldNotification, (e) => this.foldStarted(e)),
      client.onNotification(CrossValidationEndNotification, (e) => this.crossValidationEnded(e)),
      client.onNotification(LogNotification, (e) => {
        const prefix = e.runId ? `[${e.runId}] ` : '';
        this.output[e.level](`${prefix}${e.message}`);
      }),
    ];
  }

  private ended(runId: string, outcome: TrainingOutcome): void {
    this.tracker.runEnded(runId);
    this.updateTrainingContext();
    this.didChangeTraining.fire();
    this.trainingEnd.fire({ runId, outcome });
    this.didChangeRuns.fire();
  }

  private crossValidationEnded(e: { runId: string; runFolder: string; outcome: CrossValidationEnd }): void {
    this.tracker.crossValidationEnded(e.runId);
    this.updateTrainingContext();
    this.didChangeTraining.fire();
    this.crossValidationEnd.fire(e);
    this.didChangeRuns.fire();
  }

  private trainingChanged(): void {
    this.updateTrainingContext();
    this.didChangeTraining.fire();
    this.didChangeRuns.fire();
  }

  private updateTrainingContext(): void {
    void vscode.commands.executeCommand('setContext', TRAINING_CONTEXT_KEY, this.tracker.training || this.startingTraining);
  }

  private onCrash(message: string): void {
    this.output.error(message);
    // A fold that finished stays the current run until the next starts: only a run still going failed.
    const current = this.tracker.run;
    const run = current && !this.tracker.hasEnded(current.runId) ? current : undefined;
    // The run's end is announced with this message; say it once.
    const cv = this.tracker.crossValidation;
    if (run) this.ended(run.runId, { tag: 'failed', message });
    if (cv) this.crossValidationEnded({ runId: cv.id, runFolder: cv.folder, outcome: { tag: 'failed', message } });
    if (run || cv) return;
    void vscode.window.showErrorMessage(message, 'Show Log').then((answer) => {
      if (answer === 'Show Log') this.output.show(true);
    });
  }
}

/** Resolves at the first event that passes `test`. */
function nextEvent<T>(event: vscode.Event<T>, test: (e: T) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const listener = event((e) => {
      if (!test(e)) return;
      listener.dispose();
      resolve();
    });
  });
}
