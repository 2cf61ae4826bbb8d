import { strict as assert } from 'node:assert';
import { before, test } from 'node:test';
import { initBackend } from '../../src/engine/backend/select';
import { createParallelExecutor, sharedAdam } from '../../src/engine/train/parallel';
import { squares, tinyCnn } from './trainHelpers';

const SIZE = 10;

before(async () => {
  await initBackend('wasm');
});

test("a step whose share on this thread throws fails alone: workers' replies are awaited, nothing is left unhandled, the next request works", async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const model = tinyCnn(SIZE, 2, 3);
  const executor = await createParallelExecutor(model, sharedAdam(model, 0.01), { kind: 'crossentropy', gamma: 2, numClasses: 2 }, 2);
  try {
    // Pixels that do not divide into the labels: this thread's tensor cannot be built, and the worker's shard is malformed too.
    const bad = { x: new Float32Array(SIZE * SIZE * 4 + 3), labels: Int32Array.of(0, 1, 0, 1), positions: Int32Array.of(0, 1, 2, 3), batchSize: 4, seed: 1, epoch: 1 };
    await assert.rejects(executor.step(bad));
    const set = squares(6, SIZE, 9, (i) => i % 2);
    const x = Float32Array.from(set.pixels, (v) => v / 255);
    const stats = await executor.evaluate(x, set.labels);
    assert.ok(Number.isFinite(stats.lossSum), 'the next request gets its own answer');
  } finally {
    await executor.close();
    model.dispose();
    // Let any reply rejected by the workers' exit reach the event loop.
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    process.off('unhandledRejection', onUnhandled);
  }
  assert.deepEqual(unhandled.map(String), []);
});
