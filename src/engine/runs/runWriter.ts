// Persists run.json for the whole life of a run. Each save stands on its own: one failed write
// (a full disk for a moment) must not stop later ones, and the final state is retried, because a
// run.json stuck at 'running' is the one thing a reader cannot tell from a live run.
import { join } from 'node:path';
import type { RunRecord } from '../types';
import { writeJsonAtomic } from '../fs/atomic';
import { RUN_JSON } from './store';

const RETRY_DELAYS_MS = [100, 400, 1200];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `write`, trying again after short pauses when it throws; the last error is thrown. */
export async function withRetry(write: () => Promise<void>, delays: readonly number[] = RETRY_DELAYS_MS): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= delays.length) throw err;
      await sleep(delays[attempt]);
    }
  }
}

export class RunWriter {
  private chain: Promise<void> = Promise.resolve();
  private newest = 0;

  constructor(readonly folder: string) {}

  /**
   * Writes a snapshot of `record`. Writes run one at a time, so an older snapshot never lands
   * after a newer one; a snapshot still waiting when a newer one arrives is dropped in its favour
   * (its promise then resolves). Rejects when this snapshot could not be written, retries included.
   */
  save(record: RunRecord, retries: readonly number[] = RETRY_DELAYS_MS): Promise<void> {
    const snapshot = structuredClone(record);
    const n = ++this.newest;
    const write = async (): Promise<void> => {
      if (n !== this.newest) return;
      await withRetry(() => writeJsonAtomic(join(this.folder, RUN_JSON), snapshot), retries);
    };
    const done = this.chain.then(write, write);
    this.chain = done.catch(() => undefined);
    return done;
  }

  /** An epoch's snapshot: worth one quick try; the next epoch or the final state carries it anyway. */
  saveProgress(record: RunRecord): Promise<void> {
    return this.save(record, []);
  }
}
