import { strict as assert } from 'node:assert';
import { before, test } from 'node:test';
import { initBackend } from '../../src/engine/backend/select';
import { predictSet } from '../../src/engine/eval/evaluate';
import { createInferencePool } from '../../src/engine/train/parallel';
import { squares, tinyCnn } from './trainHelpers';

const SIZE = 10;

before(async () => {
  await initBackend('wasm');
});

test('predicting a set over 2 and 3 worker threads gives the single-thread probabilities, in order', async () => {
  // 37 images in batches of 8: uneven shards, and a last batch smaller than the worker count allows.
  const set = squares(37, SIZE, 81, (i) => i % 3 === 0 ? 1 : 0);
  const model = tinyCnn(SIZE, 2, 4);
  const one = await predictSet(model, set, 8);
  assert.equal(one.length, 37 * 2);
  for (const workers of [2, 3]) {
    const pool = await createInferencePool(model, workers);
    try {
      assert.equal(pool.workers, workers);
      const many = await predictSet(model, set, 8, pool);
      assert.equal(many.length, one.length);
      for (let i = 0; i < one.length; i++) assert.ok(Math.abs(many[i] - one[i]) < 1e-5, `probability ${i}: ${many[i]} vs ${one[i]} with ${workers} workers`);
    } finally {
      await pool.close();
    }
  }
  model.dispose();
});
