// Gradients of conv2d for the wasm backend, built from kernels wasm has (Conv2D through XNNPACK,
// Pad, Transpose, Reverse, Slice). wasm ships no Conv2DBackpropFilter at all, and its
// Conv2DBackpropInput is a naive loop about 8x slower than the same sums done as a conv2d.
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { registerBnKernels } from './bnKernels';
import { IM2COL_T, registerHeapKernels } from './heapKernels';
import type { Im2ColAttrs } from './heapKernels';
import { nativeFilterGrad, nativeInputGrad, wrapForwardConvs } from './nativeConv';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

interface ConvGradAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: Rounding;
}

/** Pads (positive) or crops (negative) the two spatial axes of an NHWC tensor. */
function padOrCrop(t: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  let out = t;
  if (top > 0 || bottom > 0 || left > 0 || right > 0) {
    out = tf.pad(out, [[0, 0], [Math.max(top, 0), Math.max(bottom, 0)], [Math.max(left, 0), Math.max(right, 0)], [0, 0]]);
  }
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const [n, h, w, c] = out.shape;
    const t0 = Math.max(-top, 0);
    const l0 = Math.max(-left, 0);
    out = tf.slice(out, [0, t0, l0, 0], [n, h - t0 - Math.max(-bottom, 0), w - l0 - Math.max(-right, 0), c]);
  }
  return out;
}

function toNhwc<T extends tf.Tensor4D>(t: T, dataFormat: string): tf.Tensor4D {
  return dataFormat === 'NCHW' ? tf.transpose(t, [0, 2, 3, 1]) : t;
}

function nhwcShape(shape: number[], dataFormat: string): [number, number, number, number] {
  const [a, b, c, d] = shape;
  return dataFormat === 'NCHW' ? [a, c, d, b] : [a, b, c, d];
}

/** Largest patch matrix gathered at once (floats): bounds memory at large inputs by splitting the batch. */
const MAX_PATCH_FLOATS = 8 * 1024 * 1024;

/**
 * Few input channels (the first layer): dW[(i,j,ci), co] = sum over output pixels p of patches[(i,j,ci), p] * dy[p, co],
 * one matMul on XNNPACK over a patch matrix gathered in JavaScript (any stride and padding).
 */
function filterGradByPatches(xs: tf.Tensor4D, dys: tf.Tensor4D, filterShape: [number, number, number, number], info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  const [kh, kw, ci, co] = filterShape;
  const [n, ho, wo] = dys.shape;
  const im2col: Im2ColAttrs = { kh, kw, strideH: info.strideHeight, strideW: info.strideWidth, padTop: info.padInfo.top, padLeft: info.padInfo.left, outH: ho, outW: wo };
  const chunk = Math.max(1, Math.floor(MAX_PATCH_FLOATS / (kh * kw * ci * ho * wo)));
  const parts: tf.Tensor[] = [];
  for (let start = 0; start < n; start += chunk) {
    const m = Math.min(chunk, n - start);
    const xc = m === n ? xs : tf.slice(xs, [start, 0, 0, 0], [m, -1, -1, -1]);
    const dyc = m === n ? dys : tf.slice(dys, [start, 0, 0, 0], [m, -1, -1, -1]);
    const patches = tf.engine().runKernel(IM2COL_T, { x: xc }, im2col as unknown as NamedAttrMap) as tf.Tensor2D;
    parts.push(tf.matMul(patches, tf.reshape(dyc, [m * ho * wo, co])));
  }
  return tf.reshape(parts.length === 1 ? parts[0] : tf.addN(parts), filterShape);
}

/**
 * Many input channels: with the batch axis moved into the channel position, dW is one conv2d whose "filter"
 * is dy, dilated by the forward stride: dW[i,j,ci,co] = sum over n,h,w of xPadded[n, h*sh+i, w*sw+j, ci] * dy[n,h,w,co].
 */
function filterGradByConv(xs: tf.Tensor4D, dys: tf.Tensor4D, filterShape: [number, number, number, number], info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  const [kh, kw, ci, co] = filterShape;
  const { top, bottom, left, right } = info.padInfo;
  const xt = tf.transpose(padOrCrop(xs, top, bottom, left, right), [3, 1, 2, 0]); // [Ci, Hp, Wp, N]
  const dyt = tf.transpose(dys, [1, 2, 0, 3]); // [Ho, Wo, N, Co]
  const full = tf.conv2d(xt, dyt, 1, 'valid', 'NHWC', [info.strideHeight, info.strideWidth]);
  const cut = full.shape[1] === kh && full.shape[2] === kw ? full : tf.slice(full, [0, 0, 0, 0], [ci, kh, kw, co]);
  return tf.transpose(cut, [1, 2, 0, 3]);
}

/** Input channels up to which the patch-matrix route is faster than the conv route (measured on the seed CNN). */
const PATCH_ROUTE_MAX_CHANNELS = 8;

export function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number], attrs: ConvGradAttrs): tf.Tensor4D {
  return tf.tidy(() => {
    const xs = toNhwc(x, attrs.dataFormat);
    const dys = toNhwc(dy, attrs.dataFormat);
    const info = tf.backend_util.computeConv2DInfo(xs.shape, filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
    return filterShape[2] <= PATCH_ROUTE_MAX_CHANNELS ? filterGradByPatches(xs, dys, filterShape, info) : filterGradByConv(xs, dys, filterShape, info);
  });
}

/** Inserts stride-1 zeros between the rows and columns of dy, so a strided conv's input gradient becomes a stride-1 conv. */
function dilateSpatial(dy: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return dy;
  const [n, h, w, c] = dy.shape;
  const spread = tf.pad(tf.reshape(dy, [n, h, 1, w, 1, c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  const flat = tf.reshape(spread, [n, h * sh, w * sw, c]) as tf.Tensor4D;
  return tf.slice(flat, [0, 0, 0, 0], [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c]);
}

/** dx as the "full" correlation of (zero-dilated) dy with the flipped filter, its in/out channels swapped. */
export function conv2dInputGrad(dy: tf.Tensor4D, filter: tf.Tensor4D, inputShape: [number, number, number, number], attrs: ConvGradAttrs): tf.Tensor4D {
  return tf.tidy(() => {
    const xShape = nhwcShape(inputShape, attrs.dataFormat);
    const dys = toNhwc(dy, attrs.dataFormat);
    const info = tf.backend_util.computeConv2DInfo(xShape, filter.shape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
    const [kh, kw] = filter.shape;
    const dyd = dilateSpatial(dys, info.strideHeight, info.strideWidth);
    const top = kh - 1 - info.padInfo.top;
    const left = kw - 1 - info.padInfo.left;
    const bottom = xShape[1] + kh - 1 - top - dyd.shape[1];
    const right = xShape[2] + kw - 1 - left - dyd.shape[2];
    const dyp = padOrCrop(dyd, top, bottom, left, right);
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    const dx = tf.conv2d(dyp, flipped, 1, 'valid');
    return attrs.dataFormat === 'NCHW' ? tf.transpose(dx, [0, 3, 1, 2]) : dx;
  });
}

/** A Tensor over a kernel input that holds its own reference, so disposing it leaves the caller's data alone. */
function wrap(info: TensorInfo, backend: tf.KernelBackend): tf.Tensor4D {
  const t = tf.engine().makeTensorFromTensorInfo(info, backend) as tf.Tensor4D;
  backend.incRef(info.dataId);
  return t;
}

function backpropFilterKernel(args: { inputs: NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: NamedAttrMap }): TensorInfo {
  const fast = nativeFilterGrad(args as Parameters<typeof nativeFilterGrad>[0]);
  if (fast) return fast;
  const attrs = args.attrs as unknown as ConvGradAttrs & { filterShape: [number, number, number, number] };
  const x = wrap(args.inputs.x as TensorInfo, args.backend);
  const dy = wrap(args.inputs.dy as TensorInfo, args.backend);
  try {
    return conv2dFilterGrad(x, dy, attrs.filterShape, attrs);
  } finally {
    x.dispose();
    dy.dispose();
  }
}

function backpropInputKernel(args: { inputs: NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: NamedAttrMap }): TensorInfo {
  const fast = nativeInputGrad(args as Parameters<typeof nativeInputGrad>[0]);
  if (fast) return fast;
  const attrs = args.attrs as unknown as ConvGradAttrs & { inputShape: [number, number, number, number] };
  const dy = wrap(args.inputs.dy as TensorInfo, args.backend);
  const filter = wrap(args.inputs.filter as TensorInfo, args.backend);
  try {
    return conv2dInputGrad(dy, filter, attrs.inputShape, attrs);
  } finally {
    dy.dispose();
    filter.dispose();
  }
}

let registered = false;

/**
 * Registers the conv2d gradient kernels on 'wasm'. A kernel (not a gradient) registration is needed:
 * layers call the fused conv2d, whose gradient calls these two ops directly.
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  if (tf.getKernel('Conv2DBackpropInput', 'wasm')) tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: backpropFilterKernel as tf.KernelFunc });
  tf.registerKernel({ kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc: backpropInputKernel as tf.KernelFunc });
  registerHeapKernels();
  registerBnKernels();
  wrapForwardConvs();
}
