// The training the process runs now, as the client sees it: the live record of the run (of the
// fold, in a cross-validation), the work-done progress, and the notifications held back until
// the client knows the run they name.
import type { Connection, WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import type { TrainConfig } from '../engine/config';
import type { PipelineCallbacks } from '../engine/runs/pipeline';
import type { BatchProgress, DatasetReport, RunRecord } from '../engine/types';
import {
  BatchProgressNotification,
  DidScanDatasetNotification,
  EpochEndNotification,
  LogNotification,
  type CrossValidationInfo,
  type TrainResult,
} from '../protocol/training';
import { throttle } from '../shared/throttle';
import { epochMessage, foldMessage, overallPercent } from './progressText';

export class ActiveRun {
  readonly controller = new AbortController();
  record?: RunRecord & { folder: string };
  lastBatch?: BatchProgress;
  /** The dataset report arrives before the run exists (the run folder is made after decoding). */
  dataset?: DatasetReport;
  progress?: WorkDoneProgressServerReporter;
  crossValidation?: CrossValidationInfo & { index: number; runIds: string[] };
  /** Notifications wait here until the client knows the run they name. */
  private queue: (() => void)[] | undefined = [];
  /** Where the notifications of the run still to be announced begin in the queue. */
  private mark = 0;
  readonly finished: Promise<void>;
  finish!: () => void;
  /** Settles the TrainRequest: with the first run's id, or with why nothing started. */
  readonly answered: Promise<TrainResult>;
  answer!: { resolve: (r: TrainResult) => void; reject: (e: unknown) => void };

  /** `id` is chosen before the dataset is read, so a Cancel naming another run never stops this one. */
  constructor(
    readonly id: string,
    private readonly connection: Connection,
  ) {
    this.finished = new Promise((r) => (this.finish = r));
    this.answered = new Promise<TrainResult>((resolve, reject) => (this.answer = { resolve, reject }));
    // Nobody may be left waiting on an answer that failed: the request's caller has it.
    this.answered.catch(() => undefined);
  }

  /** The run a notification names: the one training now. */
  get runId(): string {
    return this.record?.id ?? '';
  }

  /** Whether a Cancel naming `runId` means this training: its own id, or any of its fold runs. */
  names(runId: string): boolean {
    return runId === this.id || runId === this.record?.id || this.crossValidation?.runIds.includes(runId) === true;
  }

  notify(send: () => void): void {
    if (this.queue) this.queue.push(send);
    else send();
  }

  /** From now on notifications wait (the next fold reads its images before its run exists). */
  hold(): void {
    this.mark = this.queue?.length ?? 0;
    this.queue ??= [];
  }

  /** Sends what waited, with `first` before whatever came after the last hold(); then lets notifications through. */
  release(first?: () => void): void {
    const queue = this.queue ?? [];
    if (first) queue.splice(this.mark, 0, first);
    this.queue = undefined;
    this.mark = 0;
    for (const send of queue) send();
  }

  /** Forgets what waited since the last hold(): the run it would name never came to be. */
  drop(): void {
    if (this.queue) this.queue.length = this.mark;
    this.release();
  }

  /** Progress text: "Fold 2/5 · " before it in a cross-validation; the percentage over all folds. */
  private report(percent: number, message: string): void {
    const cv = this.crossValidation;
    if (!cv) return this.progress?.report(percent, message);
    this.progress?.report(Math.round((100 * cv.index + percent) / cv.folds), foldMessage(cv.index, cv.folds, message));
  }

  /**
   * The pipeline's callbacks, streaming to the client. At most four progress reports a second,
   * ending with the latest; the last batch of an epoch and the last image decoded go out at once.
   */
  callbacks(config: TrainConfig, onStart: NonNullable<PipelineCallbacks['onStart']>): { callbacks: PipelineCallbacks; dispose(): void } {
    let decoded = '';
    const reportDecode = throttle(() => this.report(0, decoded), 250);
    const reportBatch = throttle(() => {
      const progress = this.lastBatch;
      if (!progress) return;
      const lastVal = this.record?.history.at(-1)?.valAcc;
      this.report(overallPercent(progress), epochMessage(progress.epoch, progress.epochs, lastVal, progress));
      this.notify(() => void this.connection.sendNotification(BatchProgressNotification, { runId: this.runId, progress }));
    }, 250);
    const callbacks: PipelineCallbacks = {
      onStart: (runId, runFolder, record) => {
        this.record = { ...record, folder: runFolder, dataset: record.dataset ?? this.dataset, history: [] };
        onStart(runId, runFolder, record);
      },
      onDecodeProgress: (done, total) => {
        decoded = `Reading images ${done}/${total}`;
        reportDecode();
        if (done === total) reportDecode.flush();
      },
      onDataset: (report) => {
        this.dataset = report;
        if (this.record) this.record.dataset = report;
        this.notify(() => void this.connection.sendNotification(DidScanDatasetNotification, { runId: this.runId, report }));
      },
      onBatch: (progress) => {
        this.lastBatch = progress;
        reportBatch();
        if (progress.batch === progress.batches) reportBatch.flush();
      },
      onEpoch: (metrics) => {
        this.record?.history.push(metrics);
        const epochs = this.lastBatch?.epochs ?? config.epochs;
        this.report(Math.round((100 * metrics.epoch) / epochs), epochMessage(metrics.epoch, epochs, metrics.valAcc));
        this.notify(() => void this.connection.sendNotification(EpochEndNotification, { runId: this.runId, metrics }));
      },
      // Log lines go out at once: they also explain a run that never got an id (the backend chosen, say).
      onLog: (message) => void this.connection.sendNotification(LogNotification, { runId: this.record?.id, level: 'info', message }),
    };
    return {
      callbacks,
      // No progress after the end: a report still waiting for its interval is dropped.
      dispose: () => {
        reportDecode.dispose();
        reportBatch.dispose();
      },
    };
  }

  /** Closes the progress; the client shows the end of the training after it. */
  closeProgress(): void {
    this.progress?.done();
    this.progress = undefined;
  }
}
