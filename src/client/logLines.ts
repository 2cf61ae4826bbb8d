// Output-channel lines for dataset reports and epochs (the metrics a user sees without the dashboard).
import type { DatasetReport, EpochMetrics, EvalReport, RunRecord } from '../engine/types';

export const percent = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(1)}%`);

export function describeDataset(report: DatasetReport): string {
  const per = (split: 'train' | 'val' | 'test') => report.counts[split].reduce((a, b) => a + b, 0);
  const lines = [
    `Dataset ${report.root}: ${report.classes.length} classes (${report.classes.join(', ')}), ` +
      `${per('train')} train / ${per('val')} val / ${per('test')} test images (${report.layout}), ${report.imageSize}x${report.imageSize} gray.`,
  ];
  if (report.skipped.length > 0) {
    lines.push(`Skipped ${report.skipped.length} file(s): ${report.skipped.slice(0, 5).map((s) => `${s.path} (${s.reason})`).join('; ')}${report.skipped.length > 5 ? '; …' : ''}`);
  }
  for (const warning of report.warnings) lines.push(`Warning: ${warning}`);
  return lines.join('\n');
}

export function describeEpoch(m: EpochMetrics, runId?: string): string {
  const run = runId ? `[${runId}] ` : '';
  return (
    `${run}Epoch ${m.epoch}: loss ${m.loss.toFixed(4)}, acc ${percent(m.acc)}, ` +
    `val loss ${m.valLoss.toFixed(4)}, val acc ${percent(m.valAcc)} (${m.seconds.toFixed(1)} s)`
  );
}

export function describeEvaluation(report: EvalReport): string {
  const classes = report.classes.map((c, i) => `${c} F1 ${report.perClass[i]?.f1.toFixed(3) ?? '–'}`).join(', ');
  return `Test accuracy ${percent(report.accuracy)}, macro F1 ${report.macroAvg.f1.toFixed(3)} (${classes})`;
}

/** "accuracy 87.1% ± 2.3%, macro-F1 0.851 ± 0.030": the summary of a cross-validation, over its completed folds. */
export function describeCrossValidation(summary: RunRecord): string {
  const figures = summary.crossValidation?.figures ?? [];
  const sd = (v: number | null, show: (x: number) => string) => (v === null ? '' : ` ± ${show(v)}`);
  const parts: string[] = [];
  const acc = figures.find((f) => f.name === 'accuracy');
  if (acc) parts.push(`accuracy ${percent(acc.mean)}${sd(acc.sd, percent)}`);
  const f1 = figures.find((f) => f.name === 'macroF1');
  if (f1) parts.push(`macro-F1 ${f1.mean.toFixed(3)}${sd(f1.sd, (x) => x.toFixed(3))}`);
  return parts.join(', ');
}
