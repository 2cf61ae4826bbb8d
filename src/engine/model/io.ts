// TensorFlow.js layers format (model.json + weights.bin) on plain files, without tfjs-node's file:// handlers.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { writeDirAtomic } from '../fs/atomic';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** What a model folder needs to classify on its own, kept in model.json's userDefinedMetadata. */
export interface ModelMetadata {
  classes: string[];
  imageSize: number;
  runId?: string;
  /** Two classes: the decision threshold on the positive class's probability, chosen on validation. */
  threshold?: { positiveClass: number; value: number };
  /** Average each prediction with the mirror image's. */
  tta?: boolean;
}

function joinWeights(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  return Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : data;
}

/** Saves to `dir` atomically: the folder appears complete or not at all. */
export async function saveModel(model: tfl.LayersModel, dir: string, metadata: ModelMetadata): Promise<void> {
  model.setUserDefinedMetadata({ ...metadata });
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts) throw new Error('model.save produced no artifacts');
  const a = artifacts;
  const modelJson: tf.io.ModelJSON = {
    modelTopology: a.modelTopology as object,
    format: a.format ?? 'layers-model',
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy ?? null,
    weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: a.weightSpecs ?? [] }],
    ...(a.trainingConfig ? { trainingConfig: a.trainingConfig } : {}),
    userDefinedMetadata: a.userDefinedMetadata,
  };
  await writeDirAtomic(dir, async (tmp) => {
    await writeFile(join(tmp, WEIGHTS_BIN), new Uint8Array(joinWeights(a.weightData)));
    await writeFile(join(tmp, MODEL_JSON), JSON.stringify(modelJson));
  });
}

/** A model folder is data from anywhere: these bound what loading it may read. */
export const MODEL_LIMITS = { jsonBytes: 16 * 2 ** 20, weightFiles: 64, weightBytes: 512 * 2 ** 20 } as const;

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

class ModelFolderError extends Error {
  constructor(dir: string, why: string) {
    super(`Model folder ${dir} is not usable: ${why}`);
    this.name = 'ModelFolderError';
  }
}

/** Reads a regular file of at most `max` bytes, never blocking on a pipe or device. */
function readRegularFile(path: string, max: number, what: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`${what} ${path} is not a regular file`);
    if (st.size > max) throw new Error(`${what} ${path} is ${st.size} bytes, more than the ${max} allowed`);
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** The weight files a manifest names, as paths that stay inside `dir` (symbolic links resolved). */
function weightPaths(dir: string, manifest: unknown): { paths: string[]; specs: tf.io.WeightsManifestEntry[] } {
  const fail = (why: string): never => {
    throw new ModelFolderError(dir, why);
  };
  if (!Array.isArray(manifest)) fail('model.json has no weightsManifest list');
  const realDir = realpathSync(dir);
  const paths: string[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  const groups = manifest as { paths?: unknown; weights?: unknown }[];
  const count = groups.reduce((n, g) => n + (Array.isArray(g?.paths) ? g.paths.length : 0), 0);
  if (count > MODEL_LIMITS.weightFiles) fail(`it names ${count} weight files, more than the ${MODEL_LIMITS.weightFiles} allowed`);
  for (const g of groups) {
    if (!g || !Array.isArray(g.paths) || !Array.isArray(g.weights)) fail('a weightsManifest entry lacks its paths or weights');
    for (const p of g.paths as unknown[]) {
      if (typeof p !== 'string' || p === '' || isAbsolute(p) || p.split(/[\\/]/).includes('..')) fail(`weight file path ${JSON.stringify(p)} must name a file inside the model folder`);
      const full = resolve(dir, p as string);
      let real: string;
      try {
        real = realpathSync(full);
      } catch {
        return fail(`weight file ${p} is missing`);
      }
      if (!real.startsWith(realDir + sep)) fail(`weight file ${p} lies outside the model folder`);
      paths.push(real);
    }
    for (const w of g.weights as unknown[]) {
      const e = w as Partial<tf.io.WeightsManifestEntry>;
      const shapeOk = Array.isArray(e?.shape) && e.shape.every((d) => Number.isInteger(d) && d >= 0);
      if (typeof e?.name !== 'string' || !shapeOk || !DTYPE_BYTES[e.dtype as string] || e.quantization !== undefined) {
        fail(`weight ${JSON.stringify(e?.name)} has no valid name, shape and dtype (float32, int32 or bool; quantized weights are not read)`);
      }
      specs.push(e as tf.io.WeightsManifestEntry);
    }
  }
  return { paths, specs };
}

/** Throws when a float weight of `model` is NaN or infinite. */
function checkFiniteWeights(model: tfl.LayersModel, dir: string): void {
  for (const w of model.weights) {
    const v = w.read();
    if (v.dtype !== 'float32') continue;
    const data = v.dataSync();
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) throw new ModelFolderError(dir, `weight ${w.name} holds NaN or infinite values: the weight file is damaged or not this model's`);
    }
  }
}

/**
 * Loads a model folder written by saveModel (or any tfjs layers model.json with its weight
 * files). The folder is data, not code: weight paths must stay inside it, files must be regular
 * and within MODEL_LIMITS, and the bytes must match the manifest's shapes exactly and be finite.
 */
export async function loadModel(dir: string): Promise<{ model: tfl.LayersModel; metadata?: ModelMetadata }> {
  const jsonPath = join(dir, MODEL_JSON);
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(readRegularFile(jsonPath, MODEL_LIMITS.jsonBytes, 'model file').toString('utf8')) as tf.io.ModelJSON;
  } catch (err) {
    throw new Error(`Cannot read model ${jsonPath}: ${(err as Error).message}`);
  }
  if (typeof modelJson !== 'object' || modelJson === null || typeof modelJson.modelTopology !== 'object' || modelJson.modelTopology === null) {
    throw new ModelFolderError(dir, `${MODEL_JSON} has no modelTopology`);
  }
  const { paths, specs } = weightPaths(dir, modelJson.weightsManifest);
  const expected = specs.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[w.dtype], 0);
  if (expected > MODEL_LIMITS.weightBytes) throw new ModelFolderError(dir, `its weights would take ${expected} bytes, more than the ${MODEL_LIMITS.weightBytes} allowed`);
  const handler: tf.io.IOHandler = {
    load: () =>
      tf.io.getModelArtifactsForJSON(modelJson, async () => {
        const buffers: ArrayBuffer[] = [];
        let total = 0;
        for (const p of paths) {
          let bytes: Buffer;
          try {
            bytes = readRegularFile(p, MODEL_LIMITS.weightBytes - total, 'weight file');
          } catch (err) {
            throw new ModelFolderError(dir, (err as Error).message);
          }
          total += bytes.length;
          buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
        }
        if (total !== expected) throw new ModelFolderError(dir, `the weight files hold ${total} bytes where the manifest's shapes need ${expected}`);
        return [specs, buffers];
      }),
  };
  let model: tfl.LayersModel;
  try {
    model = await tfl.loadLayersModel(handler);
  } catch (err) {
    if (err instanceof ModelFolderError) throw err;
    throw new ModelFolderError(dir, `its layers cannot be built from ${MODEL_JSON} and the weights (${(err as Error).message.split('\n')[0]})`);
  }
  try {
    checkFiniteWeights(model, dir);
  } catch (err) {
    model.dispose();
    throw err;
  }
  const meta = model.getUserDefinedMetadata() as Partial<ModelMetadata> | undefined;
  const metadata =
    meta && Array.isArray(meta.classes) && meta.classes.every((c) => typeof c === 'string') && Number.isInteger(meta.imageSize) && (meta.imageSize as number) > 0 ? (meta as ModelMetadata) : undefined;
  return { model, metadata };
}
