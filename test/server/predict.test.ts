// "Classify X-ray" as the extension asks for it: the real training process (dist/server.js) over
// JSON-RPC, a real run's model, images in every format the engine reads, and files it cannot read.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { PredictOutcome, Prediction } from '../../src/engine/types';
import { PredictRequest } from '../../src/protocol/training';
import { makeCompletedRun } from '../views/realRuns';
import { startServer } from './harness';
import type { TestServer } from './harness';

/** A 24-bit bottom-up BMP, the kind scanners and old PACS exports write (sharp cannot write BMP). */
function bmp(width: number, height: number, gray: (x: number, y: number) => number): Buffer {
  const row = Math.ceil((width * 3) / 4) * 4;
  const buf = Buffer.alloc(54 + row * height);
  buf.write('BM', 0, 'ascii');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(54, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(width, 18);
  buf.writeInt32LE(height, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(24, 28);
  buf.writeUInt32LE(row * height, 34);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = gray(x, height - 1 - y);
      buf.fill(v, 54 + y * row + x * 3, 54 + y * row + x * 3 + 3);
    }
  }
  return buf;
}

describe('predict requests to the training process', () => {
  let fx: Awaited<ReturnType<typeof makeCompletedRun>>;
  let server: TestServer;
  let images: Record<string, { path: string; width: number; height: number }>;
  let bad: Record<string, string>;
  let outcomes: PredictOutcome[];
  let modelLoadMs: number;
  let outDir: string;

  before(async () => {
    fx = await makeCompletedRun();
    const src = join(fx.datasetFolder, 'fractured', 'fractured-0001.png');
    const d = join(fx.dir, 'x-rays ü');
    await mkdir(d);
    const at = (name: string): string => join(d, name);
    // Sample films vary in size: the copies written as they are keep the source's own size.
    const meta = await sharp(src).metadata();
    const [w, h] = [meta.width!, meta.height!];
    images = {
      png512: { path: at('wrist 512.png'), width: 512, height: 512 },
      jpeg: { path: at('ankle.jpg'), width: 320, height: 200 },
      tiff: { path: at('scan.tiff'), width: 200, height: 300 },
      webp: { path: at('knee.webp'), width: w, height: h },
      gif: { path: at('hand.gif'), width: w, height: h },
      gray16: { path: at('dicom export 16bit.png'), width: w, height: h },
      rgba: { path: at('colour with alpha.png'), width: 128, height: 128 },
      bmp: { path: at('old scanner.bmp'), width: 90, height: 70 },
    };
    await sharp(src).resize(512, 512).png().toFile(images.png512.path);
    await sharp(src).resize(320, 200, { fit: 'fill' }).jpeg().toFile(images.jpeg.path);
    await sharp(src).resize(200, 300, { fit: 'fill' }).tiff().toFile(images.tiff.path);
    await sharp(src).webp().toFile(images.webp.path);
    await sharp(src).gif().toFile(images.gif.path);
    await sharp(src).toColourspace('grey16').png().toFile(images.gray16.path);
    await sharp(src).resize(128, 128).ensureAlpha(0.8).png().toFile(images.rgba.path);
    await writeFile(images.bmp.path, bmp(90, 70, (x, y) => (Math.abs(x - y) < 6 ? 220 : 40)));

    bad = { text: at('notes.png'), empty: at('empty.jpg'), truncated: at('cut off.png'), folder: at('folder.png'), missing: at('gone.png') };
    await writeFile(bad.text, 'radiology report, not a picture');
    await writeFile(bad.empty, '');
    const whole = await readFile(images.png512.path);
    await writeFile(bad.truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    await mkdir(bad.folder);

    outDir = join(fx.dir, 'overlays');
    server = await startServer();
    const order = [images.png512.path, bad.text, images.jpeg.path, bad.empty, images.tiff.path, bad.truncated, images.webp.path, images.gif.path, bad.folder, images.gray16.path, images.rgba.path, bad.missing, images.bmp.path];
    const result = await server.connection.sendRequest(PredictRequest, { runFolder: fx.runFolder, images: order, gradcam: true, outDir });
    outcomes = result.outcomes;
    modelLoadMs = result.modelLoadMs;
  });
  after(async () => {
    await server?.stop();
    if (fx) await rm(fx.dir, { recursive: true, force: true });
  });

  const okFor = (path: string): Prediction => {
    const o = outcomes.find((x) => (x.ok ? x.prediction.path : x.path) === path);
    assert.ok(o?.ok, `${path}: ${JSON.stringify(o)}`);
    return o.prediction;
  };
  const errorFor = (path: string): string => {
    const o = outcomes.find((x) => !x.ok && x.path === path);
    assert.ok(o && !o.ok, `${path} should fail: ${JSON.stringify(o)}`);
    return o.error;
  };

  it('answers every image in the order asked, loading the model once', () => {
    assert.equal(outcomes.length, 13);
    assert.ok(modelLoadMs > 0, 'the first request loads the model');
  });

  it('classifies PNG, 16-bit PNG, PNG with alpha, JPEG, TIFF, WebP, GIF and BMP into probabilities of every class', () => {
    for (const [kind, img] of Object.entries(images)) {
      const p = okFor(img.path);
      assert.deepEqual(p.classes, ['fractured', 'normal'], kind);
      assert.equal(p.probabilities.length, 2, kind);
      assert.ok(Math.abs(p.probabilities[0] + p.probabilities[1] - 1) < 1e-3, kind);
      // The run stored a decision threshold chosen on validation: the prediction follows it, not 0.5.
      const expected = p.threshold !== undefined ? (p.probabilities[p.positiveIndex!] >= p.threshold ? p.positiveIndex! : 1 - p.positiveIndex!) : p.probabilities[0] >= p.probabilities[1] ? 0 : 1;
      assert.equal(p.predictedIndex, expected, kind);
      assert.equal(p.explainedIndex, p.predictedIndex, kind);
      assert.deepEqual([p.width, p.height], [img.width, img.height], kind);
      assert.ok(p.milliseconds > 0, kind);
    }
  });

  it('writes the Grad-CAM overlay and heat map as PNGs at each image\'s own size into the folder asked for', async () => {
    for (const [kind, img] of Object.entries(images)) {
      const p = okFor(img.path);
      for (const file of [p.overlayPath, p.heatmapPath]) {
        assert.ok(file && file.startsWith(outDir) && existsSync(file), `${kind}: ${file}`);
        const meta = await sharp(file).metadata();
        assert.deepEqual([meta.format, meta.width, meta.height], ['png', img.width, img.height], `${kind}: ${file}`);
      }
    }
  });

  it('names each unreadable file and says why, without failing the others', () => {
    assert.match(errorFor(bad.text), /notes\.png: not-an-image/);
    assert.match(errorFor(bad.empty), /empty\.jpg: empty/);
    assert.match(errorFor(bad.truncated), /cut off\.png: truncated/);
    assert.match(errorFor(bad.folder), /folder\.png: unreadable: is a folder/);
    assert.match(errorFor(bad.missing), /gone\.png: unreadable/);
  });

  it('explains another class when asked, with pictures of their own', async () => {
    const first = okFor(images.png512.path);
    const other = 1 - first.explainedIndex;
    const r = await server.connection.sendRequest(PredictRequest, { runFolder: fx.runFolder, images: [images.png512.path], gradcam: true, outDir, classIndex: other });
    const [o] = r.outcomes;
    assert.ok(o.ok);
    assert.equal(o.prediction.explainedIndex, other);
    assert.equal(o.prediction.predictedIndex, first.predictedIndex);
    assert.ok(o.prediction.overlayPath && o.prediction.overlayPath !== first.overlayPath && existsSync(o.prediction.overlayPath));
    assert.ok(first.overlayPath && existsSync(first.overlayPath), 'the first class\'s pictures stay');
  });

  it('keeps the model loaded and skips the pictures when Grad-CAM is off', async () => {
    const again = await server.connection.sendRequest(PredictRequest, { runFolder: fx.runFolder, images: [images.jpeg.path], gradcam: false, outDir });
    assert.equal(again.modelLoadMs, 0);
    const [o] = again.outcomes;
    assert.ok(o.ok);
    assert.equal(o.prediction.overlayPath, undefined);
    assert.deepEqual(o.prediction.probabilities, okFor(images.jpeg.path).probabilities, 'same image, same answer');
  });
});
