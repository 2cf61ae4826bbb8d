// The dashboard during training, in real Chromium: handshake, live curves, progress, run picker,
// theme changes. Screenshots land in test-artifacts/webview/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DidChangeDashboardStateNotification, type DashboardState } from '../../src/protocol/webview';
import { completed, liveSequence } from './dashboardFixtures';
import { inkPixels, launchBrowser, openWebview, settle, type WebviewHarness } from './harness';

const notify = (state: DashboardState) => DidChangeDashboardStateNotification.create({ state });

describe('dashboard webview while a model trains', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  async function open(theme: 'light' | 'dark' = 'light', savedState?: unknown): Promise<WebviewHarness> {
    return openWebview(browser, 'dashboard', { theme, savedState });
  }

  it('says ready to the host as soon as it loads, and nothing else', async () => {
    const view = await open();
    const posted = await view.posted();
    assert.deepEqual(posted, [{ method: 'webview/ready', params: {} }]);
    await view.close();
  });

  it('draws the loss and accuracy curves from each snapshot and shows batch progress with an ETA', async () => {
    const view = await open('light');
    const [scanned, ...epochs] = liveSequence();
    await view.dispatch(notify(scanned!));
    await settle(view.page);
    assert.match(await view.page.textContent('.progress-text') ?? '', /Starting the first epoch/);
    for (const s of epochs) await view.dispatch(notify(s));
    await settle(view.page);

    for (const canvas of ['#curves canvas[aria-label^="Loss"]', '#curves canvas[aria-label^="Accuracy"]']) {
      const { ink, total } = await inkPixels(view.page, canvas);
      assert.ok(ink > total * 0.01, `${canvas}: ${ink} of ${total} pixels drawn`);
    }
    assert.match(
      (await view.page.getAttribute('#curves canvas[aria-label^="Loss"]', 'aria-label')) ?? '',
      /epoch 3: training 0\.502, validation 0\.523/,
    );
    const text = (await view.page.textContent('.progress-text')) ?? '';
    assert.match(text, /Epoch 4 of 20 · batch 12 of 48/);
    assert.match(text, /about \d+ min \d+ s left/);
    const value = await view.page.$eval('.progress progress', (p) => (p as HTMLProgressElement).value);
    assert.ok(Math.abs(value - (3 * 48 + 12) / (20 * 48)) < 1e-9, `progress ${value}`);
    assert.equal(await view.page.textContent('.state-badge'), 'Training');
    assert.equal(await view.page.isVisible('#report'), false, 'no report before training ends');
    await view.screenshot('dashboard-training-light.png');
    assert.deepEqual(view.pageErrors, []);
    assert.deepEqual(await view.cspViolations(), []);
    await view.close();
  });

  it('shows the history so far when opened in the middle of a training (one snapshot replays it)', async () => {
    const view = await open('dark');
    const last = liveSequence().at(-1)!;
    await view.dispatch(notify(last));
    await settle(view.page);
    const { ink, total } = await inkPixels(view.page, '#curves canvas[aria-label^="Loss"]');
    assert.ok(ink > total * 0.01, `curves drawn from the replayed history (${ink} px)`);
    assert.match((await view.page.textContent('.markers-note')) ?? '', /best so far: epoch 3/);
    await view.screenshot('dashboard-training-dark.png');
    await view.close();
  });

  it('posts SelectRunCommand when the user picks another run, and remembers it with setState', async () => {
    const view = await open();
    await view.dispatch(notify(liveSequence().at(-1)!));
    await settle(view.page);
    await view.page.click('#run-picker');
    await view.page.click(`#run-picker vscode-option[value="${completed.id}"]`);
    const params = await view.waitForPosted<{ runId: string }>('dashboard/selectRun');
    assert.deepEqual(params, { runId: completed.id });
    const saved = await view.page.evaluate(() => (window as unknown as { __state: unknown }).__state);
    assert.deepEqual(saved, { selectedRunId: completed.id });
    await view.close();
  });

  it('asks again for the run it showed before a reload', async () => {
    const view = await open('light', { selectedRunId: completed.id });
    const posted = await view.posted();
    assert.deepEqual(
      posted.map((m) => m.method),
      ['webview/ready', 'dashboard/selectRun'],
    );
    assert.deepEqual(posted[1]!.params, { runId: completed.id });
    await view.close();
  });

  it('redraws the curves in the new colours when VS Code switches theme', async () => {
    const view = await open('light');
    await view.dispatch(notify(liveSequence().at(-1)!));
    await settle(view.page);
    // Pixels of exactly the theme's --vscode-charts-blue (the training curve and its points).
    const pixelsOf = (rgb: number[]) =>
      view.page.$eval(
        '#curves canvas',
        (c, [r, g, b]) => {
          const { data } = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height);
          let n = 0;
          for (let i = 0; i < data.length; i += 4) if (data[i] === r && data[i + 1] === g && data[i + 2] === b && data[i + 3] === 255) n++;
          return n;
        },
        rgb,
      );
    const lightBlue = [0x1a, 0x85, 0xff];
    const darkBlue = [0x37, 0x94, 0xff];
    assert.ok((await pixelsOf(lightBlue)) > 20);
    assert.equal(await pixelsOf(darkBlue), 0);
    await view.setTheme('dark');
    await settle(view.page);
    assert.ok((await pixelsOf(darkBlue)) > 20, 'the curve is drawn in the dark theme blue');
    assert.equal(await pixelsOf(lightBlue), 0, 'nothing is left in the light theme blue');
    await view.close();
  });

  it('stays readable in a narrow panel: the cards stack in one column', async () => {
    const view = await openWebview(browser, 'dashboard', { theme: 'dark', width: 420, height: 900 });
    await view.dispatch(notify(liveSequence().at(-1)!));
    await settle(view.page);
    const overflow = await view.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
    await view.screenshot('dashboard-training-narrow-dark.png');
    await view.close();
  });

  it('offers to train a model when the workspace has no runs, and shows problems as text', async () => {
    const view = await open('dark');
    await view.dispatch(notify({ runs: [], imageUris: {}, problem: 'Could not list runs: <b>EACCES</b>' }));
    await settle(view.page);
    assert.equal(await view.page.isVisible('.empty-state'), true);
    assert.equal(await view.page.textContent('.problem'), 'Could not list runs: <b>EACCES</b>');
    await view.page.click('.empty-state vscode-button');
    assert.deepEqual(await view.waitForPosted('webview/trainModel'), {});
    assert.equal(await view.page.isVisible('#run-picker'), false);
    await view.close();
  });

  it('shows a failed run with its error and without a progress bar', async () => {
    const view = await open('light');
    const last = liveSequence().at(-1)!;
    const failed = { ...last.run!, state: 'failed' as const, error: 'Out of memory while decoding <huge>.png' };
    await view.dispatch(notify({ ...last, run: failed, lastBatch: undefined }));
    await settle(view.page);
    assert.equal(await view.page.textContent('.state-badge'), 'Failed');
    assert.equal(await view.page.textContent('.status .error'), 'Out of memory while decoding <huge>.png');
    assert.equal(await view.page.isVisible('.progress'), false);
    assert.equal(await view.page.isVisible('#curves'), true, 'the epochs it did run stay visible');
    await view.close();
  });
});
