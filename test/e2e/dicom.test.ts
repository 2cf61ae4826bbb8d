// Scenario: a folder of DICOM studies mixing every transfer syntax Debian's tools write has a run
// trained on it; a user right-clicks one of its files in the explorer and chooses "Classify X-ray".
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Frame } from 'playwright-core';
import { QUICK_TRAINING, writeWorkspaceSettings } from '../../scripts/e2e/workspace';
import type { RunRecord } from '../../src/engine/types';
import type { DicomSpec, Syntax } from '../engine/dicom/fixtures';
import { PATIENT, makeDicoms, missingTools, onPath, transcode } from '../engine/dicom/fixtures';
import { classifyFrame, scrollIntoView, shownPrediction } from './harness/panels';
import { trainWithCli } from './harness/seed';
import { withSession } from './harness/session';

// JPEG 2000 comes from gdcm, which a machine with dcmtk alone may lack: the rest still runs.
const missing = missingTools(['gdcmconv']);
const SYNTAXES: (Syntax | 'raw')[] = ['raw', 'implicit', 'explicit', 'deflated', 'jpeg-baseline', 'jpeg-lossless', 'jpeg-ls', 'rle', ...(onPath('gdcmconv') ? (['jpeg2000'] as const) : [])];
const CLASSES = ['fractured', 'normal'];
const DATASET = 'studies';
/** The file right-clicked, and how the panel must describe it. */
const CHOSEN = { cls: 'fractured', name: 'jpeg-ls.dcm', transferSyntax: 'JPEG-LS Lossless' };
/** Every form an identifier of the fixtures' patient could take on screen. */
const SECRETS = [PATIENT.name, 'Quixote', 'Alonso', PATIENT.id, PATIENT.birthDate, '1947-03-12', '12/03/1947', '03/12/1947', '3/12/1947', PATIENT.studyDate, '2023-09-18', '1.2.826.99.7'];

/** Two class folders, each with one file per transfer syntax (`raw` is pydicom's own explicit little endian). */
function writeStudies(datasetFolder: string): string[] {
  const originals = mkdtempSync(join(tmpdir(), 'fracture-e2e-dicom-originals-'));
  const specs: { out: string; spec: DicomSpec }[] = [];
  const plan: { out: string; dest: string; syntax: Syntax | 'raw' }[] = [];
  for (const cls of CLASSES) {
    mkdirSync(join(datasetFolder, cls), { recursive: true });
    SYNTAXES.forEach((syntax, k) => {
      const eight = syntax === 'jpeg-baseline';
      const patient = { ...PATIENT, id: `${PATIENT.id}-${cls}-${k % 3}`, study: `1.2.826.99.7.${cls.length}.${k % 3}` };
      const spec: DicomSpec = {
        ...(eight ? { bits: 8, stored: 8, window: [[128, 256]] } : { window: [[2048, 4096]] }),
        modality: 'DX',
        bodyPart: 'WRIST',
        view: 'PA',
        mark: cls === 'fractured',
        // Enough noise that no two files shrink to the same difference hash: near-identical images
        // would be kept in one split, leaving the others empty.
        noise: 0.3,
        seed: k * 7 + cls.length,
        patient,
      };
      const out = join(originals, `${cls}-${syntax}.dcm`);
      specs.push({ out, spec });
      plan.push({ out, dest: join(datasetFolder, cls, `${syntax}.dcm`), syntax });
    });
  }
  try {
    makeDicoms(specs);
    for (const p of plan) {
      if (p.syntax === 'raw') renameSync(p.out, p.dest);
      else transcode(p.out, p.dest, p.syntax);
    }
  } finally {
    rmSync(originals, { recursive: true, force: true });
  }
  return plan.map((p) => p.dest);
}

/** The classify panel's facts, by field name ("modality", "window", "dicom", ...): drawn with the probabilities. */
async function shownFacts(frame: Frame): Promise<Record<string, string>> {
  const pairs = await frame.locator('dl.meta dd').evaluateAll((dds) => dds.map((dd) => [dd.getAttribute('data-field') ?? '', (dd.textContent ?? '').trim()]));
  return Object.fromEntries(pairs);
}

test('a DICOM folder of every transfer syntax trains, and "Classify X-ray" on a .dcm shows the overlay and the header facts without the patient', { skip: missing }, async () => {
  let files: string[] = [];
  let run: RunRecord | undefined;
  await withSession(
    {
      scenario: 'classify-dicom',
      workspace: (folder) => {
        files = writeStudies(join(folder, DATASET));
        writeWorkspaceSettings(folder, { ...QUICK_TRAINING, 'fractureCnn.datasetFolder': DATASET });
        const runFolder = trainWithCli(folder, DATASET, ['--model', 'seed', '--image-size', '24', '--epochs', '1', '--batch-size', '8']);
        run = JSON.parse(readFileSync(join(runFolder, 'run.json'), 'utf8')) as RunRecord;
      },
    },
    async (session) => {
      assert.ok(run, 'the seeded run was read');
      assert.equal(run.state, 'completed');
      const counts = run.dataset!.counts;
      assert.equal([...counts.train, ...counts.val, ...counts.test].reduce((a, b) => a + b, 0), files.length, `every one of the ${files.length} files of ${SYNTAXES.join(', ')} trained`);

      const { workbench } = session;
      const row = await workbench.revealInExplorer(`${DATASET}/${CHOSEN.cls}/${CHOSEN.name}`);
      await workbench.contextMenu(row, 'Classify X-ray');

      const frame = await classifyFrame(workbench, CHOSEN.name);
      const shown = await shownPrediction(frame);
      assert.deepEqual(shown.probabilities.map((p) => p.name).sort(), CLASSES);
      assert.ok(CLASSES.includes(shown.predicted), `predicted class shown: "${shown.predicted}"`);
      assert.ok(shown.overlayLoaded, 'the Grad-CAM overlay image is displayed');
      // The browser cannot draw a .dcm: what shows is the engine's windowed picture of it, at the file's size.
      assert.ok(shown.baseLoaded, 'the windowed picture is displayed');
      const base = await frame.locator('img.base').evaluate((img: HTMLImageElement) => ({ src: img.getAttribute('src') ?? '', width: img.naturalWidth, height: img.naturalHeight }));
      assert.doesNotMatch(base.src, /\.dcm$/i, 'the picture shown is not the DICOM file itself');
      assert.deepEqual([base.width, base.height], [64, 48]);
      assert.equal(await frame.locator('figure.stage').getAttribute('data-mode'), 'overlay');
      assert.ok(await frame.locator('img.base').isVisible(), 'the windowed picture is shown under the overlay');
      assert.ok(await frame.locator('img.layer').isVisible(), 'the overlay is shown');
      assert.ok(!(await frame.locator('.stage-note').isVisible()), `no "cannot be drawn" note: ${await frame.locator('.stage-note').textContent()}`);

      const facts = await shownFacts(frame);
      assert.equal(facts.modality, 'DX');
      assert.equal(facts['body part'], 'WRIST');
      assert.equal(facts.view, 'PA');
      assert.equal(facts.window, 'centre 2048, width 4096 (from the file)');
      assert.equal(facts.dicom, `${CHOSEN.transferSyntax}, MONOCHROME2, 12-bit`);
      assert.equal(facts.image, '64 × 48 px');

      // Nothing on screen (workbench or any webview) names the patient the file belongs to.
      const shownText = await Promise.all(session.page.frames().map((f) => f.content().catch(() => '')));
      const onScreen = shownText.join('\n');
      assert.ok(onScreen.includes(CHOSEN.transferSyntax), 'the check reads the panel');
      for (const secret of SECRETS) assert.ok(!onScreen.includes(secret), `the screen shows "${secret}"`);
      assert.ok(readFileSync(files[0]).toString('latin1').includes(PATIENT.name), 'the files do hold the patient name');

      await scrollIntoView(frame, '.detail-card');
      await session.screenshot();
    },
  );
});
