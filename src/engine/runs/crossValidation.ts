// k-fold cross-validation: one ordinary run per fold (each fold the test split once), then a
// summary run folder with the mean and sample standard deviation of each test figure.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { resolveConfig } from '../config';
import { writeFileAtomic } from '../fs/atomic';
import type { CrossValidationSummary, FoldFigure, RunRecord } from '../types';
import { runTraining, type FailureKind, type PipelineOptions, type PipelineOutcome } from './pipeline';
import { newRunId } from './runId';
import { RunWriter } from './runWriter';

export interface CrossValidationOptions extends Omit<PipelineOptions, 'runId' | 'fold'> {
  /** Id of the summary run (see newRunId), for callers that must name the cross-validation before it starts. */
  group?: string;
  /** Before fold `index` (0-based) starts. */
  onFold?(index: number, count: number): void;
  /** Fold `index` ended, however it ended; its run exists when `outcome.run` has an id. */
  onFoldEnd?(index: number, count: number, outcome: PipelineOutcome): void;
}

export interface CrossValidationOutcome {
  tag: 'completed' | 'cancelled' | 'failed';
  /** The summary run; absent when the settings were refused, or cancelled, before any fold run existed. */
  summary?: RunRecord;
  folder?: string;
  folds: PipelineOutcome[];
  message?: string;
  /** What went wrong, when a fold failed. */
  kind?: FailureKind;
}

const FIGURES: { name: string; of: (m: NonNullable<RunRecord['metrics']>) => number | undefined }[] = [
  { name: 'accuracy', of: (m) => m.accuracy },
  { name: 'macroF1', of: (m) => m.macroAvg.f1 },
  { name: 'rocAuc', of: (m) => m.roc?.auc },
  { name: 'sensitivity', of: (m) => m.sensitivity },
  { name: 'specificity', of: (m) => m.specificity },
  { name: 'kappa', of: (m) => m.kappa },
];

export const FIGURE_LABELS: Readonly<Record<string, string>> = {
  accuracy: 'Accuracy',
  macroF1: 'Macro-F1',
  rocAuc: 'ROC AUC',
  sensitivity: 'Sensitivity',
  specificity: 'Specificity',
  kappa: "Cohen's kappa",
};

/** Mean and sample standard deviation (n - 1); the deviation is null below two values. */
export function meanSd(values: number[]): { mean: number; sd: number | null } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, sd: null };
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(ss / (n - 1)) };
}

/** The figures every completed fold has, over the completed folds. */
export function foldFigures(runs: RunRecord[]): FoldFigure[] {
  const done = runs.filter((r) => r.state === 'completed' && r.metrics);
  if (!done.length) return [];
  const out: FoldFigure[] = [];
  for (const f of FIGURES) {
    const values = done.map((r) => f.of(r.metrics!));
    if (values.some((v) => typeof v !== 'number' || !Number.isFinite(v))) continue;
    out.push({ name: f.name, values: values as number[], ...meanSd(values as number[]) });
  }
  return out;
}

export async function runCrossValidation(options: CrossValidationOptions): Promise<CrossValidationOutcome> {
  let count: number;
  try {
    count = resolveConfig(options.config).folds;
  } catch (err) {
    return { tag: 'failed', folds: [], message: (err as Error).message, kind: 'config' };
  }
  if (count < 2) return { tag: 'failed', folds: [], message: 'Invalid training setting: folds must be at least 2 for cross-validation', kind: 'config' };
  const startedAt = new Date();
  const group = options.group ?? newRunId(startedAt);
  const folds: PipelineOutcome[] = [];
  for (let index = 0; index < count; index++) {
    if (options.signal?.aborted) break;
    options.onFold?.(index, count);
    const outcome = await runTraining({ ...options, fold: { index, count, group } });
    folds.push(outcome);
    options.onFoldEnd?.(index, count, outcome);
    // Refused settings or an unusable folder: nothing ran, so no summary folder either.
    if (outcome.tag === 'failed' && !outcome.run?.id) return { tag: 'failed', folds, message: outcome.message, ...(outcome.kind ? { kind: outcome.kind } : {}) };
    if (outcome.tag !== 'completed') break;
  }
  const runs = folds.map((o) => o.run).filter((r): r is RunRecord => !!r && !!r.id);
  const last = folds.at(-1);
  const allDone = folds.length === count && folds.every((o) => o.tag === 'completed');
  const tag: CrossValidationOutcome['tag'] = allDone ? 'completed' : last?.tag === 'failed' ? 'failed' : 'cancelled';
  // Cancelled while the first fold read its images: no fold run exists, so there is nothing to summarise.
  if (tag === 'cancelled' && runs.length === 0) return { tag, folds };
  const crossValidation: CrossValidationSummary = {
    folds: count,
    runIds: runs.map((r) => r.id),
    completed: runs.filter((r) => r.state === 'completed').length,
    figures: foldFigures(runs),
  };
  const first = runs[0];
  const summary: RunRecord = {
    id: group,
    state: tag,
    startedAt: startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    datasetFolder: resolve(options.datasetFolder),
    config: first?.config ?? resolveConfig(options.config),
    backend: first?.backend ?? '',
    history: [],
    kind: 'cv-summary',
    crossValidation,
    ...(tag === 'failed' ? { error: `Fold ${folds.length} of ${count} failed: ${last?.tag === 'failed' ? last.message : ''}` } : {}),
  };
  const folder = join(resolve(options.runsFolder), group);
  await mkdir(folder, { recursive: true });
  await writeFileAtomic(join(folder, 'report.md'), cvReportMarkdown(summary, runs));
  // Last: run.json says the summary is there.
  await new RunWriter(folder).save(summary);
  return { tag, summary, folder, folds, ...(summary.error ? { message: summary.error } : {}), ...(last?.kind ? { kind: last.kind } : {}) };
}

const fmt = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(3) : '–');

/** report.md of a summary run: one row per fold, then mean ± sd. */
export function cvReportMarkdown(summary: RunRecord, runs: RunRecord[]): string {
  const cv = summary.crossValidation!;
  const names = cv.figures.map((f) => f.name);
  const lines = [
    `# Cross-validation ${summary.id}`,
    '',
    `${cv.folds}-fold cross-validation of ${summary.datasetFolder} (seed ${summary.config.seed}); state: ${summary.state}. ` +
      `${cv.completed} of ${cv.folds} folds completed; the figures are the test split of each fold, with the sample standard deviation over folds.`,
    '',
  ];
  if (summary.error) lines.push(`Error: ${summary.error}`, '');
  lines.push(`| Fold | Run | ${names.map((n) => FIGURE_LABELS[n] ?? n).join(' | ')} |`, `|---|---|${names.map(() => '---:').join('|')}|`);
  runs.forEach((r, k) => {
    const vals = names.map((n) => (r.state === 'completed' ? fmt(FIGURES.find((f) => f.name === n)!.of(r.metrics!)) : r.state));
    lines.push(`| ${k + 1} | ${r.id} | ${vals.join(' | ')} |`);
  });
  lines.push(`| Mean ± sd | | ${cv.figures.map((f) => `${fmt(f.mean)} ± ${fmt(f.sd)}`).join(' | ')} |`, '');
  return lines.join('\n');
}
