import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import sharp from 'sharp';
import { initBackend } from '../../src/engine/backend/select';
import { GradCam, heatPeak } from '../../src/engine/gradcam/gradcam';
import { JET, renderHeatPictures, upsample } from '../../src/engine/gradcam/overlay';
import { buildSeedCnn } from '../../src/engine/model/seedCnn';
import { fitQuickly, squareImages } from './gradcam-fixtures';

const SIZE = 48;

describe('Grad-CAM', () => {
  before(() => initBackend('wasm'));

  it('points at the bright square the model learned to detect on most positive images', async () => {
    const model = buildSeedCnn(SIZE, 2, 11);
    const train = squareImages(192, SIZE, 1);
    await fitQuickly(model, train, SIZE, 4);
    const cam = new GradCam(model);
    const test = squareImages(24, SIZE, 2);
    let inside = 0;
    let positives = 0;
    for (let i = 0; i < test.labels.length; i++) {
      const box = test.boxes[i];
      if (!box) continue;
      positives++;
      const pixels = test.pixels.subarray(i * SIZE * SIZE, (i + 1) * SIZE * SIZE);
      const r = await cam.explain(pixels, SIZE, 1);
      assert.equal(r.probabilities.length, 2);
      assert.ok(Math.abs(r.probabilities[0] + r.probabilities[1] - 1) < 1e-5);
      assert.equal(r.explainedIndex, 1);
      const peak = heatPeak(r, SIZE, SIZE);
      // Half a heat-map cell of slack: the peak is a cell centre.
      const slack = SIZE / r.heatWidth / 2;
      if (peak.x >= box.x - slack && peak.x <= box.x + box.w + slack && peak.y >= box.y - slack && peak.y <= box.y + box.h + slack) inside++;
    }
    assert.ok(inside / positives >= 0.6, `peak inside the square on ${inside}/${positives} images`);
    model.dispose();
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
