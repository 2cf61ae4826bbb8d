import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { Predictor } from '../../src/engine/predict/predictor';
import { runTraining } from '../../src/engine/runs/pipeline';
import { addBadFiles, writeTinyDataset } from './runs-fixtures';

describe('prediction', () => {
  let dir: string;
  let runFolder: string;
  let images: { positive: string[]; negative: string[] };
  let predictor: Predictor;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fcnn-predict-'));
    images = await writeTinyDataset(join(dir, 'data'), { perClass: 10, size: 32 });
    const outcome = await runTraining({
      datasetFolder: join(dir, 'data'),
      runsFolder: join(dir, 'runs'),
      cacheDir: join(dir, 'cache'),
      config: { model: 'seed', imageSize: 24, epochs: 1, batchSize: 8, backend: 'wasm', workers: 1 },
    });
    assert.equal(outcome.tag, 'completed');
    runFolder = join(dir, 'runs', outcome.run.id);
    predictor = await Predictor.load(runFolder);
  });
  after(async () => {
    predictor?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it("classifies images with the run's classes and reports the image's own size and the run", async () => {
    const [o] = await predictor.predict([images.positive[0]], { gradcam: false });
    assert.ok(o.ok);
    const p = o.prediction;
    assert.deepEqual(p.classes, ['fractured', 'not fractured']);
    assert.equal(p.probabilities.length, 2);
    assert.ok(Math.abs(p.probabilities[0] + p.probabilities[1] - 1) < 1e-5);
    assert.equal(p.predictedIndex, p.probabilities[0] >= p.probabilities[1] ? 0 : 1);
    assert.equal(p.explainedIndex, p.predictedIndex);
    assert.equal(p.width, 32);
    assert.equal(p.height, 32);
    assert.ok(p.milliseconds > 0);
    assert.equal(p.runId, predictor.runId);
    assert.equal(p.overlayPath, undefined);
  });

  it('writes Grad-CAM overlay and heat map PNGs at the size of a JPEG of any shape, with unique names per source file', async () => {
    const a = join(dir, 'xa', 'scan.jpg');
    const b = join(dir, 'xb', 'scan.jpg');
    for (const f of [a, b]) {
      await mkdir(join(f, '..'), { recursive: true });
      await writeFile(f, await sharp({ create: { width: 90, height: 60, channels: 3, background: { r: 40, g: 40, b: 40 } } }).jpeg().toBuffer());
    }
    const out = join(dir, 'cams');
    const outcomes = await predictor.predict([a, b], { gradcam: true, outDir: out, classIndex: 1 });
    const paths = new Set<string>();
    for (const o of outcomes) {
      assert.ok(o.ok);
      assert.equal(o.prediction.explainedIndex, 1);
      assert.equal(o.prediction.width, 90);
      assert.equal(o.prediction.height, 60);
      for (const png of [o.prediction.overlayPath!, o.prediction.heatmapPath!]) {
        assert.ok(png.startsWith(out));
        const meta = await sharp(png).metadata();
        assert.deepEqual([meta.format, meta.width, meta.height], ['png', 90, 60]);
        paths.add(png);
      }
    }
    assert.equal(paths.size, 4, 'two images of the same name get distinct pictures');
  });

  it('answers each unreadable file with its path and reason while still classifying the good ones', async () => {
    const badDir = join(dir, 'bad');
    await mkdir(badDir);
    const [corrupt, empty, text] = await addBadFiles(badDir);
    const missing = join(dir, 'missing.png');
    const outcomes = await predictor.predict([corrupt, images.negative[0], empty, text, missing], { gradcam: true, outDir: join(dir, 'cams2') });
    assert.deepEqual(
      outcomes.map((o) => o.ok),
      [false, true, false, false, false],
    );
    const errors = outcomes.filter((o) => !o.ok) as { ok: false; path: string; error: string }[];
    assert.deepEqual(
      errors.map((e) => e.path),
      [corrupt, empty, text, missing],
    );
    for (const e of errors) assert.ok(e.error.includes(e.path), `error names the file: ${e.error}`);
    assert.match(errors[0].error, /truncated|unreadable/);
    assert.match(errors[1].error, /empty/);
    assert.match(errors[2].error, /not-an-image|not a/);
  });

  it('loads a bare model folder on its own, with classes and input size from its metadata', async () => {
    const p = await Predictor.load(join(runFolder, 'model'));
    assert.deepEqual(p.classes, ['fractured', 'not fractured']);
    assert.equal(p.imageSize, 24);
    const [o] = await p.predict([images.positive[1]], { gradcam: false });
    const [q] = await predictor.predict([images.positive[1]], { gradcam: false });
    assert.ok(o.ok && q.ok);
    assert.deepEqual(o.prediction.probabilities, q.prediction.probabilities);
    p.dispose();
  });

  it('leaves no tensors behind per prediction, with or without Grad-CAM', async () => {
    await predictor.predict([images.positive[2]], { gradcam: true, outDir: join(dir, 'cams3') });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await predictor.predict([images.positive[2], images.negative[2]], { gradcam: true, outDir: join(dir, 'cams3') });
      await predictor.predict([images.positive[3]], { gradcam: false });
    }
    assert.equal(tf.memory().numTensors, before);
  });

  it('refuses folders that hold no model, saying why', async () => {
    await assert.rejects(Predictor.load(join(dir, 'data')), /neither a run folder .* nor a model folder/);
    const cancelled = join(dir, 'runs', 'cancelled-run');
    await mkdir(cancelled);
    await writeFile(join(cancelled, 'run.json'), JSON.stringify({ id: 'cancelled-run', state: 'cancelled', history: [], config: {} }));
    await assert.rejects(Predictor.load(cancelled), /cancelled-run is cancelled/);
  });
});
