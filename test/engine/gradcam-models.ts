// Small hand-made models whose Grad-CAM answer is known in advance, and the probability-gradient
// Grad-CAM the engine used before, kept here so tests can show what it did to confident models.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { imagesToTensor } from '../../src/engine/model/input';
import { findLastConv, LAST_CONV_LAYER } from '../../src/engine/model/seedCnn';

export type Ending = 'dense-softmax' | 'activation-softmax' | 'softmax-layer' | 'none';

/**
 * size x size gray input -> 1x1 conv copying the pixel (the feature map is the image) -> batch norm
 * with moving statistics unlike any batch's -> global average pool -> dropout -> dense with kernel
 * [[1, -1]]: the image raises class 0 and lowers class 1 everywhere.
 */
export function evidenceModel(size: number, ending: Ending, bias: [number, number] = [0, 0]): tfl.LayersModel {
  const layers: tfl.layers.Layer[] = [
    tfl.layers.conv2d({ name: LAST_CONV_LAYER, inputShape: [size, size, 1], filters: 1, kernelSize: 1, useBias: false, kernelInitializer: 'ones' }),
    tfl.layers.batchNormalization({ name: 'bn' }),
    tfl.layers.globalAveragePooling2d({ name: 'gap' }),
    tfl.layers.dropout({ name: 'dropout', rate: 0.5 }),
    tfl.layers.dense({ name: 'predictions', units: 2, activation: ending === 'dense-softmax' ? 'softmax' : 'linear' }),
  ];
  if (ending === 'activation-softmax') layers.push(tfl.layers.activation({ name: 'probs', activation: 'softmax' }));
  if (ending === 'softmax-layer') layers.push(tfl.layers.softmax({ name: 'probs' }));
  const model = tfl.sequential({ layers });
  // Inference-mode batch norm: (x - 0.2) / sqrt(4) * 1 + 0.5. Training mode would use the batch's own mean.
  model.getLayer('bn').setWeights([tf.tensor1d([1]), tf.tensor1d([0.5]), tf.tensor1d([0.2]), tf.tensor1d([4])]);
  model.getLayer('predictions').setWeights([tf.tensor2d([[1, -1]]), tf.tensor1d(bias)]);
  return model;
}

/** Grad-CAM with the gradient of the class probability after softmax: the former method. */
export function probabilityGradCam(model: tfl.LayersModel, pixels: Uint8Array, size: number, classIndex: number): Float32Array {
  const lastConv = findLastConv(model);
  const body = tfl.model({ inputs: model.inputs, outputs: lastConv.output as tfl.SymbolicTensor });
  const head = model.layers.slice(model.layers.indexOf(lastConv) + 1);
  const cam = tf.tidy(() => {
    const features = body.predict(imagesToTensor(pixels, 1, size)) as tf.Tensor4D;
    const k = (model.outputs[0].shape as number[])[1];
    const mask = tf.oneHot([classIndex], k);
    const score = (a: tf.Tensor) => {
      let x = a;
      for (const layer of head) x = layer.apply(x, { training: false }) as tf.Tensor;
      return tf.sum(tf.mul(x, mask));
    };
    const grads = tf.grad(score)(features);
    return tf.relu(tf.sum(tf.mul(features, tf.mean(grads, [1, 2], true)), -1));
  });
  const out = cam.dataSync() as Float32Array;
  cam.dispose();
  return out;
}

/** The model's own output for one image, as the trainer and evaluator see it (inference mode). */
export function predictOne(model: tfl.LayersModel, pixels: Uint8Array, size: number): number[] {
  const t = tf.tidy(() => model.predict(imagesToTensor(pixels, 1, size)) as tf.Tensor);
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
}
