// The classify panel's real page on a DICOM file: the windowed picture (a browser cannot draw a
// .dcm) under the engine's overlay, and the header facts a radiologist checks first.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { Predictor } from '../../src/engine/predict/predictor';
import type { Prediction } from '../../src/engine/types';
import { DidChangeClassifyStateNotification } from '../../src/protocol/webview';
import { pendingState, resultState } from '../../src/views/classify/classifyState';
import { PATIENT, makeDicom, missingTools } from '../engine/dicom/fixtures';
import { makeCompletedRun } from '../views/realRuns';
import { launchBrowser, openWebview, ORIGIN } from './harness';

const RUN = { id: 'run-1', folder: '/runs/run-1', label: 'Run 2026-11-24 21:00 · wasm · CNN 48×48 gray' };
const webviewUri = (path: string): string => `${ORIGIN}/file${encodeURI(path)}`;
const missing = missingTools();

describe('classify panel on a DICOM file', { skip: missing }, () => {
  let browser: Browser;
  let dir: string;
  let pred: Prediction;
  const files: Record<string, Buffer> = {};

  before(async () => {
    const run = await makeCompletedRun();
    dir = run.dir;
    const dcm = makeDicom(join(dir, 'hand PA.dcm'), { rows: 100, cols: 70, frames: 2, window: [[1800, 2400]], bodyPart: 'HAND', patient: PATIENT });
    const predictor = await Predictor.load(run.runFolder);
    const [o] = await predictor.predict([dcm], { gradcam: true, outDir: join(dir, 'overlays') });
    predictor.dispose();
    if (!o.ok) throw new Error(o.error);
    pred = o.prediction;
    for (const f of [pred.path, pred.picturePath, pred.overlayPath, pred.heatmapPath]) if (f) files[`/file${f}`] = await readFile(f);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('draws the windowed picture under the overlay and lists modality, body part, view, window and frames', async () => {
    const p = await openWebview(browser, 'classify', { theme: 'dark', width: 1100, height: 800, files });
    await p.dispatch(DidChangeClassifyStateNotification.create({ state: resultState({ outcomes: [{ ok: true, prediction: pred }], modelLoadMs: 0 }, webviewUri, RUN) }));
    await p.page.waitForSelector('[data-field=window]');
    await p.page.waitForFunction(() => [...document.images].every((i) => i.complete));
    const drawn = await p.page.evaluate(() => Object.fromEntries([...document.images].filter((i) => !i.hidden).map((i) => [i.alt, i.naturalWidth])));
    assert.equal(drawn['X-ray hand PA.dcm'], 70, 'the windowed picture is drawn');
    assert.equal(drawn['Grad-CAM overlay of hand PA.dcm'], 70, 'the overlay is drawn over it');
    assert.equal(await p.page.getAttribute('img.base', 'src'), webviewUri(pred.picturePath!));
    const field = (name: string): Promise<string | null> => p.page.textContent(`[data-field="${name}"]`);
    assert.equal(await field('modality'), 'DX');
    assert.equal(await field('body part'), 'HAND');
    assert.equal(await field('view'), 'PA');
    assert.equal(await field('window'), 'centre 1800, width 2400 (from the file)');
    assert.equal(await field('frames'), 'first of 2 shown and classified');
    const text = (await p.page.textContent('body')) ?? '';
    for (const secret of [PATIENT.name, PATIENT.id, PATIENT.birthDate, PATIENT.studyDate]) assert.ok(!text.includes(secret), `the page shows ${secret}`);
    assert.deepEqual(p.pageErrors, []);
    assert.deepEqual(await p.cspViolations(), []);
    await p.screenshot('classify-dicom-dark.png');
    await p.close();
  });

  it('keeps the windowed picture when the .dcm shown while classifying fails to draw after the answer came', async () => {
    const { [`/file${pred.path}`]: dcm, ...rest } = files;
    const p = await openWebview(browser, 'classify', { width: 1100, height: 800, files: rest });
    // The .dcm is answered only once the result is on screen, as a slow file read would be.
    let release = (): void => undefined;
    const held = new Promise<void>((r) => (release = r));
    let asked = (): void => undefined;
    const requested = new Promise<void>((r) => (asked = r));
    await p.page.route(webviewUri(pred.path), async (route) => {
      asked();
      await held;
      await route.fulfill({ contentType: 'application/octet-stream', body: dcm });
    });
    await p.dispatch(DidChangeClassifyStateNotification.create({ state: pendingState([pred.path], webviewUri, RUN) }));
    await requested;
    // Our own listener on the pending image runs after the page's: once it has run, so has the page's.
    await p.page.evaluate(() => {
      const img = document.querySelector('img.base') as HTMLImageElement;
      img.addEventListener('error', () => ((window as unknown as { staleFailed: boolean }).staleFailed = true));
    });
    await p.dispatch(DidChangeClassifyStateNotification.create({ state: resultState({ outcomes: [{ ok: true, prediction: pred }], modelLoadMs: 0 }, webviewUri, RUN) }));
    await p.page.waitForFunction(() => [...document.images].every((i) => i.complete && i.naturalWidth > 0));
    release();
    await p.page.waitForFunction(() => (window as unknown as { staleFailed?: boolean }).staleFailed === true);
    assert.ok(await p.page.isVisible('img.base'), 'the windowed picture is still drawn');
    assert.ok(!(await p.page.isVisible('.stage-note')), `no "cannot be drawn" note: ${await p.page.textContent('.stage-note')}`);
    assert.equal(await p.page.$eval('img.layer', (img: HTMLImageElement) => img.style.opacity), '0.6', 'the overlay is blended over it');
    await p.close();
  });
});
