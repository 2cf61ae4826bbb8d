// The one report text (report.md, the Runs view's report, the dashboard's export): the run's
// numbers, and names, paths and messages that stay text whatever they hold.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mdBlock, mdCode, mdText } from '../../src/engine/runs/markdownText';
import { reportMarkdown } from '../../src/engine/runs/reportMarkdown';
import type { RunRecord } from '../../src/engine/types';
import { completed, running } from '../webview/dashboardFixtures';
import { resultsText } from '../../src/cli/print';
import { computeEvalReport } from '../../src/engine/eval/metrics';
import { binaryPredictions, multiclassPredictions, type Predictions } from './helpers/predictions';

const runOf = (p: Predictions): RunRecord => ({
  ...completed,
  dataset: undefined,
  metrics: computeEvalReport({ classes: p.classes, labels: p.labels, probabilities: p.probabilities, paths: p.paths, loss: 0.5, seed: 9 }),
});
const iv = (i: [number, number] | undefined) => `[${i![0].toFixed(4)}, ${i![1].toFixed(4)}]`;

/** The Markdown without fenced blocks and code spans, where HTML is shown as text anyway. */
function outsideCode(md: string): string {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of md.split('\n')) {
    const open = /^(`{3,})/.exec(line)?.[1];
    if (fence) {
      if (line === fence) fence = undefined;
    } else if (open) fence = open;
    else lines.push(line.replace(/(`+)[\s\S]*?\1/g, ''));
  }
  return lines.join('\n');
}

/** Cells of a Markdown table row, split at pipes that are not escaped. */
const cells = (row: string): string[] => row.replace(/^\||\|$/g, '').split(/(?<!\\)\|/);

describe('report Markdown', () => {
  it('holds the dataset, configuration, curves, test report, confusion matrix and timings', () => {
    const md = reportMarkdown(completed);
    assert.match(md, /^# Fracture CNN run 20261124-180312-9a0e$/m);
    for (const part of ['## Dataset', '## Configuration', '## Training curves', '## Test split', '## Timings']) assert.ok(md.includes(part), part);
    assert.match(md, /^ {4}fractured {7}0\.80 {6}0\.84 {6}0\.82 {7}108$/m, 'scikit-learn layout');
    assert.match(md, /^\| \*\*6\*\* \(best\) \| 0\.3510 \|/m);
    assert.match(md, /ROC AUC \(positive class "fractured"\): 0\.950/);
    assert.match(md, /Early stopping ended training after epoch 10; the weights of epoch 6 were kept/);
  });

  it('describes a run still in training without a test section', () => {
    const md = reportMarkdown({ ...running, history: completed.history.slice(0, 2) });
    assert.match(md, /State: \*\*running\*\*/);
    assert.doesNotMatch(md, /## Test split/);
    assert.match(md, /^\| 2 \| 0\.5880/m);
  });

  it('keeps hostile class names, paths and messages as text: no HTML, no broken table, no escaped code span', () => {
    const classes = ['x|y', '<img src=x onerror=alert(1)>'];
    const path = '/data/odd `name`|\nscan.png';
    const hostile: RunRecord = {
      ...completed,
      dataset: { ...completed.dataset!, classes, root: '/data/`tick`', skipped: [{ path, reason: 'not-an-image', detail: '<b>bad</b>\nsecond line' }] },
      metrics: { ...completed.metrics!, classes, misclassified: [{ path, trueIndex: 0, predIndex: 1, confidence: 0.9 }] },
      error: 'failed:\n<script>alert(1)</script> **bold** [link](http://x)',
    };
    const md = reportMarkdown(hostile);
    assert.doesNotMatch(outsideCode(md), /<(img|b|script)\b/, 'no raw HTML outside code');
    const countsRow = md.split('\n').find((l) => l.startsWith('| x'))!;
    assert.deepEqual(cells(countsRow).map((c) => c.trim()), ['x\\|y', '504', '108', '108', '720'], 'the pipe stays inside its cell');
    assert.ok(md.includes('- ``/data/odd `name`| scan.png``: not-an-image (&lt;b&gt;bad&lt;/b&gt; second line)'), 'a path with backticks and a newline is one code span');
    assert.ok(md.includes('Folder: `` /data/`tick` `` '));
    assert.match(md, /^failed: &lt;script&gt;alert\(1\)&lt;\/script&gt; \\\*\\\*bold\\\*\\\* \\\[link\\\]\(http:\/\/x\)$/m, 'the error is one line of text');
    assert.match(md, /predicted as &lt;img src=x onerror=alert\(1\)&gt; \(90\.0%\)/);
  });

  it('gives every figure its bootstrap interval and the calibration bins, in report.md and the terminal', () => {
    const run = runOf(binaryPredictions(329, 15, 3));
    const m = run.metrics!;
    const md = reportMarkdown(run);
    const cli = resultsText(run, '/runs/x');
    assert.ok(md.includes(`| ROC AUC | ${m.roc!.auc.toFixed(4)} | ${iv(m.intervals!.auc)} |`), 'AUC with its interval');
    assert.ok(md.includes(`| Cohen's kappa | ${m.kappa!.toFixed(4)} | ${iv(m.intervals!.kappa)} |`));
    assert.ok(md.includes(`| not, "fractured" recall | ${m.perClass[1].recall.toFixed(4)} | ${iv(m.intervals!.perClass[1].recall)} |`));
    assert.match(md, /percentiles of 2000 bootstrap resamples of the test split, drawn within each true class \(seed 9\)/);
    assert.ok(md.includes(`Brier score ${m.calibration!.brier.toFixed(4)}, expected calibration error ${m.calibration!.ece.toFixed(4)}`));
    assert.ok(md.includes(`average precision ${m.pr!.averagePrecision.toFixed(4)}`));
    const bin = m.calibration!.bins.at(-1)!;
    assert.ok(md.includes(`| 0.933-1.000 | ${bin.count} | ${bin.meanPredicted.toFixed(3)} | ${bin.observed.toFixed(3)} |`), 'the reliability bins');
    assert.match(cli, new RegExp(`ROC AUC +${m.roc!.auc.toFixed(4)} +\\${iv(m.intervals!.auc).replace(']', '\\]')}`));
  });

  it('renders a 10-class run: intervals for every class, no two-class figures', () => {
    const run = runOf(multiclassPredictions(10, 400, 2));
    const m = run.metrics!;
    const md = reportMarkdown(run);
    for (let k = 0; k < 10; k++) assert.ok(md.includes(`| class ${k} F1 | ${m.perClass[k].f1.toFixed(4)} | ${iv(m.intervals!.perClass[k].f1)} |`), `class ${k}`);
    assert.doesNotMatch(md.slice(md.indexOf('## Test split')), /ROC AUC|sensitivity|average precision/);
    assert.match(md, /of the top class; Brier summed over classes/);
    assert.match(resultsText(run, '/runs/x'), /class 9 recall +\d\.\d{4} +\[/);
  });

  it('escapes one way everywhere', () => {
    assert.equal(mdText('a|b <i>&\n_c_ `d` #1'), 'a\\|b &lt;i&gt;&amp; \\_c\\_ \\`d\\` \\#1');
    assert.equal(mdCode('plain'), '`plain`');
    assert.equal(mdCode('a``b'), '```a``b```');
    assert.equal(mdCode('a|b', true), '`a\\|b`');
    assert.deepEqual(mdBlock('x\n```\ny\n'), ['````', 'x\n```\ny', '````']);
  });
});
