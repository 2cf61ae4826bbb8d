// Assembles the dashboard snapshot the webview renders. Pure: the panel passes in what it knows.
import type { RunRecord, RunSummary } from '../../engine/types';
import type { DashboardState } from '../../protocol/webview';
import type { LiveRun } from './liveRun';

export interface StateInputs {
  /** Runs found on disk (every runs folder), any order. */
  listed: RunSummary[];
  live?: LiveRun;
  selectedRunId?: string;
  /** Full record of the selected run when it is not the live one. */
  selectedRecord?: RunRecord;
  /** Converts an image path to a URI the webview may load (asWebviewUri). */
  imageUri: (path: string) => string;
}

/** Listed runs with the live one's fresher summary in place of (or ahead of) its listing, newest first. */
export function mergeRuns(listed: RunSummary[], live?: LiveRun): RunSummary[] {
  const byId = new Map<string, RunSummary>();
  for (const r of listed) byId.set(r.id, r);
  if (live) byId.set(live.id, live.summary());
  return [...byId.values()].sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.id < b.id ? 1 : -1));
}

/** The run to show: the one asked for if it exists, else the live one, else the newest. */
export function chooseRun(runs: RunSummary[], wanted: string | undefined, live?: LiveRun): string | undefined {
  if (wanted && runs.some((r) => r.id === wanted)) return wanted;
  if (live?.running) return live.id;
  return runs[0]?.id;
}

export function assembleState(i: StateInputs): DashboardState {
  const runs = mergeRuns(i.listed, i.live);
  const selectedRunId = i.selectedRunId;
  const isLive = !!i.live && i.live.id === selectedRunId;
  const run = isLive ? i.live!.record : i.selectedRecord?.id === selectedRunId ? i.selectedRecord : undefined;
  const imageUris: Record<string, string> = {};
  for (const m of run?.metrics?.misclassified ?? []) imageUris[m.path] = i.imageUri(m.path);
  return {
    runs,
    selectedRunId,
    run,
    lastBatch: isLive && i.live!.running ? i.live!.lastBatch : undefined,
    imageUris,
  };
}
