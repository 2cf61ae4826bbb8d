// The operating point in real Chromium: the threshold slider recomputes the confusion matrix,
// sensitivity, specificity, PPV and NPV from the run's test scores and moves a marker on the ROC
// and precision-recall curves; "Use this threshold" asks the host to store it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DidChangeDashboardStateNotification, DidUseThresholdNotification } from '../../src/protocol/webview';
import { completed, completedState, tenClass, tenClassState } from './dashboardFixtures';
import { inkPixels, launchBrowser, openWebview, settle, type WebviewHarness } from './harness';
import type { ThemeKind } from './vscodeThemes';

const ts = completed.metrics!.testScores!;

/** Counts at a threshold, by the definition (score >= threshold is called fractured), independent of the page's code. */
function expected(t: number) {
  let tp = 0, fn = 0, fp = 0, tn = 0;
  ts.scores.forEach((s, i) => (ts.positive[i] ? (s >= t ? tp++ : fn++) : s >= t ? fp++ : tn++));
  return { tp, fn, fp, tn };
}

async function counts(page: Page): Promise<number[][]> {
  const cells = await page.$$eval('#confusion td.cell .count', (n) => n.map((x) => Number(x.textContent)));
  return [cells.slice(0, 2), cells.slice(2, 4)];
}

async function slide(page: Page, value: number): Promise<void> {
  await page.$eval('#operating input[type=range]', (input, v) => {
    (input as HTMLInputElement).value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

describe('dashboard operating point', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  async function open(theme: ThemeKind = 'light'): Promise<WebviewHarness> {
    const view = await openWebview(browser, 'dashboard', { theme, width: 1200, height: 2600 });
    await view.dispatch(DidChangeDashboardStateNotification.create({ state: completedState() }));
    await settle(view.page);
    return view;
  }

  it('changes the confusion matrix, sensitivity, specificity, PPV and NPV live as the slider moves', async () => {
    const view = await open();
    assert.deepEqual(await counts(view.page), completed.metrics!.confusion, 'starts at the model\'s threshold (0.5)');
    for (const t of [0.3, 0.8, 0.5]) {
      await slide(view.page, t);
      const e = expected(t);
      assert.deepEqual(await counts(view.page), [[e.tp, e.fn], [e.fp, e.tn]], `confusion at ${t}`);
      const figure = (name: string) => view.page.textContent(`#operating dd[data-figure="${name}"]`);
      assert.match((await figure('sensitivity')) ?? '', new RegExp(`^${((100 * e.tp) / (e.tp + e.fn)).toFixed(1)}% \\(${e.tp} of 108 fractured\\)`));
      assert.match((await figure('specificity')) ?? '', new RegExp(`^${((100 * e.tn) / (e.tn + e.fp)).toFixed(1)}% \\(${e.tn} of 219\\)`));
      assert.match((await figure('ppv')) ?? '', new RegExp(`^${((100 * e.tp) / (e.tp + e.fp)).toFixed(1)}% `));
      assert.match((await figure('npv')) ?? '', new RegExp(`^${((100 * e.tn) / (e.tn + e.fn)).toFixed(1)}% `));
      assert.equal(await view.page.textContent('#operating output'), t.toFixed(3));
      assert.equal(await view.page.textContent('#operating label span'), 'Threshold on P(fractured) ');
    }
    const before = await view.page.$eval('#roc canvas', (c) => (c as HTMLCanvasElement).toDataURL());
    await slide(view.page, 0.2);
    assert.notEqual(await view.page.$eval('#roc canvas', (c) => (c as HTMLCanvasElement).toDataURL()), before, 'the ROC marker moved');
    assert.deepEqual(view.pageErrors, []);
    await view.close();
  });

  it('asks the host to store the chosen threshold and shows its answer', async () => {
    const view = await open();
    await slide(view.page, 0.42);
    await view.page.click('#operating vscode-button');
    assert.deepEqual(await view.waitForPosted('dashboard/useThreshold'), { runId: completed.id, value: 0.42 });
    await view.dispatch(DidUseThresholdNotification.create({ message: 'Stored threshold 0.420 with the model.' }));
    assert.equal(await view.page.textContent('#operating .use-status'), 'Stored threshold 0.420 with the model.');
    await view.close();
  });

  it('shows the precision-recall curve, the reliability diagram and the intervals table', async () => {
    const view = await open();
    const m = completed.metrics!;
    assert.match((await view.page.textContent('#pr .ap')) ?? '', new RegExp(`Average precision ${m.pr!.averagePrecision.toFixed(3)} · prevalence 0\\.330`));
    assert.match((await view.page.textContent('#reliability .calibration')) ?? '', new RegExp(`Brier score ${m.calibration!.brier.toFixed(4)} · expected calibration error ${m.calibration!.ece.toFixed(4)}`));
    for (const id of ['#pr canvas', '#reliability canvas']) {
      const ink = await inkPixels(view.page, id);
      assert.ok(ink.ink > ink.total * 0.01, `${id} drawn (${ink.ink} px)`);
    }
    const rows = await view.page.$$eval('#report table.figure-intervals tbody tr', (trs) => trs.map((tr) => Array.from(tr.children).map((c) => c.textContent)));
    const auc = m.intervals!.auc!;
    assert.deepEqual(rows.find((r) => r[0] === 'ROC AUC'), ['ROC AUC', m.roc!.auc.toFixed(3), `${auc[0].toFixed(3)} – ${auc[1].toFixed(3)}`]);
    assert.equal(rows.length, 6 + 3 * 2);
    await view.close();
  });

  it('shows a 10-class run without two-class sections: intervals for every class and the top-class reliability diagram', async () => {
    const view = await openWebview(browser, 'dashboard', { theme: 'dark', width: 1200, height: 2600 });
    await view.dispatch(DidChangeDashboardStateNotification.create({ state: tenClassState() }));
    await settle(view.page);
    assert.deepEqual(view.pageErrors, []);
    const hidden = await view.page.$$eval('#operating, #roc, #pr, #reliability', (n) => n.map((x) => `${x.id}:${(x as HTMLElement).hidden}`));
    assert.deepEqual(hidden, ['operating:true', 'roc:true', 'pr:true', 'reliability:false']);
    const rows = await view.page.$$eval('#report table.figure-intervals tbody tr', (trs) => trs.map((tr) => tr.children[0]!.textContent));
    assert.equal(rows.length, 3 + 3 * 10);
    assert.ok(rows.includes('class 9 recall'));
    assert.equal(await view.page.$$eval('#confusion td.cell', (n) => n.length), 100);
    assert.match((await view.page.textContent('#reliability .calibration')) ?? '', new RegExp(`Brier score ${tenClass.metrics!.calibration!.brier.toFixed(4)} .* top class`));
    await view.screenshot('dashboard-ten-classes-dark.png');
    await view.close();
  });

  it('shows groups by path on the dataset card, with the groups that straddle the given splits, and the kernels that trained', async () => {
    const view = await openWebview(browser, 'dashboard', { theme: 'light', width: 1200 });
    const state = completedState();
    const straddling = [
      { key: 'patient00011', splits: ['train' as const, 'test' as const] },
      { key: '<b>p2</b>', splits: ['val' as const, 'test' as const] },
    ];
    state.run = { ...completed, kernels: 'native avx2+fma', dataset: { ...completed.dataset!, layout: 'presplit', pathGroups: { spec: 'folder:1', count: 240, images: 700, straddling } } };
    await view.dispatch(DidChangeDashboardStateNotification.create({ state }));
    await settle(view.page);
    const facts = await view.page.$$eval('#dataset dl dt, #dataset dl dd', (n) => n.map((x) => x.textContent).join('|'));
    assert.match(facts, /Groups by path\|240 groups of 2 or more images \(700 images\), by folder:1/);
    // Which kernels trained the run: a threefold difference in time, so the card says it.
    assert.match(facts, /Backend\|wasm, native avx2\+fma kernels\|/);
    assert.match((await view.page.textContent('.status .meta')) ?? '', /backend wasm \(native avx2\+fma kernels\)/);
    assert.equal(await view.page.textContent('#dataset .straddling summary'), '2 group(s) in more than one of the given splits');
    assert.deepEqual(await view.page.$$eval('#dataset .straddling li', (n) => n.map((x) => x.textContent)), ['patient00011 in train, test', '<b>p2</b> in val, test']);
    assert.equal(await view.page.$$eval('#dataset .straddling b', (n) => n.length), 0, 'a group key stays text');
    await view.close();
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`draws the operating point, PR curve and reliability diagram in the ${theme} theme (screenshot)`, async () => {
      const view = await open(theme);
      await slide(view.page, 0.35);
      await view.screenshot(`dashboard-operating-${theme}.png`);
      await view.close();
    });
  }
});
