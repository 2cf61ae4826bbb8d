// The classify panel's state as the host builds it from a real prediction of a real run's model,
// with unreadable files among the images.
import assert from 'node:assert/strict';
import { writeFile, rm, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Predictor } from '../../src/engine/predict/predictor';
import { readRun } from '../../src/engine/runs/store';
import type { PredictResult } from '../../src/protocol/training';
import { NO_MODEL_MESSAGE, noModelState, partialState, pendingState, resultState, runInfo, unreadableMessage, withOutcome } from '../../src/views/classify/classifyState';
import { makeCompletedRun } from './realRuns';

const toUri = (p: string): string => `https://file+.vscode-resource.vscode-cdn.net${p}`;

describe('classify panel state', () => {
  let fx: Awaited<ReturnType<typeof makeCompletedRun>>;
  let images: string[];
  let result: PredictResult;
  let predictor: Predictor;
  before(async () => {
    fx = await makeCompletedRun();
    const fractured = join(fx.datasetFolder, 'fractured');
    const good = (await readdir(fractured)).slice(0, 2).map((f) => join(fractured, f));
    const text = join(fx.dir, 'notes.png');
    const empty = join(fx.dir, 'empty.jpg');
    await writeFile(text, 'not a picture');
    await writeFile(empty, '');
    images = [good[0], text, good[1], empty];
    predictor = await Predictor.load(fx.runFolder);
    result = { outcomes: await predictor.predict(images, { gradcam: true, outDir: join(fx.dir, 'overlays') }), modelLoadMs: 12 };
  });
  after(async () => {
    if (fx) await rm(fx.dir, { recursive: true, force: true });
  });

  it('keeps one item per image, in order, with webview URIs of the image and its Grad-CAM pictures', () => {
    const state = resultState(result, toUri, undefined);
    assert.deepEqual(
      state.items.map((i) => i.name),
      images.map((p) => basename(p)),
    );
    const first = state.items[0];
    assert.equal(first.imageUri, toUri(images[0]));
    assert.equal(first.overlayUri, toUri(first.prediction?.overlayPath as string));
    assert.equal(first.heatmapUri, toUri(first.prediction?.heatmapPath as string));
    assert.deepEqual(first.prediction?.classes, ['fractured', 'normal']);
    assert.equal(state.busy, false);
    assert.equal(state.modelLoadMs, 12);
  });

  it('gives each unreadable file its reason without repeating the path', () => {
    const state = resultState(result, toUri, undefined);
    for (const i of [1, 3]) {
      assert.equal(state.items[i].prediction, undefined);
      assert.ok(state.items[i].error, `${state.items[i].name} has an error`);
      assert.ok(!state.items[i].error?.includes(images[i]), state.items[i].error);
    }
    assert.match(state.items[1].error ?? '', /not-an-image/);
    assert.match(state.items[3].error ?? '', /empty/);
  });

  it('sums up the unreadable files in one notification naming each file and reason', () => {
    const message = unreadableMessage(result) ?? '';
    assert.match(message, /^Could not classify 2 files: notes\.png \(not-an-image: .+\); empty\.jpg \(empty: .+\)\.$/);
    assert.equal(unreadableMessage({ outcomes: result.outcomes.filter((o) => o.ok), modelLoadMs: 0 }), undefined);
  });

  it('names the run and model that answered', async () => {
    const record = await readRun(fx.runFolder);
    const info = runInfo(record, fx.runFolder);
    assert.equal(info.id, record.id);
    assert.match(info.label, /^Run \d{4}-\d\d-\d\d \d\d:\d\d · wasm · CNN 48×48 gray · [\d,]+ params · test accuracy \d+\.\d%$/);
  });

  it('fills the answers in as they come, the remaining images still pending', () => {
    const half = partialState(images, { outcomes: result.outcomes.slice(0, 2), modelLoadMs: 12 }, toUri, undefined);
    assert.equal(half.busy, true);
    assert.deepEqual(
      half.items.map((i) => [i.name, Boolean(i.prediction), Boolean(i.error)]),
      [
        [basename(images[0]), true, false],
        [basename(images[1]), false, true],
        [basename(images[2]), false, false],
        [basename(images[3]), false, false],
      ],
    );
    assert.equal(partialState(images, result, toUri, undefined).busy, false);
  });

  it('swaps in one image\'s heat map for another class and keeps the rest', async () => {
    const state = resultState(result, toUri, undefined);
    const first = state.items[0].prediction;
    assert.ok(first);
    const other = 1 - first.explainedIndex;
    const [again] = await predictor.predict([images[0]], { gradcam: true, outDir: join(fx.dir, 'overlays'), classIndex: other });
    const next = withOutcome(state, again, toUri);
    assert.equal(next.items[0].prediction?.explainedIndex, other);
    assert.equal(next.items[0].prediction?.predictedIndex, first.predictedIndex, 'the prediction itself does not change');
    assert.notEqual(next.items[0].overlayUri, state.items[0].overlayUri);
    assert.deepEqual(next.items.slice(1), state.items.slice(1));
  });

  it('asks for training when there is no model, and shows the images as pending while busy', () => {
    const none = noModelState(images, toUri);
    assert.deepEqual(none.problem, { message: NO_MODEL_MESSAGE, canTrain: true });
    const pending = pendingState(images, toUri);
    assert.equal(pending.busy, true);
    assert.ok(pending.items.every((i) => !i.prediction && !i.error && i.imageUri));
  });
});
