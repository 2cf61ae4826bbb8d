import type * as tfl from '@tensorflow/tfjs-layers';

/** The seed model: conv 32-64-128 each with max-pool, dense 128, dropout 0.4, softmax. 355,202 parameters at 48x48x1, 2 classes. */
export function buildSeedCnn(imageSize: number, numClasses: number, seed?: number): tfl.LayersModel {
  void imageSize;
  void numClasses;
  void seed;
  throw new Error('buildSeedCnn: not implemented yet');
}
