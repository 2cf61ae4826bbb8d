// "Classify X-ray" latency: prediction + Grad-CAM + overlay PNGs of one 512x512 radiograph with
// the model loaded (through the training process over JSON-RPC, as the extension asks, and in
// the engine directly), and the first click after start (process start + model load + first
// answer). Targets from the product brief are the baselines: 150 ms and 3 s.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { initBackend } from '../src/engine/backend/select';
import { generateSampleDataset } from '../src/engine/data/sample';
import { Predictor } from '../src/engine/predict/predictor';
import { runTraining } from '../src/engine/runs/pipeline';
import { latestCompletedRun } from '../src/engine/runs/store';
import { PredictRequest } from '../src/protocol/training';
import type { PredictParams } from '../src/protocol/training';
import { startServer } from '../test/server/harness';
import type { BenchOptions } from './main';
import type { BenchRow } from './row';

const section = 'classify';
const WARM_TARGET_MS = 150;
const COLD_TARGET_MS = 3000;
const cacheDir = path.join(__dirname, '..', '.bench', 'classify');
/** Bump when the cached model should be retrained (different data or settings). */
const MODEL_KEY = 'sample-default-e6-v1';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A completed run on the built-in sample data, trained once and kept under .bench/classify. */
async function benchRun(): Promise<{ runFolder: string; trained: boolean }> {
  const runsFolder = path.join(cacheDir, 'runs');
  const keyFile = path.join(cacheDir, 'model.key');
  const cached = existsSync(keyFile) && (await readFile(keyFile, 'utf8')) === MODEL_KEY ? await latestCompletedRun(runsFolder) : undefined;
  if (cached) return { runFolder: cached.folder, trained: false };
  await rm(cacheDir, { recursive: true, force: true });
  const sample = await generateSampleDataset(path.join(cacheDir, 'data'));
  const outcome = await runTraining({ datasetFolder: sample.root, runsFolder, config: { epochs: 6, workers: 1 } });
  if (outcome.tag !== 'completed') throw new Error(`training the bench model failed: ${outcome.tag === 'failed' ? outcome.message : outcome.tag}`);
  await writeFile(keyFile, MODEL_KEY);
  return { runFolder: path.join(runsFolder, outcome.run.id), trained: true };
}

/** A 512x512 radiograph of the sample kind (a fractured one, so the heat map has something to find). */
async function image512(): Promise<string> {
  const dir = path.join(cacheDir, 'xray-512');
  const file = path.join(dir, 'fractured', 'fractured-0001.png');
  if (!existsSync(file)) await generateSampleDataset(dir, { fractured: 1, normal: 1, size: 512 });
  return file;
}

export async function benchClassify(report: (row: BenchRow) => void, options: BenchOptions = { quick: false }): Promise<void> {
  const { runFolder, trained } = await benchRun();
  const image = await image512();
  const outDir = path.join(cacheDir, 'overlays');
  await mkdir(outDir, { recursive: true });
  const calls = options.quick ? 10 : 30;
  const colds = options.quick ? 2 : 3;
  const params: PredictParams = { runFolder, images: [image], gradcam: true, outDir };
  const note = `512x512 PNG, ${calls} calls, model ${trained ? 'trained now' : 'cached'} in .bench/classify`;

  // 1. Warm, through the training process: what a click costs once the model is loaded.
  const server = await startServer();
  const serverSideMs: number[] = [];
  try {
    const first = await server.connection.sendRequest(PredictRequest, params);
    if (!first.outcomes[0]?.ok) throw new Error(`predict failed: ${JSON.stringify(first.outcomes[0])}`);
    const rpc: number[] = [];
    for (let i = 0; i < calls; i++) {
      const t0 = performance.now();
      const r = await server.connection.sendRequest(PredictRequest, params);
      rpc.push(performance.now() - t0);
      const o = r.outcomes[0];
      if (!o?.ok || !o.prediction.overlayPath) throw new Error(`predict failed: ${JSON.stringify(o)}`);
      serverSideMs.push(o.prediction.milliseconds);
    }
    const v = median(rpc);
    report({ section, name: 'predict+Grad-CAM+overlay, model loaded, via training process (median)', value: v, unit: 'ms', baseline: WARM_TARGET_MS, baselineName: 'target', ratio: v / WARM_TARGET_MS, note: `${note}; engine time inside ${median(serverSideMs).toFixed(0)} ms` });
  } finally {
    await server.stop();
  }

  // 2. Warm, engine direct: the same work without the process boundary.
  const { name: backend } = await initBackend('auto');
  const predictor = await Predictor.load(runFolder);
  await predictor.predict([image], { gradcam: true, outDir });
  const direct: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    const [o] = await predictor.predict([image], { gradcam: true, outDir });
    direct.push(performance.now() - t0);
    if (!o?.ok) throw new Error(`predict failed: ${JSON.stringify(o)}`);
  }
  const d = median(direct);
  report({ section, name: 'predict+Grad-CAM+overlay, model loaded, engine direct (median)', value: d, unit: 'ms', baseline: WARM_TARGET_MS, baselineName: 'target', ratio: d / WARM_TARGET_MS, note: `${backend} backend` });

  // 3. First click after start: fork the process, initialize, load the model, answer with Grad-CAM.
  const cold: number[] = [];
  const loads: number[] = [];
  for (let i = 0; i < colds; i++) {
    const t0 = performance.now();
    const s = await startServer();
    try {
      const r = await s.connection.sendRequest(PredictRequest, params);
      cold.push(performance.now() - t0);
      loads.push(r.modelLoadMs);
      if (!r.outcomes[0]?.ok) throw new Error(`predict failed: ${JSON.stringify(r.outcomes[0])}`);
    } finally {
      await s.stop();
    }
  }
  const c = median(cold);
  report({ section, name: 'first click: process start + model load + predict with Grad-CAM (median)', value: c, unit: 'ms', baseline: COLD_TARGET_MS, baselineName: 'target', ratio: c / COLD_TARGET_MS, note: `${colds} cold starts; model load ${median(loads).toFixed(0)} ms of it` });
}
