// Which run the training process is training now, as the extension host learns it from the
// TrainRequest's answer and the notifications: one run, or the folds of a cross-validation one
// after another (the training goes on from a fold's end until the next fold or the summary).
// Free of 'vscode', so node --test checks it.
import { dirname, join } from 'node:path';
import type { CrossValidationInfo, FoldStart, TrainResult } from '../protocol/training';

export interface TrackedRun {
  runId: string;
  runFolder: string;
}

export class TrainingTracker {
  private current: TrackedRun | undefined;
  private cv: (CrossValidationInfo & { index: number }) | undefined;
  /** Runs and cross-validations whose end has been seen (it may arrive before the start is handled). */
  private readonly ended = new Set<string>();

  /** Whether the run's end was already announced (a finished fold stays current until the next starts). */
  hasEnded(runId: string): boolean {
    return this.ended.has(runId);
  }

  get run(): TrackedRun | undefined {
    return this.current;
  }

  get crossValidation(): (CrossValidationInfo & { index: number }) | undefined {
    return this.cv;
  }

  get training(): boolean {
    return this.current !== undefined || this.cv !== undefined;
  }

  /** The TrainRequest's answer; false when the run (and its cross-validation) had ended already. */
  begin(result: TrainResult): boolean {
    const cv = result.crossValidation;
    if (cv && !this.ended.has(cv.id)) this.cv = { ...cv, index: 0 };
    if (this.ended.has(result.runId) && !this.cv) return false;
    this.current = { runId: result.runId, runFolder: result.runFolder };
    return true;
  }

  /** A fold's run exists; true when it became the current run (the first fold came with the answer). */
  foldStarted(e: FoldStart): boolean {
    if (e.index === 0 || this.current?.runId === e.runId || this.ended.has(e.crossValidation)) return false;
    const cv = this.cv?.id === e.crossValidation ? this.cv : { id: e.crossValidation, folder: join(dirname(e.runFolder), e.crossValidation), folds: e.count };
    this.cv = { ...cv, index: e.index };
    this.current = { runId: e.runId, runFolder: e.runFolder };
    return true;
  }

  /** A run ended; a fold's run stays the current one until the next fold starts, as the training goes on. */
  runEnded(runId: string): void {
    this.ended.add(runId);
    if (this.current?.runId === runId && !this.cv) this.current = undefined;
  }

  crossValidationEnded(id: string): void {
    this.ended.add(id);
    if (this.cv?.id !== id) return;
    this.cv = undefined;
    this.current = undefined;
  }

  /** What ends the training `runId` names: the cross-validation, for one of its folds or its own id. */
  endOf(runId: string): { crossValidation: string } | { run: string } | undefined {
    const cv = this.cv;
    if (cv && (runId === cv.id || runId === this.current?.runId)) return { crossValidation: cv.id };
    return this.current?.runId === runId ? { run: runId } : undefined;
  }
}
