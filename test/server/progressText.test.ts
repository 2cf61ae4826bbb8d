import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BatchProgress } from '../../src/engine/types';
import { epochMessage, overallPercent } from '../../src/server/progressText';
import { Throttle } from '../../src/server/throttle';

const batch = (epoch: number, b: number): BatchProgress => ({ epoch, epochs: 4, batch: b, batches: 10, loss: 1, acc: 0.5, elapsed: 1, eta: 10 });

describe('work-done progress wording and throttling', () => {
  test('percentages cover the whole training, epoch by epoch', () => {
    assert.equal(overallPercent(batch(1, 0)), 0);
    assert.equal(overallPercent(batch(1, 10)), 25);
    assert.equal(overallPercent(batch(3, 5)), 63);
    assert.equal(overallPercent(batch(4, 10)), 100);
  });

  test('messages read "Epoch k/n — val acc x"', () => {
    assert.equal(epochMessage(3, 20, 0.875), 'Epoch 3/20 — val acc 87.5%');
    assert.equal(epochMessage(1, 20, undefined, batch(1, 4)), 'Epoch 1/20 — batch 4/10');
  });

  test('batch notifications pass at most once per interval, and always when forced', () => {
    const throttle = new Throttle(250);
    const passed = [0, 100, 200, 260, 300, 520].filter((t) => throttle.due(false, t));
    assert.deepEqual(passed, [0, 260, 520]);
    assert.equal(throttle.due(true, 530), true, 'the last batch of an epoch always goes out');
  });
});
