// "Classify X-ray" on DICOM files, through the real training process over JSON-RPC: the header
// facts come back with the prediction, the windowed picture and the overlay are PNGs of the
// image's own size, and files without a picture are named with the reason.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { PredictOutcome } from '../../src/engine/types';
import { PredictRequest } from '../../src/protocol/training';
import { PATIENT, makeDicoms, missingTools, transcode } from '../engine/dicom/fixtures';
import { makeCompletedRun } from '../views/realRuns';
import { startServer } from './harness';
import type { TestServer } from './harness';

const missing = missingTools();

describe('predict requests on DICOM files', { skip: missing }, () => {
  let fx: Awaited<ReturnType<typeof makeCompletedRun>>;
  let server: TestServer;
  let outcomes: PredictOutcome[];
  let files: Record<'mono1' | 'jpeg2000' | 'pdf' | 'video', string>;
  let outDir: string;

  before(async () => {
    fx = await makeCompletedRun();
    const d = join(fx.dir, 'pacs export');
    await mkdir(d);
    const at = (name: string): string => join(d, name);
    const src = at('source.dcm');
    files = { mono1: at('chest MONOCHROME1.dcm'), jpeg2000: at('wrist j2k.dcm'), pdf: at('report.dcm'), video: at('cine.dcm') };
    makeDicoms([
      { out: files.mono1, spec: { rows: 120, cols: 90, photometric: 'MONOCHROME1', modality: 'CR', bodyPart: 'CHEST', view: 'AP', window: [[1500, 3000]], patient: PATIENT } },
      { out: src, spec: { rows: 80, cols: 100, voiLut: [0, 4096, 12], patient: PATIENT } },
      { out: files.pdf, spec: { pdf: true, patient: PATIENT } },
      { out: files.video, spec: { transferSyntax: '1.2.840.10008.1.2.4.102', pixelBytes: '00000001', patient: PATIENT } },
    ]);
    transcode(src, files.jpeg2000, 'jpeg2000');
    outDir = join(fx.dir, 'overlays');
    server = await startServer();
    const result = await server.connection.sendRequest(PredictRequest, { runFolder: fx.runFolder, images: Object.values(files), gradcam: true, outDir });
    outcomes = result.outcomes;
  });
  after(async () => {
    await server?.stop();
    if (fx) await rm(fx.dir, { recursive: true, force: true });
  });

  const okFor = (path: string) => {
    const o = outcomes.find((x) => (x.ok ? x.prediction.path : x.path) === path);
    assert.ok(o?.ok, `${path}: ${JSON.stringify(o)}`);
    return o.prediction;
  };

  it('returns the header facts: modality, body part, view position and the window used', () => {
    assert.deepEqual(okFor(files.mono1).dicom, {
      modality: 'CR',
      bodyPart: 'CHEST',
      viewPosition: 'AP',
      transferSyntax: 'Explicit VR Little Endian',
      photometric: 'MONOCHROME1',
      bitsStored: 12,
      window: { source: 'file', center: 1500, width: 3000 },
      frames: 1,
    });
    const j2k = okFor(files.jpeg2000).dicom;
    assert.equal(j2k?.transferSyntax, 'JPEG 2000 Lossless');
    assert.equal(j2k?.window.source, 'voi-lut');
  });

  it('draws the overlay on the windowed picture, both PNGs at the image\'s own size', async () => {
    for (const [path, w, h] of [[files.mono1, 90, 120], [files.jpeg2000, 100, 80]] as const) {
      const p = okFor(path);
      assert.deepEqual([p.width, p.height], [w, h]);
      for (const file of [p.picturePath, p.overlayPath, p.heatmapPath]) {
        assert.ok(file && file.startsWith(outDir) && existsSync(file), `${path}: ${file}`);
        const meta = await sharp(file).metadata();
        assert.deepEqual([meta.format, meta.width, meta.height], ['png', w, h], file);
      }
    }
    // MONOCHROME1 is inverted: the synthetic image's dark left corner (low values) shows bright.
    const { data } = await sharp(okFor(files.mono1).picturePath!).raw().toBuffer({ resolveWithObject: true });
    assert.ok(data[0] > 200, `top-left pixel of the MONOCHROME1 picture is ${data[0]}`);
  });

  it('names a DICOM file without a picture and the reason, without failing the others', () => {
    const err = (path: string): string => {
      const o = outcomes.find((x) => !x.ok && x.path === path);
      assert.ok(o && !o.ok, `${path} should fail`);
      return o.error;
    };
    assert.match(err(files.pdf), /report\.dcm: not-an-image: .*encapsulated PDF/);
    assert.match(err(files.video), /cine\.dcm: unsupported: .*H\.264/);
  });
});
