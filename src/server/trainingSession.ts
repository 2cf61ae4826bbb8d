// The one training the process runs at a time: checks the request, claims the process, and runs
// a training job (one run, or a cross-validation) that answers the TrainRequest as soon as its
// first run has an id, then streams notifications and work-done progress.
import { resolve } from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import { ResponseError } from 'vscode-languageserver/node';
import { resolveConfig, type TrainConfig } from '../engine/config';
import type { RunRecord } from '../engine/types';
import { newRunId } from '../engine/runs/runId';
import { TrainingErrorCodes, type TrainingStateResult, type TrainParams, type TrainResult } from '../protocol/training';
import { ActiveRun } from './activeRun';
import { messageOf, requireAbsolute, requireFolder, toResponseError } from './errors';
import { crossValidate, trainOnce } from './trainingJobs';
import { checkConfigParam } from './params';

export class TrainingSession {
  private active: ActiveRun | undefined;

  constructor(private readonly connection: Connection) {}

  state(): TrainingStateResult {
    const active = this.active;
    const cv = active?.crossValidation;
    return {
      running: active?.record,
      lastBatch: active?.lastBatch,
      ...(cv ? { crossValidation: { id: cv.id, folder: cv.folder, folds: cv.folds, index: cv.index } } : {}),
    };
  }

  /** The live record when `runFolder` is the running run's folder. */
  liveRecord(runFolder: string): RunRecord | undefined {
    const record = this.active?.record;
    return record && resolve(record.folder) === resolve(runFolder) ? record : undefined;
  }

  cancel(runId?: string): boolean {
    const active = this.active;
    if (!active || (runId !== undefined && runId !== null && !active.names(runId))) return false;
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
    const active = new ActiveRun(newRunId(), this.connection);
    // Claimed before the first await so a second request arriving meanwhile is refused.
    this.active = active;
    let config: TrainConfig;
    try {
      if (!params || typeof params !== 'object') throw new ResponseError(TrainingErrorCodes.invalidSettings, 'Train: no parameters given');
      checkConfigParam(params.config);
      config = resolveConfig(params.config ?? {});
      await requireFolder(params.datasetFolder, 'Dataset folder');
      requireAbsolute(params.runsFolder, 'Runs folder');
    } catch (error) {
      this.active = undefined;
      active.finish();
      throw toResponseError(error);
    }

    void this.createProgress(active, config.folds > 1);
    const job = config.folds > 1 ? crossValidate : trainOnce;
    void job(active, this.connection, params, config)
      .catch((error: unknown) => {
        this.connection.console.error(`Training ended unexpectedly: ${messageOf(error)}`);
        active.answer.reject(toResponseError(error));
      })
      .finally(() => {
        this.active = undefined;
        active.finish();
      });
    return active.answered;
  }

  private async createProgress(active: ActiveRun, folds: boolean): Promise<void> {
    try {
      const progress = await this.connection.window.createWorkDoneProgress();
      progress.token.onCancellationRequested(() => active.controller.abort());
      if (this.active !== active) {
        progress.done();
        return;
      }
      progress.begin(folds ? 'Fracture CNN: cross-validation' : 'Fracture CNN: training', 0, 'Reading images', true);
      active.progress = progress;
    } catch (error) {
      this.connection.console.warn(`No progress shown: ${messageOf(error)}`);
    }
  }
}
