// The "Export report" Markdown: the numbers of the run, and data that cannot break the table.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mdCell, reportMarkdown } from '../../webview/dashboard/markdown';
import { completed, running } from './dashboardFixtures';

describe('dashboard report Markdown', () => {
  it('holds the classification report, confusion matrix with shares, history and timings', () => {
    const md = reportMarkdown(completed);
    assert.match(md, /^# Fracture CNN run 20261124-180312-9a0e$/m);
    assert.match(md, /^\| fractured \| 0\.798 \| 0\.843 \| 0\.820 \| 108 \|$/m);
    assert.match(md, /^\| accuracy \| \| \| 0\.878 \| 327 \|$/m);
    assert.match(md, /^\| weighted avg \| 0\.880 \| 0\.878 \| 0\.879 \| 327 \|$/m);
    assert.match(md, /^\| not fractured \| 23 \(10\.5%\) \| 196 \(89\.5%\) \|$/m);
    assert.match(md, /ROC AUC 0\.931 \(positive class: fractured\)/);
    assert.match(md, /^- Best epoch \(weights kept\): 6$/m);
    assert.match(md, /^\| 10 \| 0\.231 \| 0\.917 \| 0\.507 \| 0\.798 \| 7\.6 \|$/m);
    assert.match(md, /total 86\.2 s/);
  });

  it('keeps class names with pipes or markup inside their cell, as text', () => {
    assert.equal(mdCell('a|b <img src=x onerror=alert(1)>'), 'a\\|b &lt;img src=x onerror=alert(1)&gt;');
    const hostile = { ...completed, metrics: { ...completed.metrics!, classes: ['x|y', '<b>z</b>'] } };
    const md = reportMarkdown(hostile);
    assert.match(md, /^\| x\\\|y \| 0\.798/m);
    assert.doesNotMatch(md, /<b>/);
  });

  it('describes a run still in training without a report section', () => {
    const md = reportMarkdown({ ...running, history: completed.history.slice(0, 2) });
    assert.match(md, /State: running/);
    assert.doesNotMatch(md, /Classification report/);
    assert.match(md, /^\| 2 \| 0\.588/m);
  });
});
