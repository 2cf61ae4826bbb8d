// TensorFlow.js layers format (model.json + weights.bin) on plain files, without tfjs-node's file:// handlers.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

/** Loads a model folder written by saveModel (or any tfjs layers model.json with its weight files). */
export async function loadModel(dir: string): Promise<{ model: tfl.LayersModel; metadata?: ModelMetadata }> {
  const jsonPath = join(dir, MODEL_JSON);
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(await readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
  } catch (err) {
    throw new Error(`Cannot read model ${jsonPath}: ${(err as Error).message}`);
  }
  const handler: tf.io.IOHandler = {
    load: () =>
      tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const p of group.paths) {
            const bytes = await readFile(join(dir, p));
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
        }
        return [specs, buffers];
      }),
  };
  const model = await tfl.loadLayersModel(handler);
  const meta = model.getUserDefinedMetadata() as Partial<ModelMetadata> | undefined;
  const metadata = meta && Array.isArray(meta.classes) && typeof meta.imageSize === 'number' ? (meta as ModelMetadata) : undefined;
  return { model, metadata };
}
