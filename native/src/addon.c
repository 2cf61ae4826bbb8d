// Node-API entry points. Every array argument is a typed array (usually a view of the wasm
// backend's heap); each call checks that the arrays are long enough for the shape it is given,
// so a wrong shape throws a JavaScript error instead of writing outside an array.
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include "bn.h"
#include "conv.h"
#include "gemm.h"

#define MAX_ARGS 12

typedef struct {
  napi_env env;
  napi_value argv[MAX_ARGS];
  size_t argc;
  int failed;
} call;

static void fail(call *c, const char *msg) {
  if (!c->failed) napi_throw_error(c->env, "FRACTURE_NATIVE", msg);
  c->failed = 1;
}

static void *array(call *c, size_t i, napi_typedarray_type want, size_t min_length) {
  if (c->failed) return 0;
  napi_typedarray_type type;
  size_t length;
  void *data;
  napi_value buffer;
  size_t offset;
  if (i >= c->argc || napi_get_typedarray_info(c->env, c->argv[i], &type, &length, &data, &buffer, &offset) != napi_ok || type != want) {
    char msg[96];
    snprintf(msg, sizeof msg, "argument %zu must be a %s", i, want == napi_float64_array ? "Float64Array" : want == napi_int32_array ? "Int32Array" : "Float32Array");
    fail(c, msg);
    return 0;
  }
  if (length < min_length) {
    char msg[128];
    snprintf(msg, sizeof msg, "argument %zu holds %zu elements, the shape needs %zu", i, length, min_length);
    fail(c, msg);
    return 0;
  }
  return data;
}

static int integer(call *c, size_t i) {
  int32_t v = 0;
  if (!c->failed && (i >= c->argc || napi_get_value_int32(c->env, c->argv[i], &v) != napi_ok)) fail(c, "expected a number");
  return v;
}

static int is_absent(call *c, size_t i) {
  napi_valuetype t;
  return i >= c->argc || napi_typeof(c->env, c->argv[i], &t) != napi_ok || t == napi_undefined || t == napi_null;
}

static call begin(napi_env env, napi_callback_info info) {
  call c = {env, {0}, MAX_ARGS, 0};
  napi_get_cb_info(env, info, &c.argc, c.argv, 0, 0);
  return c;
}

/* This thread's scratch memory (each worker thread is its own environment). */
static workspace *ws_of(call *c) {
  void *data = 0;
  if (napi_get_instance_data(c->env, &data) != napi_ok || !data) fail(c, "no workspace for this thread");
  return data;
}

static void finalize_ws(napi_env env, void *data, void *hint) {
  workspace_free(data);
  free(data);
}

static void done(call *c, int status) {
  if (status) fail(c, "out of memory for the native kernels' scratch buffers");
}

/* shape: Int32Array [n, h, w, ci, kh, kw, co, sh, sw, pt, pl, ho, wo] */
static int read_shape(call *c, size_t i, conv_shape *s) {
  const int32_t *v = array(c, i, napi_int32_array, 13);
  if (!v) return 0;
  *s = (conv_shape){v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12]};
  int ok = s->n > 0 && s->h > 0 && s->w > 0 && s->ci > 0 && s->kh > 0 && s->kw > 0 && s->co > 0 && s->sh > 0 && s->sw > 0 && s->ho > 0 && s->wo > 0;
  if (!ok) {
    fail(c, "a convolution shape must be positive");
    return 0;
  }
  /* Sizes the kernels' int indices hold: patch length, output pixels, and paddings of sane size. */
  const long long limit = 1LL << 30;
  if ((long long)s->kh * s->kw * s->ci >= limit || (long long)s->n * s->ho * s->wo >= limit || (long long)s->n * s->h * s->w >= limit ||
      s->pt <= -(1 << 24) || s->pt >= (1 << 24) || s->pl <= -(1 << 24) || s->pl >= (1 << 24)) {
    fail(c, "a convolution shape is too large");
    return 0;
  }
  return 1;
}

/* Which tensor of a convolution an argument holds, for the length its array must have. */
typedef enum { INPUT, FILTER, OUTPUT } conv_part;

static size_t part_len(const conv_shape *s, conv_part p) {
  if (p == INPUT) return (size_t)s->n * s->h * s->w * s->ci;
  if (p == OUTPUT) return (size_t)s->n * s->ho * s->wo * s->co;
  return (size_t)s->kh * s->kw * s->ci * s->co;
}

typedef int (*conv_kernel)(workspace *, const conv_shape *, const float *, const float *, float *);

/* (a, b, out, shape): the three arrays hold the parts named, the kernel reads a and b and writes out. */
static napi_value conv_call(napi_env env, napi_callback_info info, conv_kernel kernel, conv_part a, conv_part b, conv_part out) {
  call c = begin(env, info);
  conv_shape s;
  if (!read_shape(&c, 3, &s)) return 0;
  float *pa = array(&c, 0, napi_float32_array, part_len(&s, a)), *pb = array(&c, 1, napi_float32_array, part_len(&s, b)), *po = array(&c, 2, napi_float32_array, part_len(&s, out));
  workspace *ws = ws_of(&c);
  if (!c.failed) done(&c, kernel(ws, &s, pa, pb, po));
  return 0;
}

static napi_value conv_forward_js(napi_env env, napi_callback_info info) { return conv_call(env, info, conv_forward, INPUT, FILTER, OUTPUT); }
static napi_value conv_input_grad_js(napi_env env, napi_callback_info info) { return conv_call(env, info, conv_input_grad, OUTPUT, FILTER, INPUT); }
static napi_value conv_filter_grad_js(napi_env env, napi_callback_info info) { return conv_call(env, info, conv_filter_grad, INPUT, OUTPUT, FILTER); }

static int rows_ok(call *c, int r0, int r1, int C) {
  if (!c->failed && (r0 < 0 || r1 < r0 || C <= 0)) fail(c, "rows must satisfy 0 <= r0 <= r1 and C > 0");
  return !c->failed;
}

/* (x, y, r0, r1, C, s1, s2) */
static napi_value channel_sums_js(napi_env env, napi_callback_info info) {
  call c = begin(env, info);
  int r0 = integer(&c, 2), r1 = integer(&c, 3), C = integer(&c, 4);
  if (!rows_ok(&c, r0, r1, C)) return 0;
  size_t n = (size_t)r1 * C;
  float *x = array(&c, 0, napi_float32_array, n), *y = array(&c, 1, napi_float32_array, n);
  double *s1 = array(&c, 5, napi_float64_array, C), *s2 = array(&c, 6, napi_float64_array, C);
  if (!c.failed) bn_channel_sums(x, y, r0, r1, C, s1, s2);
  return 0;
}

/* (x, out, r0, r1, C, scale, shift) */
static napi_value affine_relu_js(napi_env env, napi_callback_info info) {
  call c = begin(env, info);
  int r0 = integer(&c, 2), r1 = integer(&c, 3), C = integer(&c, 4);
  if (!rows_ok(&c, r0, r1, C)) return 0;
  size_t n = (size_t)r1 * C;
  float *x = array(&c, 0, napi_float32_array, n), *out = array(&c, 1, napi_float32_array, n);
  float *scale = array(&c, 5, napi_float32_array, C), *shift = array(&c, 6, napi_float32_array, C);
  if (!c.failed) bn_affine_relu(x, out, r0, r1, C, scale, shift);
  return 0;
}

/* (io, x, r0, r1, C, a, b, d) */
static napi_value affine2_js(napi_env env, napi_callback_info info) {
  call c = begin(env, info);
  int r0 = integer(&c, 2), r1 = integer(&c, 3), C = integer(&c, 4);
  if (!rows_ok(&c, r0, r1, C)) return 0;
  size_t n = (size_t)r1 * C;
  float *io = array(&c, 0, napi_float32_array, n), *x = array(&c, 1, napi_float32_array, n);
  float *a = array(&c, 5, napi_float32_array, C), *b = array(&c, 6, napi_float32_array, C), *d = array(&c, 7, napi_float32_array, C);
  if (!c.failed) bn_affine2(io, x, r0, r1, C, a, b, d);
  return 0;
}

/* (g, a, out): every element of out */
static napi_value relu_mask_js(napi_env env, napi_callback_info info) {
  call c = begin(env, info);
  napi_typedarray_type type;
  size_t n = 0;
  if (c.argc < 3 || napi_get_typedarray_info(env, c.argv[2], &type, &n, 0, 0, 0) != napi_ok) {
    fail(&c, "argument 2 must be a Float32Array");
    return 0;
  }
  float *g = array(&c, 0, napi_float32_array, n), *a = array(&c, 1, napi_float32_array, n), *out = array(&c, 2, napi_float32_array, n);
  if (!c.failed) bn_relu_mask(g, a, out, (long)n);
  return 0;
}

/* (g, a, out, N, H, W, C, Ho, Wo, sums?) */
static napi_value route_pooled_js(napi_env env, napi_callback_info info) {
  call c = begin(env, info);
  int N = integer(&c, 3), H = integer(&c, 4), W = integer(&c, 5), C = integer(&c, 6), Ho = integer(&c, 7), Wo = integer(&c, 8);
  if (!c.failed && (N <= 0 || C <= 0 || Ho <= 0 || Wo <= 0 || Ho > H / 2 || Wo > W / 2)) fail(&c, "pool shape must be positive with 2*Ho <= H and 2*Wo <= W");
  if (c.failed) return 0;
  float *g = array(&c, 0, napi_float32_array, (size_t)N * Ho * Wo * C);
  float *a = array(&c, 1, napi_float32_array, (size_t)N * H * W * C), *out = array(&c, 2, napi_float32_array, (size_t)N * H * W * C);
  double *sums = is_absent(&c, 9) ? 0 : array(&c, 9, napi_float64_array, C);
  if (!c.failed) bn_route_pooled(g, a, out, N, H, W, C, Ho, Wo, sums);
  return 0;
}

/* (y, C, relu, bias?) over every row of y */
static napi_value bias_act_js(napi_env env, napi_callback_info info) {
  call c = begin(env, info);
  napi_typedarray_type type;
  size_t n = 0;
  int C = integer(&c, 1), relu = integer(&c, 2);
  if (!c.failed && (c.argc < 1 || napi_get_typedarray_info(env, c.argv[0], &type, &n, 0, 0, 0) != napi_ok || C <= 0 || n % (size_t)C)) fail(&c, "y must be a Float32Array of whole rows of C");
  if (c.failed) return 0;
  float *y = array(&c, 0, napi_float32_array, n);
  float *bias = is_absent(&c, 3) ? 0 : array(&c, 3, napi_float32_array, C);
  if (!c.failed) bias_act(y, bias, (long)(n / C), C, relu);
  return 0;
}

static napi_value isa_js(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value s;
  napi_create_string_utf8(env, gemm_isa(), NAPI_AUTO_LENGTH, &s);
  return s;
}

NAPI_MODULE_INIT() {
  workspace *ws = calloc(1, sizeof(workspace));
  if (!ws || napi_set_instance_data(env, ws, finalize_ws, 0) != napi_ok) {
    free(ws);
    napi_throw_error(env, "FRACTURE_NATIVE", "could not set up the native kernels' workspace");
    return 0;
  }
  napi_property_descriptor fns[] = {
      {"convForward", 0, conv_forward_js, 0, 0, 0, napi_enumerable, 0},
      {"convInputGrad", 0, conv_input_grad_js, 0, 0, 0, napi_enumerable, 0},
      {"convFilterGrad", 0, conv_filter_grad_js, 0, 0, 0, napi_enumerable, 0},
      {"channelSums", 0, channel_sums_js, 0, 0, 0, napi_enumerable, 0},
      {"affineRelu", 0, affine_relu_js, 0, 0, 0, napi_enumerable, 0},
      {"affine2", 0, affine2_js, 0, 0, 0, napi_enumerable, 0},
      {"reluMask", 0, relu_mask_js, 0, 0, 0, napi_enumerable, 0},
      {"routePooled", 0, route_pooled_js, 0, 0, 0, napi_enumerable, 0},
      {"biasAct", 0, bias_act_js, 0, 0, 0, napi_enumerable, 0},
      {"isa", 0, isa_js, 0, 0, 0, napi_enumerable, 0},
  };
  napi_define_properties(env, exports, sizeof fns / sizeof fns[0], fns);
  return exports;
}
