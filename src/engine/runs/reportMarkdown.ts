// The human report of a run: report.md, the Runs view's report document and the dashboard's
// Markdown export are all this one text. Pure (no Node, no DOM, no vscode): the dashboard's
// webview bundles it. Names, paths and messages go through markdownText.ts.
import { classificationReportText, confusionMatrixText } from '../eval/reportText';
import type { DatasetReport, RunRecord } from '../types';
import { mdBlock, mdCode, mdText } from './markdownText';

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : String(v));
const f4 = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : String(v));
const secs = (v: number) => `${v.toFixed(1)} s`;

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
    for (const s of d.skipped) out.push(`- ${mdCode(s.path)}: ${mdText(s.reason)} (${mdText(s.detail)})`);
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
  const out: string[] = [`# Fracture CNN run ${mdText(r.id)}`, '', `State: **${r.state}**. Started ${r.startedAt}${r.endedAt ? `, ended ${r.endedAt}` : ''}. Backend: ${mdText(r.backend)}.`];
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
  const m = r.metrics;
  if (m) {
    out.push('', '## Test split', '', `Loss ${f4(m.loss)}, accuracy ${f4(m.accuracy)}.`, '', ...mdBlock(classificationReportText(m)));
    out.push('', 'Confusion matrix (rows: true class, columns: predicted):', '', ...mdBlock(confusionMatrixText(m)));
    if (m.roc) out.push('', `ROC AUC (positive class "${mdText(m.classes[m.roc.positiveClass] ?? '')}"): ${f3(m.roc.auc)}.`);
    if (m.sensitivity !== undefined && m.specificity !== undefined) out.push(`Sensitivity ${f3(m.sensitivity)}, specificity ${f3(m.specificity)}.`);
    if (m.misclassified.length) {
      out.push('', `### Misclassified (${m.misclassified.length}, most confident first)`, '');
      for (const x of m.misclassified.slice(0, 20)) {
        out.push(`- ${mdCode(x.path)}: ${mdText(m.classes[x.trueIndex] ?? '')} predicted as ${mdText(m.classes[x.predIndex] ?? '')} (${(x.confidence * 100).toFixed(1)}%)`);
      }
      if (m.misclassified.length > 20) out.push(`- ... and ${m.misclassified.length - 20} more (see run.json)`);
    }
  }
  if (r.timings) out.push('', '## Timings', '', ...mdBlock(trainingTimeText(r)));
  if (r.error) out.push('', '## Error', '', mdText(r.error));
  return out.join('\n') + '\n';
}
