// `fracture-cnn demo` (npm run demo): trains the default model and the seed preset on the same
// data (the built-in sample set unless a folder is given) and prints their figures side by side.
import type { RunRecord } from '../engine/types';
import type { DemoCommand } from './args';
import { EXIT } from './exitCodes';
import { runTrainCommand } from './trainCommand';

interface Row {
  name: string;
  value: (run: RunRecord) => string;
}

const f = (v: number | undefined, digits = 3) => (v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits));

function rareRecall(run: RunRecord): string {
  const m = run.metrics;
  if (!m) return 'n/a';
  let rare = 0;
  m.perClass.forEach((c, i) => {
    if (c.support < m.perClass[rare].support) rare = i;
  });
  return `${f(m.perClass[rare].recall)} (${m.classes[rare]}, ${m.perClass[rare].support} images)`;
}

const ROWS: Row[] = [
  { name: 'parameters', value: (r) => (r.modelParams ?? 0).toLocaleString('en-US') },
  { name: 'input', value: (r) => `${r.config.imageSize} px` },
  { name: 'epochs run (kept)', value: (r) => `${r.history.length} (${r.bestEpoch ?? '-'})` },
  { name: 'test accuracy', value: (r) => f(r.metrics?.accuracy) },
  { name: 'test macro-F1', value: (r) => f(r.metrics?.macroAvg.f1) },
  { name: 'test ROC AUC', value: (r) => f(r.metrics?.roc?.auc) },
  { name: 'recall of the rarest class', value: rareRecall },
  { name: 'sensitivity / specificity', value: (r) => `${f(r.metrics?.sensitivity)} / ${f(r.metrics?.specificity)}` },
  { name: 'decision threshold', value: (r) => (r.metrics?.threshold ? f(r.metrics.threshold.value) : '0.5 (argmax)') },
  { name: 'macro-F1 at 0.5', value: (r) => f(r.metrics?.atDefault?.macroF1 ?? r.metrics?.macroAvg.f1) },
  { name: 'Grad-CAM pointing game', value: (r) => (r.metrics?.localization ? `${f(r.metrics.localization.share)} (${r.metrics.localization.hits}/${r.metrics.localization.total})` : 'n/a') },
  { name: 'model warnings', value: (r) => (r.metrics?.warnings?.length ? r.metrics.warnings.map((w) => w.code).join(', ') : 'none') },
  { name: 'seconds per epoch', value: (r) => f(r.history.reduce((a, h) => a + h.seconds, 0) / Math.max(1, r.history.length), 2) },
];

export function comparisonTable(runs: { label: string; run: RunRecord }[]): string {
  const nameW = Math.max(...ROWS.map((r) => r.name.length));
  const cells = ROWS.map((row) => runs.map((x) => row.value(x.run)));
  const colW = runs.map((x, j) => Math.max(x.label.length, ...cells.map((c) => c[j].length)));
  const line = (name: string, values: string[]) => `  ${name.padEnd(nameW)}  ${values.map((v, j) => v.padEnd(colW[j])).join('  ')}`.trimEnd();
  return [line('', runs.map((x) => x.label)), ...ROWS.map((row, i) => line(row.name, cells[i]))].join('\n') + '\n';
}

export async function demoCommand(cmd: DemoCommand): Promise<number> {
  const results: { label: string; run: RunRecord }[] = [];
  for (const model of ['radnet', 'seed'] as const) {
    process.stdout.write(`\n=== ${model === 'radnet' ? 'Default model (radnet)' : 'Seed preset (the original student CNN)'} ===\n`);
    const { code, outcome } = await runTrainCommand({ command: 'train', folder: cmd.folder, runsDir: cmd.runsDir, cacheDir: cmd.cacheDir, json: false, config: { ...cmd.config, model } });
    if (code !== EXIT.ok || outcome?.tag !== 'completed') return code;
    results.push({ label: model === 'radnet' ? 'radnet (default)' : 'seed', run: outcome.run });
  }
  process.stdout.write(`\nSame data, same split, held-out test images:\n${comparisonTable(results)}`);
  return EXIT.ok;
}
