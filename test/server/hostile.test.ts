// Requests a confused or compromised client could send the real training process: it answers
// each with a clear result and stays responsive.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TrainingOutcome } from '../../src/engine/types';
import { CancelRequest, ListRunsRequest, PredictRequest, TrainingEndNotification, TrainRequest } from '../../src/protocol/training';
import { tempDir } from '../engine/helpers/images';
import { makeCompletedRun } from '../views/realRuns';
import { startServer, type TestServer } from './harness';

describe('hostile requests to the training process', () => {
  let fx: Awaited<ReturnType<typeof makeCompletedRun>>;
  let server: TestServer;

  before(async () => {
    fx = await makeCompletedRun();
    server = await startServer({ XDG_CACHE_HOME: join(fx.dir, 'cache') });
  });
  after(async () => {
    await server?.stop();
  });

  it('a Cancel naming another run id does not cancel the training that is reading its dataset', async () => {
    const runsFolder = join(fx.dir, 'runs2');
    const started = server.connection.sendRequest(TrainRequest, { datasetFolder: fx.datasetFolder, runsFolder, config: { model: 'seed', epochs: 1, imageSize: 24, workers: 1, batchSize: 16 } });
    // Sent before the run has its folder: its id cannot be the one named here.
    const cancel = await server.connection.sendRequest(CancelRequest, { runId: 'not-this-run' });
    const wrongType = await server.connection.sendRequest(CancelRequest, { runId: 42 as unknown as string });
    assert.deepEqual(cancel, { cancelled: false });
    assert.deepEqual(wrongType, { cancelled: false });
    const { runId } = await started;
    const end = await server.notifications.waitFor<{ runId: string; outcome: TrainingOutcome }>(TrainingEndNotification, (n) => n.runId === runId);
    assert.equal(end.outcome.tag, 'completed');
  });

  it('Classify on a named pipe answers with the reason instead of freezing the process', { timeout: 60_000 }, async () => {
    const fifo = join(tempDir(), 'xray.png');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const r = await server.connection.sendRequest(PredictRequest, { runFolder: fx.runFolder, images: [fifo], gradcam: true, outDir: tempDir() });
    assert.equal(r.outcomes.length, 1);
    const o = r.outcomes[0];
    assert.equal(o.ok, false);
    assert.match(o.ok ? '' : o.error, /named pipe/);
    assert.ok(Array.isArray(await server.connection.sendRequest(ListRunsRequest, { runsFolder: join(fx.dir, 'runs') })), 'still answering');
  });
});
