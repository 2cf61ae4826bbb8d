// The element loops of batch normalisation + ReLU (+ a 2x2 max-pool) for training, over row-major
// [rows, C] arrays; the same contracts as src/engine/backend/bnLoops.ts, which they replace when
// this library is loaded.
#pragma once

void bn_channel_sums(const float *x, const float *y, int r0, int r1, int C, double *s1, double *s2);
void bn_affine_relu(const float *x, float *out, int r0, int r1, int C, const float *scale, const float *shift);
void bn_affine2(float *io, const float *x, int r0, int r1, int C, const float *a, const float *b, const float *d);
void bn_relu_mask(const float *g, const float *a, float *out, long n);
void bn_route_pooled(const float *g, const float *a, float *out, int N, int H, int W, int C, int Ho, int Wo, double *sums);
/** y[r, c] += bias[c] (when bias is not null), then max(0, y) when relu: a fused convolution's epilogue. */
void bias_act(float *y, const float *bias, long rows, int C, int relu);
