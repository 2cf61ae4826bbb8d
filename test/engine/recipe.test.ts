import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend/select';
import { DEFAULT_CONFIG, resolveConfig } from '../../src/engine/config';
import { buildRadNet } from '../../src/engine/model/radnet';
import { saveModel } from '../../src/engine/model/io';
import { Predictor } from '../../src/engine/predict/predictor';
import { runTraining } from '../../src/engine/runs/pipeline';
import { epochOrder } from '../../src/engine/train/sampling';
import { learningRateAt } from '../../src/engine/train/schedule';
import { trainModel } from '../../src/engine/train/train';
import { squares } from './trainHelpers';
import { writeTinyDataset } from './runs-fixtures';

describe('training recipe', () => {
  it('the seed preset is one setting away and brings its own recipe; explicit settings override a preset', () => {
    assert.equal(DEFAULT_CONFIG.model, 'radnet');
    assert.equal(resolveConfig().sampling, 'balanced', "radnet draws balanced batches");
    assert.equal(resolveConfig({ model: 'seed' }).sampling, 'shuffle');
    assert.equal(resolveConfig().tta, true, 'radnet averages in the mirror image at evaluation');
    assert.equal(resolveConfig({ model: 'seed' }).tta, false);
    const seed = resolveConfig({ model: 'seed' });
    assert.deepEqual(
      { imageSize: seed.imageSize, epochs: seed.epochs, lr: seed.learningRate, schedule: seed.lrSchedule, patience: seed.patience, selectBy: seed.selectBy, augment: seed.augment },
      { imageSize: 48, epochs: 20, lr: 0.001, schedule: 'constant', patience: 4, selectBy: 'loss', augment: false },
    );
    assert.equal(resolveConfig({ model: 'seed', imageSize: 64 }).imageSize, 64);
    assert.throws(() => resolveConfig({ model: 'resnet' as never }), /model must be one of radnet, seed/);
    assert.throws(() => resolveConfig({ targetSensitivity: 1.2 }), /targetSensitivity must be 0 .* or a number strictly between 0 and 1, got 1.2/);
    assert.throws(() => resolveConfig({ focalGamma: -5 }), /focalGamma/);
  });

  it('balanced sampling shows a 5% class about as often as the common one, every rare image each epoch, seeded', () => {
    const labels = Int32Array.from({ length: 1000 }, (_, i) => (i % 20 === 0 ? 1 : 0));
    const order = epochOrder('balanced', labels, 2, 3, 1);
    const rare = Array.from(order).filter((i) => labels[i] === 1);
    assert.ok(rare.length > 450 && rare.length < 550, `${rare.length} rare draws of 1000`);
    assert.equal(new Set(rare).size, 50, 'every rare image is drawn');
    assert.deepEqual(epochOrder('balanced', labels, 2, 3, 1), order);
    assert.notDeepEqual(epochOrder('balanced', labels, 2, 3, 2), order);
    const shuffled = epochOrder('shuffle', labels, 2, 3, 1);
    assert.deepEqual(Array.from(shuffled).sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  });

  it('the cosine schedule warms up over the first epoch, peaks at the rate and ends at 2% of it', () => {
    const at = (step: number) => learningRateAt('cosine', 0.01, step, 10, 100);
    assert.ok(Math.abs(at(0) - 0.001) < 1e-12);
    assert.ok(at(5) > at(0) && at(5) < 0.01);
    assert.ok(Math.abs(at(10) - 0.01) < 1e-12);
    assert.ok(at(50) < at(20) && at(90) < at(50));
    assert.ok(Math.abs(at(100) - 0.0002) < 1e-12);
    assert.equal(learningRateAt('constant', 0.01, 57, 10, 100), 0.01);
  });
});

describe('fine-tuning and the stored threshold', () => {
  let dir: string;
  before(async () => {
    await initBackend('wasm');
    dir = await mkdtemp(join(tmpdir(), 'fcnn-recipe-'));
    await writeTinyDataset(join(dir, 'a'), { perClass: 16, size: 40, seed: 3 });
    await writeTinyDataset(join(dir, 'b'), { perClass: 16, size: 40, seed: 8, positive: 'positive', negative: 'negative' });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const tiny = { imageSize: 32, epochs: 2, batchSize: 8, workers: 1, backend: 'wasm' } as const;

  it('fine-tunes a run of another dataset: base frozen first, then every layer trains; Predictor uses the new classes', async () => {
    const base = await runTraining({ datasetFolder: join(dir, 'a'), runsFolder: join(dir, 'runs'), cacheDir: join(dir, 'cache'), config: tiny });
    assert.equal(base.tag, 'completed');
    const snapshots: number[][] = [];
    const logs: string[] = [];
    const baseFolder = (base as { folder: string }).folder;
    const ft = await runTraining({
      datasetFolder: join(dir, 'b'),
      runsFolder: join(dir, 'runs'),
      cacheDir: join(dir, 'cache'),
      config: { epochs: 3, batchSize: 8, workers: 1, backend: 'wasm', baseModel: baseFolder, freezeEpochs: 1 },
      callbacks: { onLog: (l) => logs.push(l) },
    });
    assert.equal(ft.tag, 'completed', ft.tag === 'failed' ? ft.message : '');
    const run = (ft as { run: { config: { imageSize: number }; metrics?: { classes: string[] } } }).run;
    assert.equal(run.config.imageSize, 32, "the base model's input size");
    assert.deepEqual(run.metrics?.classes, ['negative', 'positive']);
    assert.ok(logs.some((l) => /Cut at layer relu4/.test(l)), logs.join('\n'));
    assert.ok(logs.some((l) => /epoch 2: base model unfrozen/.test(l)), logs.join('\n'));
    const p = await Predictor.load((ft as { folder: string }).folder);
    assert.deepEqual(p.classes, ['negative', 'positive']);
    assert.equal(p.model.name, 'finetuned');
    p.dispose();
    void snapshots;
  });

  it('the base stays frozen during the frozen epochs and changes after', async () => {
    const baseModel = buildRadNet(32, 2, 5);
    const train = squares(24, 32, 11, (i) => i % 2);
    const val = squares(8, 32, 12, (i) => i % 2);
    const conv1 = baseModel.layers.find((l) => l.name === 'conv1')!;
    const w0 = Float32Array.from(conv1.getWeights()[0].dataSync());
    const seen: Float32Array[] = [];
    const others = baseModel.layers.filter((l) => l.name !== 'predictions' && l.getClassName() !== 'InputLayer');
    await trainModel(baseModel, { train, val, numClasses: 2, freeze: { layers: others, epochs: 1 } }, resolveConfig({ ...tiny, epochs: 2, patience: 5, selectBy: 'loss' }), {
      onEpoch: () => seen.push(Float32Array.from(conv1.getWeights()[0].dataSync())),
    });
    assert.deepEqual(seen[0], w0, 'frozen in epoch 1');
    assert.notDeepEqual(seen[1], w0, 'trained in epoch 2');
    baseModel.dispose();
  });

  it('bad fine-tuning settings name the setting and write nothing', async () => {
    const runs = join(dir, 'bad-runs');
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ baseModel: join(dir, 'missing') }, /baseModel folder .*missing does not exist/],
      [{ baseModel: join(dir, 'a') }, /baseModel folder .* holds no model\.json/],
      [{ targetSensitivity: 1.5 }, /targetSensitivity/],
    ];
    const anyRun = (await readdir(join(dir, 'runs')))[0];
    cases.push([{ baseModel: join(dir, 'runs', anyRun), imageSize: 64 }, /imageSize 64 does not fit baseModel .* whose input is 32x32/]);
    cases.push([{ baseModel: join(dir, 'runs', anyRun), cutLayer: 'nope' }, /cutLayer "nope" is not a layer of baseModel/]);
    for (const [config, message] of cases) {
      const r = await runTraining({ datasetFolder: join(dir, 'b'), runsFolder: runs, cacheDir: join(dir, 'cache'), config: { ...tiny, ...config } });
      assert.equal(r.tag, 'failed');
      assert.match((r as { message: string }).message, message);
      if (!('cutLayer' in config)) assert.equal((r as { kind?: string }).kind, 'config');
    }
    const left = existsSync(runs) ? await readdir(runs) : [];
    assert.ok(left.length <= 1, `only the cut-layer case (which needs the dataset's classes) may have made a run folder: ${left}`);
  });

  it('predict decides by the threshold stored with the model, not by 0.5', async () => {
    const model = buildRadNet(32, 2, 1);
    // P(fractured) = 0.3 for every image: below 0.5, above the stored threshold 0.2.
    const dense = model.layers.find((l) => l.name === 'predictions')!;
    dense.setWeights([tf.zeros([128, 2]), tf.tensor1d([Math.log(0.3), Math.log(0.7)])]);
    const folder = join(dir, 'thresholded');
    await saveModel(model, folder, { classes: ['fractured', 'normal'], imageSize: 32, threshold: { positiveClass: 0, value: 0.2 } });
    const image = (await readdir(join(dir, 'b', 'negative')))[0];
    const p = await Predictor.load(folder);
    const [out] = await p.predict([join(dir, 'b', 'negative', image)], { gradcam: false });
    assert.ok(out.ok);
    if (out.ok) {
      assert.ok(Math.abs(out.prediction.probabilities[0] - 0.3) < 1e-5);
      assert.equal(out.prediction.predictedIndex, 0);
      assert.equal(out.prediction.threshold, 0.2);
    }
    p.dispose();
    model.dispose();
  });
});
