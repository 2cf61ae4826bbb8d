// The element loops of the batch-norm kernels (bnKernels.ts), written for V8: rows are walked in
// blocks that stay in the L1 cache, four channels at a time with sums in local variables (no store
// in the inner loop), and without data-dependent branches (about half of all activations are zero,
// and a branch mispredicted half the time costs four to five times the arithmetic). Each function
// covers rows [r0, r1) of a row-major [rows, C] array. The native library (native.ts) has the same
// loops compiled; `loops()` picks it when it is loaded.
import { nativeKernels } from './native';

const BLOCK = 256;

/** s1[c] += sum of x, s2[c] += sum of x*y over the rows; y = x gives the sum of squares. */
export function channelSums(x: Float32Array, y: Float32Array, r0: number, r1: number, C: number, s1: Float64Array, s2: Float64Array): void {
  if (C % 4 !== 0) {
    for (let r = r0, i = r0 * C; r < r1; r++) {
      for (let c = 0; c < C; c++, i++) {
        s1[c] += x[i];
        s2[c] += x[i] * y[i];
      }
    }
    return;
  }
  for (let b0 = r0; b0 < r1; b0 += BLOCK) {
    const end = Math.min(r1, b0 + BLOCK) * C;
    for (let c = 0; c < C; c += 4) {
      let p0 = 0, p1 = 0, p2 = 0, p3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
      for (let i = b0 * C + c; i < end; i += C) {
        const x0 = x[i], x1 = x[i + 1], x2 = x[i + 2], x3 = x[i + 3];
        p0 += x0;
        p1 += x1;
        p2 += x2;
        p3 += x3;
        q0 += x0 * y[i];
        q1 += x1 * y[i + 1];
        q2 += x2 * y[i + 2];
        q3 += x3 * y[i + 3];
      }
      s1[c] += p0;
      s1[c + 1] += p1;
      s1[c + 2] += p2;
      s1[c + 3] += p3;
      s2[c] += q0;
      s2[c + 1] += q1;
      s2[c + 2] += q2;
      s2[c + 3] += q3;
    }
  }
}

/** out = max(0, x * scale[c] + shift[c]). */
export function affineRelu(x: Float32Array, out: Float32Array, r0: number, r1: number, C: number, scale: Float32Array, shift: Float32Array): void {
  for (let r = r0, i = r0 * C; r < r1; r++) {
    for (let c = 0; c < C; c++, i++) {
      const v = x[i] * scale[c] + shift[c];
      out[i] = (v + Math.abs(v)) * 0.5;
    }
  }
}

/** io = io * a[c] + x * b[c] + d[c], in place. */
export function affine2(io: Float32Array, x: Float32Array, r0: number, r1: number, C: number, a: Float32Array, b: Float32Array, d: Float32Array): void {
  for (let r = r0, i = r0 * C; r < r1; r++) {
    for (let c = 0; c < C; c++, i++) io[i] = io[i] * a[c] + x[i] * b[c] + d[c];
  }
}

/** out = g where a > 0, else 0. */
export function reluMask(g: Float32Array, a: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = g[i] * +(a[i] > 0);
}

/**
 * Backward of ReLU then a 2x2/2 max-pool from the ReLU output a [N,H,W,C] and the pooled gradient g:
 * each window's gradient goes to its first maximum (as the cpu backend's MaxPoolGrad) when that is
 * positive. With `sums`, each channel's routed gradient is also summed there (a bias gradient).
 */
export function routePooled(g: Float32Array, a: Float32Array, out: Float32Array, N: number, H: number, W: number, C: number, Ho: number, Wo: number, sums?: Float64Array): void {
  if (H !== 2 * Ho || W !== 2 * Wo) out.fill(0);
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
          out[i0] = v * +(m === i0);
          out[i1] = v * +(m === i1);
          out[i2] = v * +(m === i2);
          out[i3] = v * +(m === i3);
          if (sums) sums[d] += v;
        }
      }
    }
  }
}

export const jsLoops = { channelSums, affineRelu, affine2, reluMask, routePooled };

/** The compiled loops when the native library is loaded, else these. */
export function loops(): typeof jsLoops {
  return nativeKernels() ?? jsLoops;
}
