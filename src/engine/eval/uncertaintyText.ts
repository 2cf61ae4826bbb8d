// The test figures with their bootstrap intervals, and the calibration figures, as rows shared
// by the classification report, report.md and the terminal. Pure: the dashboard bundles it.
import type { EvalReport, Interval } from '../types';

export interface FigureRow {
  name: string;
  value: number;
  interval?: Interval;
}

/** Every figure that has an interval (or, for older runs, none), in reading order. */
export function figureRows(m: EvalReport): FigureRow[] {
  const ci = m.intervals;
  const rows: FigureRow[] = [{ name: 'accuracy', value: m.accuracy, interval: ci?.accuracy }, { name: 'macro-F1', value: m.macroAvg.f1, interval: ci?.macroF1 }];
  if (m.kappa !== undefined) rows.push({ name: "Cohen's kappa", value: m.kappa, interval: ci?.kappa });
  if (m.sensitivity !== undefined) rows.push({ name: 'sensitivity', value: m.sensitivity, interval: ci?.sensitivity });
  if (m.specificity !== undefined) rows.push({ name: 'specificity', value: m.specificity, interval: ci?.specificity });
  if (m.roc) rows.push({ name: 'ROC AUC', value: m.roc.auc, interval: ci?.auc });
  m.classes.forEach((c, k) => {
    const s = m.perClass[k];
    const at = ci?.perClass[k];
    rows.push({ name: `${c} precision`, value: s.precision, interval: at?.precision }, { name: `${c} recall`, value: s.recall, interval: at?.recall }, { name: `${c} F1`, value: s.f1, interval: at?.f1 });
  });
  return rows;
}

const f = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : 'n/a');
export const intervalText = (i?: Interval) => (i ? `[${f(i[0])}, ${f(i[1])}]` : '');

/** "95% intervals from 2000 bootstrap resamples ..." or nothing for runs recorded without them. */
export function intervalsCaption(m: EvalReport): string {
  const ci = m.intervals;
  if (!ci) return '';
  return `${Math.round(ci.level * 100)}% intervals: percentiles of ${ci.resamples} bootstrap resamples of the test split, drawn within each true class (seed ${ci.seed}).`;
}

/** Brier score, ECE and average precision in one sentence. */
export function calibrationSentence(m: EvalReport): string {
  const parts: string[] = [];
  const c = m.calibration;
  if (c) {
    const of = c.of === 'positive' ? `of P(${m.classes[c.positiveClass ?? 0]})` : 'of the top class; Brier summed over classes';
    parts.push(`Brier score ${f(c.brier)}, expected calibration error ${f(c.ece)} (15 equal-width bins, ${of})`);
  }
  if (m.pr) parts.push(`average precision ${f(m.pr.averagePrecision)} (prevalence ${f(m.pr.prevalence)})`);
  return parts.length ? parts.join('; ') + '.' : '';
}

/** Plain-text table: figure, value, interval. */
export function figuresText(m: EvalReport): string {
  const rows = figureRows(m);
  const w = Math.max(...rows.map((r) => r.name.length), 'figure'.length);
  const lines = [`${'figure'.padStart(w)}     value   ${m.intervals ? `${Math.round(m.intervals.level * 100)}% interval` : ''}`.trimEnd(), ''];
  for (const r of rows) lines.push(`${r.name.padStart(w)}  ${f(r.value).padStart(8)}   ${intervalText(r.interval)}`.trimEnd());
  const caption = intervalsCaption(m);
  const cal = calibrationSentence(m);
  return [...lines, ...(caption ? ['', caption] : []), ...(cal ? [cal] : [])].join('\n') + '\n';
}
