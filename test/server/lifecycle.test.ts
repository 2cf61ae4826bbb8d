import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import {
  CancelRequest,
  GetRunRequest,
  ListRunsRequest,
  PredictRequest,
  TrainingErrorCodes,
  TrainingStateRequest,
  TrainRequest,
} from '../../src/protocol/training';
import { startServer, type TestServer } from './harness';

describe('training process lifecycle over JSON-RPC', () => {
  let server: TestServer;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fcnn lifecycle é-'));
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('answers a state request with nothing running', async () => {
    const state = await server.connection.sendRequest(TrainingStateRequest, undefined);
    assert.equal(state.running, undefined);
  });

  test('refuses to train on a missing dataset folder with notFound naming the folder', async () => {
    const missing = join(dir, 'no such folder');
    await assert.rejects(
      server.connection.sendRequest(TrainRequest, { datasetFolder: missing, runsFolder: join(dir, 'runs'), config: {} }),
      (error: ResponseError<void>) => error.code === TrainingErrorCodes.notFound && error.message.includes(missing),
    );
  });

  test('refuses out-of-range settings with invalidSettings naming the setting', async () => {
    await assert.rejects(
      server.connection.sendRequest(TrainRequest, { datasetFolder: dir, runsFolder: join(dir, 'runs'), config: { epochs: 0 } }),
      (error: ResponseError<void>) => error.code === TrainingErrorCodes.invalidSettings && /epochs/.test(error.message),
    );
  });

  test('refuses more folds than the setting allows with invalidSettings naming folds', async () => {
    await assert.rejects(
      server.connection.sendRequest(TrainRequest, { datasetFolder: dir, runsFolder: join(dir, 'runs'), config: { folds: 21 } }),
      (error: ResponseError<void>) => error.code === TrainingErrorCodes.invalidSettings && /folds must be an integer from 2 to 20/.test(error.message),
    );
  });

  test('answers bad predict and getRun requests with errors instead of crashing', async () => {
    await assert.rejects(
      server.connection.sendRequest(PredictRequest, { runFolder: join(dir, 'gone'), images: [], gradcam: false, outDir: dir }),
      (error: ResponseError<void>) => error.code === TrainingErrorCodes.notFound,
    );
    await assert.rejects(
      server.connection.sendRequest(GetRunRequest, { runFolder: join(dir, 'gone') }),
      (error: ResponseError<void>) => error.code === TrainingErrorCodes.notFound,
    );
    const state = await server.connection.sendRequest(TrainingStateRequest, undefined);
    assert.equal(state.running, undefined);
  });

  test('malformed requests are answered with errors and the process stays up', async () => {
    const send = (method: string, params: unknown) => server.connection.sendRequest(method, params);
    const refused = (p: Promise<unknown>) => assert.rejects(p, (e: ResponseError<void>) => typeof e.code === 'number' && e.message.length > 0);
    await refused(send(TrainRequest.method, null));
    await refused(send(TrainRequest.method, { datasetFolder: 42, runsFolder: dir, config: {} }));
    await refused(send(TrainRequest.method, { datasetFolder: dir, runsFolder: dir, config: { epochs: 'ten' } }));
    await refused(send(PredictRequest.method, { runFolder: dir, images: 'x.png', gradcam: false, outDir: dir }));
    await refused(send(GetRunRequest.method, {}));
    await refused(send(ListRunsRequest.method, { runsFolder: 7 }));
    assert.equal((await server.connection.sendRequest(TrainingStateRequest, undefined)).running, undefined);
    assert.equal(server.proc.child.exitCode, null);
  });

  test('lists no runs for a runs folder that does not exist yet', async () => {
    assert.deepEqual(await server.connection.sendRequest(ListRunsRequest, { runsFolder: join(dir, 'runs') }), []);
  });

  test('cancel with nothing running answers cancelled: false', async () => {
    assert.deepEqual(await server.connection.sendRequest(CancelRequest, {}), { cancelled: false });
  });

  test('shutdown then exit ends the process with code 0', async () => {
    const own = await startServer();
    await own.stop();
    assert.deepEqual(await own.exited, { code: 0, signal: null });
  });
});
