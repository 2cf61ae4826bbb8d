import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import { initBackend } from '../../src/engine/backend/select';
import { decodeImage } from '../../src/engine/data/decode';
import { generateSampleDataset } from '../../src/engine/data/sample';
import { GradCam, heatPeak } from '../../src/engine/gradcam/gradcam';
import { JET } from '../../src/engine/gradcam/colormap';
import { renderHeatPictures, upsample } from '../../src/engine/gradcam/overlay';
import { placementUpTo } from '../../src/engine/gradcam/placement';
import { buildSeedCnn, findLastConv } from '../../src/engine/model/seedCnn';
import { fitQuickly, squareImages } from './gradcam-fixtures';

const SIZE = 48;

describe('Grad-CAM', () => {
  before(() => initBackend('wasm'));

  it("points inside the fracture's box on the built-in sample radiographs once the model has learned them", async () => {
    // The sample generator saves each fracture's bounding box beside the images.
    const root = await mkdtemp(join(tmpdir(), 'fcnn-gradcam-'));
    try {
      const perClass = 80;
      const side = 128;
      const sample = await generateSampleDataset(root, { fractured: perClass, normal: perClass, size: side, seed: 3 });
      const boxes = JSON.parse(await readFile(sample.boxesFile, 'utf8')) as Record<string, { x: number; y: number; width: number; height: number }>;
      const files: { rel: string; label: number }[] = [];
      for (let i = 1; i <= perClass; i++) {
        files.push({ rel: `fractured/fractured-${String(i).padStart(4, '0')}.png`, label: 1 });
        files.push({ rel: `normal/normal-${String(i).padStart(4, '0')}.png`, label: 0 });
      }
      const pixels = new Uint8Array(files.length * SIZE * SIZE);
      for (let i = 0; i < files.length; i++) pixels.set(await decodeImage(join(root, files[i].rel), SIZE), i * SIZE * SIZE);
      const held = 24;
      const train = { pixels: pixels.subarray(0, (files.length - held) * SIZE * SIZE), labels: files.slice(0, -held).map((f) => f.label), boxes: [] };
      const model = buildSeedCnn(SIZE, 2, 1);
      await fitQuickly(model, train, SIZE, 8);
      const cam = new GradCam(model);
      let inside = 0;
      let fractured = 0;
      for (let i = files.length - held; i < files.length; i++) {
        if (files[i].label !== 1) continue;
        fractured++;
        const r = await cam.explain(pixels.subarray(i * SIZE * SIZE, (i + 1) * SIZE * SIZE), SIZE, 1);
        assert.ok(Math.abs(r.probabilities[0] + r.probabilities[1] - 1) < 1e-5);
        const peak = heatPeak(r, side, side);
        const b = boxes[files[i].rel];
        assert.ok(b, `box for ${files[i].rel}`);
        if (peak.x >= b.x && peak.x <= b.x + b.width && peak.y >= b.y && peak.y <= b.y + b.height) inside++;
      }
      assert.ok(inside / fractured >= 0.6, `peak inside the fracture box on ${inside}/${fractured} held-out images`);
      model.dispose();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('places the heat map cells on their receptive fields, not spread edge to edge', () => {
    const model = buildSeedCnn(48, 2);
    // 'valid' 3x3 convs and 2x2 pools: cell i of the last conv is centred on input pixel 4i + 8.5.
    assert.deepEqual(placementUpTo(model, findLastConv(model)), { scale: 4, offset: 9, inputSize: 48 });
    model.dispose();
    // A heat map hot only in its first cell is hottest at the first cell's centre (9 of 48 -> 18 of 96), not at the corner.
    const heat = new Float32Array(64);
    heat[0] = 1;
    const up = upsample(heat, 8, 8, 96, 96, { scale: 4, offset: 9, inputSize: 48 });
    assert.equal(up[0], 1, 'clamped before the first centre');
    assert.ok(Math.abs(up[17 * 96 + 17] - 1) < 0.02);
    assert.ok(up[26 * 96 + 26] < 0.1, 'falls off towards the next centre (8 input px on)');
  });

  it('explains the predicted class unless another is asked for, with a heat map normalised to [0, 1]', async () => {
    const model = buildSeedCnn(SIZE, 3, 4);
    const cam = new GradCam(model);
    const { pixels } = squareImages(2, SIZE, 3);
    const one = pixels.subarray(SIZE * SIZE);
    const r = await cam.explain(one, SIZE);
    assert.equal(r.explainedIndex, r.predictedIndex);
    assert.equal(r.heatWidth, 8);
    assert.equal(r.heatHeight, 8);
    assert.ok(Math.max(...r.heat) <= 1 && Math.min(...r.heat) >= 0);
    const other = (r.predictedIndex + 1) % 3;
    assert.equal((await cam.explain(one, SIZE, other)).explainedIndex, other);
    await assert.rejects(cam.explain(one, SIZE, 7), /classIndex/);
    model.dispose();
  });

  it('draws the overlay and the heat map at the original image size, hot where the heat map is high', async () => {
    const width = 120;
    const height = 80;
    const gray = { width, height, data: new Uint8Array(width * height).fill(100) };
    // Heat only in the top-left cell of a 2x2 map.
    const heat = new Float32Array([1, 0, 0, 0]);
    const { overlayPng, heatmapPng } = await renderHeatPictures(gray, heat, 2, 2);
    for (const png of [overlayPng, heatmapPng]) {
      const meta = await sharp(png).metadata();
      assert.equal(meta.format, 'png');
      assert.equal(meta.width, width);
      assert.equal(meta.height, height);
    }
    const { data } = await sharp(heatmapPng).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => [data[(y * width + x) * 3], data[(y * width + x) * 3 + 1], data[(y * width + x) * 3 + 2]];
    assert.deepEqual(at(0, 0), [JET[765], JET[766], JET[767]], 'hottest corner is jet red');
    assert.deepEqual(at(width - 1, height - 1), [JET[0], JET[1], JET[2]], 'cold corner is jet blue');
    const overlay = await sharp(overlayPng).raw().toBuffer();
    assert.ok(overlay[0] > 100 && overlay[2] < 100, 'overlay is reddened over the hot region');
  });

  it('upsamples bilinearly with aligned pixel centres', () => {
    const up = upsample(new Float32Array([0, 1]), 2, 1, 4, 1);
    assert.deepEqual(Array.from(up), [0, 0.25, 0.75, 1]);
  });
});
