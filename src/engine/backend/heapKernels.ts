// Kernels written in JavaScript over the wasm heap, for ops where tfjs-backend-wasm is slow in
// training. Six are registered for wasm: MaxPoolGrad (wasm's is a generic loop, ~10x slower than
// this one); Sum over the leading axes (bias gradients: wasm transposes the whole tensor first);
// BatchMatMul with transpose flags (wasm leaves XNNPACK for a naive loop); and three of our own,
// ReLU gradient, ReLU + 2x2 max-pool gradient with the bias sum, and im2col for the filter
// gradient. Outputs are allocated before any heap view is taken, since an allocation may grow
// (and detach) the wasm memory.
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { loops } from './bnLoops';

/** What these kernels use of tfjs-backend-wasm's backend: outputs on its heap, and views of them. */
export interface WasmBackendLike extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

type KernelArgs = { inputs: NamedTensorInfoMap; backend: WasmBackendLike; attrs?: NamedAttrMap };

/** dx: each window's gradient goes to its first maximum, as the cpu backend does. */
function maxPoolGrad(args: KernelArgs): TensorInfo {
  const { backend } = args;
  const dyInfo = args.inputs.dy as TensorInfo;
  const xInfo = args.inputs.input as TensorInfo;
  const attrs = args.attrs as unknown as { filterSize: [number, number] | number; strides: [number, number] | number; pad: 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
  const info = tf.backend_util.computePool2DInfo(xInfo.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const out = backend.makeOutput(xInfo.shape, 'float32');
  const dx = backend.typedArrayFromHeap(out);
  const x = backend.typedArrayFromHeap(xInfo);
  const dy = backend.typedArrayFromHeap(dyInfo);
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  if (filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2 && padTop === 0 && padLeft === 0 && 2 * outHeight <= inHeight && 2 * outWidth <= inWidth) {
    maxPoolGrad2x2(x, dy, dx, batchSize, inHeight, inWidth, C, outHeight, outWidth);
    return out;
  }
  dx.fill(0);
  const best = new Float32Array(C);
  const bestAt = new Int32Array(C);
  for (let b = 0; b < batchSize; b++) {
    for (let yr = 0; yr < outHeight; yr++) {
      const r0 = yr * strideHeight - padTop;
      for (let yc = 0; yc < outWidth; yc++) {
        const c0 = yc * strideWidth - padLeft;
        best.fill(-Infinity);
        bestAt.fill(-1);
        for (let wr = 0; wr < filterHeight; wr++) {
          const r = r0 + wr;
          if (r < 0 || r >= inHeight) continue;
          for (let wc = 0; wc < filterWidth; wc++) {
            const c = c0 + wc;
            if (c < 0 || c >= inWidth) continue;
            const base = ((b * inHeight + r) * inWidth + c) * C;
            for (let d = 0; d < C; d++) {
              const v = x[base + d];
              if (v > best[d]) {
                best[d] = v;
                bestAt[d] = base + d;
              }
            }
          }
        }
        const o = ((b * outHeight + yr) * outWidth + yc) * C;
        for (let d = 0; d < C; d++) if (bestAt[d] >= 0) dx[bestAt[d]] += dy[o + d];
      }
    }
  }
  return out;
}

export interface Im2ColAttrs {
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  outH: number;
  outW: number;
}

/**
 * Patches of an NHWC tensor laid out as rows: out[(i*kw + j)*C + c][(n*outH + h)*outW + w] = x[n, h*sh+i-pt, w*sw+j-pl, c]
 * (zero outside). With it the filter gradient is one plain matMul(out, dy as [P, Co]), which wasm runs on XNNPACK.
 */
function im2colT(args: KernelArgs): TensorInfo {
  const { backend } = args;
  const xInfo = args.inputs.x as TensorInfo;
  const a = args.attrs as unknown as Im2ColAttrs;
  const [N, H, W, C] = xInfo.shape;
  const P = N * a.outH * a.outW;
  const out = backend.makeOutput([a.kh * a.kw * C, P], 'float32');
  const o = backend.typedArrayFromHeap(out);
  const x = backend.typedArrayFromHeap(xInfo);
  let p = 0;
  for (let n = 0; n < N; n++) {
    for (let h = 0; h < a.outH; h++) {
      for (let w = 0; w < a.outW; w++, p++) {
        for (let i = 0; i < a.kh; i++) {
          const r = h * a.strideH + i - a.padTop;
          for (let j = 0; j < a.kw; j++) {
            const c0 = w * a.strideW + j - a.padLeft;
            let row = (i * a.kw + j) * C * P + p;
            if (r < 0 || r >= H || c0 < 0 || c0 >= W) {
              for (let c = 0; c < C; c++, row += P) o[row] = 0;
            } else {
              const base = ((n * H + r) * W + c0) * C;
              for (let c = 0; c < C; c++, row += P) o[row] = x[base + c];
            }
          }
        }
      }
    }
  }
  return out;
}

/** The common case (2x2 windows, stride 2, no padding): disjoint windows, so each dx element is written once. */
function maxPoolGrad2x2(x: Float32Array, dy: Float32Array, dx: Float32Array, N: number, H: number, W: number, C: number, Ho: number, Wo: number): void {
  if (H !== 2 * Ho || W !== 2 * Wo) dx.fill(0); // odd sizes leave a last row or column outside every window
  const row = W * C;
  for (let b = 0; b < N; b++) {
    for (let yr = 0; yr < Ho; yr++) {
      for (let yc = 0; yc < Wo; yc++) {
        const a = ((b * H + 2 * yr) * W + 2 * yc) * C;
        const o = ((b * Ho + yr) * Wo + yc) * C;
        for (let d = 0; d < C; d++) {
          const i0 = a + d;
          const i1 = i0 + C;
          const i2 = i0 + row;
          const i3 = i2 + C;
          const g = dy[o + d];
          // First maximum in row-major window order wins, as in the cpu backend.
          let m = i0;
          if (x[i1] > x[m]) m = i1;
          if (x[i2] > x[m]) m = i2;
          if (x[i3] > x[m]) m = i3;
          dx[i0] = m === i0 ? g : 0;
          dx[i1] = m === i1 ? g : 0;
          dx[i2] = m === i2 ? g : 0;
          dx[i3] = m === i3 ? g : 0;
        }
      }
    }
  }
}

function makeSum(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const x = args.inputs.x as TensorInfo;
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const leading = rank >= 2 && x.dtype === 'float32' && axes.length === rank - 1 && axes.every((a, i) => a === i);
    if (!leading) return original(args as unknown as Parameters<tf.KernelFunc>[0]);
    const C = x.shape[rank - 1];
    const rows = tf.util.sizeFromShape(x.shape) / C;
    const out = args.backend.makeOutput(keepDims ? [...x.shape.slice(0, -1).map(() => 1), C] : [C], 'float32');
    const acc = new Float64Array(C);
    const v = args.backend.typedArrayFromHeap(x);
    for (let r = 0; r < rows; r++) {
      const base = r * C;
      for (let d = 0; d < C; d++) acc[d] += v[base + d];
    }
    args.backend.typedArrayFromHeap(out).set(acc);
    return out;
  }) as unknown as tf.KernelFunc;
}

/**
 * wasm's BatchMatMul runs on XNNPACK only without transpose flags (and batch 1); with a flag it falls to a naive
 * loop about 10x slower. Dense layers' gradients use the flags: transpose the operand explicitly instead.
 */
function makeBatchMatMul(original: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const a = args.inputs.a as TensorInfo;
    const b = args.inputs.b as TensorInfo;
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const batch = (t: TensorInfo) => tf.util.sizeFromShape(t.shape.slice(0, -2));
    if (!(transposeA || transposeB) || batch(a) !== 1 || batch(b) !== 1 || a.dtype !== 'float32' || b.dtype !== 'float32') {
      return original(args as unknown as Parameters<tf.KernelFunc>[0]);
    }
    const engine = tf.engine();
    const A = engine.makeTensorFromTensorInfo(a, args.backend);
    args.backend.incRef(a.dataId);
    const B = engine.makeTensorFromTensorInfo(b, args.backend);
    args.backend.incRef(b.dataId);
    try {
      return tf.tidy(() => {
        const a2 = tf.reshape(A, [A.shape[A.rank - 2], A.shape[A.rank - 1]]) as tf.Tensor2D;
        const b2 = tf.reshape(B, [B.shape[B.rank - 2], B.shape[B.rank - 1]]) as tf.Tensor2D;
        const product = tf.matMul(transposeA ? tf.transpose(a2) : a2, transposeB ? tf.transpose(b2) : b2);
        const outer = a.shape.length > b.shape.length ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
        return tf.reshape(product, [...outer, ...product.shape]);
      });
    } finally {
      A.dispose();
      B.dispose();
    }
  }) as unknown as tf.KernelFunc;
}

/** dz = y > 0 ? dy : 0, the ReLU gradient from the ReLU's output, in one pass. */
function reluGrad(args: KernelArgs): TensorInfo {
  const dyInfo = args.inputs.dy as TensorInfo;
  const yInfo = args.inputs.y as TensorInfo;
  const out = args.backend.makeOutput(dyInfo.shape, 'float32');
  const o = args.backend.typedArrayFromHeap(out);
  const dy = args.backend.typedArrayFromHeap(dyInfo);
  const y = args.backend.typedArrayFromHeap(yInfo);
  // Branch-free: half the activations are zero, and a mispredicted branch costs more than the multiply.
  for (let i = 0; i < o.length; i++) o[i] = dy[i] * +(y[i] > 0);
  return out;
}

/**
 * Backward of ReLU then 2x2/2 max-pool, from the ReLU output y and the pooled gradient dp: each window's
 * gradient goes to its first maximum when that maximum is positive (dz), and dz is summed per channel (the
 * bias gradient) in the same pass. Outputs [dz, db].
 */
function reluPoolGrad(args: KernelArgs): TensorInfo[] {
  const { backend } = args;
  const dpInfo = args.inputs.dp as TensorInfo;
  const yInfo = args.inputs.y as TensorInfo;
  const [N, H, W, C] = yInfo.shape;
  const [, Ho, Wo] = dpInfo.shape;
  const dzOut = backend.makeOutput(yInfo.shape, 'float32');
  const dbOut = backend.makeOutput([C], 'float32');
  const dz = backend.typedArrayFromHeap(dzOut);
  const y = backend.typedArrayFromHeap(yInfo);
  const dp = backend.typedArrayFromHeap(dpInfo);
  const db = new Float64Array(C);
  loops().routePooled(dp, y, dz, N, H, W, C, Ho, Wo, db);
  backend.typedArrayFromHeap(dbOut).set(db);
  return [dzOut, dbOut];
}

export const RELU_POOL_GRAD = 'FractureReluPoolGrad';
export const RELU_GRAD = 'FractureReluGrad';
export const IM2COL_T = 'FractureIm2ColT';

/** Replaces wasm's MaxPoolGrad, wraps its Sum and BatchMatMul, and adds our three kernels; call before the wasm backend initialises. */
export function registerHeapKernels(): void {
  const sum = tf.getKernel('Sum', 'wasm');
  if (sum && !(sum as { wrapped?: boolean }).wrapped) {
    tf.unregisterKernel('Sum', 'wasm');
    tf.registerKernel({ ...sum, kernelFunc: makeSum(sum.kernelFunc), wrapped: true } as tf.KernelConfig);
  }
  const matMul = tf.getKernel('BatchMatMul', 'wasm');
  if (matMul && !(matMul as { wrapped?: boolean }).wrapped) {
    tf.unregisterKernel('BatchMatMul', 'wasm');
    tf.registerKernel({ ...matMul, kernelFunc: makeBatchMatMul(matMul.kernelFunc), wrapped: true } as tf.KernelConfig);
  }
  if (tf.getKernel('MaxPoolGrad', 'wasm')) tf.unregisterKernel('MaxPoolGrad', 'wasm');
  tf.registerKernel({ kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: maxPoolGrad as unknown as tf.KernelFunc });
  if (!tf.getKernel(RELU_POOL_GRAD, 'wasm')) tf.registerKernel({ kernelName: RELU_POOL_GRAD, backendName: 'wasm', kernelFunc: reluPoolGrad as unknown as tf.KernelFunc });
  if (!tf.getKernel(RELU_GRAD, 'wasm')) tf.registerKernel({ kernelName: RELU_GRAD, backendName: 'wasm', kernelFunc: reluGrad as unknown as tf.KernelFunc });
  if (!tf.getKernel(IM2COL_T, 'wasm')) tf.registerKernel({ kernelName: IM2COL_T, backendName: 'wasm', kernelFunc: im2colT as unknown as tf.KernelFunc });
}
