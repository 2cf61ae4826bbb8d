// Batch normalisation + ReLU for training on wasm, as two passes over the wasm heap each way. Left
// to autodiff, tfjs builds batch norm from about twenty element-wise and reduction ops per layer,
// each a full pass with its own output; here the forward pass is two loops (channel moments, then
// normalise-scale-shift-ReLU) and the backward pass two (route the pooled gradient and reduce,
// then the input gradient). Channel sums are accumulated in float64.
//
// Statistics are taken over groups of GHOST_BATCH images ("ghost batch normalisation"), not over
// whatever slice of the batch one thread holds: data-parallel shards are cut at group boundaries,
// so a run gives the same result on one core as on many.

import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { loops } from './bnLoops';
import type { WasmBackendLike } from './heapKernels';

type KernelArgs = { inputs: NamedTensorInfoMap; backend: WasmBackendLike; attrs?: { epsilon?: number; pooled?: boolean; relu?: boolean } };

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
  const { channelSums, affineRelu } = loops();
  const mean = new Float32Array(spans.length * C);
  const inv = new Float32Array(spans.length * C);
  const s1 = new Float64Array(C);
  const s2 = new Float64Array(C);
  const scale = new Float32Array(C);
  const shift = new Float32Array(C);
  for (let g = 0; g < spans.length; g++) {
    const [r0, r1] = spans[g];
    s1.fill(0);
    s2.fill(0);
    channelSums(z, z, r0, r1, C, s1, s2);
    const rows = r1 - r0;
    for (let c = 0; c < C; c++) {
      const m = s1[c] / rows;
      const variance = Math.max(0, s2[c] / rows - m * m);
      mean[g * C + c] = m;
      inv[g * C + c] = 1 / Math.sqrt(variance + eps);
      scale[c] = gamma[c] * inv[g * C + c];
      shift[c] = beta[c] - m * scale[c];
    }
    affineRelu(z, a, r0, r1, C, scale, shift);
  }
  backend.typedArrayFromHeap(meanOut).set(mean);
  backend.typedArrayFromHeap(invOut).set(inv);
  return [aOut, meanOut, invOut];
}

/**
 * Inputs g (the gradient of a, or with attrs.pooled of a 2x2/2 max-pool of a), a, z, mean, invstd, gamma.
 * Outputs [dz, dgamma, dbeta].
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
  const { channelSums, affine2, reluMask, routePooled } = loops();
  // dy, the gradient at the ReLU's output masked by the ReLU, goes into dz first.
  if (args.attrs?.pooled) routePooled(g, a, dz, N, H, W, C, gInfo.shape[1], gInfo.shape[2]);
  else reluMask(g, a, dz);
  const totalBeta = new Float64Array(C);
  const totalGamma = new Float64Array(C);
  const sumDy = new Float64Array(C);
  const sumDyZ = new Float64Array(C);
  const ka = new Float32Array(C);
  const kb = new Float32Array(C);
  const kd = new Float32Array(C);
  const spans = groups(aInfo.shape);
  for (let gi = 0; gi < spans.length; gi++) {
    const [r0, r1] = spans[gi];
    const o = gi * C;
    sumDy.fill(0);
    sumDyZ.fill(0);
    channelSums(dz, z, r0, r1, C, sumDy, sumDyZ);
    const rows = r1 - r0;
    for (let c = 0; c < C; c++) {
      const m = mean[o + c];
      const iv = inv[o + c];
      // dbeta = sum(dy); dgamma = sum(dy * xhat) = (sum(dy * z) - mean * sum(dy)) * invstd.
      const db = sumDy[c];
      const dg = (sumDyZ[c] - m * db) * iv;
      totalBeta[c] += db;
      totalGamma[c] += dg;
      // dz = k * (dy - db/rows - xhat * dg/rows), with xhat = (z - mean) * invstd, as dy*ka + z*kb + kd.
      const k = gamma[c] * iv;
      const mg = dg / rows;
      ka[c] = k;
      kb[c] = -k * mg * iv;
      kd[c] = -k * (db / rows) + k * mg * iv * m;
    }
    affine2(dz, z, r0, r1, C, ka, kb, kd);
  }
  backend.typedArrayFromHeap(dgOut).set(totalGamma);
  backend.typedArrayFromHeap(dbOut).set(totalBeta);
  return [dzOut, dgOut, dbOut];
}

export const BN_MOMENTS = 'FractureMoments';
export const BN_APPLY = 'FractureBnApply';

/** Input x [..., C]; outputs [mean, variance], each [C], over every other axis (the biased variance, as tf.moments). */
function moments(args: KernelArgs): TensorInfo[] {
  const { backend } = args;
  const xInfo = args.inputs.x as TensorInfo;
  const C = xInfo.shape[xInfo.shape.length - 1];
  const rows = xInfo.shape.reduce((a, b) => a * b, 1) / C;
  const meanOut = backend.makeOutput([C], 'float32');
  const varOut = backend.makeOutput([C], 'float32');
  const x = backend.typedArrayFromHeap(xInfo);
  const s1 = new Float64Array(C);
  const s2 = new Float64Array(C);
  loops().channelSums(x, x, 0, rows, C, s1, s2);
  const mean = backend.typedArrayFromHeap(meanOut);
  const variance = backend.typedArrayFromHeap(varOut);
  for (let c = 0; c < C; c++) {
    mean[c] = s1[c] / rows;
    variance[c] = Math.max(0, s2[c] / rows - (s1[c] / rows) ** 2);
  }
  return [meanOut, varOut];
}

/** Inputs x [..., C], mean, variance, gamma, beta (each [C]); output gamma*(x-mean)/sqrt(variance+epsilon)+beta, through a ReLU when attrs.relu. */
function bnApply(args: KernelArgs & { attrs?: { epsilon?: number; relu?: boolean } }): TensorInfo {
  const { backend } = args;
  const xInfo = args.inputs.x as TensorInfo;
  const C = xInfo.shape[xInfo.shape.length - 1];
  const rows = xInfo.shape.reduce((a, b) => a * b, 1) / C;
  const out = backend.makeOutput(xInfo.shape, 'float32');
  const [x, o, mean, variance, gamma, beta] = [xInfo, out, args.inputs.mean, args.inputs.variance, args.inputs.gamma, args.inputs.beta].map((i) => backend.typedArrayFromHeap(i as TensorInfo));
  const eps = args.attrs?.epsilon ?? 1e-3;
  const scale = Float32Array.from(gamma, (g, c) => g / Math.sqrt(variance[c] + eps));
  const shift = Float32Array.from(beta, (b, c) => b - mean[c] * scale[c]);
  if (args.attrs?.relu) {
    loops().affineRelu(x, o, 0, rows, C, scale, shift);
  } else {
    for (let i = 0; i < x.length; i++) o[i] = x[i] * scale[i % C] + shift[i % C];
  }
  return out;
}

export function registerBnKernels(): void {
  if (!tf.getKernel(BN_MOMENTS, 'wasm')) tf.registerKernel({ kernelName: BN_MOMENTS, backendName: 'wasm', kernelFunc: moments as unknown as tf.KernelFunc });
  if (!tf.getKernel(BN_APPLY, 'wasm')) tf.registerKernel({ kernelName: BN_APPLY, backendName: 'wasm', kernelFunc: bnApply as unknown as tf.KernelFunc });
  if (!tf.getKernel(BN_RELU, 'wasm')) tf.registerKernel({ kernelName: BN_RELU, backendName: 'wasm', kernelFunc: bnRelu as unknown as tf.KernelFunc });
  if (!tf.getKernel(BN_RELU_GRAD, 'wasm')) tf.registerKernel({ kernelName: BN_RELU_GRAD, backendName: 'wasm', kernelFunc: bnReluGrad as unknown as tf.KernelFunc });
}
