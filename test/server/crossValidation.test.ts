// Cross-validation through the real training process over JSON-RPC, as "Fracture CNN: Train"
// with fractureCnn.folds set runs it.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ResponseError } from 'vscode-languageserver-protocol/node';
import type { TrainConfig } from '../../src/engine/config';
import { generateSampleDataset } from '../../src/engine/data/sample';
import type { RunRecord, TrainingOutcome } from '../../src/engine/types';
import { settingForMessage } from '../../src/client/settings';
import {
  CancelRequest,
  CrossValidationEndNotification,
  DidScanDatasetNotification,
  DidStartFoldNotification,
  EpochEndNotification,
  ListRunsRequest,
  TrainingEndNotification,
  TrainingErrorCodes,
  TrainingStateRequest,
  TrainRequest,
  type CrossValidationEnd,
  type FoldStart,
} from '../../src/protocol/training';
import { writeTinyDataset } from '../engine/runs-fixtures';
import { startServer, type TestServer } from './harness';

type RunNote<T> = { runId: string } & T;
type CvEnd = RunNote<{ runFolder: string; outcome: CrossValidationEnd }>;
const tiny: Partial<TrainConfig> = { model: 'seed', imageSize: 24, epochs: 2, batchSize: 8, patience: 10, workers: 1, seed: 1, bootstrapResamples: 0 };
const readRun = (folder: string) => JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')) as RunRecord;

describe('cross-validation over JSON-RPC with the real training process', () => {
  let server: TestServer;
  let dir: string;
  let dataset: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fcnn cv-'));
    dataset = join(dir, 'x rays ü');
    await generateSampleDataset(dataset, { fractured: 12, normal: 12, size: 32 });
    server = await startServer({ XDG_CACHE_HOME: join(dir, 'cache') });
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const cvEndOf = (id: string) => server.notifications.waitFor<CvEnd>(CrossValidationEndNotification, (n) => n.runId === id);
  /** Notifications of this test only (the log is shared by the tests of the file), without log lines. */
  const since = (from: number) => server.notifications.all.slice(from).filter((n) => n.method !== 'fractureCnn/log' && n.method !== 'fractureCnn/batchProgress');

  test('folds 2: both fold runs then the summary, each fold announced before its notifications, the summary the mean of the folds', async () => {
    const runsFolder = join(dir, 'runs two');
    const from = server.notifications.all.length;
    const progressBefore = new Set(server.progress.keys());
    const result = await server.connection.sendRequest(TrainRequest, { datasetFolder: dataset, runsFolder, config: { ...tiny, folds: 2 } });
    const cv = result.crossValidation;
    assert.ok(cv, 'the answer says it is a cross-validation');
    assert.equal(cv.folds, 2);
    assert.equal(cv.folder, join(runsFolder, cv.id));
    assert.equal(result.runFolder, join(runsFolder, result.runId));
    assert.notEqual(result.runId, cv.id);

    const end = await cvEndOf(cv.id);
    assert.equal(end.outcome.tag, 'completed', end.outcome.message);
    assert.equal(end.runFolder, cv.folder);

    const starts = server.notifications.of<FoldStart>(DidStartFoldNotification).filter((n) => n.crossValidation === cv.id);
    assert.deepEqual(starts.map((s) => s.index), [0, 1], 'one announcement per fold, in order');
    assert.deepEqual(starts.map((s) => s.count), [2, 2]);
    assert.equal(starts[0].runId, result.runId, 'the first fold is the run the answer named');
    assert.notEqual(starts[0].runId, starts[1].runId, 'each fold is a run of its own');
    for (const s of starts) assert.equal(s.runFolder, join(runsFolder, s.runId));

    // Per fold: announced, then its dataset, epochs and end, all under its own id; the next fold after it; the summary last.
    const order = since(from).map((n) => `${n.method.replace('fractureCnn/', '')}:${(n.params as { runId: string }).runId}`);
    const [a, b] = starts.map((s) => s.runId);
    const expected = [
      `didStartFold:${a}`,
      `didScanDataset:${a}`,
      `epochEnd:${a}`,
      `epochEnd:${a}`,
      `trainingEnd:${a}`,
      `didStartFold:${b}`,
      `didScanDataset:${b}`,
      `epochEnd:${b}`,
      `epochEnd:${b}`,
      `trainingEnd:${b}`,
      `crossValidationEnd:${cv.id}`,
    ];
    assert.deepEqual(order, expected);
    const ends = server.notifications.of<RunNote<{ outcome: TrainingOutcome }>>(TrainingEndNotification).filter((n) => n.runId === a || n.runId === b);
    assert.deepEqual(ends.map((e) => [e.outcome.tag, e.outcome.run?.fold?.index]), [['completed', 0], ['completed', 1]]);

    // The one work-done progress says which fold, and moves forward over both.
    const token = [...server.progress.keys()].find((t) => !progressBefore.has(t));
    assert.ok(token);
    const events = server.progress.get(token)!;
    assert.equal(events[0].kind, 'begin');
    assert.equal(events.at(-1)?.kind, 'end');
    const reports = events.filter((e) => e.kind === 'report');
    assert.ok(reports.some((e) => /^Fold 1\/2 · Epoch 2\/2 — val acc \d/.test(e.message ?? '')), JSON.stringify(reports.map((r) => r.message)));
    assert.ok(reports.some((e) => /^Fold 2\/2 · Epoch 1\/2/.test(e.message ?? '')));
    assert.ok(reports.every((e) => /^Fold [12]\/2 · /.test(e.message ?? '')));
    const percents = reports.map((e) => e.percentage ?? 0);
    assert.deepEqual(percents, [...percents].sort((x, y) => x - y), 'the percentage never goes back at the second fold');
    assert.ok(percents.at(-1)! >= 99 && percents.some((p) => p >= 45 && p <= 55), percents.join(','));

    // On disk: both folds completed, the summary's figures the mean of theirs.
    const folds = [a, b].map((id) => readRun(join(runsFolder, id)));
    assert.deepEqual(folds.map((f) => [f.state, f.fold?.index, f.fold?.group]), [['completed', 0, cv.id], ['completed', 1, cv.id]]);
    const summary = readRun(cv.folder);
    assert.equal(summary.kind, 'cv-summary');
    assert.equal(summary.state, 'completed');
    assert.deepEqual(summary.crossValidation?.runIds, [a, b]);
    assert.deepEqual(end.outcome.summary?.crossValidation, summary.crossValidation);
    const figure = (name: string) => summary.crossValidation!.figures.find((f) => f.name === name)!;
    const mean = (x: number, y: number) => (x + y) / 2;
    assert.ok(Math.abs(figure('accuracy').mean - mean(folds[0].metrics!.accuracy, folds[1].metrics!.accuracy)) < 1e-12);
    assert.ok(Math.abs(figure('macroF1').mean - mean(folds[0].metrics!.macroAvg.f1, folds[1].metrics!.macroAvg.f1)) < 1e-12);
    assert.ok(existsSync(join(cv.folder, 'report.md')));
    const listed = await server.connection.sendRequest(ListRunsRequest, { runsFolder });
    assert.equal(listed.length, 3);
    const state = await server.connection.sendRequest(TrainingStateRequest, undefined);
    assert.equal(state.running, undefined);
    assert.equal(state.crossValidation, undefined);
  });

  test('cancel during fold 1: that fold ends cancelled, no fold 2 starts, the summary is written marked cancelled', async () => {
    const runsFolder = join(dir, 'runs cancelled');
    const long = { ...tiny, epochs: 200, patience: 200, folds: 3 };
    const result = await server.connection.sendRequest(TrainRequest, { datasetFolder: dataset, runsFolder, config: long });
    const cv = result.crossValidation!;
    await server.notifications.waitFor<RunNote<unknown>>(EpochEndNotification, (n) => n.runId === result.runId);
    const state = await server.connection.sendRequest(TrainingStateRequest, undefined);
    assert.equal(state.running?.id, result.runId);
    assert.deepEqual(state.crossValidation, { id: cv.id, folder: cv.folder, folds: 3, index: 0 });
    // The client cancels by the run it shows: the first fold's id stops the whole cross-validation.
    assert.deepEqual(await server.connection.sendRequest(CancelRequest, { runId: result.runId }), { cancelled: true });
    const end = await cvEndOf(cv.id);
    assert.equal(end.outcome.tag, 'cancelled');
    const foldEnd = server.notifications.of<RunNote<{ outcome: TrainingOutcome }>>(TrainingEndNotification).find((n) => n.runId === result.runId);
    assert.equal(foldEnd?.outcome.tag, 'cancelled');
    assert.deepEqual(server.notifications.of<FoldStart>(DidStartFoldNotification).filter((n) => n.crossValidation === cv.id).map((n) => n.index), [0]);

    assert.equal(readRun(result.runFolder).state, 'cancelled', 'the fold that ran is kept, marked cancelled');
    const summary = readRun(cv.folder);
    assert.equal(summary.state, 'cancelled');
    assert.deepEqual(summary.crossValidation?.runIds, [result.runId]);
    assert.equal(summary.crossValidation?.completed, 0);
    assert.deepEqual(readdirSync(runsFolder).sort(), [cv.id, result.runId].sort(), 'no second fold was started');
    assert.equal((await server.connection.sendRequest(TrainingStateRequest, undefined)).running, undefined, 'the process is free again');
  });

  test('a folder with train/val/test folders is refused with the engine\'s message naming the folds setting; nothing is written', async () => {
    const presplit = join(dir, 'presplit');
    await writeTinyDataset(join(presplit, 'train'), { perClass: 6, size: 32 });
    await writeTinyDataset(join(presplit, 'test'), { perClass: 3, size: 32, seed: 9 });
    const runsFolder = join(dir, 'runs presplit');
    const before = server.notifications.all.length;
    let message = '';
    await assert.rejects(
      server.connection.sendRequest(TrainRequest, { datasetFolder: presplit, runsFolder, config: { ...tiny, folds: 2 } }),
      (error: ResponseError<void>) => {
        message = error.message;
        return error.code === TrainingErrorCodes.invalidSettings && /folds/.test(error.message) && error.message.includes('train/val/test folders');
      },
    );
    assert.equal(settingForMessage(message), 'fractureCnn.folds', 'the editor offers the setting behind the message');
    assert.deepEqual(existsSync(runsFolder) ? readdirSync(runsFolder) : [], []);
    assert.equal(since(before).filter((n) => n.method !== DidScanDatasetNotification.method).length, 0, 'no run was announced');
  });
});
