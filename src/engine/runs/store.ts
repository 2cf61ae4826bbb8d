import type { RunRecord, RunSummary } from '../types';

/** Runs under a runs folder, newest first. A 'running' run whose process is gone is reported as 'failed'. */
export async function listRuns(runsFolder: string): Promise<RunSummary[]> {
  void runsFolder;
  throw new Error('listRuns: not implemented yet');
}

export async function readRun(runFolder: string): Promise<RunRecord> {
  void runFolder;
  throw new Error('readRun: not implemented yet');
}

/** The newest completed run, or undefined. */
export async function latestCompletedRun(runsFolder: string): Promise<RunSummary | undefined> {
  void runsFolder;
  throw new Error('latestCompletedRun: not implemented yet');
}
