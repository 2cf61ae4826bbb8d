import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend/select';
import { resolveConfig } from '../../src/engine/config';
import { parseCommand } from '../../src/cli/args';
import { loadModel } from '../../src/engine/model/io';
import { BASE_INFO_JSON, builtinBaseFolder, loadPretrained } from '../../src/engine/model/pretrained';
import { buildRadNet } from '../../src/engine/model/radnet';
import { buildSeedCnn } from '../../src/engine/model/seedCnn';
import { saveModel } from '../../src/engine/model/io';
import { runTraining } from '../../src/engine/runs/pipeline';
import { writeTinyDataset } from './runs-fixtures';

const same = (a: tf.Tensor, b: tf.Tensor) => tf.util.arraysEqual(a.shape, b.shape) && tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] === 0;

describe('the built-in radnet base', () => {
  let dir: string;
  before(async () => {
    await initBackend('wasm');
    dir = await mkdtemp(join(tmpdir(), 'fcnn-pretrained-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('ships with the extension and says how it was made', () => {
    const folder = builtinBaseFolder();
    const info = JSON.parse(readFileSync(join(folder, BASE_INFO_JSON), 'utf8')) as { model: string; corpus: { fractured: number; normal: number }[]; test: { rocAuc: number } };
    assert.equal(info.model, 'radnet');
    assert.ok(info.corpus.reduce((n, p) => n + p.fractured + p.normal, 0) >= 4000, 'a corpus far larger than a user set');
    assert.ok(info.test.rocAuc > 0.9, `the base itself separates held-out films (AUC ${info.test.rocAuc})`);
  });

  it('fills every convolution and batch norm at any input size and class count, and leaves the head new', async () => {
    const { model: base } = await loadModel(builtinBaseFolder());
    for (const [size, classes] of [[64, 2], [96, 5]] as const) {
      const model = buildRadNet(size, classes, 3);
      const headBefore = model.getLayer('predictions').getWeights()[0].clone();
      const filled = await loadPretrained(model);
      assert.deepEqual(filled.sort(), ['bn1', 'bn2', 'bn3', 'bn4', 'conv1', 'conv2', 'conv3', 'conv4']);
      for (const name of filled) {
        const want = base.getLayer(name).getWeights();
        model.getLayer(name).getWeights().forEach((w, i) => assert.ok(same(w, want[i]), `${name} weight ${i} is the base's at ${size} px`));
      }
      assert.ok(same(model.getLayer('predictions').getWeights()[0], headBefore), 'the classifier keeps its fresh weights');
      assert.deepEqual(model.getLayer('predictions').getWeights()[0].shape, [128, classes]);
      model.dispose();
    }
    base.dispose();
  });

  it('is on for radnet by default and off for the seed preset; asking for it with the seed model names the setting', () => {
    assert.equal(resolveConfig().pretrained, true);
    assert.equal(resolveConfig({ model: 'seed' }).pretrained, false);
    assert.throws(() => resolveConfig({ model: 'seed', pretrained: true }), /Invalid training setting: pretrained applies to the radnet model only/);
    const on = parseCommand(['train', 'x', '--pretrained']);
    const off = parseCommand(['train', 'x', '--no-pretrained']);
    assert.equal(on.command === 'train' && on.config.pretrained, true);
    assert.equal(off.command === 'train' && off.config.pretrained, false);
  });

  it('a default run starts from it and says so; --no-pretrained starts from random weights', async () => {
    const data = join(dir, 'data');
    await writeTinyDataset(data, { perClass: 10, size: 40 });
    const runTo = async (pretrained: boolean | undefined) => {
      const logs: string[] = [];
      const outcome = await runTraining({
        datasetFolder: data,
        runsFolder: join(dir, 'runs'),
        cacheDir: join(dir, 'cache'),
        config: { epochs: 1, imageSize: 40, workers: 1, bootstrapResamples: 0, ...(pretrained === undefined ? {} : { pretrained }) },
        callbacks: { onLog: (l) => logs.push(l) },
      });
      assert.equal(outcome.tag, 'completed');
      return { logs, run: outcome.run, folder: (outcome as { folder: string }).folder };
    };
    const pre = await runTo(undefined);
    assert.ok(pre.logs.some((l) => /Started from the built-in radnet base \(8 layers\)/.test(l)), pre.logs.join('\n'));
    assert.equal(pre.run.config.pretrained, true);
    const fresh = await runTo(false);
    assert.ok(!fresh.logs.some((l) => /built-in radnet base/.test(l)));
    assert.equal(fresh.run.config.pretrained, false);
    assert.ok(existsSync(join(fresh.folder, 'model', 'model.json')));
  });

  it('a missing or foreign base folder is a settings error naming the folder', async () => {
    const model = buildRadNet(64, 2, 1);
    await assert.rejects(loadPretrained(model, join(dir, 'nowhere')), /nowhere/);
    const foreign = join(dir, 'seed-model');
    const seed = buildSeedCnn(48, 2, 1);
    await saveModel(seed, foreign, { classes: ['a', 'b'], imageSize: 48 });
    seed.dispose();
    await assert.rejects(loadPretrained(model, foreign), (err: Error) => err instanceof RangeError && /Invalid training setting: pretrained: the base in .*seed-model shares no layer with the radnet model/.test(err.message));
    model.dispose();
  });

  it('a given base model replaces the built-in one, and the run says so', () => {
    assert.doesNotThrow(() => resolveConfig({ model: 'seed', baseModel: '/some/base', pretrained: true }), 'pretrained is ignored beside baseModel');
  });
});
