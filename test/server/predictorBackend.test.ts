import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend/select';
import { saveModel } from '../../src/engine/model/io';
import { buildSeedCnn } from '../../src/engine/model/seedCnn';
import { PredictorCache } from '../../src/server/predictorCache';
import { tempDir } from '../engine/helpers/images';

test("loading a model for Classify keeps the backend a training in the same process chose", async () => {
  // A training that asked for the cpu backend is running in this process.
  await initBackend('cpu');
  const folder = join(tempDir(), 'model');
  const model = buildSeedCnn(24, 2, 1);
  await saveModel(model, folder, { classes: ['a', 'b'], imageSize: 24 });
  model.dispose();
  const cache = new PredictorCache();
  const { predictor } = await cache.get(folder);
  assert.equal(tf.getBackend(), 'cpu', 'the training keeps its backend');
  assert.equal(predictor.classes.length, 2);
  cache.drop();
});
