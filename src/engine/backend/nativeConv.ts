// Convolutions on the native kernels (native.ts): the forward Conv2D kernel of the wasm backend
// for every NHWC convolution without dilation (training and inference alike), and the two gradient
// kernels. Anything else keeps its WebAssembly path.
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './heapKernels';
import { nativeKernels } from './native';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

export interface ConvAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function plain(attrs: ConvAttrs): boolean {
  const d = attrs.dilations ?? 1;
  const dil = Array.isArray(d) ? d : [d, d];
  return (attrs.dataFormat ?? 'NHWC') === 'NHWC' && dil[0] === 1 && dil[1] === 1;
}

/** Empty tensors (no images, a zero-sized side) stay with the WebAssembly kernels, which handle them. */
function empty(info: tf.backend_util.Conv2DInfo): boolean {
  return [info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels].some((v) => !(v > 0));
}

/**
 * Whether a gradient's dy has the shape these attributes give the forward output. tfjs's Conv2D
 * gradient does not pass dimRoundingMode on, so with it the shapes can disagree: then the
 * WebAssembly path, which takes dy's own shape, is the right one.
 */
function dyFits(dy: TensorInfo, info: tf.backend_util.Conv2DInfo): boolean {
  const [n, h, w, c] = dy.shape;
  return n === info.batchSize && h === info.outHeight && w === info.outWidth && c === info.outChannels;
}

/** Runs a native kernel into a fresh output; if it throws, the output is freed before the error goes on. */
function into(backend: WasmBackendLike, shape: number[], run: (out: TensorInfo) => void): TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  try {
    run(out);
  } catch (e) {
    backend.disposeData(out.dataId);
    throw e;
  }
  return out;
}

/** The shape vector the native kernels take, from tfjs's own arithmetic for output size and padding. */
function shapeOf(xShape: number[], filterShape: number[], attrs: ConvAttrs): { info: tf.backend_util.Conv2DInfo; shape: Int32Array } {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const shape = Int32Array.of(
    info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    info.filterHeight, info.filterWidth, info.outChannels,
    info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left,
    info.outHeight, info.outWidth,
  );
  return { info, shape };
}

type Args = { inputs: NamedTensorInfoMap; backend: WasmBackendLike; attrs?: NamedAttrMap };

/**
 * Conv2D {x, filter} -> y, or null when the native kernels cannot take it. `epilogue` then works on
 * y in place (a fused convolution's bias and activation); y is freed if either throws.
 */
export function nativeConv2D(args: Args, epilogue?: (y: Float32Array) => void): TensorInfo | null {
  const native = nativeKernels();
  const attrs = args.attrs as unknown as ConvAttrs;
  if (!native || !plain(attrs)) return null;
  const x = args.inputs.x as TensorInfo;
  const filter = args.inputs.filter as TensorInfo;
  if (x.shape[3] !== filter.shape[2]) return null;
  const { info, shape } = shapeOf(x.shape, filter.shape, attrs);
  if (empty(info)) return null;
  const { backend } = args;
  return into(backend, [info.batchSize, info.outHeight, info.outWidth, info.outChannels], (out) => {
    native.convForward(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(filter), backend.typedArrayFromHeap(out), shape);
    epilogue?.(backend.typedArrayFromHeap(out));
  });
}

/** FusedConv2D {x, filter, bias?} with a linear or ReLU activation (how tfjs-layers runs every conv2d layer), or null. */
export function nativeFusedConv2D(args: Args): TensorInfo | null {
  const native = nativeKernels();
  const attrs = args.attrs as unknown as ConvAttrs & { activation?: string };
  const act = attrs.activation ?? 'linear';
  const bias = args.inputs.bias as TensorInfo | undefined;
  const filter = args.inputs.filter as TensorInfo;
  const co = filter.shape[3];
  if (!native || (act !== 'linear' && act !== 'relu') || (bias && bias.shape.reduce((a, b) => a * b, 1) !== co)) return null;
  if (!bias && act === 'linear') return nativeConv2D(args);
  return nativeConv2D(args, (y) => native.biasAct(y, co, act === 'relu' ? 1 : 0, bias ? args.backend.typedArrayFromHeap(bias) : undefined));
}

/** Conv2DBackpropFilter {x, dy} -> dW, or null. */
export function nativeFilterGrad(args: Args): TensorInfo | null {
  const native = nativeKernels();
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  if (!native || !plain(attrs)) return null;
  const x = args.inputs.x as TensorInfo;
  const dy = args.inputs.dy as TensorInfo;
  if (x.shape[3] !== attrs.filterShape[2]) return null;
  const { info, shape } = shapeOf(x.shape, attrs.filterShape, attrs);
  if (empty(info) || !dyFits(dy, info)) return null;
  const { backend } = args;
  return into(backend, attrs.filterShape, (out) => native.convFilterGrad(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(dy), backend.typedArrayFromHeap(out), shape));
}

/** Conv2DBackpropInput {dy, filter} -> dx, or null. */
export function nativeInputGrad(args: Args): TensorInfo | null {
  const native = nativeKernels();
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
  if (!native || !plain(attrs)) return null;
  const dy = args.inputs.dy as TensorInfo;
  const filter = args.inputs.filter as TensorInfo;
  if (attrs.inputShape[3] !== filter.shape[2]) return null;
  const { info, shape } = shapeOf(attrs.inputShape, filter.shape, attrs);
  if (empty(info) || !dyFits(dy, info)) return null;
  const { backend } = args;
  return into(backend, attrs.inputShape, (out) => native.convInputGrad(backend.typedArrayFromHeap(dy), backend.typedArrayFromHeap(filter), backend.typedArrayFromHeap(out), shape));
}

let wrapped = false;

/**
 * Puts the native forward convolutions in front of wasm's own Conv2D and FusedConv2D kernels,
 * keeping each kernel's setup (it prepares XNNPACK when the backend starts) and falling back to it
 * for what the native kernels do not take. Call before the backend is initialised.
 */
export function wrapForwardConvs(): void {
  if (wrapped || !nativeKernels()) return;
  wrapped = true;
  for (const [name, fast] of [['Conv2D', nativeConv2D], ['FusedConv2D', nativeFusedConv2D]] as const) {
    const original = tf.getKernel(name, 'wasm');
    if (!original) continue;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: (args) => fast(args as unknown as Args) ?? (original.kernelFunc(args) as TensorInfo) });
  }
}
