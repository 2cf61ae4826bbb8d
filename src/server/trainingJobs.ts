// The two trainings a TrainRequest starts: one run, or a k-fold cross-validation (the engine's
// loop: its folds one after another, then the summary). Each answers the request when its first
// run has an id and announces its end; the caller frees the process afterwards.
import { join, resolve } from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import { ResponseError } from 'vscode-languageserver/node';
import type { TrainConfig } from '../engine/config';
import type { CrossValidationOutcome } from '../engine/runs/crossValidation';
import type { TrainingOutcome } from '../engine/types';
import {
  CrossValidationEndNotification,
  DidStartFoldNotification,
  TrainingEndNotification,
  TrainingErrorCodes,
  type TrainParams,
} from '../protocol/training';
import type { ActiveRun } from './activeRun';
import { loadCrossValidation, loadPipeline } from './engine';
import { messageOf } from './errors';

type Job = (active: ActiveRun, connection: Connection, params: TrainParams, config: TrainConfig) => Promise<void>;

/** The answer goes out when its promise settles; notifications follow it, never overtake it. */
function afterAnswer(active: ActiveRun, first?: () => void): void {
  void active.answered.then(() => setImmediate(() => active.release(first)));
}

/** Marks the live record ended and tells the client how its run ended. */
function announceEnd(active: ActiveRun, connection: Connection, outcome: TrainingOutcome): void {
  const record = active.record;
  if (!record) return;
  record.state = outcome.tag;
  if (outcome.tag === 'failed') record.error = outcome.message;
  const runId = record.id;
  active.notify(() => void connection.sendNotification(TrainingEndNotification, { runId, outcome }));
}

export const trainOnce: Job = async (active, connection, params, config) => {
  let started = false;
  const { callbacks, dispose } = active.callbacks(config, (runId, runFolder) => {
    started = true;
    active.answer.resolve({ runId, runFolder });
    afterAnswer(active);
  });
  const outcome = await loadPipeline()
    .then(({ runTraining }) =>
      runTraining({ datasetFolder: params.datasetFolder, runsFolder: params.runsFolder, runId: active.id, config, signal: active.controller.signal, callbacks }),
    )
    .catch((error): TrainingOutcome => ({ tag: 'failed', message: messageOf(error), run: active.record }));
  dispose();
  // The progress closes before the end is announced, so the client shows one after the other.
  active.closeProgress();
  if (!started) active.answer.reject(notStartedError(outcome));
  else announceEnd(active, connection, outcome);
};

export const crossValidate: Job = async (active, connection, params, config) => {
  let started = false;
  const cv = { id: active.id, folder: join(resolve(params.runsFolder), active.id), folds: config.folds, index: 0, runIds: [] as string[] };
  active.crossValidation = cv;
  const { callbacks, dispose } = active.callbacks(config, (runId, runFolder) => {
    cv.runIds.push(runId);
    const foldStart = () => void connection.sendNotification(DidStartFoldNotification, { runId, runFolder, index: cv.index, count: cv.folds, crossValidation: cv.id });
    if (started) return active.release(foldStart);
    started = true;
    active.answer.resolve({ runId, runFolder, crossValidation: { id: cv.id, folder: cv.folder, folds: cv.folds } });
    afterAnswer(active, foldStart);
  });
  const outcome = await loadCrossValidation()
    .then(({ runCrossValidation }) =>
      runCrossValidation({
        datasetFolder: params.datasetFolder,
        runsFolder: params.runsFolder,
        group: cv.id,
        config,
        signal: active.controller.signal,
        callbacks,
        onFold: (index) => {
          cv.index = index;
          active.record = undefined;
          active.lastBatch = undefined;
          active.dataset = undefined;
          // The fold reads its images before its run exists: what it says waits for the run's id.
          if (index > 0) active.hold();
        },
        onFoldEnd: (_index, _count, fold) => {
          if (active.record) announceEnd(active, connection, fold);
          else active.drop();
          active.record = undefined;
        },
      }),
    )
    .catch((error): CrossValidationOutcome => ({ tag: 'failed', folds: [], message: messageOf(error) }));
  dispose();
  // A fold the engine did not see to its end (it threw) still ends for the client.
  if (active.record) announceEnd(active, connection, { tag: 'failed', message: outcome.message ?? 'Training failed', run: active.record });
  active.closeProgress();
  if (!started) return active.answer.reject(notStartedError(outcome));
  const end = { tag: outcome.tag, ...(outcome.summary ? { summary: outcome.summary } : {}), ...(outcome.message ? { message: outcome.message } : {}) };
  active.notify(() => void connection.sendNotification(CrossValidationEndNotification, { runId: cv.id, runFolder: outcome.folder ?? cv.folder, outcome: end }));
};

/** Why a training ended before its first run had an id: a dataset or settings problem, a cancel, or an engine failure. */
function notStartedError(outcome: { tag: string; message?: string; kind?: string }): ResponseError<void> {
  if (outcome.tag === 'cancelled') return new ResponseError(TrainingErrorCodes.cancelled, 'Training cancelled before it started.');
  const message = outcome.tag === 'failed' && outcome.message ? outcome.message : 'Training ended before it started.';
  const code =
    outcome.kind === 'dataset' ? TrainingErrorCodes.datasetError : outcome.kind === 'config' ? TrainingErrorCodes.invalidSettings : TrainingErrorCodes.failed;
  return new ResponseError(code, message);
}
