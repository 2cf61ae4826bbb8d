// 2-D convolution of NHWC tensors with an HWIO filter (dilation 1), its input gradient and its
// filter gradient, each as matrix products over patch rows (im2col). Patches are gathered a chunk
// of output pixels at a time, so scratch memory stays bounded at any batch or image size.
#pragma once
/* Each returns 0, or -1 when scratch memory could not be had. */
#include "gemm.h"

typedef struct {
  int n, h, w, ci;        /* input */
  int kh, kw, co;         /* filter */
  int sh, sw, pt, pl;     /* strides, top and left padding */
  int ho, wo;             /* output */
} conv_shape;

int conv_forward(workspace *ws, const conv_shape *s, const float *x, const float *filter, float *y);
int conv_input_grad(workspace *ws, const conv_shape *s, const float *dy, const float *filter, float *dx);
int conv_filter_grad(workspace *ws, const conv_shape *s, const float *x, const float *dy, float *dfilter);
