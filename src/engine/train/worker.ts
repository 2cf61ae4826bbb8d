// Entry point of a data-parallel training worker thread (see parallel.ts): its own TensorFlow.js
// backend and copy of the model; computes the gradient of its shard of each batch.
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../backend/select';
import type { BackendPreference } from '../config';
import { chunkMoments, loadFrozenWeights } from './bnStats';
import type { FromWorker, InitMessage, ToWorker } from './protocol';
import { evaluateShard, predictShard, shardGradients, trainableVariables } from './step';

let model: tfl.LayersModel | undefined;
let init: InitMessage | undefined;
let loadedVersion = -1;

/** Copies the trainer's latest weights out of shared memory, once per optimizer step. */
function syncWeights(version: number): void {
  if (version === loadedVersion || !model || !init) return;
  const all = new Float32Array(init.weights);
  let offset = 0;
  for (const v of trainableVariables(model)) {
    const t = tf.tensor(all.slice(offset, offset + v.size), v.shape);
    v.assign(t); // the variable takes its own reference to t's data
    t.dispose();
    offset += v.size;
  }
  loadedVersion = version;
}

function flatten(grads: tf.NamedTensorMap, vars: tf.Variable[], total: number): Float32Array {
  const out = new Float32Array(total);
  let offset = 0;
  for (const v of vars) {
    out.set(grads[v.name].dataSync() as Float32Array, offset);
    offset += v.size;
  }
  return out;
}

async function handle(msg: ToWorker): Promise<FromWorker> {
  if (msg.type === 'init') {
    init = msg;
    await initBackend(msg.backend as BackendPreference);
    model = await tfl.models.modelFromJSON(JSON.parse(msg.modelJson) as Parameters<typeof tfl.models.modelFromJSON>[0]);
    syncWeights(0);
    loadFrozenWeights(model, msg.frozen);
    return { type: 'ready' };
  }
  if (!model || !init) throw new Error('worker used before init');
  syncWeights(msg.version);
  if (msg.type === 'frozen') {
    loadFrozenWeights(model, msg.frozen);
    return { type: 'ready' };
  }
  if (msg.type === 'step') {
    const { grads, stats } = shardGradients(model, msg, init.spec);
    const flat = flatten(grads, trainableVariables(model), new Float32Array(init.weights).length);
    tf.dispose(grads);
    return { type: 'grads', grads: flat, ...stats };
  }
  if (msg.type === 'moments') return { type: 'moments', moments: msg.chunks.map((c) => chunkMoments(model as tfl.LayersModel, c.x, c.n)) };
  if (msg.type === 'predict') return { type: 'predicted', probs: predictShard(model, msg.x, msg.n) };
  return { type: 'evaluated', ...evaluateShard(model, msg.x, msg.labels, init.spec) };
}

function transferables(reply: FromWorker): ArrayBuffer[] {
  if (reply.type === 'grads') return [reply.grads.buffer as ArrayBuffer];
  if (reply.type === 'predicted') return [reply.probs.buffer as ArrayBuffer];
  return [];
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (msg: ToWorker) => {
    handle(msg).then(
      (reply) => port.postMessage(reply, transferables(reply)),
      (e: unknown) => port.postMessage({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies FromWorker),
    );
  });
}
