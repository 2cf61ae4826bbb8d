// The training process: a JSON-RPC server (vscode-languageserver over node IPC or stdio) that owns
// TensorFlow.js and sharp, so the extension host never loads them and a crash here spares the editor.
import { existsSync } from 'node:fs';
import type { CancellationToken } from 'vscode-languageserver/node';
import { createConnection, ResponseError } from 'vscode-languageserver/node';
import {
  CancelRequest,
  GenerateSampleRequest,
  GetRunRequest,
  ListRunsRequest,
  LogNotification,
  PredictRequest,
  TrainingErrorCodes,
  TrainingStateRequest,
  TrainRequest,
} from '../protocol/training';
import { loadSample, loadStore } from './engine';
import { messageOf, requireAbsolute, requireFolder, toResponseError } from './errors';
import { checkPredictParams, checkSampleParams } from './params';
import { PredictorCache } from './predictorCache';
import { TrainingSession } from './trainingSession';

const connection = createConnection();
const session = new TrainingSession(connection);
const predictors = new PredictorCache();

function reportCrash(kind: string, error: unknown): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  const message = `The training process failed unexpectedly (${kind}): ${detail}`;
  console.error(message);
  try {
    connection.sendNotification(LogNotification, { level: 'error', message });
  } catch {
    // The connection may be the thing that broke; stderr has the message.
  }
  // Give the IPC channel a moment to carry the message out before leaving.
  setTimeout(() => process.exit(70), 200).unref();
}
process.on('uncaughtException', (error) => reportCrash('uncaught exception', error));
process.on('unhandledRejection', (reason) => reportCrash('unhandled rejection', reason));

/** Runs a handler and turns anything it throws into a ResponseError. */
function guarded<P, R>(handler: (params: P, token: CancellationToken) => Promise<R>) {
  return async (params: P, token: CancellationToken): Promise<R> => {
    try {
      return await handler(params, token);
    } catch (error) {
      throw toResponseError(error);
    }
  };
}

connection.onInitialize(() => ({
  capabilities: {},
  serverInfo: { name: 'fracture-cnn-training', version: '0.1.0' },
}));

connection.onShutdown(async () => {
  await session.shutdown(1500);
  predictors.drop();
});

connection.onRequest(TrainRequest, guarded((params) => session.start(params)));

connection.onRequest(CancelRequest, (params) => {
  const runId: unknown = params?.runId;
  // A run id of the wrong type names no run: it must not fall back to "whatever is running".
  if (runId !== undefined && runId !== null && typeof runId !== 'string') return { cancelled: false };
  return { cancelled: session.cancel(runId ?? undefined) };
});

connection.onRequest(TrainingStateRequest, () => session.state());

connection.onRequest(
  ListRunsRequest,
  guarded(async (params) => {
    requireAbsolute(params?.runsFolder, 'Runs folder');
    // A runs folder appears with the first run; before that there is simply nothing to list.
    if (!existsSync(params.runsFolder)) return [];
    const { listRuns } = await loadStore();
    return listRuns(params.runsFolder);
  }),
);

connection.onRequest(
  GetRunRequest,
  guarded(async (params) => {
    if (typeof params?.runFolder !== 'string') throw new ResponseError(TrainingErrorCodes.invalidSettings, 'Run folder: no folder given');
    const live = session.liveRecord(params.runFolder);
    if (live) return live;
    await requireFolder(params?.runFolder, 'Run folder');
    const { readRun } = await loadStore();
    return readRun(params.runFolder);
  }),
);

connection.onRequest(
  PredictRequest,
  guarded(async (params) => {
    await requireFolder(params?.runFolder, 'Run folder');
    checkPredictParams(params);
    let loaded;
    try {
      loaded = await predictors.get(params.runFolder);
    } catch (error) {
      throw new ResponseError(TrainingErrorCodes.failed, `Cannot load the model of ${params.runFolder}: ${messageOf(error)}`);
    }
    const outcomes = await loaded.predictor.predict(params.images, {
      gradcam: params.gradcam === true,
      outDir: params.outDir,
      classIndex: params.classIndex,
    });
    return { outcomes, modelLoadMs: loaded.loadMs };
  }),
);

connection.onRequest(
  GenerateSampleRequest,
  guarded(async (params) => {
    requireAbsolute(params?.outDir, 'Sample dataset output folder');
    checkSampleParams(params);
    const { generateSampleDataset } = await loadSample();
    return generateSampleDataset(params.outDir, { fractured: params.fractured, normal: params.normal, size: params.size });
  }),
);

// Over node IPC the extension host's exit closes the channel: end the run cleanly, then leave.
process.on('disconnect', () => {
  void session.shutdown(1500).finally(() => process.exit(0));
});

connection.listen();
