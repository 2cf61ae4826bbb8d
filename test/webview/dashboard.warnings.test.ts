// A run that completed with a useless model, in real Chromium: the badge is not the green of
// success, and a card says what is wrong and what to try. A good run keeps the plain badge. The
// run picker names what each run is.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DidChangeDashboardStateNotification } from '../../src/protocol/webview';
import type { DashboardState } from '../../src/protocol/webview';
import { reportMarkdown } from '../../src/engine/runs/reportMarkdown';
import { completedState, useless, uselessState } from './dashboardFixtures';
import { launchBrowser, openWebview, settle, type WebviewHarness } from './harness';
import type { ThemeKind } from './vscodeThemes';

/** The badge's background and the theme colours it should or should not be, as computed colours. */
const BADGE_COLOURS = `(() => {
  const probe = (value) => {
    const d = document.createElement('div');
    d.style.backgroundColor = value;
    document.body.append(d);
    const c = getComputedStyle(d).backgroundColor;
    d.remove();
    return c;
  };
  const css = getComputedStyle(document.documentElement);
  return {
    badge: getComputedStyle(document.querySelector('.state-badge')).backgroundColor,
    green: probe(css.getPropertyValue('--vscode-charts-green')),
    orange: probe(css.getPropertyValue('--vscode-charts-orange')),
  };
})()`;

describe('dashboard webview: a model that is not usable', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  async function open(state: DashboardState, theme: ThemeKind = 'dark'): Promise<WebviewHarness> {
    const view = await openWebview(browser, 'dashboard', { theme, width: 1200 });
    await view.dispatch(DidChangeDashboardStateNotification.create({ state }));
    await settle(view.page);
    return view;
  }

  it('shows "completed - model not usable" in warning colours, with each warning and what to try in a card', async () => {
    const view = await open(uselessState());
    assert.equal(await view.page.textContent('.state-badge'), 'Completed · model not usable');
    const colours = (await view.page.evaluate(BADGE_COLOURS)) as { badge: string; green: string; orange: string };
    assert.notEqual(colours.badge, colours.green, 'not the green of success');
    assert.equal(colours.badge, colours.orange);

    assert.equal(await view.page.isVisible('#model-warnings'), true);
    assert.equal(await view.page.textContent('#model-warnings h2'), 'Warning: this model is not usable as it stands');
    const shown = await view.page.$$eval('#model-warnings .model-warning', (items) =>
      items.map((li) => ({ code: li.getAttribute('data-code'), message: li.querySelector('.warning-message')?.textContent, suggestion: li.querySelector('.warning-suggestion')?.textContent })),
    );
    const warnings = useless.metrics?.warnings ?? [];
    assert.deepEqual(
      shown,
      warnings.map((w) => ({ code: w.code, message: w.message, suggestion: `Try: ${w.suggestion}` })),
    );
    assert.ok(shown.some((w) => w.code === 'one-class') && shown.some((w) => w.code === 'class-never-found'));
    const options = await view.page.$$eval('#run-picker vscode-option', (os) => os.map((o) => o.textContent?.trim()));
    assert.match(options[0] ?? '', /· completed, model not usable · accuracy 33\.0%$/);
    assert.match(options[1] ?? '', /· completed · accuracy 87\.8%$/);
    // Above the charts, where it is seen first.
    const [cardTop, gridTop] = await view.page.evaluate(() => [document.querySelector('#model-warnings')!.getBoundingClientRect().top, document.querySelector('.grid')!.getBoundingClientRect().top]);
    assert.ok(cardTop < gridTop);
    assert.deepEqual(view.pageErrors, []);
    assert.deepEqual(await view.cspViolations(), []);
    await view.screenshot('dashboard-model-not-usable-dark.png');
    await view.close();
  });

  it('labels cross-validation runs in the run picker: the summary and each fold', async () => {
    const base = completedState();
    const [one, two] = [base.runs[1], { ...base.runs[1], id: `${base.runs[1].id}-b` }];
    const runs = [
      { ...one, id: 'cv-summary', crossValidation: { folds: 2, runIds: [one.id, two.id], completed: 2, figures: [] } },
      { ...one, fold: { index: 0, count: 2, group: 'cv-summary' } },
      { ...two, fold: { index: 1, count: 2, group: 'cv-summary' } },
    ];
    const view = await open({ ...base, runs });
    const options = await view.page.$$eval('#run-picker vscode-option', (os) => os.map((o) => o.textContent?.trim()));
    assert.match(options[0] ?? '', / · 2-fold cross-validation summary · completed/);
    assert.match(options[1] ?? '', / · fold 1\/2 · completed · accuracy /);
    assert.match(options[2] ?? '', / · fold 2\/2 · completed · accuracy /);
    assert.deepEqual(view.pageErrors, []);
    await view.close();
  });

  it('keeps the plain green "Completed" badge and no warning card for a model without warnings', async () => {
    const view = await open(completedState(), 'light');
    assert.equal(await view.page.textContent('.state-badge'), 'Completed');
    const colours = (await view.page.evaluate(BADGE_COLOURS)) as { badge: string; green: string; orange: string };
    assert.equal(colours.badge, colours.green);
    assert.equal(await view.page.isVisible('#model-warnings'), false);
    // Switching to the useless run and back updates both.
    await view.dispatch(DidChangeDashboardStateNotification.create({ state: uselessState() }));
    await settle(view.page);
    assert.equal(await view.page.isVisible('#model-warnings'), true);
    await view.dispatch(DidChangeDashboardStateNotification.create({ state: completedState() }));
    await settle(view.page);
    assert.equal(await view.page.isVisible('#model-warnings'), false);
    assert.equal(await view.page.textContent('.state-badge'), 'Completed');
    await view.close();
  });

  it('puts the warnings at the top of the exported Markdown report', () => {
    const md = reportMarkdown(useless);
    const at = md.indexOf('## Warning: this model is not usable as it stands');
    assert.ok(at > 0 && at < md.indexOf('## Test split'));
    assert.ok(md.includes('Try: '));
  });
});
