import * as tfl from '@tensorflow/tfjs-layers';

/** Name of the last convolution, where Grad-CAM reads its feature maps. */
export const LAST_CONV_LAYER = 'last_conv';

/** Name of the layer whose output Grad-CAM reads in models with normalised convolutions (after batch norm and ReLU). */
export const CAM_LAYER = 'cam_features';

/** Smallest input the seed CNN can take: three 'valid' 3x3 convs and 2x2 pools must leave at least one cell. */
export const MIN_IMAGE_SIZE = 22;

/** The seed model: conv 32-64-128 each with max-pool, dense 128, dropout 0.4, softmax. 355,202 parameters at 48x48x1, 2 classes. */
export function buildSeedCnn(imageSize: number, numClasses: number, seed?: number): tfl.LayersModel {
  if (!Number.isInteger(imageSize) || imageSize < MIN_IMAGE_SIZE) {
    throw new RangeError(`The seed CNN needs an image size of at least ${MIN_IMAGE_SIZE} pixels, got ${imageSize}`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new RangeError(`The seed CNN needs at least 2 classes, got ${numClasses}`);
  // Each layer draws from its own seed: one shared seed would start every kernel from the same stream.
  let next = seed ?? 42;
  const glorot = () => tfl.initializers.glorotUniform({ seed: next++ });
  const conv = (filters: number, name: string, first: boolean) =>
    tfl.layers.conv2d({
      name,
      filters,
      kernelSize: 3,
      activation: 'relu',
      padding: 'valid',
      kernelInitializer: glorot(),
      ...(first ? { inputShape: [imageSize, imageSize, 1] } : {}),
    });
  return tfl.sequential({
    name: 'seed_cnn',
    layers: [
      conv(32, 'conv2d_1', true),
      tfl.layers.maxPooling2d({ name: 'max_pooling2d_1', poolSize: 2 }),
      conv(64, 'conv2d_2', false),
      tfl.layers.maxPooling2d({ name: 'max_pooling2d_2', poolSize: 2 }),
      conv(128, LAST_CONV_LAYER, false),
      tfl.layers.maxPooling2d({ name: 'max_pooling2d_3', poolSize: 2 }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({ name: 'dense_1', units: 128, activation: 'relu', kernelInitializer: glorot() }),
      tfl.layers.dropout({ name: 'dropout', rate: 0.4, seed: next++ }),
      tfl.layers.dense({ name: 'predictions', units: numClasses, activation: 'softmax', kernelInitializer: glorot() }),
    ],
  });
}

/** Summary text in the layout of Keras' model.summary(): one row per layer, then parameter totals. */
export function modelSummary(model: tfl.LayersModel): string {
  const cols = [33, 25, 12];
  const pad = (cells: string[]) => cells.map((c, i) => (i < cols.length - 1 ? c.padEnd(cols[i]) : c)).join(' ').trimEnd();
  const shape = (s: unknown) => {
    const one = Array.isArray(s) && Array.isArray(s[0]) ? s[0] : s;
    return `(${(one as (number | null)[]).map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
  };
  const count = (n: number) => n.toLocaleString('en-US');
  const trainable = model.trainableWeights.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
  const total = model.countParams();
  const rule = (ch: string) => ch.repeat(cols.reduce((a, b) => a + b, 0) + cols.length - 1);
  const lines = [`Model: "${model.name}"`, rule('_'), pad(['Layer (type)', 'Output Shape', 'Param #']), rule('=')];
  model.layers.forEach((layer, i) => {
    lines.push(pad([`${layer.name} (${layer.getClassName()})`, shape(layer.outputShape), count(layer.countParams())]));
    lines.push(i === model.layers.length - 1 ? rule('=') : '');
  });
  lines.push(`Total params: ${count(total)}`, `Trainable params: ${count(trainable)}`, `Non-trainable params: ${count(total - trainable)}`, rule('_'));
  return lines.join('\n') + '\n';
}

/** The layer whose feature maps Grad-CAM weighs: by name when the model is ours, else the last layer of class Conv2D. */
export function findLastConv(model: tfl.LayersModel): tfl.layers.Layer {
  const byName = model.layers.find((l) => l.name === CAM_LAYER) ?? model.layers.find((l) => l.name === LAST_CONV_LAYER);
  if (byName) return byName;
  // A fine-tuned model: the feature maps its global-average-pooling head reads.
  const gap = [...model.layers].reverse().find((l) => l.getClassName() === 'GlobalAveragePooling2D');
  const feeding = (gap as unknown as { inboundNodes?: { inboundLayers: tfl.layers.Layer[] }[] } | undefined)?.inboundNodes?.[0]?.inboundLayers;
  if (feeding?.length === 1 && feeding[0].getClassName() !== 'InputLayer' && model.layers.includes(feeding[0])) return feeding[0];
  for (let i = model.layers.length - 1; i >= 0; i--) {
    if (model.layers[i].getClassName() === 'Conv2D') return model.layers[i];
  }
  throw new Error(`Model "${model.name}" has no Conv2D layer for Grad-CAM`);
}
