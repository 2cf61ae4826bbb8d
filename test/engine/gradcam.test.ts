import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import sharp from 'sharp';
import { initBackend } from '../../src/engine/backend/select';
import { GradCam, heatPeak, parabolaPeak, type GradCamResult } from '../../src/engine/gradcam/gradcam';
import { JET } from '../../src/engine/gradcam/colormap';
import { renderHeatPictures, upsample } from '../../src/engine/gradcam/overlay';
import { placementUpTo, uniformPlacement } from '../../src/engine/gradcam/placement';
import { peakInBox, pointingGame } from '../../src/engine/gradcam/pointing';
import { buildSeedCnn, findLastConv, LAST_CONV_LAYER } from '../../src/engine/model/seedCnn';
import { buildRadNet } from '../../src/engine/model/radnet';
import { resolveConfig } from '../../src/engine/config';
import { trainModel } from '../../src/engine/train/train';
import { MemoryImageSet } from './trainHelpers';
import { squareImages } from './gradcam-fixtures';
import { evidenceModel, predictOne, probabilityGradCam } from './gradcam-models';
import type { Ending } from './gradcam-models';

const SIZE = 48;

describe('Grad-CAM', () => {
  before(() => initBackend('wasm'));

  it('points inside the marked region once the default model, trained by the project\'s trainer, has learned what marks the class', async () => {
    // Bright squares at random places mark the positive class: learnable in a few epochs, with a known box per image.
    const size = 48;
    const data = squareImages(320, size, 11);
    const held = 40;
    const n = data.labels.length - held;
    const set = (from: number, to: number) => new MemoryImageSet(size, data.pixels.slice(from * size * size, to * size * size), Int32Array.from(data.labels.slice(from, to)));
    const model = buildRadNet(size, 2, 1);
    await trainModel(model, { train: set(0, n - 40), val: set(n - 40, n), numClasses: 2 }, resolveConfig({ imageSize: size, epochs: 6, patience: 6, workers: 1, seed: 5, augment: false }));
    const cam = new GradCam(model);
    const cases = [];
    for (let i = n; i < data.labels.length; i++) {
      const b = data.boxes[i];
      if (!b) continue;
      const r = await cam.explain(data.pixels.subarray(i * size * size, (i + 1) * size * size), size, 1);
      assert.ok(r.probabilities[1] > 0.5, `image ${i} is recognised (p = ${r.probabilities[1]})`);
      cases.push({ cam: r, imageWidth: size, imageHeight: size, box: { x: b.x, y: b.y, width: b.w, height: b.h } });
    }
    const score = pointingGame(cases);
    assert.ok(score.share >= 0.85, `peak inside the marked square on ${score.hits}/${score.total} held-out images`);
    model.dispose();
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

describe('Grad-CAM with the mirror image averaged in', () => {
  before(() => initBackend('wasm'));

  it('averages the map of the image and the flipped-back map of its mirror, and their probabilities, as the prediction does', async () => {
    const size = 32;
    const model = buildRadNet(size, 2, 7);
    const cam = new GradCam(model);
    const pixels = Uint8Array.from({ length: size * size }, (_, i) => ((i % size) < 10 ? 200 : 30) + (i % 7) * 3);
    const mirror = Uint8Array.from(pixels, (_, i) => pixels[i - (i % size) + size - 1 - (i % size)]);
    // Class 0 has positive evidence in both images with these weights, so both maps count.
    const plain = await cam.explain(pixels, size, 0);
    const both = await cam.explain(pixels, size, 0, { mirror: true });
    const flipped = await cam.explain(mirror, size, 0);
    assert.ok(!plain.noPositiveEvidence && !flipped.noPositiveEvidence);
    const [p0, p1] = [predictOne(model, pixels, size), predictOne(model, mirror, size)];
    both.probabilities.forEach((p, k) => assert.ok(Math.abs(p - (p0[k] + p1[k]) / 2) < 1e-5, `probability ${k}: ${p} against ${(p0[k] + p1[k]) / 2}`));
    // Each map was scaled to its own peak, so compare where they are hot: the average is hot where either is, cold where both are.
    const w = both.heatWidth;
    let differs = false;
    for (let i = 0; i < both.heat.length; i++) {
      const x = i % w;
      const back = flipped.heat[i + w - 1 - 2 * x];
      if (plain.heat[i] === 0 && back === 0) assert.equal(both.heat[i], 0, `cell ${i} is cold in both maps`);
      else assert.ok(both.heat[i] > 0, `cell ${i} is hot in one map`);
      if (Math.abs(both.heat[i] - plain.heat[i]) > 1e-3) differs = true;
    }
    assert.ok(differs, `an asymmetric image gets another map than without its mirror: ${Array.from(both.heat).map((v) => v.toFixed(2))} / ${Array.from(plain.heat).map((v) => v.toFixed(2))}`);
    assert.equal(Math.max(...both.heat), 1);
    model.dispose();
  });
});

describe('Grad-CAM with the mirror image: when the averaged prediction picks another class', () => {
  before(() => initBackend('wasm'));

  it('explains the class the averaged prediction picks, in both images, not the class of the image alone', async () => {
    // Two edge detectors (rising and falling brightness left to right) feed class 0 and class 1:
    // a dark-left, bright-right film leans to class 0, its mirror image more strongly to class 1.
    const size = 16;
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ name: LAST_CONV_LAYER, inputShape: [size, size, 1], filters: 2, kernelSize: [1, 3], padding: 'same', useBias: false, activation: 'relu' }),
        tfl.layers.globalAveragePooling2d({ name: 'gap' }),
        tfl.layers.dense({ name: 'predictions', units: 2, activation: 'softmax' }),
      ],
    });
    model.getLayer(LAST_CONV_LAYER).setWeights([tf.tensor4d([-1, 1, 0, 0, 1, -1], [1, 3, 1, 2])]);
    model.getLayer('predictions').setWeights([tf.tensor2d([[30, 0], [0, 40]]), tf.tensor1d([0, 0])]);
    const pixels = Uint8Array.from({ length: size * size }, (_, i) => (i % size < 6 ? 60 : 200));
    const mirror = Uint8Array.from(pixels, (_, i) => pixels[i - (i % size) + size - 1 - (i % size)]);
    const [p0, p1] = [predictOne(model, pixels, size), predictOne(model, mirror, size)];
    assert.ok(p0[0] > p0[1] && (p0[1] + p1[1]) / 2 > (p0[0] + p1[0]) / 2, `the film alone says class 0, with its mirror class 1: ${p0} / ${p1}`);

    const cam = new GradCam(model);
    const auto = await cam.explain(pixels, size, undefined, { mirror: true });
    assert.equal(auto.predictedIndex, 1);
    assert.equal(auto.explainedIndex, 1, 'the map explains the averaged prediction');
    auto.probabilities.forEach((p, k) => assert.ok(Math.abs(p - (p0[k] + p1[k]) / 2) < 1e-5));
    const alone = await cam.explain(pixels, size);
    assert.equal(alone.explainedIndex, 0, 'without the mirror, the film alone is explained as class 0');
    const asked1 = await cam.explain(pixels, size, 1, { mirror: true });
    assert.deepEqual(Array.from(auto.heat), Array.from(asked1.heat), 'the same map as asking for class 1');
    assert.equal(auto.noPositiveEvidence, false);
    model.dispose();
  });
});

describe('Grad-CAM of confident and of negative evidence (wasm)', () => {
  // wasm lacks some gradient kernels: the heads here (batch norm, pooling, dense) must not need them.
  before(async () => assert.equal((await initBackend('wasm')).name, 'wasm'));
  const max = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, v), -Infinity);

  it('keeps the map of a saturated prediction, which the probability gradient would blank', async () => {
    const model = buildSeedCnn(SIZE, 2, 4);
    // A bias this large saturates softmax in float32: p = 1 exactly, p(other) underflows to 0.
    const predictions = model.getLayer('predictions');
    const [kernel] = predictions.getWeights();
    predictions.setWeights([kernel, tf.tensor1d([-100, 100])]);
    const { pixels } = squareImages(2, SIZE, 3);
    const image = pixels.subarray(SIZE * SIZE);
    const r = await new GradCam(model).explain(image, SIZE);
    assert.equal(r.predictedIndex, 1);
    assert.ok(r.probabilities[1] > 0.999, `confident: p = ${r.probabilities[1]}`);
    assert.equal(r.noPositiveEvidence, false);
    assert.equal(max(r.heat), 1, 'the logit-gradient map has a peak');
    assert.ok(r.heat.filter((v) => v > 0).length > 1, 'and more than one warm cell');
    assert.equal(max(probabilityGradCam(model, image, SIZE, 1)), 0, 'the probability-gradient map is zero everywhere');
    model.dispose();
  });

  for (const ending of ['dense-softmax', 'activation-softmax', 'softmax-layer'] as Ending[]) {
    it(`differentiates the logit before a softmax given as ${ending}, with batch norm and dropout in inference mode`, async () => {
      const size = 8;
      const model = evidenceModel(size, ending, [100, -100]);
      const image = new Uint8Array(size * size).map((_, i) => 60 + i * 2);
      const r = await new GradCam(model).explain(image, size, 0);
      const expected = predictOne(model, image, size);
      r.probabilities.forEach((p, i) => assert.ok(Math.abs(p - expected[i]) < 1e-6, `probability ${i}: ${p} vs the model's ${expected[i]}`));
      assert.equal(r.probabilities[0], 1, 'saturated');
      assert.equal(r.noPositiveEvidence, false);
      // Every pixel raises class 0 in proportion to its brightness: the peak is the brightest pixel.
      assert.equal(r.heat.indexOf(1), size * size - 1);
      assert.equal(max(probabilityGradCam(model, image, size, 0)), 0);
      model.dispose();
    });
  }

  it('uses the output as is when the model has no softmax', async () => {
    const size = 8;
    const model = evidenceModel(size, 'none', [0.25, 0]);
    const image = new Uint8Array(size * size).fill(100);
    const r = await new GradCam(model).explain(image, size, 0);
    assert.deepEqual(
      r.probabilities.map((p) => p.toFixed(5)),
      predictOne(model, image, size).map((p) => p.toFixed(5)),
    );
    assert.equal(r.noPositiveEvidence, false);
    model.dispose();
  });

  it('says there is no positive evidence when every part of the image lowers the class score', async () => {
    const size = 8;
    const model = evidenceModel(size, 'dense-softmax');
    const image = new Uint8Array(size * size).map((_, i) => 40 + i);
    const cam = new GradCam(model);
    const against = await cam.explain(image, size, 1);
    assert.equal(against.noPositiveEvidence, true);
    assert.equal(max(against.heat), 0, 'the map is blank, not normalised noise');
    assert.ok(against.probabilities[1] > 0, 'the class still has a probability');
    const towards = await cam.explain(image, size, 0);
    assert.equal(towards.noPositiveEvidence, false);
    assert.equal(max(towards.heat), 1);
    model.dispose();
  });
});

describe('Grad-CAM memory', () => {
  before(() => initBackend('wasm'));

  it('frees every tensor it makes, for the seed CNN and for a batch-norm head ending in a Softmax layer', async () => {
    for (const model of [buildSeedCnn(SIZE, 2, 1), evidenceModel(SIZE, 'softmax-layer')]) {
      const cam = new GradCam(model);
      const image = new Uint8Array(SIZE * SIZE).fill(90);
      await cam.explain(image, SIZE); // the first call builds the body model's own tensors
      const before = tf.memory().numTensors;
      for (let i = 0; i < 4; i++) await cam.explain(image, SIZE, i % 2);
      assert.equal(tf.memory().numTensors, before);
      model.dispose();
    }
  });
});

describe('pointing game', () => {
  /** A hand-made 4x4 map over a 48 px input, hot in one cell. */
  function camHotAt(cx: number, cy: number, noPositiveEvidence = false): GradCamResult {
    const heat = new Float32Array(16);
    if (!noPositiveEvidence) heat[cy * 4 + cx] = 1;
    return { probabilities: [0.5, 0.5], predictedIndex: 0, explainedIndex: 0, heat, heatWidth: 4, heatHeight: 4, placement: uniformPlacement(4, 48), noPositiveEvidence };
  }

  it('finds the peak at its cell centre on a square image', () => {
    // Cell (1, 2) of 4 is centred at input (18, 30) of 48: (75, 125) on a 200 px image.
    assert.deepEqual(heatPeak(camHotAt(1, 2), 200, 200), { x: 75, y: 125 });
    assert.equal(peakInBox(camHotAt(1, 2), 200, 200, { x: 60, y: 110, width: 30, height: 30 }), true);
    assert.equal(peakInBox(camHotAt(1, 2), 200, 200, { x: 90, y: 110, width: 30, height: 30 }), false);
    assert.equal(peakInBox(camHotAt(1, 2), 200, 200, { x: 75, y: 125, width: 0, height: 0 }), true, 'edges count as inside');
  });

  it('maps each axis on its own for a non-square image, as the stretch to the square input did', () => {
    // 400 x 100: the input's x scales by 400/48, y by 100/48. Cell (3, 0) -> input (42, 6) -> (350, 12.5).
    const cam = camHotAt(3, 0);
    assert.deepEqual(heatPeak(cam, 400, 100), { x: 350, y: 12.5 });
    assert.equal(peakInBox(cam, 400, 100, { x: 330, y: 5, width: 40, height: 15 }), true);
    // One scale for both axes (as if the image had been letterboxed) would put the peak at y 50.
    assert.equal(peakInBox(cam, 400, 100, { x: 330, y: 40, width: 40, height: 20 }), false);
  });

  it('moves the peak within its cell toward the hotter neighbour, by the parabola through the three', () => {
    // Hot cell (1, 2) at 1, its right neighbour 0.5 and left 0. Blurred along the row by [1, 2, 1]
    // these read 1, 2.5, 2: the parabola's vertex lies a quarter of a cell right, at input x 21.
    const cam = camHotAt(1, 2);
    cam.heat[2 * 4 + 2] = 0.5;
    assert.deepEqual(heatPeak(cam, 48, 48), { x: 18 + 12 / 4, y: 30 });
    // On the map's edge there is no neighbour beyond: the peak stays at the cell's centre on that axis.
    const edge = camHotAt(3, 2);
    edge.heat[2 * 4 + 2] = 0.5;
    assert.deepEqual(heatPeak(edge, 48, 48), { x: 42, y: 30 });
    // Equal neighbours leave the centre; the offset never leaves the cell.
    assert.equal(parabolaPeak(0.4, 1, 0.4), 0);
    assert.equal(parabolaPeak(0, 1, 1), 0.5);
    assert.ok(Math.abs(parabolaPeak(0.8, 1, 0) + 1 / 3) < 1e-12);
  });

  it('peaks at the centre of a hot region rather than at a lone hotter cell, and not on the border', () => {
    // An 8x8 map: a 3x3 region at 0.8 around cell (5, 5), one stray cell at 1 at (1, 1).
    const heat = new Float32Array(64);
    for (let y = 4; y <= 6; y++) for (let x = 4; x <= 6; x++) heat[y * 8 + x] = 0.8;
    heat[1 * 8 + 1] = 1;
    const cam: GradCamResult = { probabilities: [0.5, 0.5], predictedIndex: 0, explainedIndex: 0, heat, heatWidth: 8, heatHeight: 8, placement: uniformPlacement(8, 64), noPositiveEvidence: false };
    // Cell 5 of 8 on a 64 px input is centred at 44.
    assert.deepEqual(heatPeak(cam, 64, 64), { x: 44, y: 44 });
    // A region against the map's edge (columns 0-2) peaks at its own centre, column 1 (input x 12),
    // not on the edge column: cells beyond the edge count as cold.
    const edge = new Float32Array(64);
    for (let y = 3; y <= 5; y++) for (let x = 0; x <= 2; x++) edge[y * 8 + x] = 0.8;
    assert.deepEqual(heatPeak({ ...cam, heat: edge }, 64, 64), { x: 12, y: 36 });
  });

  it('counts a blank map as a miss, and scores a set of images', () => {
    const box = { x: 0, y: 0, width: 100, height: 100 };
    assert.equal(peakInBox(camHotAt(0, 0, true), 200, 200, box), false, 'a blank map points nowhere');
    const cases = [camHotAt(0, 0), camHotAt(1, 1), camHotAt(3, 3), camHotAt(0, 0, true)].map((cam) => ({ cam, imageWidth: 200, imageHeight: 200, box }));
    assert.deepEqual(pointingGame(cases), { hits: 2, total: 4, share: 0.5 });
    assert.deepEqual(pointingGame([]), { hits: 0, total: 0, share: 0 });
  });
});
