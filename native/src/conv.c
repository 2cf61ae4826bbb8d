#include "conv.h"
#include "gemm.h"
#include <stdlib.h>
#include <string.h>

/** Patch rows held at once: 1M floats (4 MB), so the patch chunk stays near the last-level cache. */
#define CHUNK_FLOATS (1 << 20)

static float *scratch(workspace *ws, size_t floats) {
  if (floats > ws->cols_size) {
    free(ws->cols);
    ws->cols = aligned_alloc(64, ((floats * sizeof(float) + 63) / 64) * 64);
    ws->cols_size = ws->cols ? floats : 0;
  }
  return ws->cols;
}

static int chunk_rows(const conv_shape *s) {
  int k = s->kh * s->kw * s->ci;
  int rows = CHUNK_FLOATS / k;
  rows -= rows % 6;
  return rows < 6 ? 6 : rows;
}

/** Output pixel p (flat over n, ho, wo) -> its patch row: out[(i*kw + j)*ci + c] = x[n, ho*sh+i-pt, wo*sw+j-pl, c], zero outside. */
static void im2col(const conv_shape *s, const float *x, int p0, int rows, float *out) {
  int k = s->kh * s->kw * s->ci;
  size_t rowlen = (size_t)s->kw * s->ci;
  for (int r = 0; r < rows; r++) {
    int p = p0 + r;
    int wo = p % s->wo, t = p / s->wo, ho = t % s->ho, n = t / s->ho;
    float *o = out + (size_t)r * k;
    /* 64-bit positions: with any shape the caller passes, the bounds tests below stay exact. */
    long long c0 = (long long)wo * s->sw - s->pl;
    for (int i = 0; i < s->kh; i++) {
      long long y = (long long)ho * s->sh - s->pt + i;
      float *oi = o + (size_t)i * rowlen;
      if (y < 0 || y >= s->h) {
        memset(oi, 0, rowlen * sizeof(float));
        continue;
      }
      const float *xr = x + ((size_t)n * s->h + y) * s->w * s->ci;
      if (c0 >= 0 && c0 + s->kw <= s->w) {
        memcpy(oi, xr + (size_t)c0 * s->ci, rowlen * sizeof(float));
        continue;
      }
      for (int j = 0; j < s->kw; j++) {
        long long xc = c0 + j;
        if (xc < 0 || xc >= s->w) memset(oi + (size_t)j * s->ci, 0, s->ci * sizeof(float));
        else memcpy(oi + (size_t)j * s->ci, xr + (size_t)xc * s->ci, s->ci * sizeof(float));
      }
    }
  }
}

/** The adjoint of im2col: adds each patch row back into dx (which the caller zeroed). */
static void col2im(const conv_shape *s, const float *in, int p0, int rows, float *dx) {
  int k = s->kh * s->kw * s->ci;
  for (int r = 0; r < rows; r++) {
    int p = p0 + r;
    int wo = p % s->wo, t = p / s->wo, ho = t % s->ho, n = t / s->ho;
    const float *src = in + (size_t)r * k;
    for (int i = 0; i < s->kh; i++) {
      long long y = (long long)ho * s->sh - s->pt + i;
      if (y < 0 || y >= s->h) continue;
      for (int j = 0; j < s->kw; j++) {
        long long xc = (long long)wo * s->sw - s->pl + j;
        if (xc < 0 || xc >= s->w) continue;
        float *d = dx + (((size_t)n * s->h + y) * s->w + xc) * s->ci;
        const float *v = src + ((size_t)i * s->kw + j) * s->ci;
        for (int c = 0; c < s->ci; c++) d[c] += v[c];
      }
    }
  }
}

int conv_forward(workspace *ws, const conv_shape *s, const float *x, const float *filter, float *y) {
  int k = s->kh * s->kw * s->ci, P = s->n * s->ho * s->wo, step = chunk_rows(s);
  float *buf = scratch(ws, (size_t)step * k);
  if (!buf) return -1;
  for (int p0 = 0; p0 < P; p0 += step) {
    int rows = P - p0 < step ? P - p0 : step;
    im2col(s, x, p0, rows, buf);
    if (gemm(ws, rows, s->co, k, buf, k, 0, filter, s->co, 0, y + (size_t)p0 * s->co, s->co, 0)) return -1;
  }
  return 0;
}

int conv_input_grad(workspace *ws, const conv_shape *s, const float *dy, const float *filter, float *dx) {
  int k = s->kh * s->kw * s->ci, P = s->n * s->ho * s->wo, step = chunk_rows(s);
  float *buf = scratch(ws, (size_t)step * k);
  if (!buf) return -1;
  memset(dx, 0, (size_t)s->n * s->h * s->w * s->ci * sizeof(float));
  for (int p0 = 0; p0 < P; p0 += step) {
    int rows = P - p0 < step ? P - p0 : step;
    /* patch gradients [rows, k] = dy[rows, co] * filter^T, filter read as [k, co] */
    if (gemm(ws, rows, k, s->co, dy + (size_t)p0 * s->co, s->co, 0, filter, s->co, 1, buf, k, 0)) return -1;
    col2im(s, buf, p0, rows, dx);
  }
  return 0;
}

int conv_filter_grad(workspace *ws, const conv_shape *s, const float *x, const float *dy, float *dfilter) {
  int k = s->kh * s->kw * s->ci, P = s->n * s->ho * s->wo, step = chunk_rows(s);
  float *buf = scratch(ws, (size_t)step * k);
  if (!buf) return -1;
  for (int p0 = 0; p0 < P; p0 += step) {
    int rows = P - p0 < step ? P - p0 : step;
    im2col(s, x, p0, rows, buf);
    /* dfilter[k, co] += patches^T[k, rows] * dy[rows, co] */
    if (gemm(ws, k, s->co, rows, buf, k, 1, dy + (size_t)p0 * s->co, s->co, 0, dfilter, s->co, p0 > 0)) return -1;
  }
  return 0;
}
