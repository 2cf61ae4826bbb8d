#include "bn.h"
#include <string.h>

/* Sums in double: with float partial sums, E[x^2] - E[x]^2 loses the variance of activations far from zero. */
void bn_channel_sums(const float *x, const float *y, int r0, int r1, int C, double *s1, double *s2) {
  for (int r = r0; r < r1; r++) {
    const float *xr = x + (size_t)r * C, *yr = y + (size_t)r * C;
    for (int c = 0; c < C; c++) {
      s1[c] += xr[c];
      s2[c] += (double)xr[c] * yr[c];
    }
  }
}

void bn_affine_relu(const float *x, float *out, int r0, int r1, int C, const float *scale, const float *shift) {
  for (int r = r0; r < r1; r++) {
    const float *xr = x + (size_t)r * C;
    float *o = out + (size_t)r * C;
    for (int c = 0; c < C; c++) {
      float v = xr[c] * scale[c] + shift[c];
      o[c] = v > 0 ? v : 0;
    }
  }
}

void bn_affine2(float *io, const float *x, int r0, int r1, int C, const float *a, const float *b, const float *d) {
  for (int r = r0; r < r1; r++) {
    float *o = io + (size_t)r * C;
    const float *xr = x + (size_t)r * C;
    for (int c = 0; c < C; c++) o[c] = o[c] * a[c] + xr[c] * b[c] + d[c];
  }
}

void bn_relu_mask(const float *g, const float *a, float *out, long n) {
  for (long i = 0; i < n; i++) out[i] = a[i] > 0 ? g[i] : 0;
}

/* Each 2x2 window's gradient goes to its first maximum (as tfjs's cpu MaxPoolGrad), if that is positive. */
void bn_route_pooled(const float *g, const float *a, float *out, int N, int H, int W, int C, int Ho, int Wo, double *sums) {
  if (H != 2 * Ho || W != 2 * Wo) memset(out, 0, sizeof(float) * (size_t)N * H * W * C);
  size_t row = (size_t)W * C;
  for (int b = 0; b < N; b++) {
    for (int yr = 0; yr < Ho; yr++) {
      for (int yc = 0; yc < Wo; yc++) {
        size_t base = (((size_t)b * H + 2 * yr) * W + 2 * yc) * C;
        const float *gy = g + (((size_t)b * Ho + yr) * Wo + yc) * C;
        const float *a0 = a + base, *a1 = a0 + C, *a2 = a0 + row, *a3 = a2 + C;
        float *o0 = out + base, *o1 = o0 + C, *o2 = o0 + row, *o3 = o2 + C;
        for (int d = 0; d < C; d++) {
          float m = a0[d];
          int at = 0;
          if (a1[d] > m) { m = a1[d]; at = 1; }
          if (a2[d] > m) { m = a2[d]; at = 2; }
          if (a3[d] > m) { m = a3[d]; at = 3; }
          float v = m > 0 ? gy[d] : 0;
          o0[d] = at == 0 ? v : 0;
          o1[d] = at == 1 ? v : 0;
          o2[d] = at == 2 ? v : 0;
          o3[d] = at == 3 ? v : 0;
          if (sums) sums[d] += v;
        }
      }
    }
  }
}

void bias_act(float *y, const float *bias, long rows, int C, int relu) {
  for (long r = 0; r < rows; r++) {
    float *o = y + (size_t)r * C;
    if (bias) for (int c = 0; c < C; c++) o[c] += bias[c];
    if (relu) for (int c = 0; c < C; c++) o[c] = o[c] > 0 ? o[c] : 0;
  }
}
