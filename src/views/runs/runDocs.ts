// Markdown documents the Runs view opens: a run's model summary, its confusion matrix, two runs
// side by side (its report is the engine's, src/engine/runs/reportMarkdown.ts). Built from run
// records only, without 'vscode', so the text is checked by plain node tests.
import { warningsMarkdown } from '../../engine/eval/healthText';
import { mdText } from '../../engine/runs/markdownText';
import type { PairedComparison } from '../../engine/eval/paired';
import type { EvalReport, RunRecord } from '../../engine/types';
import { decimal, formatDate, modelDescription, percent } from './runsModel';

/** Markdown table cells must not break the table or inject markup. */
export function cell(text: string | number | undefined): string {
  return text === undefined ? '–' : mdText(String(text));
}

function title(record: RunRecord): string {
  return `${formatDate(record.startedAt, true)} · ${record.backend}`;
}

export function confusionMarkdown(record: RunRecord): string {
  const m = record.metrics;
  const lines = [`# Confusion matrix — run ${cell(title(record))}`, ''];
  if (!m) return [...lines, 'This run has no test report.'].join('\n');
  const warnings = warningsMarkdown(m.warnings);
  if (warnings) lines.push(warnings, '');
  lines.push('Rows: true class. Columns: predicted class. Test split.', '');
  lines.push(`| true \\ predicted | ${m.classes.map(cell).join(' | ')} | recall |`);
  lines.push(`|---|${m.classes.map(() => '---:').join('|')}|---:|`);
  m.confusion.forEach((row, i) => {
    const cells = row.map((n, j) => (i === j ? `**${n}**` : String(n)));
    lines.push(`| ${cell(m.classes[i])} | ${cells.join(' | ')} | ${percent(m.perClass[i]?.recall)} |`);
  });
  lines.push(`| precision | ${m.perClass.map((c) => percent(c.precision)).join(' | ')} | |`);
  return lines.join('\n');
}

export function modelSummaryMarkdown(record: RunRecord, layers: LayerRow[] = []): string {
  const c = record.config;
  const lines = [
    `# Model — run ${cell(title(record))}`,
    '',
    `| | |`,
    `|---|---|`,
    `| Input | ${cell(modelDescription(record))} |`,
    `| Parameters | ${record.modelParams?.toLocaleString('en-US') ?? '–'} |`,
    `| Backend | ${cell(record.backend)} |`,
    `| Classes | ${cell(record.dataset?.classes.join(', ') ?? record.metrics?.classes.join(', '))} |`,
    `| Loss | ${cell(c ? (c.loss === 'focal' ? `focal (γ ${c.focalGamma})` : c.loss) : undefined)} |`,
    `| Optimiser | ${c ? `Adam, learning rate ${c.learningRate}` : '–'} |`,
    `| Batch size | ${c?.batchSize ?? '–'} |`,
    `| Epochs | ${record.history.length}${c ? ` of ${c.epochs}` : ''}${record.bestEpoch ? `, best ${record.bestEpoch}` : ''} |`,
    `| Class weights | ${cell(record.classWeights?.map((w) => w.toFixed(2)).join(', ') ?? 'none')} |`,
    `| Augmentation | ${c?.augment ? 'on' : 'off'} |`,
    `| Seed | ${c?.seed ?? '–'} |`,
  ];
  if (layers.length > 0) {
    lines.push('', '## Layers', '', '| layer | type | settings |', '|---|---|---|');
    for (const l of layers) lines.push(`| ${cell(l.name)} | ${cell(l.type)} | ${cell(l.settings)} |`);
  }
  return lines.join('\n');
}

export interface LayerRow {
  name: string;
  type: string;
  settings: string;
}

/** Layers from a tfjs model.json topology (whatever its nesting), for the model summary. */
export function layersFromTopology(modelJson: unknown): LayerRow[] {
  const topology = (modelJson as { modelTopology?: unknown })?.modelTopology ?? modelJson;
  const config = (topology as { model_config?: { config?: unknown }; config?: unknown })?.model_config?.config ?? (topology as { config?: unknown })?.config;
  const layers = (config as { layers?: unknown[] })?.layers ?? (Array.isArray(config) ? config : []);
  const keys = ['filters', 'kernel_size', 'strides', 'pool_size', 'units', 'activation', 'rate', 'padding'];
  return (layers as { class_name?: string; config?: Record<string, unknown> }[]).map((l) => ({
    name: String(l.config?.name ?? ''),
    type: String(l.class_name ?? ''),
    settings: keys
      .filter((k) => l.config?.[k] !== undefined && l.config?.[k] !== null)
      .map((k) => `${k} ${JSON.stringify(l.config?.[k])}`)
      .join(', '),
  }));
}

interface Row {
  name: string;
  a: number | string | undefined;
  b: number | string | undefined;
  /** How to print numbers; 'pct' also prints the difference in points. */
  format?: 'pct' | 'dec' | 'int' | 'sec';
}

function fmt(v: number | string | undefined, format: Row['format']): string {
  if (typeof v !== 'number') return cell(v);
  if (format === 'pct') return percent(v);
  if (format === 'dec') return decimal(v);
  if (format === 'sec') return `${v.toFixed(1)} s`;
  return String(v);
}

function diff(r: Row): string {
  if (typeof r.a !== 'number' || typeof r.b !== 'number') return '';
  const d = r.b - r.a;
  if (r.format === 'pct') return `${d >= 0 ? '+' : ''}${(d * 100).toFixed(1)} pt`;
  if (r.format === 'dec') return `${d >= 0 ? '+' : ''}${d.toFixed(3)}`;
  if (r.format === 'sec') return `${d >= 0 ? '+' : ''}${d.toFixed(1)} s`;
  return `${d >= 0 ? '+' : ''}${d}`;
}

function metricRows(a: RunRecord, b: RunRecord): Row[] {
  const ma: EvalReport | undefined = a.metrics;
  const mb: EvalReport | undefined = b.metrics;
  const rows: Row[] = [
    { name: 'Test accuracy', a: ma?.accuracy, b: mb?.accuracy, format: 'pct' },
    { name: 'Macro F1', a: ma?.macroAvg.f1, b: mb?.macroAvg.f1, format: 'dec' },
    { name: 'Weighted F1', a: ma?.weightedAvg.f1, b: mb?.weightedAvg.f1, format: 'dec' },
    { name: 'Test loss', a: ma?.loss, b: mb?.loss, format: 'dec' },
    { name: 'ROC AUC', a: ma?.roc?.auc, b: mb?.roc?.auc, format: 'dec' },
    { name: 'Sensitivity', a: ma?.sensitivity, b: mb?.sensitivity, format: 'pct' },
    { name: 'Specificity', a: ma?.specificity, b: mb?.specificity, format: 'pct' },
  ];
  const classes = [...new Set([...(ma?.classes ?? []), ...(mb?.classes ?? [])])];
  for (const name of classes) {
    const fa = ma ? ma.perClass[ma.classes.indexOf(name)]?.f1 : undefined;
    const fb = mb ? mb.perClass[mb.classes.indexOf(name)]?.f1 : undefined;
    rows.push({ name: `F1 ${name}`, a: fa, b: fb, format: 'dec' });
  }
  rows.push(
    { name: 'Misclassified', a: ma?.misclassified.length, b: mb?.misclassified.length, format: 'int' },
    { name: 'Epochs run', a: a.history.length, b: b.history.length, format: 'int' },
    { name: 'Best epoch', a: a.bestEpoch, b: b.bestEpoch, format: 'int' },
    { name: 'Training time', a: a.timings?.trainSeconds, b: b.timings?.trainSeconds, format: 'sec' },
    { name: 'Backend', a: a.backend, b: b.backend },
    { name: 'Image size', a: a.config?.imageSize, b: b.config?.imageSize, format: 'int' },
    { name: 'Learning rate', a: a.config?.learningRate, b: b.config?.learningRate },
    { name: 'Loss function', a: a.config?.loss, b: b.config?.loss },
    { name: 'Augmentation', a: a.config ? String(a.config.augment) : undefined, b: b.config ? String(b.config.augment) : undefined },
    { name: 'Dataset', a: a.datasetFolder, b: b.datasetFolder },
  );
  return rows;
}

const p4 = (p: number) => (p < 0.0001 ? '< 0.0001' : p.toFixed(4));

/** DeLong's and McNemar's tests on the images both runs were tested on, or why there are none. */
export function pairedMarkdown(paired: PairedComparison): string[] {
  const out = ['', '## Is B better than A?', ''];
  if ('notPaired' in paired) return [...out, `No paired tests: ${cell(paired.notPaired)}. They need both runs tested on the same images with the same classes.`];
  out.push(`Both runs were tested on the same ${paired.images} images.`, '', '| test | A | B | B − A | p-value |', '|---|---:|---:|---:|---:|');
  const d = paired.delong;
  if (d) {
    const sign = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(3)}`;
    out.push(`| ROC AUC (DeLong) | ${decimal(d.aucA)} | ${decimal(d.aucB)} | ${sign(d.difference)} (95% ${sign(d.interval[0])} to ${sign(d.interval[1])}) | ${p4(d.p)} |`);
  }
  const mc = paired.mcnemar;
  out.push(`| Accuracy (McNemar, exact) | ${percent(mc.accuracyA)} | ${percent(mc.accuracyB)} | ${(100 * (mc.accuracyB - mc.accuracyA)).toFixed(1)} pt | ${p4(mc.p)} |`);
  out.push('', `${mc.onlyA} images only A got right, ${mc.onlyB} only B. A p-value below 0.05 says a difference this large would be unlikely if the two models were equally good on images like these.`);
  return out;
}

/** Two runs' key metrics side by side, with the change from the first to the second, and the paired tests when available. */
export function compareMarkdown(a: RunRecord, b: RunRecord, paired?: PairedComparison): string {
  const lines = [
    `# Compare runs`,
    '',
    `A: ${cell(title(a))} (${cell(a.id)}) — B: ${cell(title(b))} (${cell(b.id)})`,
    '',
    `| | A | B | B − A |`,
    `|---|---:|---:|---:|`,
  ];
  for (const r of metricRows(a, b)) lines.push(`| ${cell(r.name)} | ${fmt(r.a, r.format)} | ${fmt(r.b, r.format)} | ${diff(r)} |`);
  if (paired) lines.push(...pairedMarkdown(paired));
  return lines.join('\n');
}
