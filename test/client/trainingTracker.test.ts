// What the extension host takes for "the training now" from the TrainRequest's answer and the
// notifications, for one run and for the folds of a cross-validation (in the order the training
// process sends them: see test/server/crossValidation.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TrainingTracker } from '../../src/client/trainingTracker';

const runs = '/ws/.fracture-cnn/runs';
const cv = { id: 'cv', folder: `${runs}/cv`, folds: 2 };
const fold = (index: number, runId: string) => ({ runId, runFolder: `${runs}/${runId}`, index, count: 2, crossValidation: 'cv' });

describe('training tracker', () => {
  it('one run: training from the answer to its end', () => {
    const t = new TrainingTracker();
    assert.equal(t.begin({ runId: 'a', runFolder: `${runs}/a` }), true);
    assert.deepEqual(t.endOf('a'), { run: 'a' });
    assert.equal(t.crossValidation, undefined);
    t.runEnded('a');
    assert.equal(t.training, false);
    assert.equal(t.endOf('a'), undefined, 'waiting for a run that ended returns at once');
  });

  it('a cross-validation stays the training from its first fold to its summary; each next fold becomes the current run', () => {
    const t = new TrainingTracker();
    t.begin({ runId: 'f1', runFolder: `${runs}/f1`, crossValidation: cv });
    assert.deepEqual(t.crossValidation, { ...cv, index: 0 });
    assert.equal(t.foldStarted(fold(0, 'f1')), false, 'the first fold came with the answer');
    t.runEnded('f1');
    assert.equal(t.training, true, 'between folds the training goes on');
    assert.equal(t.run?.runId, 'f1', 'cancel still names a run of this cross-validation');
    assert.deepEqual(t.endOf('f1'), { crossValidation: 'cv' }, 'waiting for a fold means waiting for the whole cross-validation');
    assert.equal(t.foldStarted(fold(1, 'f2')), true);
    assert.deepEqual([t.run?.runId, t.crossValidation?.index], ['f2', 1]);
    t.runEnded('f2');
    t.crossValidationEnded('cv');
    assert.equal(t.training, false);
    assert.equal(t.run, undefined);
  });

  it('knows which runs have ended, so a crash after a finished fold does not fail it again', () => {
    const t = new TrainingTracker();
    t.begin({ runId: 'f1', runFolder: `${runs}/f1`, crossValidation: cv });
    assert.equal(t.hasEnded('f1'), false);
    t.runEnded('f1');
    assert.equal(t.hasEnded('f1'), true);
    assert.equal(t.run?.runId, 'f1', 'the finished fold is still the current run');
  });

  it('an end seen before the answer is handled is not undone by it', () => {
    const t = new TrainingTracker();
    t.runEnded('f1');
    t.crossValidationEnded('cv');
    assert.equal(t.begin({ runId: 'f1', runFolder: `${runs}/f1`, crossValidation: cv }), false);
    assert.equal(t.training, false);
    assert.equal(t.foldStarted(fold(1, 'f2')), false, 'a late fold announcement of an ended cross-validation changes nothing');
  });
});
