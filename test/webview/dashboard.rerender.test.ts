// The dashboard while progress snapshots stream in (four a second during training), in real
// Chromium: a section whose data did not change is left alone, so what the user is doing in it
// (an opened list of skipped files, its scroll position, the focused file) survives.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { DatasetReport, RunRecord } from '../../src/engine/types';
import { DidChangeDashboardStateNotification, type DashboardState } from '../../src/protocol/webview';
import { batch, dataset, history, liveSequence, running } from './dashboardFixtures';
import { launchBrowser, openWebview, settle } from './harness';

const notify = (state: DashboardState) => DidChangeDashboardStateNotification.create({ state });

/** A dataset with many unreadable files, as a folder of exported scans often has. */
const manySkipped: DatasetReport = {
  ...dataset,
  skipped: Array.from({ length: 40 }, (_, i) => ({ path: `${dataset.root}/fractured/scan ${i}.dcm`, reason: 'not-an-image', detail: 'unsupported image format' })),
};

function snapshot(epochs: number, b: number, report: DatasetReport = manySkipped): DashboardState {
  const run: RunRecord = { ...running, dataset: report, history: history.slice(0, epochs), bestEpoch: epochs || undefined };
  const base = liveSequence()[0]!;
  return { ...base, run, lastBatch: batch(epochs + 1, b) };
}

describe('dashboard webview re-rendering', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('keeps the skipped-files list open, scrolled and focused while progress snapshots arrive', async () => {
    const view = await openWebview(browser, 'dashboard', { height: 700 });
    const page = view.page;
    await view.dispatch(notify(snapshot(1, 1)));
    await settle(page);

    // The user opens the list of skipped files, scrolls it and tabs to a file.
    await page.click('details.skipped summary');
    const list = page.locator('details.skipped ul');
    await list.evaluate((ul) => (ul.scrollTop = 150));
    const scrolled = await list.evaluate((ul) => ul.scrollTop);
    assert.ok(scrolled > 100, `the list scrolls (scrollTop ${scrolled})`);
    await page.locator('details.skipped li button', { hasText: 'scan 12.dcm' }).focus();

    for (let b = 2; b <= 12; b++) await view.dispatch(notify(snapshot(1, b)));
    await view.dispatch(notify(snapshot(2, 3)));
    await settle(page);

    assert.match((await page.textContent('.progress-text')) ?? '', /Epoch 3 of 20 · batch 3 of 48/, 'the snapshots were applied');
    assert.equal(await page.locator('details.skipped').evaluate((d) => (d as HTMLDetailsElement).open), true, 'the list stays open');
    assert.equal(await list.evaluate((ul) => ul.scrollTop), scrolled, 'the list keeps its scroll position');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'fractured/scan 12.dcm', 'the file keeps the focus');

    // A dataset that did change is shown anew.
    await view.dispatch(notify(snapshot(2, 4, { ...manySkipped, skipped: manySkipped.skipped.slice(0, 3) })));
    await settle(page);
    assert.equal(await page.locator('details.skipped li').count(), 3);
    assert.deepEqual(view.pageErrors, []);
    await view.close();
  });
});
