// Conv2D (no bias) + BatchNormalization + ReLU, optionally followed by a 2x2 max-pool, as one
// training op on wasm with its own gradient. Batch statistics come from the shard being trained;
// the moving statistics used at inference are set after each epoch from the training images
// (see bnStats.ts), so worker threads never have to agree on a running average.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { BN_RELU, BN_RELU_GRAD } from '../backend/bnKernels';
import { isPool2x2 } from './fusedConv';

interface ConvAttrs {
  strides: [number, number];
  pad: 'valid' | 'same';
  dataFormat: 'NHWC';
  dimRoundingMode: undefined;
}

function convAttrs(layer: tfl.layers.Layer): ConvAttrs | null {
  if (layer.getClassName() !== 'Conv2D') return null;
  const c = layer.getConfig() as { strides: number[]; padding: string; dataFormat: string; dilationRate: number[] | number; activation: string; useBias: boolean };
  const dilation = Array.isArray(c.dilationRate) ? c.dilationRate : [c.dilationRate, c.dilationRate];
  if (c.activation !== 'linear' || c.useBias || c.dataFormat !== 'channelsLast' || dilation.some((d) => d !== 1)) return null;
  if (c.padding !== 'valid' && c.padding !== 'same') return null;
  return { strides: [c.strides[0], c.strides[1]], pad: c.padding, dataFormat: 'NHWC', dimRoundingMode: undefined };
}

function isPlainBn(layer: tfl.layers.Layer): boolean {
  if (layer.getClassName() !== 'BatchNormalization') return false;
  const c = layer.getConfig() as { axis: number; center: boolean; scale: boolean };
  return (c.axis === -1 || c.axis === 3) && c.center && c.scale;
}

/** A ReLU without a cap, as a ReLU layer or a relu Activation. */
export function isRelu(layer: tfl.layers.Layer): boolean {
  const name = layer.getClassName();
  if (name === 'ReLU') {
    const c = layer.getConfig() as { maxValue?: number | null };
    return c.maxValue === null || c.maxValue === undefined;
  }
  return name === 'Activation' && (layer.getConfig() as { activation: string }).activation === 'relu';
}

/**
 * A training-mode replacement for layers[i..i+2] (conv, batch norm, ReLU) and, when it follows,
 * layers[i+3] (2x2 max-pool): the function and how many layers it covers. Null when the layers do
 * not fit or the backend is not wasm.
 */
export function fusedConvBnRelu(layers: tfl.layers.Layer[], i: number, inputNeedsGrad: boolean): { apply: (x: tf.Tensor) => tf.Tensor; covers: number } | null {
  if (tf.getBackend() !== 'wasm' || i + 2 >= layers.length) return null;
  const [conv, bn, relu] = [layers[i], layers[i + 1], layers[i + 2]];
  const attrs = convAttrs(conv);
  if (!attrs || !isPlainBn(bn) || !isRelu(relu)) return null;
  const pooled = isPool2x2(layers[i + 3]);
  const epsilon = (bn.getConfig() as { epsilon: number }).epsilon;
  const kernel = (conv as unknown as { kernel: tfl.LayerVariable }).kernel;
  const bnVars = bn as unknown as { gamma: tfl.LayerVariable; beta: tfl.LayerVariable };
  const op = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, save: tf.GradSaveFunc) => {
    const z = tf.engine().runKernel('Conv2D', { x, filter: w }, { ...attrs, dilations: [1, 1] } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
    const [a, mean, invstd] = tf.engine().runKernel(BN_RELU, { z, gamma, beta }, { epsilon } as unknown as tf.NamedAttrMap) as tf.Tensor[];
    const value = pooled ? tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid') : a;
    save([x, w, z, a, mean, invstd, gamma]);
    return {
      value,
      gradFunc: (g: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws, zs, as, ms, is, gs] = saved;
        const [dz, dgamma, dbeta] = tf.engine().runKernel(BN_RELU_GRAD, { g, a: as, z: zs, mean: ms, invstd: is, gamma: gs }, { pooled } as unknown as tf.NamedAttrMap) as tf.Tensor[];
        const dx = inputNeedsGrad
          ? (tf.engine().runKernel('Conv2DBackpropInput', { dy: dz, filter: ws }, { ...attrs, inputShape: xs.shape } as unknown as tf.NamedAttrMap) as tf.Tensor)
          : tf.zerosLike(xs); // the model's input: nobody reads this gradient
        const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x: xs, dy: dz }, { ...attrs, filterShape: ws.shape } as unknown as tf.NamedAttrMap) as tf.Tensor;
        return [dx, dw, dgamma, dbeta];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return { apply: (x) => op(x, kernel.read(), bnVars.gamma.read(), bnVars.beta.read()), covers: pooled ? 4 : 3 };
}
