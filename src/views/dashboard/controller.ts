// The dashboard's host-side logic without VS Code: which run is shown, the live training kept
// current from notifications, and a full snapshot posted after every change (batch progress
// throttled to about four a second).
import type { BatchProgress, DatasetReport, EpochMetrics, RunRecord, RunSummary, TrainingOutcome } from '../../engine/types';
import type { TrainingStateResult } from '../../protocol/training';
import type { DashboardState } from '../../protocol/webview';
import { LiveRun } from './liveRun';
import { errorText } from '../../shared/errorText';
import { isInside } from '../../shared/paths';
import { classifiablePaths, openablePaths, thumbnailFolders } from './shownPaths';
import { assembleState, chooseRun, mergeRuns } from './state';
import { throttle, type Throttled } from '../../shared/throttle';

export interface DashboardSource {
  /** Runs of every runs folder. */
  listRuns(): Promise<RunSummary[]>;
  getRun(runFolder: string): Promise<RunRecord>;
  trainingState(): Promise<TrainingStateResult>;
}

export interface DashboardSink {
  post(state: DashboardState): void;
  imageUri(path: string): string;
  /** Called before posting a run whose images live in this folder (to allow it as a resource root). */
  allowFolder?(folder: string): void;
  log?(message: string): void;
}

export class DashboardController {
  private listed: RunSummary[] = [];
  private live?: LiveRun;
  private selectedRunId?: string;
  private record?: RunRecord;
  private problem?: string;
  private readonly throttled: Throttled;
  private liveLookup?: Promise<boolean>;
  private disposed = false;
  /** The run of the last snapshot posted: what the page can see. */
  private shown?: RunRecord;
  private readonly exported = new Set<string>();

  constructor(
    private readonly source: DashboardSource,
    private readonly sink: DashboardSink,
    initialRunId?: string,
    batchIntervalMs = 250,
  ) {
    this.selectedRunId = initialRunId;
    this.throttled = throttle(() => this.postNow(), batchIntervalMs);
  }

  get selected(): string | undefined {
    return this.selectedRunId;
  }

  /** Whether the page may open `path`: a file the shown run's report lists. */
  mayOpen(path: string): boolean {
    return openablePaths(this.shown).has(path) || this.exported.has(path);
  }

  /** Whether the page may send `path` to Classify: one of the shown run's misclassified images. */
  mayClassify(path: string): boolean {
    return classifiablePaths(this.shown).has(path);
  }

  /** An export the host wrote: the page links to it. */
  exportedTo(path: string): void {
    this.exported.add(path);
  }

  /** Folder of a known run. */
  folderOf(runId: string): string | undefined {
    if (this.live?.id === runId) return this.live.folder;
    return this.listed.find((r) => r.id === runId)?.folder;
  }

  /** The webview (re)loaded: rebuild everything from the source and send a snapshot. */
  async ready(): Promise<void> {
    await Promise.all([this.refreshList(), this.refreshLive()]);
    await this.select(this.selectedRunId, { fallback: true });
  }

  async select(runId: string | undefined, opts: { fallback?: boolean } = {}): Promise<void> {
    const runs = mergeRuns(this.listed, this.live);
    const id = opts.fallback || !runId ? chooseRun(runs, runId, this.live) : runId;
    this.selectedRunId = id;
    this.problem = undefined;
    if (id && this.live?.id !== id) {
      if (!this.folderOf(id)) await this.refreshList(); // a run newer than our listing
      const folder = this.folderOf(id);
      if (!folder) this.problem = `Run ${id} was not found in any runs folder.`;
      else if (this.record?.id !== id) await this.load(folder);
    }
    this.postNow();
  }

  /** Shows a run named by id or by folder (the Runs tree's "Open Dashboard"). */
  async selectTarget(target: { runId?: string; runFolder?: string }): Promise<void> {
    let runId = target.runId;
    if (!runId && target.runFolder) {
      await this.refreshList();
      const folder = target.runFolder;
      runId = this.live?.folder && isInside(this.live.folder, folder) ? this.live.id : this.listed.find((r) => isInside(r.folder, folder))?.id;
    }
    if (runId) await this.select(runId);
  }

  /** Shows `runId`, the run training now (the next fold of a cross-validation), live from its start. */
  async follow(runId: string): Promise<void> {
    if (this.live?.id !== runId) await this.refreshLive();
    await this.select(runId);
  }

  async runsChanged(): Promise<void> {
    await this.refreshList();
    // A finished run's record may have been rewritten (report added): reload what is shown.
    const folder = this.selectedRunId && this.live?.id !== this.selectedRunId ? this.folderOf(this.selectedRunId) : undefined;
    if (folder) await this.load(folder);
    if (!this.selectedRunId || !this.folderOf(this.selectedRunId)) await this.select(undefined, { fallback: true });
    else this.postNow();
  }

  async scanned(runId: string, report: DatasetReport): Promise<void> {
    const live = await this.liveFor(runId);
    live?.scanned(report);
    this.postNow();
  }

  async epochEnd(runId: string, metrics: EpochMetrics): Promise<void> {
    const live = await this.liveFor(runId);
    live?.epochEnd(metrics);
    this.postNow();
  }

  async batch(runId: string, progress: BatchProgress): Promise<void> {
    const live = await this.liveFor(runId);
    live?.batch(progress);
    if (live && live.id === this.selectedRunId) this.throttled();
  }

  async ended(runId: string, outcome: TrainingOutcome): Promise<void> {
    const live = await this.liveFor(runId);
    if (live) {
      this.record = live.ended(outcome);
      this.live = undefined;
    }
    await this.refreshList();
    if (this.selectedRunId === runId && this.record?.id !== runId) {
      const folder = this.folderOf(runId);
      if (folder) await this.load(folder);
    }
    this.postNow();
  }

  dispose(): void {
    this.disposed = true;
    this.throttled.dispose();
  }

  private postNow(): void {
    if (this.disposed) return;
    this.throttled.dispose(); // a full snapshot supersedes any pending progress one
    const state = assembleState({
      listed: this.listed,
      live: this.live,
      selectedRunId: this.selectedRunId,
      selectedRecord: this.record,
      imageUri: (p) => this.sink.imageUri(p),
    });
    if (this.problem) state.problem = this.problem;
    this.shown = state.run;
    for (const folder of thumbnailFolders(state.run)) this.sink.allowFolder?.(folder);
    this.sink.post(state);
  }

  private async load(folder: string): Promise<void> {
    try {
      this.record = await this.source.getRun(folder);
      this.problem = undefined;
    } catch (e) {
      this.record = undefined;
      this.problem = `Could not read the run in ${folder}: ${errorText(e)}`;
      this.sink.log?.(this.problem);
    }
  }

  private async refreshList(): Promise<void> {
    try {
      this.listed = await this.source.listRuns();
    } catch (e) {
      this.sink.log?.(`Could not list runs: ${errorText(e)}`);
    }
  }

  /** Asks the training process what runs now; true when that is a run we did not know. */
  private async refreshLive(): Promise<boolean> {
    try {
      const { running, lastBatch } = await this.source.trainingState();
      if (!running) {
        this.live = undefined;
        return false;
      }
      const { folder, ...record } = running;
      const isNew = this.live?.id !== record.id;
      this.live = new LiveRun(record, folder, lastBatch);
      return isNew;
    } catch (e) {
      this.sink.log?.(`Could not ask for the training state: ${errorText(e)}`);
      return false;
    }
  }

  /** The live run for a notification, asking the training process when the run is new to us. */
  private async liveFor(runId: string): Promise<LiveRun | undefined> {
    if (this.live?.id === runId) return this.live;
    this.liveLookup ??= this.refreshLive().finally(() => (this.liveLookup = undefined));
    const isNew = await this.liveLookup;
    // A training that starts while the panel is open takes the panel over.
    if (isNew && this.live?.id === runId) this.selectedRunId = runId;
    return this.live?.id === runId ? this.live : undefined;
  }
}
