// The one training the process runs at a time: starts the engine's pipeline, answers the
// TrainRequest as soon as the run has an id, then streams notifications and work-done progress.
import { resolve } from 'node:path';
import type { Connection, WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import { ResponseError } from 'vscode-languageserver/node';
import { resolveConfig, type TrainConfig } from '../engine/config';
import { newRunId } from '../engine/runs/runId';
import type { BatchProgress, DatasetReport, RunRecord, TrainingOutcome } from '../engine/types';
import {
  BatchProgressNotification,
  DidScanDatasetNotification,
  EpochEndNotification,
  LogNotification,
  TrainingEndNotification,
  TrainingErrorCodes,
  type TrainingStateResult,
  type TrainParams,
  type TrainResult,
} from '../protocol/training';
import { loadPipeline } from './engine';
import { messageOf, requireAbsolute, requireFolder, toResponseError } from './errors';
import { checkConfigParam } from './params';
import { throttle } from '../shared/throttle';
import { epochMessage, overallPercent } from './progressText';

interface ActiveRun {
  /** Chosen before the dataset is read, so a Cancel naming another run never stops this one. */
  id: string;
  controller: AbortController;
  record?: RunRecord & { folder: string };
  lastBatch?: BatchProgress;
  /** The dataset report arrives before the run exists (the run folder is made after decoding). */
  dataset?: DatasetReport;
  progress?: WorkDoneProgressServerReporter;
  /** Notifications wait here until the TrainRequest's answer has gone out. */
  queue?: (() => void)[];
  finished: Promise<void>;
}

export class TrainingSession {
  private active: ActiveRun | undefined;

  constructor(private readonly connection: Connection) {}

  state(): TrainingStateResult {
    return { running: this.active?.record, lastBatch: this.active?.lastBatch };
  }

  /** The live record when `runFolder` is the running run's folder. */
  liveRecord(runFolder: string): RunRecord | undefined {
    const record = this.active?.record;
    return record && resolve(record.folder) === resolve(runFolder) ? record : undefined;
  }

  cancel(runId?: string): boolean {
    const active = this.active;
    if (!active || (runId !== undefined && runId !== null && runId !== active.id)) return false;
    active.controller.abort();
    return true;
  }

  /** Aborts the running training and waits (bounded) for it to write its final state. */
  async shutdown(waitMs: number): Promise<void> {
    const active = this.active;
    if (!active) return;
    active.controller.abort();
    await Promise.race([active.finished, new Promise((r) => setTimeout(r, waitMs))]);
  }

  async start(params: TrainParams): Promise<TrainResult> {
    if (this.active) {
      const id = this.active.record?.id;
      throw new ResponseError(
        TrainingErrorCodes.alreadyTraining,
        `A training is already running${id ? ` (run ${id})` : ''}; cancel it or wait for it to finish.`,
      );
    }
    const controller = new AbortController();
    let finish!: () => void;
    const active: ActiveRun = { id: newRunId(), controller, queue: [], finished: new Promise((r) => (finish = r)) };
    // Claimed before the first await so a second request arriving meanwhile is refused.
    this.active = active;
    let config: TrainConfig;
    try {
      if (!params || typeof params !== 'object') throw new ResponseError(TrainingErrorCodes.invalidSettings, 'Train: no parameters given');
      checkConfigParam(params.config);
      config = resolveConfig(params.config ?? {});
      if (config.folds > 1) {
        throw new ResponseError(TrainingErrorCodes.invalidSettings, `Cross-validation (folds ${config.folds}) runs from the command line: fracture-cnn train <folder> --folds ${config.folds}. Set folds to 0 to train here.`);
      }
      await requireFolder(params.datasetFolder, 'Dataset folder');
      requireAbsolute(params.runsFolder, 'Runs folder');
    } catch (error) {
      this.active = undefined;
      finish();
      throw toResponseError(error);
    }

    let answer!: { resolve: (r: TrainResult) => void; reject: (e: unknown) => void };
    const answered = new Promise<TrainResult>((res, rej) => (answer = { resolve: res, reject: rej }));
    let started = false;
    void this.createProgress(active);

    // At most four progress reports a second, ending with the latest; the last batch of an epoch
    // and the last image decoded go out at once.
    let decoded = '';
    const reportDecode = throttle(() => active.progress?.report(0, decoded), 250);
    const reportBatch = throttle(() => {
      const progress = active.lastBatch;
      if (!progress) return;
      const lastVal = active.record?.history.at(-1)?.valAcc;
      active.progress?.report(overallPercent(progress), epochMessage(progress.epoch, progress.epochs, lastVal, progress));
      this.notify(active, () => this.connection.sendNotification(BatchProgressNotification, { runId: this.runId(active), progress }));
    }, 250);

    const run = async (): Promise<TrainingOutcome> => {
      const { runTraining } = await loadPipeline();
      return runTraining({
        datasetFolder: params.datasetFolder,
        runsFolder: params.runsFolder,
        runId: active.id,
        config,
        signal: controller.signal,
        callbacks: {
          onStart: (runId, runFolder, record) => {
            started = true;
            active.record = { ...record, folder: runFolder, dataset: record.dataset ?? active.dataset, history: [] };
            answer.resolve({ runId, runFolder });
            // The answer is written when this promise settles; let it go out before any notification.
            void answered.then(() => setImmediate(() => this.flush(active)));
          },
          onDecodeProgress: (done, total) => {
            decoded = `Reading images ${done}/${total}`;
            reportDecode();
            if (done === total) reportDecode.flush();
          },
          onDataset: (report) => {
            active.dataset = report;
            if (active.record) active.record.dataset = report;
            this.notify(active, () => this.connection.sendNotification(DidScanDatasetNotification, { runId: this.runId(active), report }));
          },
          onBatch: (progress) => {
            active.lastBatch = progress;
            reportBatch();
            if (progress.batch === progress.batches) reportBatch.flush();
          },
          onEpoch: (metrics) => {
            active.record?.history.push(metrics);
            const epochs = active.lastBatch?.epochs ?? config.epochs;
            active.progress?.report(Math.round((100 * metrics.epoch) / epochs), epochMessage(metrics.epoch, epochs, metrics.valAcc));
            this.notify(active, () => this.connection.sendNotification(EpochEndNotification, { runId: this.runId(active), metrics }));
          },
          // Log lines go out at once: they also explain a run that never got an id (the backend chosen, say).
          onLog: (message) => void this.connection.sendNotification(LogNotification, { runId: active.record?.id, level: 'info', message }),
        },
      });
    };

    void run()
      .catch((error): TrainingOutcome => ({ tag: 'failed', message: messageOf(error), run: active.record }))
      .then((outcome) => {
        // No progress after the end: a report still waiting for its interval is dropped.
        reportDecode.dispose();
        reportBatch.dispose();
        // The progress closes before the end is announced, so the client shows one after the other.
        active.progress?.done();
        active.progress = undefined;
        if (!started) {
          answer.reject(notStartedError(outcome));
        } else {
          if (active.record) {
            active.record.state = outcome.tag;
            if (outcome.tag === 'failed') active.record.error = outcome.message;
          }
          this.notify(active, () => this.connection.sendNotification(TrainingEndNotification, { runId: this.runId(active), outcome }));
        }
        this.active = undefined;
        finish();
      });

    return answered;
  }

  private runId(active: ActiveRun): string {
    return active.record?.id ?? '';
  }

  private notify(active: ActiveRun, send: () => void): void {
    if (active.queue) active.queue.push(send);
    else send();
  }

  private flush(active: ActiveRun): void {
    const queue = active.queue ?? [];
    active.queue = undefined;
    for (const send of queue) send();
  }

  private async createProgress(active: ActiveRun): Promise<void> {
    try {
      const progress = await this.connection.window.createWorkDoneProgress();
      progress.token.onCancellationRequested(() => active.controller.abort());
      if (this.active !== active) {
        progress.done();
        return;
      }
      progress.begin('Fracture CNN: training', 0, 'Reading images', true);
      active.progress = progress;
    } catch (error) {
      this.connection.console.warn(`No progress shown: ${messageOf(error)}`);
    }
  }
}

/** Why a run ended before it had an id: a dataset or settings problem, a cancel, or an engine failure. */
function notStartedError(outcome: TrainingOutcome & { kind?: string }): ResponseError<void> {
  if (outcome.tag === 'cancelled') return new ResponseError(TrainingErrorCodes.cancelled, 'Training cancelled before it started.');
  const message = outcome.tag === 'failed' ? outcome.message : 'Training ended before it started.';
  const code =
    outcome.kind === 'dataset' ? TrainingErrorCodes.datasetError : outcome.kind === 'config' ? TrainingErrorCodes.invalidSettings : TrainingErrorCodes.failed;
  return new ResponseError(code, message);
}
