// The running training as the host sees it, kept up to date from the training process's
// notifications. Pure, so it is tested without VS Code.
import type { BatchProgress, DatasetReport, EpochMetrics, RunRecord, RunSummary, TrainingOutcome } from '../../engine/types';

export class LiveRun {
  lastBatch?: BatchProgress;

  constructor(
    public record: RunRecord,
    readonly folder: string,
    lastBatch?: BatchProgress,
  ) {
    this.lastBatch = lastBatch;
  }

  get id(): string {
    return this.record.id;
  }

  scanned(report: DatasetReport): void {
    this.record = { ...this.record, dataset: report };
  }

  batch(progress: BatchProgress): void {
    this.lastBatch = progress;
  }

  epochEnd(metrics: EpochMetrics): void {
    // Replayed or repeated epochs replace their earlier entry instead of duplicating it.
    const history = [...this.record.history.filter((h) => h.epoch !== metrics.epoch), metrics].sort((a, b) => a.epoch - b.epoch);
    const best = history.reduce<EpochMetrics | undefined>((b, h) => (!b || h.valLoss < b.valLoss ? h : b), undefined);
    this.record = { ...this.record, history, bestEpoch: best?.epoch };
  }

  /** The final record when the outcome carries one; else the live one marked as ended. */
  ended(outcome: TrainingOutcome): RunRecord {
    this.lastBatch = undefined;
    if (outcome.run) this.record = outcome.run;
    else if (outcome.tag === 'failed') this.record = { ...this.record, state: 'failed', error: outcome.message };
    return this.record;
  }

  get running(): boolean {
    return this.record.state === 'running';
  }

  summary(): RunSummary {
    return summarize(this.record, this.folder);
  }
}

export function summarize(r: RunRecord, folder: string): RunSummary {
  return {
    id: r.id,
    folder,
    state: r.state,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    datasetFolder: r.datasetFolder,
    backend: r.backend,
    classes: r.dataset?.classes ?? r.metrics?.classes ?? [],
    epochsRun: r.history.length,
    testAccuracy: r.metrics?.accuracy,
    macroF1: r.metrics?.macroAvg.f1,
  };
}
