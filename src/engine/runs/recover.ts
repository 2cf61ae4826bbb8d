// What a killed training leaves behind, put right by the next one in the same runs folder: a
// run.json still saying 'running' becomes 'failed' (interrupted) without a model/, and temporary
// files and folders of processes that are gone are removed.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { writeFileAtomic, writeJsonAtomic } from '../fs/atomic';
import { reportMarkdown } from './reportMarkdown';
import type { RunRecord } from '../types';
import { MODEL_DIR, processAlive, readRun, RUN_JSON, runIsLive } from './store';

const REPORT_MD = 'report.md';

/** `.name.<pid>.<hex>.tmp`, as atomic.ts names them. */
const TMP_NAME = /^\..+\.(\d+)\.[0-9a-f]+\.tmp$/;

/** Temporary siblings left in `dir` by processes that no longer run; returns how many were removed. */
export async function removeStaleTemps(dir: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const m = TMP_NAME.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    await rm(join(dir, name), { recursive: true, force: true }).then(() => removed++, () => undefined);
  }
  return removed;
}

/** Marks interrupted runs of `runsFolder` failed on disk and clears their leftovers. Never throws. */
export async function recoverInterruptedRuns(runsFolder: string): Promise<string[]> {
  const recovered: string[] = [];
  let entries;
  try {
    entries = await readdir(runsFolder, { withFileTypes: true });
  } catch {
    return recovered;
  }
  for (const e of entries) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const folder = join(runsFolder, e.name);
    try {
      await removeStaleTemps(folder);
      const onDisk = JSON.parse(await readFile(join(folder, RUN_JSON), 'utf8')) as RunRecord;
      if (onDisk?.state !== 'running' || runIsLive(onDisk, folder)) continue;
      // readRun gives the record as readers see it: failed, with the reason.
      const { pid: _pid, ...failed } = await readRun(folder);
      const ended = { ...failed, endedAt: failed.endedAt ?? new Date().toISOString() };
      await rm(join(folder, MODEL_DIR), { recursive: true, force: true });
      // A report.md written just before the kill says 'completed': it must say what happened.
      if (existsSync(join(folder, REPORT_MD))) await writeFileAtomic(join(folder, REPORT_MD), reportMarkdown(ended));
      await writeJsonAtomic(join(folder, RUN_JSON), ended);
      recovered.push(folder);
    } catch {
      // Not a run folder, or one another process is changing: leave it.
    }
  }
  return recovered;
}
