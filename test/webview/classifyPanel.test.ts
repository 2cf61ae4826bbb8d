// The classify panel's real page in headless Chromium, fed the state the host builds from a real
// run's predictions with the engine's own Grad-CAM PNGs.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DidChangeClassifyStateNotification, ExplainClassCommand, OpenFileCommand, ReadyCommand, TrainModelCommand } from '../../src/protocol/webview';
import type { ClassifyState, ClassifyViewState } from '../../src/protocol/webview';
import { noModelState, pendingState, resultState } from '../../src/views/classify/classifyState';
import { makeFixture, pct, prediction, result } from './classifyFixtures';
import type { Fixture } from './classifyFixtures';
import { launchBrowser, openWebview, ORIGIN, settle } from './harness';
import type { WebviewHarness } from './harness';
import { THEMES } from './vscodeThemes';
import type { ThemeKind } from './vscodeThemes';

const RUN = { id: 'run-1', folder: '/runs/run-1', label: 'Run 2026-11-24 21:00 · wasm · CNN 48×48 gray · test accuracy 91.2%' };

/** The URI the page uses for a file on disk, as asWebviewUri would give it. */
const webviewUri = (path: string): string => `${ORIGIN}/file${encodeURI(path)}`;

async function show(p: WebviewHarness, state: ClassifyState): Promise<void> {
  await p.dispatch(DidChangeClassifyStateNotification.create({ state }));
}

/** The page is done when it threw nothing and broke no CSP rule. */
async function close(p: WebviewHarness): Promise<void> {
  assert.deepEqual(p.pageErrors, []);
  assert.deepEqual(await p.cspViolations(), []);
  await p.close();
}

/** Waits until every image in the page has finished loading; natural widths of the visible ones by alt text. */
async function loadedImages(p: WebviewHarness): Promise<Record<string, number>> {
  await p.page.waitForFunction(() => [...document.images].every((i) => i.complete));
  return p.page.evaluate(() => Object.fromEntries([...document.images].filter((i) => !i.hidden).map((i) => [i.alt, i.naturalWidth])));
}

describe('classify panel webview', () => {
  let browser: Browser;
  let fx: Fixture;
  let files: Record<string, Buffer>;
  const open = (theme: ThemeKind = 'dark', width = 1100, height = 800, savedState?: ClassifyViewState): Promise<WebviewHarness> =>
    openWebview(browser, 'classify', { theme, width, height, files, savedState });
  before(async () => {
    [browser, fx] = await Promise.all([launchBrowser(), makeFixture()]);
    // Serve the pictures the way the panel's localResourceRoots allow them.
    files = {};
    for (const o of fx.outcomes) {
      if (!o.ok) continue;
      for (const f of [o.prediction.path, o.prediction.overlayPath, o.prediction.heatmapPath]) if (f) files[`/file${f}`] = await readFile(f);
    }
  });
  after(async () => {
    await browser?.close();
    if (fx) await rm(fx.dir, { recursive: true, force: true });
  });

  it('asks the host for a snapshot as soon as it loads', async () => {
    const p = await open();
    assert.ok(ReadyCommand.is((await p.posted())[0]));
    await close(p);
  });

  it('shows one image with its Grad-CAM overlay, every class probability, the prediction, the model and the time', async () => {
    const p = await open();
    const pred = prediction(fx, 0);
    await show(p, resultState(result(fx, false, 1), webviewUri, RUN));
    await p.page.waitForSelector('.predicted-class');
    const images = await loadedImages(p);
    assert.equal(images['X-ray wrist fracture.png'], 512, 'the original X-ray is drawn');
    assert.equal(images['Grad-CAM overlay of wrist fracture.png'], 512, 'the engine-made overlay PNG is drawn over it');
    assert.equal(await p.page.getAttribute('img.layer', 'src'), webviewUri(pred.overlayPath as string));

    assert.equal(await p.page.textContent('.predicted-class'), pred.classes[pred.predictedIndex]);
    const probs = await p.page.$$eval('.prob', (rows) => rows.map((r) => [r.querySelector('.name')?.textContent, r.querySelector('.value')?.textContent]));
    assert.deepEqual(
      probs,
      pred.classes.map((c, i) => [c, pct(pred.probabilities[i])]),
    );
    const widths = await p.page.$$eval('.prob .fill', (fills) => fills.map((f) => f.getBoundingClientRect().width / (f.parentElement as HTMLElement).getBoundingClientRect().width));
    widths.forEach((w, i) => assert.ok(Math.abs(w - pred.probabilities[i]) < 0.02, `bar ${i} is drawn to scale: ${w}`));
    assert.match((await p.page.textContent('.run-line')) ?? '', /test accuracy 91\.2%/);
    assert.equal(await p.page.textContent('[data-field=time]'), `${Math.round(pred.milliseconds)} ms`);
    assert.equal(await p.page.textContent('[data-field=image]'), '512 × 512 px');
    assert.ok(await p.page.isVisible('.legend-bar'), 'the colour legend is shown');
    await p.screenshot('classify-single-dark.png');

    // Choosing the other class asks the host for its heat map.
    const other = 1 - pred.explainedIndex;
    assert.equal(await p.page.getAttribute(`.prob:nth-child(${pred.explainedIndex + 1}) .name`, 'aria-pressed'), 'true');
    await p.page.click(`.prob:nth-child(${other + 1}) .name`);
    const asked = (await p.posted()).filter((m) => ExplainClassCommand.is(m)).map((m) => m.params);
    assert.deepEqual(asked, [{ path: pred.path, classIndex: other }]);
    await close(p);
  });

  it('switches between overlay, heat map alone and the original, and the slider sets the overlay opacity', async () => {
    const p = await open('light');
    await show(p, resultState(result(fx, false, 1), webviewUri, RUN));
    await p.page.waitForSelector('img.layer');

    await p.page.focus('input[type=range]');
    await p.page.keyboard.press('ArrowLeft');
    await p.page.keyboard.press('ArrowLeft');
    assert.equal(await p.page.$eval('img.layer', (i) => (i as HTMLElement).style.opacity), '0.5');
    assert.equal(await p.page.textContent('output'), '50%');

    await p.page.getByLabel('Heat map').check();
    assert.equal(await p.page.getAttribute('img.layer', 'src'), webviewUri(prediction(fx, 0).heatmapPath as string));
    assert.equal(await p.page.isVisible('img.base'), false, 'the heat map is shown alone');
    assert.equal(await p.page.isDisabled('input[type=range]'), true);
    assert.equal((await loadedImages(p))['Grad-CAM heat map of wrist fracture.png'], 512);
    await p.screenshot('classify-heatmap-light.png');

    await p.page.getByLabel('Original').check();
    assert.equal(await p.page.isVisible('img.layer'), false);
    assert.equal(await p.page.isVisible('img.base'), true);
    const saved = (await p.page.evaluate(() => (window as unknown as { __state: ClassifyViewState }).__state)) as ClassifyViewState;
    assert.deepEqual(saved, { paths: [prediction(fx, 0).path], mode: 'original', opacity: 0.5, selected: 0 }, 'kept for the serializer');
    await close(p);
  });

  it('comes back after a reload in the view the user left it in', async () => {
    const p = await open('dark', 1100, 800, { paths: [prediction(fx, 0).path], mode: 'heatmap', opacity: 0.3, selected: 0 });
    await show(p, resultState(result(fx, false, 1), webviewUri, RUN));
    await p.page.waitForSelector('img.layer');
    assert.equal(await p.page.isChecked('input[value=heatmap]'), true);
    assert.equal(await p.page.inputValue('input[type=range]'), '30');
    await close(p);
  });

  it('lists several images in a table with overlay thumbnails and shows the clicked or arrowed-to row large', async () => {
    const p = await open('dark', 1300);
    const [a, b] = [prediction(fx, 0), prediction(fx, 1)];
    await show(p, resultState(result(fx, true), webviewUri, RUN));
    await p.page.waitForSelector('table.results tbody tr');
    const rows = await p.page.$$eval('table.results tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent)));
    // A blank Grad-CAM map is marked beside the class.
    const row = (x: typeof a): string[] => [x.path.split('/').pop() as string, x.classes[x.predictedIndex] + (x.noPositiveEvidence ? 'blank map' : ''), pct(x.probabilities[x.predictedIndex]), `${Math.round(x.milliseconds)} ms`];
    assert.deepEqual(rows, [row(a), row(b), ['notes.png', 'not-an-image: not a PNG, JPEG, BMP, TIFF, WebP, GIF or DICOM file']]);
    const images = await loadedImages(p);
    assert.equal(images['Overlay of wrist fracture.png'], 512, 'thumbnail of the first overlay');
    assert.equal(images['Overlay of ankle.jpg'], 384, 'thumbnail of the second overlay');
    assert.equal(await p.page.textContent('.detail-card h2'), 'wrist fracture.png');

    await p.page.click('table.results tbody tr:nth-child(2)');
    assert.equal(await p.page.textContent('.detail-card h2'), 'ankle.jpg');
    assert.equal(await p.page.textContent('.predicted-class'), b.classes[b.predictedIndex]);
    await p.screenshot('classify-table-dark.png');

    await p.page.keyboard.press('ArrowDown');
    assert.equal(await p.page.textContent('.detail-card h2'), 'notes.png');
    assert.match((await p.page.textContent('.detail-card [role=alert]')) ?? '', /^Could not read notes\.png: not-an-image/);
    assert.equal(await p.page.$eval('tr[aria-selected=true]', (tr) => tr === document.activeElement), true, 'focus follows the selection');

    await p.page.click('.detail-card button.link');
    const opened = (await p.posted()).filter((m) => OpenFileCommand.is(m)).map((m) => (m.params as { path: string }).path);
    assert.deepEqual(opened, [fx.unreadable]);
    await close(p);
  });

  it('says in words, in the detail and in its table row, when the heat map of the explained class is blank', async () => {
    const p = await open('dark', 1300);
    const state = resultState(result(fx, false, 2), webviewUri, RUN);
    assert.equal(state.items[0].prediction?.noPositiveEvidence, false, 'the engine reports evidence for the first image');
    // The second image's answer as the engine gives it when nothing raises the explained class's score.
    const blank = { ...(state.items[1].prediction as NonNullable<ClassifyState['items'][0]['prediction']>), noPositiveEvidence: true };
    state.items[1] = { ...state.items[1], prediction: blank };
    await show(p, state);
    await p.page.waitForSelector('table.results tbody tr');
    assert.equal(await p.page.$$eval('.no-evidence', (n) => n.length), 0, 'no note while an image with evidence is shown');
    const marks = await p.page.$$eval('table.results tbody tr', (trs) => trs.map((tr) => tr.querySelector('.no-evidence-mark')?.textContent ?? null));
    assert.deepEqual(marks, [null, 'blank map']);

    await p.page.click('table.results tbody tr:nth-child(2)');
    await p.page.waitForSelector('.no-evidence');
    const explained = blank.classes[blank.explainedIndex];
    assert.equal(await p.page.isVisible('.no-evidence'), true);
    assert.equal(
      await p.page.textContent('.no-evidence'),
      `No positive evidence for "${explained}": the model found nothing in this image that raises this class's score; the map is blank.`,
    );
    await p.screenshot('classify-no-evidence-dark.png');
    await close(p);
  });

  it('shows an image a browser cannot draw (TIFF) through its overlay', async () => {
    const p = await open();
    await show(p, resultState({ outcomes: [fx.outcomes[2]], modelLoadMs: 0 }, webviewUri, RUN));
    await p.page.waitForSelector('.stage-note:not([hidden])');
    assert.equal(await p.page.isVisible('img.base'), false);
    assert.equal(await p.page.$eval('img.layer', (i) => (i as HTMLElement).style.opacity), '1');
    assert.equal((await loadedImages(p))['Grad-CAM overlay of scan.tiff'], 256);
    assert.deepEqual(p.pageErrors, []);
    await p.close();
  });

  it('takes its colours from the VS Code theme and follows a theme change', async () => {
    const p = await open('dark', 1300);
    await show(p, resultState(result(fx, true), webviewUri, RUN));
    await p.page.waitForSelector('tr[aria-selected=true]');
    // A string, not a function: the test's transpiler would add a helper the page does not have.
    const colours = (): Promise<string[]> =>
      p.page.evaluate(`(() => {
        const probe = (value) => {
          const d = document.createElement('div');
          d.style.color = value;
          document.body.append(d);
          const c = getComputedStyle(d).color;
          d.remove();
          return c;
        };
        const css = getComputedStyle(document.documentElement);
        return [
          getComputedStyle(document.querySelector('tr[aria-selected=true]')).backgroundColor,
          probe(css.getPropertyValue('--vscode-list-activeSelectionBackground')),
          getComputedStyle(document.querySelector('.row-error')).color,
          probe(css.getPropertyValue('--vscode-errorForeground')),
        ];
      })()`);
    const dark = await colours();
    assert.equal(dark[0], dark[1], 'the selected row uses the list selection colour');
    assert.equal(dark[2], dark[3], 'errors use the error colour');
    await p.setTheme('light');
    await settle(p.page);
    const light = await colours();
    assert.equal(light[0], light[1]);
    assert.notEqual(light[0], dark[0], `selection colour changes with the theme (${THEMES.light.name})`);
    await p.setTheme('high-contrast');
    await p.screenshot('classify-table-high-contrast.png');
    await close(p);
  });

  it('says there is no model yet and offers a button that asks the host to train one', async () => {
    const p = await open();
    await show(p, noModelState([fx.unreadable], webviewUri));
    await p.page.waitForSelector('.train-button');
    assert.match((await p.page.textContent('.problem')) ?? '', /No trained model yet/);
    await p.screenshot('classify-no-model-dark.png');
    await p.page.focus('.train-button');
    await p.page.keyboard.press('Enter');
    assert.ok((await p.posted()).some((m) => TrainModelCommand.is(m)), 'the button works from the keyboard');
    await close(p);
  });

  it('shows progress while classifying and renders file and class names as text, never as markup', async () => {
    const p = await open();
    const evil = '<img src=x onerror="document.title=\'pwned\'">.png';
    await show(p, pendingState([join(fx.dir, evil), join(fx.dir, 'b.png')], webviewUri, RUN));
    await p.page.waitForSelector('[role=status]:not([hidden])');
    assert.match((await p.page.textContent('[role=status]')) ?? '', /Classifying 2 images/);
    assert.equal(await p.page.textContent('.detail-card h2'), evil);
    assert.equal(await p.page.$$eval('img[src=x]', (n) => n.length), 0);
    const state = resultState(result(fx, false, 1), webviewUri, { ...RUN, label: '<b>bold</b>' });
    const pred = state.items[0].prediction as NonNullable<ClassifyState['items'][0]['prediction']>;
    pred.classes = pred.classes.map((c, i) => (i === pred.predictedIndex ? '<i>broken</i>' : c));
    await show(p, state);
    await p.page.waitForSelector('.predicted-class');
    assert.equal(await p.page.textContent('.predicted-class'), '<i>broken</i>');
    assert.equal(await p.page.$$eval('i, b', (n) => n.length), 0);
    assert.notEqual(await p.page.title(), 'pwned');
    await p.close();
  });
});
