// The model a training run builds, by preset.
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ModelPreset } from '../config';
import { buildRadNet, RADNET_MIN_IMAGE_SIZE } from './radnet';
import { buildSeedCnn, MIN_IMAGE_SIZE } from './seedCnn';

export const MIN_INPUT: Readonly<Record<ModelPreset, number>> = { radnet: RADNET_MIN_IMAGE_SIZE, seed: MIN_IMAGE_SIZE };

export function buildPresetModel(preset: ModelPreset, imageSize: number, numClasses: number, seed?: number): tfl.LayersModel {
  if (imageSize < MIN_INPUT[preset]) {
    throw new RangeError(`Invalid training setting: imageSize must be at least ${MIN_INPUT[preset]} for the ${preset} model, got ${imageSize}`);
  }
  return preset === 'seed' ? buildSeedCnn(imageSize, numClasses, seed) : buildRadNet(imageSize, numClasses, seed);
}
