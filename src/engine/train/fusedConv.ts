// Conv2D + bias + ReLU as one op with its own gradient, for training. While gradients are recorded,
// tfjs runs a layer's conv, bias add and ReLU as separate kernels (with copies in between) and
// backpropagates ReLU as step, cast and multiply over the whole activation; here the forward pass
// is one FusedConv2D kernel and the ReLU gradient one pass (a heap kernel on wasm).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { RELU_POOL_GRAD, RELU_GRAD } from '../backend/heapKernels';

interface ConvConfig {
  strides: [number, number];
  pad: 'valid' | 'same';
}

function eligible(layer: tfl.layers.Layer): ConvConfig | null {
  if (layer.getClassName() !== 'Conv2D') return null;
  const c = layer.getConfig() as { strides: number[]; padding: string; dataFormat: string; dilationRate: number[] | number; activation: string; useBias: boolean };
  const dilation = Array.isArray(c.dilationRate) ? c.dilationRate : [c.dilationRate, c.dilationRate];
  if (c.activation !== 'relu' || !c.useBias || c.dataFormat !== 'channelsLast' || dilation.some((d) => d !== 1)) return null;
  if (c.padding !== 'valid' && c.padding !== 'same') return null;
  return { strides: [c.strides[0], c.strides[1]], pad: c.padding };
}

function reluGrad(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  if (tf.getBackend() === 'wasm') return tf.engine().runKernel(RELU_GRAD, { dy, y }, {}) as tf.Tensor;
  return tf.mul(dy, tf.step(y));
}

/** A training-mode replacement for `layer.apply(x)`, or null when the layer is not a channels-last Conv2D with bias and ReLU. */
export function fusedConvRelu(layer: tfl.layers.Layer, inputNeedsGrad: boolean): ((x: tf.Tensor) => tf.Tensor) | null {
  const cfg = eligible(layer);
  if (!cfg) return null;
  const vars = layer as unknown as { kernel: tfl.LayerVariable; bias: tfl.LayerVariable };
  const attrs = { strides: cfg.strides, pad: cfg.pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
  const op = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const y = tf.engine().runKernel('FusedConv2D', { x, filter: w, bias: b }, { ...attrs, dilations: [1, 1], activation: 'relu' } as unknown as tf.NamedAttrMap) as tf.Tensor;
    save([x, w, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws, ys] = saved;
        const dz = reluGrad(dy, ys);
        const dx = inputNeedsGrad
          ? (tf.engine().runKernel('Conv2DBackpropInput', { dy: dz, filter: ws }, { ...attrs, inputShape: xs.shape } as unknown as tf.NamedAttrMap) as tf.Tensor)
          : tf.zerosLike(xs); // the model's input: nobody reads this gradient
        const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x: xs, dy: dz }, { ...attrs, filterShape: ws.shape } as unknown as tf.NamedAttrMap) as tf.Tensor;
        const db = tf.sum(dz, [0, 1, 2]);
        return [dx, dw, db];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (x) => op(x, vars.kernel.read(), vars.bias.read());
}

/** A 2x2, stride 2, 'valid', channels-last max-pool: the window the fused gradient kernels route through. */
export function isPool2x2(layer: tfl.layers.Layer | undefined): boolean {
  if (!layer || layer.getClassName() !== 'MaxPooling2D') return false;
  const c = layer.getConfig() as { poolSize: number[]; strides: number[]; padding: string; dataFormat: string };
  return c.poolSize[0] === 2 && c.poolSize[1] === 2 && c.strides[0] === 2 && c.strides[1] === 2 && c.padding === 'valid' && c.dataFormat === 'channelsLast';
}

/**
 * Conv2D + bias + ReLU followed by a 2x2 max-pool, on wasm: the backward pass routes each pooled gradient
 * to its window's maximum, applies the ReLU gradient and sums the bias gradient in one pass over the
 * activation, instead of three (MaxPoolGrad, ReLU gradient, Sum). Null when the pair does not fit.
 */
export function fusedConvReluPool(conv: tfl.layers.Layer, pool: tfl.layers.Layer, inputNeedsGrad: boolean): ((x: tf.Tensor) => tf.Tensor) | null {
  const cfg = eligible(conv);
  if (!cfg || !isPool2x2(pool) || tf.getBackend() !== 'wasm') return null;
  const vars = conv as unknown as { kernel: tfl.LayerVariable; bias: tfl.LayerVariable };
  const attrs = { strides: cfg.strides, pad: cfg.pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
  const op = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const y = tf.engine().runKernel('FusedConv2D', { x, filter: w, bias: b }, { ...attrs, dilations: [1, 1], activation: 'relu' } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
    const p = tf.maxPool(y, 2, 2, 'valid');
    save([x, w, y]);
    return {
      value: p,
      gradFunc: (dp: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws, ys] = saved;
        const [dz, db] = tf.engine().runKernel(RELU_POOL_GRAD, { dp, y: ys }, {}) as tf.Tensor[];
        const dx = inputNeedsGrad
          ? (tf.engine().runKernel('Conv2DBackpropInput', { dy: dz, filter: ws }, { ...attrs, inputShape: xs.shape } as unknown as tf.NamedAttrMap) as tf.Tensor)
          : tf.zerosLike(xs);
        const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x: xs, dy: dz }, { ...attrs, filterShape: ws.shape } as unknown as tf.NamedAttrMap) as tf.Tensor;
        return [dx, dw, db];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (x) => op(x, vars.kernel.read(), vars.bias.read());
}
