// The run's report as Markdown, for "Export report". Pure: no DOM, so Node tests can call it.
import { warningsMarkdown } from '../../src/engine/eval/healthText';
import type { ClassScores, RunRecord } from '../../src/engine/types';

/** Makes text safe inside a Markdown table cell (and inert as HTML in a preview). */
export function mdCell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ');
}

const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '–');
const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '–');

export function reportMarkdown(run: RunRecord): string {
  const out: string[] = [];
  out.push(`# Fracture CNN run ${mdCell(run.id)}`, '');
  out.push(`- State: ${run.state}`);
  out.push(`- Started: ${run.startedAt}${run.endedAt ? `, ended: ${run.endedAt}` : ''}`);
  out.push(`- Dataset: ${mdCell(run.datasetFolder)}`);
  out.push(`- Backend: ${mdCell(run.backend)}`);
  out.push(`- Epochs run: ${run.history.length} of ${run.config.epochs}`);
  if (run.bestEpoch !== undefined) out.push(`- Best epoch (weights kept): ${run.bestEpoch}`);
  if (run.stoppedEpoch !== undefined) out.push(`- Early stopping after epoch: ${run.stoppedEpoch}`);
  if (run.error) out.push(`- Error: ${mdCell(run.error)}`);
  out.push('');
  const warnings = warningsMarkdown(run.metrics?.warnings);
  if (warnings) out.push(warnings, '');

  const m = run.metrics;
  if (m) {
    const row = (name: string, s: ClassScores): string => `| ${mdCell(name)} | ${f3(s.precision)} | ${f3(s.recall)} | ${f3(s.f1)} | ${s.support} |`;
    const support = m.perClass.reduce((a, s) => a + s.support, 0);
    out.push('## Classification report (test split)', '');
    out.push('| class | precision | recall | F1 | support |', '|---|---:|---:|---:|---:|');
    m.classes.forEach((c, i) => out.push(row(c, m.perClass[i]!)));
    out.push(`| accuracy | | | ${f3(m.accuracy)} | ${support} |`);
    out.push(row('macro avg', m.macroAvg), row('weighted avg', m.weightedAvg), '');
    out.push(`Test loss ${f3(m.loss)}, accuracy ${pct(m.accuracy)}.`);
    if (m.sensitivity !== undefined && m.specificity !== undefined) out.push(`Sensitivity ${pct(m.sensitivity)}, specificity ${pct(m.specificity)}.`);
    if (m.roc) out.push(`ROC AUC ${f3(m.roc.auc)} (positive class: ${mdCell(m.classes[m.roc.positiveClass] ?? '')}).`);
    out.push('', '## Confusion matrix', '', 'Rows are true classes, columns predicted; each cell: count (share of the true class).', '');
    out.push(`| true \\ predicted | ${m.classes.map(mdCell).join(' | ')} |`, `|---|${m.classes.map(() => '---:').join('|')}|`);
    m.confusion.forEach((r, t) => {
      const total = r.reduce((a, b) => a + b, 0);
      out.push(`| ${mdCell(m.classes[t] ?? '')} | ${r.map((n) => `${n} (${pct(total > 0 ? n / total : 0)})`).join(' | ')} |`);
    });
    out.push('');
  }

  if (run.history.length > 0) {
    out.push('## Training history', '', '| epoch | loss | accuracy | val loss | val accuracy | seconds |', '|---:|---:|---:|---:|---:|---:|');
    for (const h of run.history) out.push(`| ${h.epoch} | ${f3(h.loss)} | ${f3(h.acc)} | ${f3(h.valLoss)} | ${f3(h.valAcc)} | ${h.seconds.toFixed(1)} |`);
    out.push('');
  }

  const t = run.timings;
  if (t) {
    out.push('## Timings', '', `Decoding ${t.decodeSeconds.toFixed(1)} s, training ${t.trainSeconds.toFixed(1)} s, evaluation ${t.evalSeconds.toFixed(1)} s, total ${t.totalSeconds.toFixed(1)} s.`, '');
  }
  return out.join('\n');
}
