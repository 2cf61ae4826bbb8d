import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend/select';
import { FlatAdam } from '../../src/engine/train/adam';

test('the flat Adam update follows tf.train.adam step for step', async () => {
  await initBackend('wasm');
  const shapes = [[3, 4], [4], [2, 2, 2]];
  const init = shapes.map((s, i) => tf.randomUniform(s, -1, 1, 'float32', i + 1));
  const ours = init.map((t, i) => tf.variable(t.clone(), true, `ours_${i}`));
  const theirs = init.map((t, i) => tf.variable(t.clone(), true, `theirs_${i}`));
  const adam = new FlatAdam(ours, new Float32Array(FlatAdam.total(ours)), 0.01);
  const reference: tf.Optimizer = tf.train.adam(0.01);
  for (let step = 0; step < 5; step++) {
    const grads = shapes.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', 100 * step + i));
    const named: tf.NamedTensorMap = {};
    ours.forEach((v, i) => (named[v.name] = grads[i]));
    adam.apply(adam.flatten(named));
    const ref: tf.NamedTensorMap = {};
    theirs.forEach((v, i) => (ref[v.name] = grads[i]));
    reference.applyGradients(ref);
    tf.dispose(grads);
  }
  ours.forEach((v, i) => {
    const a = v.dataSync();
    const b = theirs[i].dataSync();
    a.forEach((x, j) => assert.ok(Math.abs(x - b[j]) < 1e-6, `var ${i}[${j}]: ${x} vs ${b[j]}`));
    assert.ok(a.some((x, j) => x !== init[i].dataSync()[j]), 'weights moved');
  });
  reference.dispose();
  tf.dispose([...ours, ...theirs, ...init]);
});
