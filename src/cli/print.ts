// Human-readable text for the terminal: the dataset report before training and the results after it.
import { warningsText } from '../engine/eval/healthText';
import { classificationReportText, confusionMatrixText, thresholdHow } from '../engine/eval/reportText';
import { figuresText } from '../engine/eval/uncertaintyText';
import type { DatasetReport, EpochMetrics, RunRecord } from '../engine/types';

const REASONS: Record<string, string> = {
  unreadable: 'unreadable',
  empty: 'empty file',
  truncated: 'truncated',
  'not-an-image': 'not an image',
  unsupported: 'unsupported format',
};

export function datasetText(d: DatasetReport): string {
  const lines = [`Dataset ${d.root}`, `  layout: ${d.layout === 'presplit' ? 'train/val/test folders as given' : 'stratified split'}, ${d.classes.length} classes, images ${d.imageSize}x${d.imageSize} gray`];
  const nameW = Math.max(5, ...d.classes.map((c) => c.length));
  lines.push(`  ${'class'.padEnd(nameW)}  ${'train'.padStart(6)} ${'val'.padStart(6)} ${'test'.padStart(6)} ${'total'.padStart(6)}`);
  d.classes.forEach((c, i) => {
    const [tr, va, te] = [d.counts.train[i], d.counts.val[i], d.counts.test[i]];
    lines.push(`  ${c.padEnd(nameW)}  ${String(tr).padStart(6)} ${String(va).padStart(6)} ${String(te).padStart(6)} ${String(tr + va + te).padStart(6)}`);
  });
  lines.push(`  decoded in ${d.decodeSeconds.toFixed(1)} s (${d.cachedImages} from cache)`);
  if (d.skipped.length) {
    lines.push(`  skipped ${d.skipped.length} file${d.skipped.length === 1 ? '' : 's'}:`);
    for (const s of d.skipped) lines.push(`    ${s.path}: ${REASONS[s.reason] ?? s.reason} (${s.detail})`);
  }
  if (d.duplicates.length) lines.push(`  ${d.duplicates.length} group${d.duplicates.length === 1 ? '' : 's'} of identical files, each kept within one split`);
  if (d.nearDuplicates) {
    const n = d.nearDuplicates;
    lines.push(`  ${n.total} pair${n.total === 1 ? '' : 's'} of near-identical images, e.g. ${n.pairs[0].paths.join(' and ')}`);
  }
  if (d.pathGroups) {
    const g = d.pathGroups;
    lines.push(`  ${g.count} groups of 2+ images by path (${g.spec}), ${g.images} images${g.straddling.length ? `; ${g.straddling.length} in more than one given split: ${g.straddling.slice(0, 5).map((s) => `${s.key} (${s.splits.join(', ')})`).join(', ')}${g.straddling.length > 5 ? ', ...' : ''}` : ''}`);
  }
  if (d.leakage.length) lines.push(`  ${d.leakage.length} duplicate group${d.leakage.length === 1 ? '' : 's'} across the given splits: extra copies dropped`);
  for (const w of d.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n') + '\n';
}

export function epochLine(m: EpochMetrics, epochs: number): string {
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : ' n/a ');
  const auc = m.valAuc !== undefined ? `  val_auc ${f(m.valAuc)}` : m.valMacroF1 !== undefined ? `  val_macro_f1 ${f(m.valMacroF1)}` : '';
  return `Epoch ${String(m.epoch).padStart(String(epochs).length)}/${epochs}  loss ${f(m.loss)}  acc ${f(m.acc)}  val_loss ${f(m.valLoss)}  val_acc ${f(m.valAcc)}${auc}  ${m.seconds.toFixed(1)} s\n`;
}

/** Command-line flags of the settings the warnings name (the suggestions speak in setting names). */
const SETTING_FLAGS: Record<string, string> = {
  'fractureCnn.model': '--model radnet',
  'fractureCnn.imageSize': '--image-size',
  'fractureCnn.classWeighting': '--class-weighting balanced',
  'fractureCnn.augment': '--augment',
  'fractureCnn.testFraction': '--test',
};

function flagsLine(text: string): string[] {
  const named = Object.entries(SETTING_FLAGS).filter(([setting]) => text.includes(setting));
  return named.length ? [`On the command line: ${named.map(([setting, flag]) => `${flag} (${setting})`).join(', ')}.`] : [];
}

export function resultsText(run: RunRecord, folder: string): string {
  const m = run.metrics;
  const lines: string[] = [];
  if (run.bestEpoch !== undefined) lines.push(`Kept the weights of epoch ${run.bestEpoch}${run.stoppedEpoch ? ` (early stopping after epoch ${run.stoppedEpoch})` : ''}.`);
  if (m) {
    lines.push('', `Test split: loss ${m.loss.toFixed(4)}, accuracy ${m.accuracy.toFixed(4)}`, '', classificationReportText(m).trimEnd(), '', 'Confusion matrix (rows: true class, columns: predicted):', confusionMatrixText(m).trimEnd());
    if (m.roc) lines.push('', `ROC AUC (positive class "${m.classes[m.roc.positiveClass]}"): ${m.roc.auc.toFixed(4)}`);
    if (m.sensitivity !== undefined && m.specificity !== undefined) lines.push(`Sensitivity ${m.sensitivity.toFixed(4)}, specificity ${m.specificity.toFixed(4)}`);
    lines.push(...thresholdLines(run));
    lines.push('', figuresText(m).trimEnd());
    if (m.localization) lines.push(`Grad-CAM pointing game: the heat-map peak lies inside the fracture box in ${m.localization.hits} of ${m.localization.total} fractured test images (${(100 * m.localization.share).toFixed(1)}%)`);
  }
  if (run.timings) {
    const t = run.timings;
    const perEpoch = run.history.length ? run.history.reduce((a, h) => a + h.seconds, 0) / run.history.length : 0;
    lines.push('', `Time: ${t.totalSeconds.toFixed(1)} s total (decode ${t.decodeSeconds.toFixed(1)} s, training ${t.trainSeconds.toFixed(1)} s, ${perEpoch.toFixed(2)} s per epoch, evaluation ${t.evalSeconds.toFixed(1)} s) on ${run.backend}`);
  }
  lines.push('', `Run folder: ${folder}`);
  // Last, where the eye lands when training ends: the numbers above may look fine while the model is not.
  const warnings = warningsText(m?.warnings);
  if (warnings) lines.push('', warnings.trimEnd(), ...flagsLine(warnings));
  return lines.join('\n') + '\n';
}

/** The decision threshold, and what the plain 0.5 rule would have given on the same test images. */
export function thresholdLines(run: RunRecord): string[] {
  const m = run.metrics;
  if (!m?.threshold || !m.atDefault) return [];
  const t = m.threshold;
  const how = thresholdHow(t);
  const d = m.atDefault;
  const pct = (v?: number) => (v === undefined ? 'n/a' : v.toFixed(4));
  return [
    `Decision threshold ${t.value.toFixed(4)} on P(${m.classes[t.positiveClass]}) (${how}; validation sensitivity ${pct(t.valSensitivity)}, specificity ${pct(t.valSpecificity)}); figures above use it.`,
    `At the plain 0.5 rule instead: accuracy ${pct(d.accuracy)}, sensitivity ${pct(d.sensitivity)}, specificity ${pct(d.specificity)}, macro-F1 ${pct(d.macroF1)}`,
  ];
}
