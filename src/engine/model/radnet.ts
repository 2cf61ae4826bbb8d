// RadNet, the default model: four 3x3 convolution blocks (16-32-64-128 channels), each
// convolution without bias followed by batch normalisation and ReLU, 2x2 max-pooling after the
// first three, then global average pooling, dropout and a softmax layer. Batch normalisation lets
// it learn subtle, rare findings that the seed CNN's plain stack misses; global average pooling
// instead of a flattened dense layer keeps every feature map spatial, so Grad-CAM points at a
// region. About 98k parameters.
import * as tfl from '@tensorflow/tfjs-layers';
import { CAM_LAYER } from './seedCnn';

/** Smallest input: three 2x2 pools must leave a 4x4 map for Grad-CAM. */
export const RADNET_MIN_IMAGE_SIZE = 32;

const CHANNELS = [16, 32, 64, 128];

/**
 * Grad-CAM reads the third block's activations (16x16 at 64 px) rather than the last (8x8): on the
 * sample data its peak fell inside the fracture box in 47% of held-out films against 32% (README,
 * Models). The coarser map's cells are as wide as a small fracture's whole box.
 */
const CAM_BLOCK = 3;

export function buildRadNet(imageSize: number, numClasses: number, seed?: number): tfl.LayersModel {
  if (!Number.isInteger(imageSize) || imageSize < RADNET_MIN_IMAGE_SIZE) {
    throw new RangeError(`Invalid training setting: imageSize must be at least ${RADNET_MIN_IMAGE_SIZE} for the radnet model, got ${imageSize}`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new RangeError(`RadNet needs at least 2 classes, got ${numClasses}`);
  let next = seed ?? 42;
  const layers: tfl.layers.Layer[] = [];
  CHANNELS.forEach((filters, i) => {
    const n = i + 1;
    const last = i === CHANNELS.length - 1;
    layers.push(
      tfl.layers.conv2d({
        name: `conv${n}`,
        filters,
        kernelSize: 3,
        padding: 'same',
        useBias: false,
        kernelInitializer: tfl.initializers.heNormal({ seed: next++ }),
        ...(i === 0 ? { inputShape: [imageSize, imageSize, 1] } : {}),
      }),
      tfl.layers.batchNormalization({ name: `bn${n}`, momentum: 0.9, epsilon: 1e-5 }),
      tfl.layers.reLU({ name: n === CAM_BLOCK ? CAM_LAYER : `relu${n}` }),
    );
    if (!last) layers.push(tfl.layers.maxPooling2d({ name: `pool${n}`, poolSize: 2 }));
  });
  layers.push(
    tfl.layers.globalAveragePooling2d({ name: 'gap' }),
    tfl.layers.dropout({ name: 'dropout', rate: 0.3, seed: next++ }),
    tfl.layers.dense({ name: 'predictions', units: numClasses, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: next++ }) }),
  );
  return tfl.sequential({ name: 'radnet', layers });
}
