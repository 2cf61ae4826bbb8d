// "Use this threshold": the host's check of what the page sent, and the run folder rewritten so
// that model.json, run.json, predictions.csv and the reports all agree on the new threshold.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseCsv } from '../../src/engine/eval/predictionsCsv';
import type { RunRecord } from '../../src/engine/types';
import { storeThreshold } from '../../src/views/dashboard/storeThreshold';
import { binaryPredictions, multiclassPredictions } from '../engine/helpers/predictions';
import { writeRun } from '../engine/helpers/runFolder';

describe('storing a threshold chosen on the dashboard', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fcnn-threshold-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('rewrites model.json, run.json, predictions.csv and report.md at the new threshold', async () => {
    const folder = join(dir, 'binary');
    const p = binaryPredictions(200, 40, 5);
    await writeRun(folder, p, { positiveClass: 0, value: 0.5, method: 'youden', valSensitivity: 0.8, valSpecificity: 0.8 });
    const result = await storeThreshold({ runId: 'r1', value: 0.7 }, (id) => (id === 'r1' ? folder : undefined));
    assert.ok('message' in result, JSON.stringify(result));
    assert.match(result.message, /Stored threshold 0\.700 with the model/);
    const model = JSON.parse(await readFile(join(folder, 'model', 'model.json'), 'utf8'));
    assert.deepEqual(model.userDefinedMetadata.threshold, { positiveClass: 0, value: 0.7 });
    assert.deepEqual(model.modelTopology, {}, 'the rest of model.json is kept');
    const run = JSON.parse(await readFile(join(folder, 'run.json'), 'utf8')) as RunRecord;
    assert.equal(run.metrics?.threshold?.value, 0.7);
    assert.equal(run.metrics?.threshold?.method, 'chosen');
    assert.equal(run.metrics?.loss, 0.3, 'the loss does not depend on the threshold and is kept');
    // The confusion matrix by definition: fractured when P(fractured) >= 0.7.
    let tp = 0;
    let fp = 0;
    for (let i = 0; i < p.labels.length; i++) if (p.probabilities[i * 2] >= 0.7) p.labels[i] === 0 ? tp++ : fp++;
    assert.equal(run.metrics?.confusion[0][0], tp);
    assert.equal(run.metrics?.confusion[1][0], fp);
    const rows = parseCsv(await readFile(join(folder, 'predictions.csv'), 'utf8')).slice(1).filter((r) => r[1] === 'test');
    assert.equal(rows.filter((r) => r[5] === 'fractured').length, tp + fp, 'predictions.csv decides by the new threshold');
    assert.match(await readFile(join(folder, 'report.md'), 'utf8'), /at least \*\*0\.700\*\* \(chosen on the operating-point slider/);
    assert.match(await readFile(join(folder, 'classification_report.txt'), 'utf8'), /ROC AUC/);
  });

  it('refuses a bad threshold, an unknown run, a 10-class run and a run without predictions.csv, naming why', async () => {
    const folder = join(dir, 'bad');
    await writeRun(folder, binaryPredictions(60, 20, 6));
    const known = (id: string) => (id === 'r1' ? folder : undefined);
    for (const value of [1.5, 0, Number.NaN]) {
      const r = await storeThreshold({ runId: 'r1', value }, known);
      assert.ok('error' in r && /between 0 and 1/.test(r.error), JSON.stringify(r));
    }
    assert.deepEqual(await storeThreshold({ runId: 'r1', value: '0.4' }, known), { error: 'the request names no run and threshold.' });
    assert.deepEqual(await storeThreshold({ runId: 'r2', value: 0.4 }, known), { error: 'run r2 is not known.' });
    const ten = join(dir, 'ten');
    await writeRun(ten, multiclassPredictions(10, 100, 1));
    const r10 = await storeThreshold({ runId: 'r1', value: 0.4 }, () => ten);
    assert.ok('error' in r10 && /10 classes; a threshold needs two/.test(r10.error));
    await rm(join(folder, 'predictions.csv'));
    const missing = await storeThreshold({ runId: 'r1', value: 0.4 }, known);
    assert.ok('error' in missing && missing.error.includes(join(folder, 'predictions.csv')), JSON.stringify(missing));
    const model = JSON.parse(await readFile(join(folder, 'model', 'model.json'), 'utf8'));
    assert.equal(model.userDefinedMetadata.threshold, undefined, 'nothing was stored');
  });
});
