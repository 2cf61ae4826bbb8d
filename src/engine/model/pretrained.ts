// The built-in radnet base: radnet trained on a large, class-balanced set of synthetic radiographs
// (scripts/base-model.ts). Trained from random weights, radnet often never finds a thin fracture
// line when the rare class has only a hundred images: it learns those images by heart first.
// Started from this base, whose filters already answer to cortices, lines and buckles, it does
// (README, "Models"). radnet is fully convolutional up to its global pooling, so the base's
// weights fit any input size; the classifier head is always new.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadModel, MODEL_JSON } from './io';

/** Where the base lives, relative to the extension's (or repository's) root. */
export const BUILTIN_BASE_DIR = 'media/models/radnet-base';
/** How the base was made: its corpus, epochs and held-out figures. */
export const BASE_INFO_JSON = 'base.json';

/** The base's folder: found from the running file upward, so the bundles, the sources and the tests all see it. */
export function builtinBaseFolder(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, BUILTIN_BASE_DIR);
    if (existsSync(join(candidate, MODEL_JSON))) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new RangeError(`Invalid training setting: pretrained: the built-in radnet base (${BUILTIN_BASE_DIR}/${MODEL_JSON}) is missing from this installation; set pretrained to false to train from random weights`);
}

/**
 * Copies the base's weights into `model`'s layers of the same name and shape (the convolutions and
 * batch norms); the rest, the classifier, keeps its fresh weights. Returns the names of the layers filled.
 */
export async function loadPretrained(model: tfl.LayersModel, folder = builtinBaseFolder()): Promise<string[]> {
  const { model: base } = await loadModel(folder);
  const filled: string[] = [];
  try {
    for (const layer of model.layers) {
      const weights = layer.getWeights();
      if (weights.length === 0) continue;
      let from: tfl.layers.Layer;
      try {
        from = base.getLayer(layer.name);
      } catch {
        continue;
      }
      const source = from.getWeights();
      const fits = source.length === weights.length && source.every((w, i) => tf.util.arraysEqual(w.shape, weights[i].shape));
      if (!fits || layer.name === 'predictions') continue;
      layer.setWeights(source);
      filled.push(layer.name);
    }
  } finally {
    base.dispose();
  }
  if (filled.length === 0) throw new RangeError(`Invalid training setting: pretrained: the base in ${folder} shares no layer with the ${model.name} model`);
  return filled;
}
