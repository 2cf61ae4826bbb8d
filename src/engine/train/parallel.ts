// Data-parallel training over worker threads, each with its own wasm backend (wasm runs one
// thread per instance in Node). Every step splits the batch into contiguous shards; this thread
// computes shard 0, the workers the others; the gradients (each already divided by the whole
// batch's size) are added in shard order and one optimizer step is applied here. The result is the
// single-thread result up to float rounding, whatever the number of workers.
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { GHOST_BATCH } from '../backend/bnKernels';
import { FlatAdam } from './adam';
import { batchNormLayers, chunkMoments, flatFrozenWeights } from './bnStats';
import type { StepExecutor } from './executor';
import type { FromWorker, ToWorker } from './protocol';
import { evaluateShard, predictShard, shardGradients, trainableVariables } from './step';
import type { LossSpec, Shard, ShardStats } from './step';

/** 0 means one per core. Native TensorFlow threads its own kernels, so it trains in one thread. */
export function resolveWorkers(requested: number, backend: string): number {
  if (backend === 'tensorflow') return 1;
  return requested > 0 ? requested : Math.max(1, os.availableParallelism());
}

/** The worker script beside this module: dist/worker.js in the bundles, worker.ts run through tsx from sources (tests, bench). */
function spawnWorker(): Worker {
  if (!__filename.endsWith('.ts')) return new Worker(path.join(__dirname, 'worker.js'));
  // tsx's loader hooks do not reach worker threads: register its CommonJS hook inside the worker.
  const file = JSON.stringify(path.join(__dirname, 'worker.ts'));
  return new Worker(`require('tsx/cjs'); require(${file});`, { eval: true });
}

class WorkerLink {
  private pending: { resolve: (m: FromWorker) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(readonly worker: Worker) {
    worker.on('message', (m: FromWorker) => {
      const p = this.pending;
      this.pending = undefined;
      if (!p) return;
      if (m.type === 'error') p.reject(new Error(`training worker failed: ${m.message}`));
      else p.resolve(m);
    });
    const fail = (e: Error) => {
      this.failure = e;
      this.pending?.reject(e);
      this.pending = undefined;
    };
    worker.on('error', (e) => fail(new Error(`training worker crashed: ${e.message}`)));
    worker.on('exit', (code) => fail(new Error(`training worker exited with code ${code}`)));
  }

  request(msg: ToWorker, transfer: ArrayBuffer[] = []): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(msg, transfer);
    });
  }
}

/**
 * This thread's share of a request, then every worker's reply. When this thread's share throws,
 * the replies are still awaited: a link must be idle before its next request, and a reply
 * rejected with nobody waiting would be an unhandled rejection that ends the process.
 */
async function withReplies<T>(replies: Promise<FromWorker>[], own: () => T): Promise<[T, FromWorker[]]> {
  let mine: T;
  try {
    mine = own();
  } catch (err) {
    await Promise.allSettled(replies);
    throw err;
  }
  const settled = await Promise.allSettled(replies);
  for (const r of settled) if (r.status === 'rejected') throw r.reason;
  return [mine, settled.map((r) => (r as PromiseFulfilledResult<FromWorker>).value)];
}

/**
 * Contiguous shard boundaries of n items over k parts (the first parts one larger when n % k != 0).
 * With `group`, boundaries fall on multiples of it (whole batch-normalisation groups per shard).
 */
export function shardBounds(n: number, k: number, group = 1): number[] {
  const units = Math.ceil(n / group);
  const bounds = [0];
  for (let i = 0; i < k; i++) bounds.push(bounds[i] + Math.floor(units / k) + (i < units % k ? 1 : 0));
  return bounds.map((b) => Math.min(n, b * group));
}

class ParallelExecutor implements StepExecutor {
  private version = 0;
  /** Batch-normalisation statistics are per group of images: a shard holds whole groups. */
  private readonly group: number;

  constructor(
    private readonly model: tfl.LayersModel,
    /** Its weights live in the SharedArrayBuffer the workers read. */
    private readonly optimizer: FlatAdam,
    private readonly spec: LossSpec,
    private readonly links: WorkerLink[],
  ) {
    this.group = batchNormLayers(model).length > 0 ? GHOST_BATCH : 1;
  }

  get workers(): number {
    return this.links.length + 1;
  }

  async step(batch: Shard): Promise<ShardStats> {
    const bounds = shardBounds(batch.labels.length, this.workers, this.group);
    // Pixels travel as floats, or as bytes that each thread augments for its own shard.
    const pixels = batch.raw ?? batch.x;
    const px = pixels.length / batch.labels.length;
    const replies = this.links.filter((_, k) => bounds[k + 2] > bounds[k + 1]).map((link, k) => {
      const [a, b] = [bounds[k + 1], bounds[k + 2]];
      const part = pixels.slice(a * px, b * px);
      const images = batch.raw ? { x: new Float32Array(0), raw: part as Uint8Array } : { x: part as Float32Array };
      const msg: ToWorker = { type: 'step', version: this.version, ...images, labels: batch.labels.slice(a, b), positions: batch.positions.slice(a, b), batchSize: batch.batchSize, seed: batch.seed, epoch: batch.epoch };
      return link.request(msg, [part.buffer as ArrayBuffer]);
    });
    const ownImages = batch.raw ? { x: batch.x, raw: batch.raw.subarray(0, bounds[1] * px) } : { x: batch.x.subarray(0, bounds[1] * px) };
    const own: Shard = { ...batch, ...ownImages, labels: batch.labels.subarray(0, bounds[1]), positions: batch.positions.subarray(0, bounds[1]) };
    const [{ sum, stats }, answers] = await withReplies(replies, () => {
      const { grads, stats } = shardGradients(this.model, own, this.spec);
      try {
        return { sum: this.optimizer.flatten(grads), stats };
      } finally {
        tf.dispose(grads);
      }
    });
    for (const reply of answers) {
      if (reply.type !== 'grads') throw new Error(`unexpected reply ${reply.type}`);
      for (let i = 0; i < sum.length; i++) sum[i] += reply.grads[i];
      stats.lossSum += reply.lossSum;
      stats.correct += reply.correct;
    }
    // Workers read the new weights from shared memory at their next request.
    this.optimizer.apply(sum);
    this.version++;
    return stats;
  }

  async evaluate(x: Float32Array, labels: Int32Array): Promise<ShardStats> {
    const bounds = shardBounds(labels.length, this.workers);
    const px = x.length / labels.length;
    const replies = this.links.filter((_, k) => bounds[k + 2] > bounds[k + 1]).map((link, k) => {
      const [a, b] = [bounds[k + 1], bounds[k + 2]];
      const xs = x.slice(a * px, b * px);
      return link.request({ type: 'eval', version: this.version, x: xs, labels: labels.slice(a, b) }, [xs.buffer]);
    });
    const [stats, answers] = await withReplies(replies, () => evaluateShard(this.model, x.subarray(0, bounds[1] * px), labels.subarray(0, bounds[1]), this.spec));
    for (const reply of answers) {
      if (reply.type !== 'evaluated') throw new Error(`unexpected reply ${reply.type}`);
      stats.lossSum += reply.lossSum;
      stats.correct += reply.correct;
    }
    return stats;
  }

  async predict(x: Float32Array, n: number): Promise<Float32Array> {
    const bounds = shardBounds(n, this.workers);
    const px = x.length / n;
    const replies = this.links.filter((_, k) => bounds[k + 2] > bounds[k + 1]).map((link, k) => {
      const [a, b] = [bounds[k + 1], bounds[k + 2]];
      const xs = x.slice(a * px, b * px);
      return link.request({ type: 'predict', version: this.version, x: xs, n: b - a }, [xs.buffer]);
    });
    const [own, answers] = await withReplies(replies, () => predictShard(this.model, x.subarray(0, bounds[1] * px), bounds[1]));
    const classes = own.length / bounds[1];
    const out = new Float32Array(n * classes);
    out.set(own);
    for (const [k, reply] of answers.entries()) {
      if (reply.type !== 'predicted') throw new Error(`unexpected reply ${reply.type}`);
      out.set(reply.probs, bounds[k + 1] * classes);
    }
    return out;
  }

  async batchNormMoments(chunks: { x: Float32Array; n: number }[]): Promise<Float32Array[]> {
    // Chunk j goes to thread j mod workers (thread 0 is this one); results come back in chunk order.
    const threadOf = (j: number) => j % this.workers;
    const replies = this.links.map((link, k) => {
      const mine = chunks.filter((_, j) => threadOf(j) === k + 1);
      return mine.length ? link.request({ type: 'moments', version: this.version, chunks: mine }) : Promise.resolve<FromWorker>({ type: 'moments', moments: [] });
    });
    const [own, answers] = await withReplies(replies, () => chunks.filter((_, j) => threadOf(j) === 0).map((c) => chunkMoments(this.model, c.x, c.n)));
    const byThread = [own, ...answers.map((a) => {
      if (a.type !== 'moments') throw new Error(`unexpected reply ${a.type}`);
      return a.moments;
    })];
    const next = byThread.map(() => 0);
    return chunks.map((_, j) => byThread[threadOf(j)][next[threadOf(j)]++]);
  }

  async syncFrozen(): Promise<void> {
    const frozen = flatFrozenWeights(this.model);
    if (frozen.length === 0) return;
    await Promise.all(this.links.map((l) => l.request({ type: 'frozen', version: this.version, frozen: frozen.slice() })));
  }

  async close(): Promise<void> {
    await Promise.all(this.links.map((l) => l.worker.terminate()));
  }
}

/** The optimizer for a parallel executor: its flat weights in memory shared with the workers. */
export function sharedAdam(model: tfl.LayersModel, learningRate: number): FlatAdam {
  const vars = trainableVariables(model);
  return new FlatAdam(vars, new Float32Array(new SharedArrayBuffer(FlatAdam.total(vars) * 4)), learningRate);
}

export async function createParallelExecutor(model: tfl.LayersModel, optimizer: FlatAdam, spec: LossSpec, workers: number): Promise<StepExecutor> {
  const weights = optimizer.weights.buffer as SharedArrayBuffer;
  const links: WorkerLink[] = [];
  const executor = new ParallelExecutor(model, optimizer, spec, links);
  const modelJson = JSON.stringify(model.toJSON(null, false));
  try {
    for (let i = 1; i < workers; i++) links.push(new WorkerLink(spawnWorker()));
    await Promise.all(
      links.map((l) => l.request({ type: 'init', backend: tf.getBackend(), modelJson, spec, weights, frozen: flatFrozenWeights(model) })),
    );
  } catch (e) {
    await executor.close();
    throw e;
  }
  return executor;
}

/** Worker threads for inference only (evaluation, batch prediction), holding the model's current weights. */
export async function createInferencePool(model: tfl.LayersModel, workers: number): Promise<StepExecutor> {
  const numClasses = (model.outputs[0].shape as number[])[1];
  const spec: LossSpec = { kind: 'crossentropy', gamma: 2, numClasses };
  return createParallelExecutor(model, sharedAdam(model, 0.001), spec, workers);
}
