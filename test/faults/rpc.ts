// A JSON-RPC fuzzer against the real training process (dist/server.js): every request with its
// params missing, of the wrong type, or huge. Each must get an answer (a result or an error) and
// the process must live on.
import { join } from 'node:path';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import type { TrainingOutcome } from '../../src/engine/types';
import {
  CancelRequest,
  GenerateSampleRequest,
  GetRunRequest,
  ListRunsRequest,
  PredictRequest,
  TrainingEndNotification,
  TrainingStateRequest,
  TrainRequest,
} from '../../src/protocol/training';
import { startServer } from '../server/harness';
import type { FaultContext } from './context';
import { record, recordCheck } from './support';

const HUGE = 'x'.repeat(4 * 1024 * 1024);
/** Values of every JSON type, plus huge and hostile ones. */
const VALUES: unknown[] = [null, 0, -1, 1e308, 3.5, true, '', 'text', '../../../../etc', HUGE, [], [1, 'a', null], {}, { __proto__: { polluted: true } }, Array.from({ length: 100_000 }, (_, i) => `/no/such/${i}.png`)];

export async function rpcFuzz(ctx: FaultContext): Promise<void> {
  const server = await startServer({ XDG_CACHE_HOME: join(ctx.dir, 'rpc-cache') });
  let died = false;
  void server.exited.then(() => (died = true));
  const sampleOut = join(ctx.dir, 'rpc-sample');
  // Valid params for each request; each field is replaced by every value in turn, then the whole params.
  const valid: [string, Record<string, unknown> | undefined][] = [
    [TrainRequest.method, { datasetFolder: ctx.data, runsFolder: join(ctx.dir, 'rpc-runs'), config: { model: 'seed', epochs: 1, imageSize: 24, workers: 1, batchSize: 8 } }],
    [CancelRequest.method, { runId: 'none' }],
    [PredictRequest.method, { runFolder: ctx.baseline.folder, images: [ctx.image], gradcam: true, outDir: join(ctx.dir, 'rpc-out'), classIndex: 0 }],
    [ListRunsRequest.method, { runsFolder: ctx.runsFolder }],
    [GetRunRequest.method, { runFolder: ctx.baseline.folder }],
    [GenerateSampleRequest.method, { outDir: sampleOut, fractured: 2, normal: 2, size: 16 }],
    [TrainingStateRequest.method, undefined],
  ];
  try {
    for (const [method, params] of valid) {
      const variants: unknown[] = [undefined, ...VALUES];
      for (const key of Object.keys(params ?? {})) {
        // Never aim a real request at a real folder: only the field under test changes, and the
        // sample generator's output folder stays its own.
        if (method === GenerateSampleRequest.method && key === 'outDir') continue;
        for (const v of VALUES) variants.push({ ...params, [key]: v });
      }
      for (const v of variants) {
        const label = `${method} ${JSON.stringify(v)?.slice(0, 60)}`;
        const problems: string[] = [];
        try {
          await Promise.race([
            server.connection.sendRequest(method, v),
            new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 60 s')), 60_000).unref()),
          ]);
        } catch (e) {
          if (!(e instanceof ResponseError)) problems.push(`no answer: ${(e as Error).message}`);
        }
        // A request that started a training: stop it, so the next one is not refused as busy.
        const state = await server.connection.sendRequest(TrainingStateRequest, undefined).catch(() => undefined);
        if (state?.running) {
          const id = state.running.id;
          const ended = server.notifications.waitFor<{ runId: string; outcome: TrainingOutcome }>(TrainingEndNotification, (n) => n.runId === id);
          await server.connection.sendRequest(CancelRequest, {});
          await ended;
        }
        if (died) problems.push('the training process died');
        record(`JSON-RPC ${label}`, problems, false);
        if (died) return;
      }
    }
    // Still fully working afterwards: a prediction and a training.
    const problems: string[] = [];
    const p = await server.connection.sendRequest(PredictRequest, { runFolder: ctx.baseline.folder, images: [ctx.image], gradcam: false, outDir: join(ctx.dir, 'rpc-out') });
    if (!p.outcomes[0]?.ok) problems.push('predict after the fuzzing failed');
    const { runId } = await server.connection.sendRequest(TrainRequest, valid[0][1] as never);
    const end = await server.notifications.waitFor<{ runId: string; outcome: TrainingOutcome }>(TrainingEndNotification, (n) => n.runId === runId);
    if (end.outcome.tag !== 'completed') problems.push(`training after the fuzzing ended ${end.outcome.tag}`);
    recordCheck('JSON-RPC: work after fuzzing', problems, false);
  } finally {
    await server.stop();
  }
}
