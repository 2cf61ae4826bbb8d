// Batch normalisation + ReLU for training on wasm, as two passes over the wasm heap each way. Left
// to autodiff, tfjs builds batch norm from about twenty element-wise and reduction ops per layer,
// each a full pass with its own output; here the forward pass is two loops (channel moments, then
// normalise-scale-shift-ReLU) and the backward pass two (route the pooled gradient and reduce,
// then the input gradient). Channel sums are accumulated in float64.
//
// Statistics are taken over groups of GHOST_BATCH images ("ghost batch normalisation"), not over
// whatever slice of the batch one thread holds: data-parallel shards are cut at group boundaries,
// so a run gives the same result on one core as on many.
//
// The element loops are branch-free: about half of all activations are zero, so a data-dependent
// branch per element is mispredicted half the time and costs four to five times the arithmetic.
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

interface WasmBackendLike extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

type KernelArgs = { inputs: NamedTensorInfoMap; backend: WasmBackendLike; attrs?: { epsilon?: number; pooled?: boolean } };

/** Images per batch-normalisation group. */
export const GHOST_BATCH = 16;

export const BN_RELU = 'FractureBnRelu';
export const BN_RELU_GRAD = 'FractureBnReluGrad';

/** Row ranges [start, end) of each group of GHOST_BATCH images in an [N, H, W, C] tensor, in units of C-vectors. */
function groups(shape: number[]): [number, number][] {
  const [N, H, W] = shape;
  const perImage = H * W;
  const out: [number, number][] = [];
  for (let n = 0; n < N; n += GHOST_BATCH) out.push([n * perImage, Math.min(N, n + GHOST_BATCH) * perImage]);
  return out;
}

/**
 * Inputs z [N,H,W,C], gamma [C], beta [C]; outputs [a = relu(gamma*(z-mean)*invstd + beta), mean, invstd],
 * mean and invstd [groups, C].
 */
function bnRelu(args: KernelArgs): TensorInfo[] {
  const { backend } = args;
  const zInfo = args.inputs.z as TensorInfo;
  const C = zInfo.shape[zInfo.shape.length - 1];
  const spans = groups(zInfo.shape);
  const aOut = backend.makeOutput(zInfo.shape, 'float32');
  const meanOut = backend.makeOutput([spans.length, C], 'float32');
  const invOut = backend.makeOutput([spans.length, C], 'float32');
  const z = backend.typedArrayFromHeap(zInfo);
  const a = backend.typedArrayFromHeap(aOut);
  const gamma = backend.typedArrayFromHeap(args.inputs.gamma as TensorInfo);
  const beta = backend.typedArrayFromHeap(args.inputs.beta as TensorInfo);
  const eps = args.attrs?.epsilon ?? 1e-3;
  const mean = new Float32Array(spans.length * C);
  const inv = new Float32Array(spans.length * C);
  const s1 = new Float64Array(C);
  const s2 = new Float64Array(C);
  const scale = new Float32Array(C);
  const shift = new Float32Array(C);
  spans.forEach(([r0, r1], g) => {
    s1.fill(0);
    s2.fill(0);
    for (let r = r0, i = r0 * C; r < r1; r++) {
      for (let c = 0; c < C; c++, i++) {
        const v = z[i];
        s1[c] += v;
        s2[c] += v * v;
      }
    }
    const rows = r1 - r0;
    for (let c = 0; c < C; c++) {
      const m = s1[c] / rows;
      const variance = Math.max(0, s2[c] / rows - m * m);
      mean[g * C + c] = m;
      inv[g * C + c] = 1 / Math.sqrt(variance + eps);
      scale[c] = gamma[c] * inv[g * C + c];
      shift[c] = beta[c] - m * scale[c];
    }
    for (let r = r0, i = r0 * C; r < r1; r++) {
      for (let c = 0; c < C; c++, i++) {
        const v = z[i] * scale[c] + shift[c];
        a[i] = (v + Math.abs(v)) * 0.5;
      }
    }
  });
  backend.typedArrayFromHeap(meanOut).set(mean);
  backend.typedArrayFromHeap(invOut).set(inv);
  return [aOut, meanOut, invOut];
}

/**
 * Inputs g (the gradient of a, or with attrs.pooled of a 2x2/2 max-pool of a), a, z, mean, invstd, gamma.
 * Outputs [dz, dgamma, dbeta]. A pooled gradient goes to its window's first maximum, as the cpu backend's MaxPoolGrad.
 */
function bnReluGrad(args: KernelArgs): TensorInfo[] {
  const { backend } = args;
  const gInfo = args.inputs.g as TensorInfo;
  const aInfo = args.inputs.a as TensorInfo;
  const [N, H, W, C] = aInfo.shape;
  const dzOut = backend.makeOutput(aInfo.shape, 'float32');
  const dgOut = backend.makeOutput([C], 'float32');
  const dbOut = backend.makeOutput([C], 'float32');
  const dz = backend.typedArrayFromHeap(dzOut);
  const a = backend.typedArrayFromHeap(aInfo);
  const g = backend.typedArrayFromHeap(gInfo);
  const z = backend.typedArrayFromHeap(args.inputs.z as TensorInfo);
  const mean = backend.typedArrayFromHeap(args.inputs.mean as TensorInfo);
  const inv = backend.typedArrayFromHeap(args.inputs.invstd as TensorInfo);
  const gamma = backend.typedArrayFromHeap(args.inputs.gamma as TensorInfo);
  // Pass 1: dy = gradient at the ReLU's output, masked by the ReLU, into dz.
  if (args.attrs?.pooled) {
    const [, Ho, Wo] = gInfo.shape;
    if (H !== 2 * Ho || W !== 2 * Wo) dz.fill(0);
    const row = W * C;
    for (let b = 0; b < N; b++) {
      for (let yr = 0; yr < Ho; yr++) {
        for (let yc = 0; yc < Wo; yc++) {
          const base = ((b * H + 2 * yr) * W + 2 * yc) * C;
          const o = ((b * Ho + yr) * Wo + yc) * C;
          for (let d = 0; d < C; d++) {
            const i0 = base + d;
            const i1 = i0 + C;
            const i2 = i0 + row;
            const i3 = i2 + C;
            let m = i0;
            if (a[i1] > a[m]) m = i1;
            if (a[i2] > a[m]) m = i2;
            if (a[i3] > a[m]) m = i3;
            const v = g[o + d] * +(a[m] > 0);
            dz[i0] = v * +(m === i0);
            dz[i1] = v * +(m === i1);
            dz[i2] = v * +(m === i2);
            dz[i3] = v * +(m === i3);
          }
        }
      }
    }
  } else {
    for (let i = 0; i < dz.length; i++) dz[i] = g[i] * +(a[i] > 0);
  }
  const totalBeta = new Float64Array(C);
  const totalGamma = new Float64Array(C);
  const dbeta = new Float64Array(C);
  const dgamma = new Float64Array(C);
  const k = new Float32Array(C);
  const mb = new Float32Array(C);
  const mg = new Float32Array(C);
  groups(aInfo.shape).forEach(([r0, r1], g) => {
    const o = g * C;
    dbeta.fill(0);
    dgamma.fill(0);
    for (let r = r0, i = r0 * C; r < r1; r++) {
      for (let c = 0; c < C; c++, i++) {
        const dy = dz[i];
        dbeta[c] += dy;
        dgamma[c] += dy * (z[i] - mean[o + c]) * inv[o + c];
      }
    }
    // Pass 2: dz = gamma * invstd * (dy - mean(dy) - xhat * mean(dy * xhat)), over the group.
    const rows = r1 - r0;
    for (let c = 0; c < C; c++) {
      k[c] = gamma[c] * inv[o + c];
      mb[c] = dbeta[c] / rows;
      mg[c] = dgamma[c] / rows;
      totalBeta[c] += dbeta[c];
      totalGamma[c] += dgamma[c];
    }
    for (let r = r0, i = r0 * C; r < r1; r++) {
      for (let c = 0; c < C; c++, i++) {
        const xhat = (z[i] - mean[o + c]) * inv[o + c];
        dz[i] = k[c] * (dz[i] - mb[c] - xhat * mg[c]);
      }
    }
  });
  backend.typedArrayFromHeap(dgOut).set(totalGamma);
  backend.typedArrayFromHeap(dbOut).set(totalBeta);
  return [dzOut, dgOut, dbOut];
}

export function registerBnKernels(): void {
  if (!tf.getKernel(BN_RELU, 'wasm')) tf.registerKernel({ kernelName: BN_RELU, backendName: 'wasm', kernelFunc: bnRelu as unknown as tf.KernelFunc });
  if (!tf.getKernel(BN_RELU_GRAD, 'wasm')) tf.registerKernel({ kernelName: BN_RELU_GRAD, backendName: 'wasm', kernelFunc: bnReluGrad as unknown as tf.KernelFunc });
}
