// How the default recipe does on radiographs it was never tuned on: sets drawn by bench/hardset.py,
// code that shares nothing with the built-in sample generator, with thin fracture lines and a 7% rare class.
// Each set trains radnet (default: from the built-in base), radnet from random weights, and the
// seed preset; rows give test ROC AUC, macro-F1 and the pointing game, the random start as baseline.
// Needs Debian's python3-numpy, python3-scipy and python3-pil.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrainConfig } from '../src/engine/config';
import { runTraining } from '../src/engine/runs/pipeline';
import type { BenchOptions } from './main';
import type { BenchRow } from './row';

type Report = (row: BenchRow) => void;
const section = 'generalise';

/** Two sets: transverse lines only, and every kind with growth plates and nutrient canals as look-alikes. */
const SETS = [
  { name: 'lines', args: ['--kinds', 'transverse:1', '--distractors', '0', '--width', '2.5', '--seed', '9'] },
  { name: 'mixed', args: ['--seed', '11'] },
];

const RECIPES: { name: string; config: Partial<TrainConfig> }[] = [
  { name: 'radnet from random weights', config: { pretrained: false } },
  { name: 'radnet (default, built-in base)', config: {} },
  { name: 'seed preset', config: { model: 'seed' } },
];

export async function benchGeneralise(report: Report, options: BenchOptions): Promise<void> {
  const count = options.quick ? 600 : 2000;
  const work = mkdtempSync(join(tmpdir(), 'fcnn-generalise-'));
  try {
    for (const set of SETS) {
      const folder = join(work, set.name);
      execFileSync('/usr/bin/python3', [join(__dirname, 'hardset.py'), folder, '--count', String(count), '--normal', '0.07', ...set.args], { stdio: 'inherit' });
      let baseline: { auc: number; f1: number } | undefined;
      for (const recipe of RECIPES) {
        const outcome = await runTraining({ datasetFolder: folder, runsFolder: join(work, 'runs'), cacheDir: join(work, 'cache'), config: { ...recipe.config, ...(options.quick ? { epochs: 6 } : {}) } });
        if (outcome.tag !== 'completed') throw new Error(`${recipe.name} on ${set.name}: ${outcome.tag}`);
        const m = outcome.run.metrics!;
        const auc = m.roc?.auc ?? NaN;
        const f1 = m.macroAvg.f1;
        const label = `${set.name} (${count} films, 7% not fractured), ${recipe.name}`;
        const vs = (v: number, b: number | undefined) => (b !== undefined ? { baseline: b, baselineName: 'radnet from random weights', ratio: v / b } : {});
        report({ section, name: `${label}: test ROC AUC`, value: auc, unit: '', ...vs(auc, baseline?.auc), note: `epochs ${outcome.run.history.length}, best ${outcome.run.bestEpoch}` });
        report({ section, name: `${label}: test macro-F1`, value: f1, unit: '', ...vs(f1, baseline?.f1), note: m.threshold ? `at threshold ${m.threshold.value.toFixed(3)}` : 'at 0.5' });
        if (m.localization) report({ section, name: `${label}: pointing game`, value: m.localization.share, unit: '', note: `${m.localization.hits}/${m.localization.total}` });
        baseline ??= { auc, f1 };
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
