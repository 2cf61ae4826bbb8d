// The human report of a run (report.md) and the small text artifacts beside it.
import { classificationReportText, confusionMatrixText } from '../eval/reportText';
import type { DatasetReport, EvalReport, RunRecord } from '../types';

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : String(v));
const f4 = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : String(v));
const secs = (v: number) => `${v.toFixed(1)} s`;

/** Plain text (a class name, a path, an error) as Markdown that renders as that text: no HTML, no table breaks, one line. */
export function mdText(text: string): string {
  return oneLine(text)
    .replace(/[\\`*_[\]#|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Text as an inline code span: a fence longer than any backtick run inside; `|` escaped for tables. */
export function mdCode(text: string): string {
  const t = oneLine(text).replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = t.startsWith('`') || t.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

/** Line breaks and other control characters would end a table row or a list item. */
function oneLine(text: string): string {
  return String(text).replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}

/** Names inside ``` blocks: on one line, so none can close the block. */
const blockSafe = (m: EvalReport): EvalReport => ({ ...m, classes: m.classes.map((c) => oneLine(c).replace(/`/g, "'")) });

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function datasetMarkdown(d: DatasetReport): string {
  const total = (i: number) => d.counts.train[i] + d.counts.val[i] + d.counts.test[i];
  const out = [
    `Folder: ${mdCode(d.root)} (${d.layout === 'presplit' ? 'train/val/test folders as given' : 'seeded stratified split'}), images resized to ${d.imageSize}x${d.imageSize} gray.`,
    '',
    table(
      ['class', 'train', 'val', 'test', 'total'],
      d.classes.map((c, i) => [mdText(c), String(d.counts.train[i]), String(d.counts.val[i]), String(d.counts.test[i]), String(total(i))]),
    ),
    '',
    `Imbalance (largest / smallest class): ${d.imbalanceRatio.toFixed(2)}. Decoding: ${secs(d.decodeSeconds)}, ${d.cachedImages} images from cache.`,
  ];
  if (d.skipped.length) {
    out.push('', `Skipped files (${d.skipped.length}):`, '');
    for (const s of d.skipped) out.push(`- ${mdCode(s.path)}: ${s.reason} (${mdText(s.detail)})`);
  }
  if (d.duplicates.length) out.push('', `Byte-identical duplicate groups: ${d.duplicates.length} (each kept within one split).`);
  if (d.leakage.length) out.push('', `Duplicates found across given splits (extra copies dropped): ${d.leakage.length}.`);
  for (const w of d.warnings) out.push('', `> Warning: ${mdText(w)}`);
  return out.join('\n');
}

export function trainingTimeText(r: RunRecord): string {
  const t = r.timings;
  if (!t) return 'No timings recorded.\n';
  const epochs = r.history.length;
  const perEpoch = epochs ? r.history.reduce((a, h) => a + h.seconds, 0) / epochs : 0;
  return [
    `Training time: ${secs(t.trainSeconds)} for ${epochs} epoch${epochs === 1 ? '' : 's'} (${secs(perEpoch)} per epoch) on ${r.backend}`,
    `Dataset scan and decode: ${secs(t.decodeSeconds)}`,
    `Evaluation on the test split: ${secs(t.evalSeconds)}`,
    `Total: ${secs(t.totalSeconds)}`,
    '',
  ].join('\n');
}

export function reportMarkdown(r: RunRecord): string {
  const c = r.config;
  const out: string[] = [`# Fracture CNN run ${mdText(r.id)}`, '', `State: **${r.state}**. Started ${r.startedAt}${r.endedAt ? `, ended ${r.endedAt}` : ''}. Backend: ${r.backend}.`];
  if (r.dataset) out.push('', '## Dataset', '', datasetMarkdown(r.dataset));
  out.push(
    '',
    '## Configuration',
    '',
    table(
      ['setting', 'value'],
      [
        ['image size', `${c.imageSize}x${c.imageSize}`],
        ['epochs (max)', String(c.epochs)],
        ['batch size', String(c.batchSize)],
        ['learning rate (Adam)', String(c.learningRate)],
        ['early stopping patience', String(c.patience)],
        ['seed', String(c.seed)],
        ['validation / test fraction', `${c.valFraction} / ${c.testFraction}`],
        ['class weighting', c.classWeighting + (r.classWeights ? ` (weights ${r.classWeights.map((w) => w.toFixed(3)).join(', ')})` : ' (off)')],
        ['loss', c.loss === 'focal' ? `focal (gamma ${c.focalGamma})` : 'categorical cross-entropy'],
        ['augmentation', c.augment ? 'on' : 'off'],
        ['parameters', r.modelParams?.toLocaleString('en-US') ?? '?'],
      ],
    ),
  );
  if (r.history.length) {
    out.push(
      '',
      '## Training curves',
      '',
      table(
        ['epoch', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'seconds'],
        r.history.map((h) => [h.epoch === r.bestEpoch ? `**${h.epoch}** (best)` : String(h.epoch), f4(h.loss), f4(h.acc), f4(h.valLoss), f4(h.valAcc), h.seconds.toFixed(1)]),
      ),
    );
    if (r.stoppedEpoch) out.push('', `Early stopping ended training after epoch ${r.stoppedEpoch}; the weights of epoch ${r.bestEpoch} were kept.`);
  }
  const m = r.metrics ? blockSafe(r.metrics) : undefined;
  if (m) {
    out.push('', '## Test split', '', `Loss ${f4(m.loss)}, accuracy ${f4(m.accuracy)}.`, '', '```', classificationReportText(m).trimEnd(), '```', '', 'Confusion matrix (rows: true class, columns: predicted):', '', '```', confusionMatrixText(m).trimEnd(), '```');
    if (m.roc) out.push('', `ROC AUC (positive class "${mdText(m.classes[m.roc.positiveClass])}"): ${f3(m.roc.auc)}.`);
    if (m.sensitivity !== undefined && m.specificity !== undefined) out.push(`Sensitivity ${f3(m.sensitivity)}, specificity ${f3(m.specificity)}.`);
    if (m.misclassified.length) {
      out.push('', `### Misclassified (${m.misclassified.length}, most confident first)`, '');
      for (const x of m.misclassified.slice(0, 20)) out.push(`- ${mdCode(x.path)}: ${mdText(m.classes[x.trueIndex])} predicted as ${mdText(m.classes[x.predIndex])} (${(x.confidence * 100).toFixed(1)}%)`);
      if (m.misclassified.length > 20) out.push(`- ... and ${m.misclassified.length - 20} more (see run.json)`);
    }
  }
  if (r.timings) out.push('', '## Timings', '', '```', trainingTimeText(r).trimEnd(), '```');
  if (r.error) out.push('', '## Error', '', mdText(r.error));
  return out.join('\n') + '\n';
}
