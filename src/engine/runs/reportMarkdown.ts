// The human report of a run: report.md, the Runs view's report document and the dashboard's
// Markdown export are all this one text. Pure (no Node, no DOM, no vscode): the dashboard's
// webview bundles it. Names, paths and messages go through markdownText.ts.
import { warningsMarkdown } from '../eval/healthText';
import { classificationReportText, confusionMatrixText, thresholdHow } from '../eval/reportText';
import { calibrationSentence, figureRows, intervalsCaption, intervalText } from '../eval/uncertaintyText';
import type { DatasetReport, EvalReport, RunRecord } from '../types';
import { mdBlock, mdCode, mdText } from './markdownText';
import { NEAR_DUPLICATE_BITS } from '../data/nearDuplicates';

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
  const near = d.nearDuplicates;
  if (near) {
    out.push('', `Near-identical image pairs (difference hash within ${NEAR_DUPLICATE_BITS} bits, byte-identical files aside): ${near.total}${d.layout === 'stratified' ? ', each set kept within one split' : ''}.`, '');
    for (const p of near.pairs.slice(0, 20)) out.push(`- ${mdCode(p.paths[0])} and ${mdCode(p.paths[1])} (${p.distance} bit${p.distance === 1 ? '' : 's'}${p.splits && p.splits[0] !== p.splits[1] ? `; in ${p.splits[0]} and ${p.splits[1]}` : ''})`);
    if (near.total > 20) out.push(`- ... and ${near.total - 20} more (see run.json)`);
  }
  const g = d.pathGroups;
  if (g) {
    out.push('', `Groups by path (${mdCode(g.spec)}): ${g.count} groups of two or more images, ${g.images} images${d.layout === 'stratified' ? ', each kept in one split' : ''}.`);
    if (g.straddling.length) {
      out.push('', `Groups in more than one of the given splits (${g.straddling.length}):`, '');
      for (const s of g.straddling.slice(0, 20)) out.push(`- ${mdCode(s.key)}: ${s.splits.join(', ')}`);
      if (g.straddling.length > 20) out.push(`- ... and ${g.straddling.length - 20} more`);
    }
  }
  for (const w of d.warnings) out.push('', `> Warning: ${mdText(w)}`);
  return out.join('\n');
}

/** Each figure with its interval, then calibration with the reliability diagram's bins. */
export function figuresMarkdown(m: EvalReport): string[] {
  const out = ['', '### Uncertainty', '', table(['figure', 'value', m.intervals ? `${Math.round(m.intervals.level * 100)}% interval` : 'interval'], figureRows(m).map((r) => [mdText(r.name), f4(r.value), intervalText(r.interval) || '-']))];
  const caption = intervalsCaption(m);
  if (caption) out.push('', caption);
  const cal = m.calibration;
  if (cal) {
    out.push('', '### Calibration', '', mdText(calibrationSentence(m)), '');
    out.push(table(['probability bin', 'images', 'mean predicted', 'observed'], cal.bins.map((b) => [`${f3(b.lower)}-${f3(b.upper)}`, String(b.count), f3(b.meanPredicted), f3(b.observed)])));
  }
  return out;
}

export function trainingTimeText(r: RunRecord): string {
  const t = r.timings;
  if (!t) return 'No timings recorded.\n';
  const epochs = r.history.length;
  const perEpoch = epochs ? r.history.reduce((a, h) => a + h.seconds, 0) / epochs : 0;
  return [
    `Training time: ${secs(t.trainSeconds)} for ${epochs} epoch${epochs === 1 ? '' : 's'} (${secs(perEpoch)} per epoch) on ${r.backend}${r.kernels ? ` with ${r.kernels} kernels` : ''}`,
    `Dataset scan and decode: ${secs(t.decodeSeconds)}`,
    `Evaluation on the test split: ${secs(t.evalSeconds)}`,
    `Total: ${secs(t.totalSeconds)}`,
    '',
  ].join('\n');
}

export function reportMarkdown(r: RunRecord): string {
  const c = r.config;
  const out: string[] = [`# Fracture CNN run ${mdText(r.id)}`, '', `State: **${r.state}**. Started ${r.startedAt}${r.endedAt ? `, ended ${r.endedAt}` : ''}. Backend: ${mdText(r.backend)}.`];
  // Before everything else: a completed run with a useless model must not read like a success.
  const warnings = warningsMarkdown(r.metrics?.warnings);
  if (warnings) out.push('', warnings);
  if (r.dataset) out.push('', '## Dataset', '', datasetMarkdown(r.dataset));
  out.push(
    '',
    '## Configuration',
    '',
    table(
      ['setting', 'value'],
      [
        ['model', c.baseModel ? `fine-tuned from ${c.baseModel}${c.cutLayer ? ` (cut at ${c.cutLayer})` : ''}, base frozen ${c.freezeEpochs} epochs` : `${c.model}${c.pretrained ? ', started from the built-in base' : c.pretrained === false ? ', started from random weights' : ''}`],
        ['image size', `${c.imageSize}x${c.imageSize}`],
        ['epochs (max)', String(c.epochs)],
        ['batch size', String(c.batchSize)],
        ['learning rate (Adam)', `${c.learningRate}${c.lrSchedule === 'cosine' ? ', cosine schedule' : ''}`],
        ['early stopping patience', `${c.patience} (on validation ${c.selectBy === 'loss' ? 'loss' : 'ROC AUC, or macro-F1 with more than two classes'})`],
        ['seed', String(c.seed)],
        ['validation / test fraction', `${c.valFraction} / ${c.testFraction}`],
        ['class weighting', c.classWeighting + (r.classWeights ? ` (weights ${r.classWeights.map((w) => w.toFixed(3)).join(', ')})` : ' (off)')],
        ['loss', c.loss === 'focal' ? `focal (gamma ${c.focalGamma})` : 'categorical cross-entropy'],
        ['batches', c.sampling === 'balanced' ? 'class-balanced sampling' : 'shuffled'],
        ['augmentation', (c.augment ? 'on' : 'off') + (c.tta ? '; test-time mirror averaging' : '')],
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
        ['epoch', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'val_auc', 'val_macro_f1', 'seconds'],
        r.history.map((h) => [h.epoch === r.bestEpoch ? `**${h.epoch}** (best)` : String(h.epoch), f4(h.loss), f4(h.acc), f4(h.valLoss), f4(h.valAcc), h.valAuc === undefined ? '-' : f4(h.valAuc), h.valMacroF1 === undefined ? '-' : f4(h.valMacroF1), h.seconds.toFixed(1)]),
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
    if (m.threshold && m.atDefault) {
      const t = m.threshold;
      const d = m.atDefault;
      const how = thresholdHow(t);
      out.push(
        '',
        '### Decision threshold',
        '',
        `The figures above call an image "${m.classes[t.positiveClass]}" when its probability is at least **${f3(t.value)}** (${how}; on validation: sensitivity ${f3(t.valSensitivity)}, specificity ${f3(t.valSpecificity)}). predict and Classify X-ray use the same threshold.`,
        '',
        table(
          ['rule', 'accuracy', 'sensitivity', 'specificity', 'macro-F1'],
          [
            [`threshold ${f3(t.value)}`, f4(m.accuracy), f3(m.sensitivity ?? NaN), f3(m.specificity ?? NaN), f4(m.macroAvg.f1)],
            ['plain 0.5', f4(d.accuracy), f3(d.sensitivity ?? NaN), f3(d.specificity ?? NaN), f4(d.macroF1)],
          ],
        ),
      );
    }
    out.push(...figuresMarkdown(m));
    if (m.localization) {
      const l = m.localization;
      out.push('', `Grad-CAM pointing game: the heat-map peak lies inside the marked fracture box in ${l.hits} of ${l.total} held-out fractured images (${(100 * l.share).toFixed(1)}%).`);
    }
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
