import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BatchProgress } from '../../src/engine/types';
import { epochMessage, overallPercent } from '../../src/server/progressText';
import { throttle } from '../../src/shared/throttle';

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

  test('progress goes out at most once per interval, ending with the latest, and at once when flushed', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 10_000 });
    let latest = 0;
    const sent: number[] = [];
    const report = throttle(() => sent.push(latest), 250);
    const at = (ms: number, value: number): void => {
      t.mock.timers.tick(ms - (Date.now() - 10_000));
      latest = value;
      report();
    };
    at(0, 1);
    at(100, 2);
    at(200, 3);
    assert.deepEqual(sent, [1], 'within the interval only the first goes out');
    t.mock.timers.tick(50);
    assert.deepEqual(sent, [1, 3], 'then the latest, when the interval is over');
    at(300, 4);
    report.flush();
    assert.deepEqual(sent, [1, 3, 4], 'the last batch of an epoch goes out at once');
    at(310, 5);
    report.dispose();
    t.mock.timers.tick(1_000);
    assert.deepEqual(sent, [1, 3, 4], 'nothing after dispose (the run has ended)');
  });
});
