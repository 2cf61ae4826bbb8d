// The dashboard after training, in real Chromium: report numbers, confusion matrix, ROC, hostile
// file names, thumbnails and exports. Screenshots land in test-artifacts/webview/.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { reportMarkdown } from '../../src/engine/runs/reportMarkdown';
import { DidChangeDashboardStateNotification, DidExportNotification } from '../../src/protocol/webview';
import { completed, completedState, HOSTILE_NAME } from './dashboardFixtures';
import { ARTIFACTS, inkPixels, launchBrowser, openWebview, settle, type WebviewHarness } from './harness';
import type { ThemeKind } from './vscodeThemes';

/** Small X-ray-like grey gradients, served as the thumbnails' webview URIs. */
async function thumbnails(): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  for (let i = 0; i < 4; i++) {
    const size = 96;
    const raw = Buffer.alloc(size * size);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const bone = Math.abs(x - size / 2 - (y - size / 2) * 0.3 * (i - 1.5)) < 10 ? 150 : 0;
        raw[y * size + x] = Math.min(255, 30 + bone + ((x * 7 + y * 3 + i * 40) % 40));
      }
    }
    out[`/img/thumb${i}.png`] = await sharp(raw, { raw: { width: size, height: size, channels: 1 } }).png().toBuffer();
  }
  return out;
}

describe('dashboard webview after training', () => {
  let browser: Browser;
  let files: Record<string, Buffer>;
  before(async () => {
    browser = await launchBrowser();
    files = await thumbnails();
  });
  after(async () => {
    await browser?.close();
  });

  async function open(theme: ThemeKind = 'light', width = 1200): Promise<WebviewHarness> {
    const view = await openWebview(browser, 'dashboard', { theme, files, width });
    await view.dispatch(DidChangeDashboardStateNotification.create({ state: completedState() }));
    await settle(view.page);
    await view.page.waitForFunction(() => Array.from(document.images).every((i) => i.complete));
    return view;
  }

  it('shows the confusion matrix with the right counts and row-normalised percentages', async () => {
    const view = await open();
    const cells = await view.page.$$eval('#confusion td.cell', (tds) =>
      tds.map((td) => ({
        t: Number(td.getAttribute('data-true')),
        p: Number(td.getAttribute('data-pred')),
        count: td.querySelector('.count')!.textContent,
        share: td.querySelector('.share')!.textContent,
      })),
    );
    assert.deepEqual(cells, [
      { t: 0, p: 0, count: '91', share: '84.3%' },
      { t: 0, p: 1, count: '17', share: '15.7%' },
      { t: 1, p: 0, count: '23', share: '10.5%' },
      { t: 1, p: 1, count: '196', share: '89.5%' },
    ]);
    const headers = await view.page.$$eval('#confusion th', (ths) => ths.map((th) => `${th.getAttribute('scope')}:${th.textContent}`));
    assert.deepEqual(headers, ['col:fractured', 'col:not fractured', 'row:fractured', 'row:not fractured']);
    await view.close();
  });

  it('shows the classification report numbers of the run, with averages, accuracy and timings', async () => {
    const view = await open();
    const rows = await view.page.$$eval('#report table.class-report tr', (trs) =>
      trs.map((tr) => Array.from(tr.children).map((c) => c.textContent)),
    );
    assert.deepEqual(rows, [
      ['Class', 'precision', 'recall', 'F1', 'support'],
      ['fractured', '0.798', '0.843', '0.820', '108'],
      ['not fractured', '0.920', '0.895', '0.907', '219'],
      ['accuracy', '', '', '0.878', '327'],
      ['macro avg', '0.859', '0.869', '0.864', '327'],
      ['weighted avg', '0.880', '0.878', '0.879', '327'],
    ]);
    const facts = await view.page.$$eval('#report dl dt, #report dl dd', (n) => n.map((x) => x.textContent).join('|'));
    assert.match(facts, /Test accuracy\|87\.8%/);
    assert.match(facts, /Sensitivity\|84\.3%\|Specificity\|89\.5%/);
    assert.match(facts, /Best epoch\|6\|Stopped after epoch\|10/);
    assert.match(facts, /Training\|1 min 17 s/);
    assert.match((await view.page.textContent('#roc .auc')) ?? '', /AUC 0\.950 \(95% interval 0\.\d{3}–0\.\d{3}\) · positive class: fractured/);
    const roc = await inkPixels(view.page, '#roc canvas');
    assert.ok(roc.ink > roc.total * 0.01, `ROC drawn (${roc.ink} px)`);
    assert.match((await view.page.textContent('.markers-note')) ?? '', /best epoch 6 \(weights kept\) · early stop after epoch 10/);
    await view.close();
  });

  it('renders a hostile file name as text: no element is injected and no dialog opens', async () => {
    const view = await open();
    const names = await view.page.$$eval('#mistakes .file-name', (n) => n.map((x) => x.textContent));
    assert.ok(names.includes(HOSTILE_NAME), `thumbnail captions: ${names.join(', ')}`);
    const skipped = await view.page.$$eval('#dataset .skipped button', (n) => n.map((x) => x.textContent));
    assert.ok(skipped.includes(`fractured/${HOSTILE_NAME}`));
    const injected = await view.page.$$eval('img', (imgs) => imgs.filter((i) => i.getAttribute('src') === 'x' || i.hasAttribute('onerror')).length);
    assert.equal(injected, 0);
    await view.page.hover('#mistakes .thumb:nth-child(2)');
    assert.deepEqual(view.dialogs, []);
    assert.deepEqual(view.pageErrors, []);
    assert.deepEqual(await view.cspViolations(), []);
    await view.close();
  });

  it('opens a misclassified image on click or Enter, and classifies it with the button', async () => {
    const view = await open();
    const first = completed.metrics!.misclassified[0]!.path; // the most confident mistake comes first
    await view.page.click('#mistakes .thumb:nth-child(1) .thumb-open');
    assert.deepEqual(await view.waitForPosted('webview/openFile'), { path: first });
    await view.page.focus('#mistakes .thumb:nth-child(2) .thumb-open');
    await view.page.keyboard.press('Enter');
    await view.page.click('#mistakes .thumb:nth-child(3) vscode-button.classify');
    const posted = await view.posted();
    assert.deepEqual(
      posted.filter((m) => m.method !== 'webview/ready'),
      [
        { method: 'webview/openFile', params: { path: first } },
        { method: 'webview/openFile', params: { path: completed.metrics!.misclassified[1]!.path } },
        { method: 'webview/classifyImage', params: { path: completed.metrics!.misclassified[2]!.path } },
      ],
    );
    const loaded = await view.page.$$eval('#mistakes img', (imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
    assert.deepEqual(loaded, [96, 96, 96, 96], 'thumbnails load from their webview URIs under the CSP');
    await view.close();
  });

  it('opens a skipped file from the dataset summary', async () => {
    const view = await open();
    await view.page.click('#dataset .skipped li:nth-child(2) button');
    assert.deepEqual(await view.waitForPosted('webview/openFile'), { path: completed.dataset!.skipped[1]!.path });
    await view.close();
  });

  it('exports the curves and the confusion matrix as PNG and the report as Markdown', async () => {
    const view = await open();
    await view.page.click('#curves vscode-button');
    await view.page.click('#confusion vscode-button');
    await view.page.click('#report vscode-button');
    const exports = (await view.posted()).filter((m) => m.method === 'dashboard/export').map((m) => m.params as { runId: string; fileName: string; kind: string; data: string });
    assert.deepEqual(
      exports.map((e) => [e.runId, e.fileName, e.kind]),
      [
        [completed.id, 'curves.png', 'png'],
        [completed.id, 'confusion-matrix.png', 'png'],
        [completed.id, 'dashboard-report.md', 'markdown'],
      ],
    );
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const e of exports.slice(0, 2)) {
      writeFileSync(join(ARTIFACTS, `export-${e.fileName}`), Buffer.from(e.data, 'base64'));
      const meta = await sharp(Buffer.from(e.data, 'base64')).stats();
      assert.ok(meta.channels.some((c) => c.max - c.min > 100), `${e.fileName} has content`);
    }
    const png = await sharp(Buffer.from(exports[1]!.data, 'base64')).metadata();
    assert.equal(png.format, 'png');
    assert.equal(exports[2]!.data, reportMarkdown(completed), "the export is the run's report.md text");
    await view.dispatch(DidExportNotification.create({ path: `/runs/${completed.id}/curves.png` }));
    assert.match((await view.page.textContent('.export-status')) ?? '', /Saved \/runs\/.*\/curves\.png/);
    await view.close();
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    it(`draws the completed run in the ${theme} theme (screenshot)`, async () => {
      const view = await open(theme);
      await view.screenshot(`dashboard-completed-${theme}.png`);
      const curves = await inkPixels(view.page, '#curves canvas');
      assert.ok(curves.ink > curves.total * 0.01);
      await view.close();
    });
  }

  it('fits a narrow panel without sideways scrolling (screenshot)', async () => {
    const view = await open('dark', 400);
    const overflow = await view.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
    await view.screenshot('dashboard-completed-narrow-dark.png');
    await view.close();
  });
});
