import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ResponseError } from 'vscode-languageserver-protocol/node';
import type { TrainConfig } from '../../src/engine/config';
import { generateSampleDataset } from '../../src/engine/data/sample';
import type { BatchProgress, DatasetReport, EpochMetrics, RunRecord, TrainingOutcome } from '../../src/engine/types';
import {
  BatchProgressNotification,
  CancelRequest,
  DidScanDatasetNotification,
  EpochEndNotification,
  GenerateSampleRequest,
  GetRunRequest,
  ListRunsRequest,
  PredictRequest,
  TrainingEndNotification,
  TrainingErrorCodes,
  TrainingStateRequest,
  TrainRequest,
} from '../../src/protocol/training';
import { startServer, type ProgressEvent, type TestServer } from './harness';

type RunNote<T> = { runId: string } & T;
const tiny: Partial<TrainConfig> = { model: 'seed', imageSize: 24, epochs: 3, batchSize: 8, patience: 10, workers: 1, seed: 1 };
/** Long enough to be cancelled after its first epoch. */
const long: Partial<TrainConfig> = { ...tiny, epochs: 200, patience: 200 };

describe('training over JSON-RPC with the real training process', () => {
  let server: TestServer;
  let dir: string;
  let dataset: string;
  let runsFolder: string;
  let completedRun: string | undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fcnn training-'));
    // A space and non-ASCII characters in every path the process sees.
    dataset = join(dir, 'x rays ü');
    runsFolder = join(dir, 'wörk space', '.fracture-cnn', 'runs');
    await generateSampleDataset(dataset, { fractured: 14, normal: 14, size: 32 });
    server = await startServer({ XDG_CACHE_HOME: join(dir, 'cache') });
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const endOf = (runId: string) =>
    server.notifications.waitFor<RunNote<{ outcome: TrainingOutcome }>>(TrainingEndNotification, (n) => n.runId === runId);

  /** The completed run of the first test, or (when that test did not run) one trained here. */
  async function aCompletedRun(): Promise<string> {
    if (completedRun) return completedRun;
    const { runId, runFolder } = await server.connection.sendRequest(TrainRequest, { datasetFolder: dataset, runsFolder, config: tiny });
    const end = await endOf(runId);
    assert.equal(end.outcome.tag, 'completed', JSON.stringify(end.outcome));
    completedRun = runFolder;
    return runFolder;
  }

  test('a training answers with its run id, streams every epoch and ends with the test report', async () => {
    const progressBefore = new Set(server.progress.keys());
    const { runId, runFolder } = await server.connection.sendRequest(TrainRequest, { datasetFolder: dataset, runsFolder, config: tiny });
    assert.ok(runId);
    assert.equal(runFolder, join(runsFolder, runId));

    // While it runs, the live record is there for panels opened mid-run.
    const state = await server.connection.sendRequest(TrainingStateRequest, undefined);
    assert.equal(state.running?.id, runId);
    // A panel opened now must already name the backend, not wait for the end of the run.
    assert.match(state.running?.backend ?? '', /^(wasm|cpu|tensorflow)$/);

    const end = await endOf(runId);
    assert.equal(end.outcome.tag, 'completed', JSON.stringify(end.outcome));
    const run = (end.outcome as { run: RunRecord }).run;
    assert.ok(run.metrics && run.metrics.accuracy >= 0 && run.metrics.accuracy <= 1);

    assert.ok(
      server.notifications.all.every((n) => (n.params as { runId?: string }).runId !== ''),
      'no notification goes out before its run has an id',
    );
    const scans = server.notifications.of<RunNote<{ report: DatasetReport }>>(DidScanDatasetNotification).filter((n) => n.runId === runId);
    assert.equal(scans.length, 1);
    assert.deepEqual(scans[0].report.classes, ['fractured', 'normal']);
    const epochs = server.notifications.of<RunNote<{ metrics: EpochMetrics }>>(EpochEndNotification).filter((n) => n.runId === runId);
    assert.deepEqual(epochs.map((e) => e.metrics.epoch), run.history.map((h) => h.epoch));
    assert.equal(epochs.length, 3);
    const batches = server.notifications.of<RunNote<{ progress: BatchProgress }>>(BatchProgressNotification).filter((n) => n.runId === runId);
    assert.ok(batches.length >= 3, 'at least the last batch of every epoch is reported');

    // The work-done progress: begun cancellable, reported "Epoch k/n — val acc", ended.
    const token = [...server.progress.keys()].find((t) => !progressBefore.has(t));
    assert.ok(token, 'the process created a work-done progress');
    const events: ProgressEvent[] = server.progress.get(token)!;
    assert.equal(events[0].kind, 'begin');
    assert.equal((events[0] as { cancellable?: boolean }).cancellable, true);
    assert.ok(events.some((e) => e.kind === 'report' && /^Epoch 3\/3 — val acc \d/.test(e.message ?? '')));
    assert.equal(events.at(-1)?.kind, 'end');

    const onDisk = JSON.parse(readFileSync(join(runFolder, 'run.json'), 'utf8')) as RunRecord;
    assert.equal(onDisk.state, 'completed');
    assert.ok(existsSync(join(runFolder, 'report.md')));
    const listed = await server.connection.sendRequest(ListRunsRequest, { runsFolder });
    assert.equal(listed.find((r) => r.id === runId)?.state, 'completed');
    completedRun = runFolder;
    const record = await server.connection.sendRequest(GetRunRequest, { runFolder });
    assert.equal(record.history.length, 3);
    assert.equal((await server.connection.sendRequest(TrainingStateRequest, undefined)).running, undefined);
  });

  test('predicts with a run\'s model, keeps it loaded for the next call, and answers a bad image with its own error', async () => {
    const model = await aCompletedRun();
    const image = join(dataset, 'fractured', 'fractured-0001.png');
    const missing = join(dataset, 'nope ü.png');
    const outDir = join(dir, 'overlays ü');
    const first = await server.connection.sendRequest(PredictRequest, { runFolder: model, images: [image, missing], gradcam: true, outDir });
    assert.equal(first.outcomes.length, 2);
    const ok = first.outcomes[0];
    assert.ok(ok.ok, JSON.stringify(ok));
    if (ok.ok) {
      assert.deepEqual(ok.prediction.classes, ['fractured', 'normal']);
      assert.ok(Math.abs(ok.prediction.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-3);
      assert.ok(ok.prediction.overlayPath && existsSync(ok.prediction.overlayPath));
    }
    const bad = first.outcomes[1];
    assert.ok(!bad.ok && bad.path === missing && bad.error.length > 0);
    const second = await server.connection.sendRequest(PredictRequest, { runFolder: model, images: [image], gradcam: false, outDir });
    assert.equal(second.modelLoadMs, 0, 'the model of the last run stays loaded');
    assert.ok(second.outcomes[0].ok);
  });

  test('writes the sample dataset', async () => {
    const sample = join(dir, 'sample ü');
    const written = await server.connection.sendRequest(GenerateSampleRequest, { outDir: sample, fractured: 3, normal: 4, size: 32 });
    assert.deepEqual([written.fractured, written.normal], [3, 4]);
    assert.ok(existsSync(join(sample, 'fractured', 'fractured-0001.png')));
  });

  async function cancelAfterFirstEpoch(cancel: (runId: string) => Promise<unknown>): Promise<string> {
    const { runId, runFolder } = await server.connection.sendRequest(TrainRequest, { datasetFolder: dataset, runsFolder, config: long });
    await server.notifications.waitFor<RunNote<unknown>>(EpochEndNotification, (n) => n.runId === runId);
    // A panel opened mid-run gets the live record, history so far included.
    const live = await server.connection.sendRequest(GetRunRequest, { runFolder });
    assert.equal(live.state, 'running');
    assert.ok(live.history.length >= 1);
    await cancel(runId);
    const end = await endOf(runId);
    assert.equal(end.outcome.tag, 'cancelled');
    const onDisk = JSON.parse(readFileSync(join(runFolder, 'run.json'), 'utf8')) as RunRecord;
    assert.equal(onDisk.state, 'cancelled', 'the run is not marked completed');
    assert.ok(!existsSync(join(runFolder, 'model')), 'a cancelled run keeps no model');
    // The process stays usable.
    assert.equal((await server.connection.sendRequest(TrainingStateRequest, undefined)).running, undefined);
    return runId;
  }

  test('CancelRequest stops a run mid-training; it ends cancelled and the process stays usable', async () => {
    await cancelAfterFirstEpoch(async (runId) => {
      assert.deepEqual(await server.connection.sendRequest(CancelRequest, { runId }), { cancelled: true });
    });
  });

  test('pressing Cancel on the work-done progress stops the run the same way', async () => {
    const before = new Set(server.progress.keys());
    await cancelAfterFirstEpoch(async () => {
      const token = [...server.progress.keys()].find((t) => !before.has(t));
      assert.ok(token);
      await server.cancelProgress(token);
    });
  });

  test('a second training while one runs is refused with alreadyTraining; the first goes on', async () => {
    const { runId } = await server.connection.sendRequest(TrainRequest, { datasetFolder: dataset, runsFolder, config: long });
    await assert.rejects(
      server.connection.sendRequest(TrainRequest, { datasetFolder: dataset, runsFolder, config: tiny }),
      (error: ResponseError<void>) => error.code === TrainingErrorCodes.alreadyTraining && /already running/.test(error.message),
    );
    assert.equal((await server.connection.sendRequest(TrainingStateRequest, undefined)).running?.id, runId);
    await server.connection.sendRequest(CancelRequest, {});
    assert.equal((await endOf(runId)).outcome.tag, 'cancelled');
  });

  test('stopping the process (as on deactivate) mid-training ends the run cancelled, not running', async () => {
    const own = await startServer({ XDG_CACHE_HOME: join(dir, 'cache') });
    const { runId, runFolder } = await own.connection.sendRequest(TrainRequest, { datasetFolder: dataset, runsFolder, config: long });
    await own.notifications.waitFor<RunNote<unknown>>(EpochEndNotification, (n) => n.runId === runId);
    await own.stop();
    assert.deepEqual(await own.exited, { code: 0, signal: null });
    const onDisk = JSON.parse(readFileSync(join(runFolder, 'run.json'), 'utf8')) as RunRecord;
    assert.equal(onDisk.state, 'cancelled');
  });

  test('a folder without class subfolders is refused with a dataset error naming the folder', async () => {
    const empty = await mkdtemp(join(dir, 'empty '));
    await assert.rejects(
      server.connection.sendRequest(TrainRequest, { datasetFolder: empty, runsFolder, config: tiny }),
      (error: ResponseError<void>) => error.code === TrainingErrorCodes.datasetError && error.message.includes(empty),
    );
  });
});
