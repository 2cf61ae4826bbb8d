import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/engine/backend/select';
import { loadModel, saveModel } from '../../src/engine/model/io';
import { buildSeedCnn, findLastConv, modelSummary } from '../../src/engine/model/seedCnn';

describe('seed CNN', () => {
  let dir: string;
  before(async () => {
    await initBackend('wasm');
    dir = await mkdtemp(join(tmpdir(), 'fcnn-model-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('has exactly 355,202 parameters at 48x48x1 with two classes, like the Keras seed model', () => {
    const model = buildSeedCnn(48, 2, 1);
    assert.equal(model.countParams(), 355202);
    assert.deepEqual(model.outputs[0].shape, [null, 2]);
    assert.deepEqual(
      model.layers.map((l) => l.getClassName()),
      ['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dropout', 'Dense'],
    );
    assert.equal(findLastConv(model).name, 'last_conv');
    model.dispose();
  });

  it('starts from the same weights for the same seed and from different ones for another seed', () => {
    const [a, b, c] = [buildSeedCnn(32, 3, 5), buildSeedCnn(32, 3, 5), buildSeedCnn(32, 3, 6)];
    const first = (m: tfl.LayersModel) => Array.from(m.getWeights()[0].dataSync());
    assert.deepEqual(first(a), first(b));
    assert.notDeepEqual(first(a), first(c));
    for (const m of [a, b, c]) m.dispose();
  });

  it('refuses inputs too small for three conv and pool stages, naming the minimum', () => {
    assert.throws(() => buildSeedCnn(21, 2), /at least 22/);
    assert.throws(() => buildSeedCnn(48, 1), /at least 2 classes/);
    const smallest = buildSeedCnn(22, 2);
    assert.deepEqual(findLastConv(smallest).outputShape, [null, 2, 2, 128]);
    smallest.dispose();
  });

  it('prints a Keras-style summary with output shapes and parameter totals', () => {
    const model = buildSeedCnn(48, 2, 1);
    const text = modelSummary(model);
    assert.match(text, /last_conv \(Conv2D\)\s+\(None, 8, 8, 128\)\s+73,856/);
    assert.match(text, /Total params: 355,202/);
    assert.match(text, /Trainable params: 355,202/);
    model.dispose();
  });

  it('saves in TensorFlow.js layers format and loads back with identical predictions and metadata', async () => {
    const model = buildSeedCnn(32, 2, 3);
    const target = join(dir, 'model');
    await saveModel(model, target, { classes: ['fractured', 'not fractured'], imageSize: 32, runId: 'r1' });
    assert.deepEqual((await readdir(target)).sort(), ['model.json', 'weights.bin']);
    const json = JSON.parse(await readFile(join(target, 'model.json'), 'utf8'));
    assert.equal(json.format, 'layers-model');
    assert.deepEqual(json.weightsManifest[0].paths, ['./weights.bin']);
    assert.equal((await readFile(join(target, 'weights.bin'))).length, model.countParams() * 4);

    const { model: loaded, metadata } = await loadModel(target);
    assert.deepEqual(metadata, { classes: ['fractured', 'not fractured'], imageSize: 32, runId: 'r1' });
    const x = tf.randomUniform([4, 32, 32, 1], 0, 1, 'float32', 9);
    const p1 = await (model.predict(x) as tf.Tensor).data();
    const p2 = await (loaded.predict(x) as tf.Tensor).data();
    assert.deepEqual(Array.from(p2), Array.from(p1));
    model.dispose();
    loaded.dispose();
  });

  it('overwrites an older model folder without leaving temporary folders behind', async () => {
    const target = join(dir, 'again');
    const m1 = buildSeedCnn(24, 2, 1);
    const m2 = buildSeedCnn(24, 3, 2);
    await saveModel(m1, target, { classes: ['a', 'b'], imageSize: 24 });
    await saveModel(m2, target, { classes: ['a', 'b', 'c'], imageSize: 24 });
    const { model, metadata } = await loadModel(target);
    assert.deepEqual(model.outputs[0].shape, [null, 3]);
    assert.equal(metadata?.classes.length, 3);
    assert.deepEqual((await readdir(dir)).filter((n) => n.includes('tmp')), []);
    for (const m of [m1, m2, model]) m.dispose();
  });

  it('names the folder when a model cannot be read', async () => {
    await assert.rejects(loadModel(join(dir, 'missing')), /Cannot read model .*missing.*model\.json/);
  });
});
