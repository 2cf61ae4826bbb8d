// A packed, cache-blocked matrix product in the manner of BLIS: op(B) is copied into panels NR
// columns wide and op(A) into panels MR rows tall, so the microkernel reads both sequentially and
// keeps an MR x NR tile of C in registers. On a CPU with AVX2 and FMA (checked at run time, so one
// binary serves every x86-64) the tile is 6 x 16 in twelve 256-bit registers; elsewhere a plain C
// tile that the compiler vectorises for the baseline instruction set.
#include "gemm.h"
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_X86 1
#endif

#define MR 6
#define NR 16
#define KC 256
#define MC 120
#define NC 2048

static inline float at_a(const float *A, int lda, int transA, int m, int k) { return transA ? A[(size_t)k * lda + m] : A[(size_t)m * lda + k]; }
static inline float at_b(const float *B, int ldb, int transB, int k, int n) { return transB ? B[(size_t)n * ldb + k] : B[(size_t)k * ldb + n]; }

/** op(B)[k0:k0+kc, n0:n0+nc] as panels of NR columns, each kc x NR, zero-filled past nc. */
static void pack_b(const float *B, int ldb, int transB, int k0, int kc, int n0, int nc, float *out) {
  for (int j = 0; j < nc; j += NR) {
    int w = nc - j < NR ? nc - j : NR;
    for (int k = 0; k < kc; k++) {
      float *o = out + (size_t)j * kc + (size_t)k * NR;
      if (!transB && w == NR) {
        memcpy(o, B + (size_t)(k0 + k) * ldb + n0 + j, NR * sizeof(float));
      } else {
        int n = 0;
        for (; n < w; n++) o[n] = at_b(B, ldb, transB, k0 + k, n0 + j + n);
        for (; n < NR; n++) o[n] = 0;
      }
    }
  }
}

/** op(A)[m0:m0+mc, k0:k0+kc] as panels of MR rows, each kc x MR, zero-filled past mc. */
static void pack_a(const float *A, int lda, int transA, int m0, int mc, int k0, int kc, float *out) {
  for (int i = 0; i < mc; i += MR) {
    int h = mc - i < MR ? mc - i : MR;
    float *o = out + (size_t)i * kc;
    if (transA && h == MR) {
      for (int k = 0; k < kc; k++) memcpy(o + (size_t)k * MR, A + (size_t)(k0 + k) * lda + m0 + i, MR * sizeof(float));
      continue;
    }
    for (int k = 0; k < kc; k++) {
      int m = 0;
      for (; m < h; m++) o[(size_t)k * MR + m] = at_a(A, lda, transA, m0 + i + m, k0 + k);
      for (; m < MR; m++) o[(size_t)k * MR + m] = 0;
    }
  }
}

typedef void (*micro_fn)(int kc, const float *a, const float *b, float *c, int ldc, int add);

static void micro_generic(int kc, const float *a, const float *b, float *c, int ldc, int add) {
  float acc[MR][NR];
  memset(acc, 0, sizeof acc);
  for (int k = 0; k < kc; k++) {
    for (int m = 0; m < MR; m++) {
      float av = a[k * MR + m];
      for (int n = 0; n < NR; n++) acc[m][n] += av * b[k * NR + n];
    }
  }
  for (int m = 0; m < MR; m++) {
    float *row = c + (size_t)m * ldc;
    if (add) for (int n = 0; n < NR; n++) row[n] += acc[m][n];
    else for (int n = 0; n < NR; n++) row[n] = acc[m][n];
  }
}

#ifdef HAVE_X86
__attribute__((target("avx2,fma"))) static void micro_avx2(int kc, const float *a, const float *b, float *c, int ldc, int add) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(), c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  for (int k = 0; k < kc; k++, a += MR, b += NR) {
    __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
    __m256 av = _mm256_broadcast_ss(a);
    c00 = _mm256_fmadd_ps(av, b0, c00); c01 = _mm256_fmadd_ps(av, b1, c01);
    av = _mm256_broadcast_ss(a + 1);
    c10 = _mm256_fmadd_ps(av, b0, c10); c11 = _mm256_fmadd_ps(av, b1, c11);
    av = _mm256_broadcast_ss(a + 2);
    c20 = _mm256_fmadd_ps(av, b0, c20); c21 = _mm256_fmadd_ps(av, b1, c21);
    av = _mm256_broadcast_ss(a + 3);
    c30 = _mm256_fmadd_ps(av, b0, c30); c31 = _mm256_fmadd_ps(av, b1, c31);
    av = _mm256_broadcast_ss(a + 4);
    c40 = _mm256_fmadd_ps(av, b0, c40); c41 = _mm256_fmadd_ps(av, b1, c41);
    av = _mm256_broadcast_ss(a + 5);
    c50 = _mm256_fmadd_ps(av, b0, c50); c51 = _mm256_fmadd_ps(av, b1, c51);
  }
  __m256 rows[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  for (int m = 0; m < MR; m++) {
    float *row = c + (size_t)m * ldc;
    if (add) {
      _mm256_storeu_ps(row, _mm256_add_ps(_mm256_loadu_ps(row), rows[m][0]));
      _mm256_storeu_ps(row + 8, _mm256_add_ps(_mm256_loadu_ps(row + 8), rows[m][1]));
    } else {
      _mm256_storeu_ps(row, rows[m][0]);
      _mm256_storeu_ps(row + 8, rows[m][1]);
    }
  }
}
#endif

static micro_fn micro = 0;
static const char *isa = "generic";

/* Several threads may get here first at once: each computes the same choice and stores it atomically. */
static void pick(void) {
  if (__atomic_load_n(&micro, __ATOMIC_ACQUIRE)) return;
  micro_fn chosen = micro_generic;
  const char *name = "generic";
#ifdef HAVE_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    chosen = micro_avx2;
    name = "avx2+fma";
  }
#endif
  __atomic_store_n(&isa, name, __ATOMIC_RELAXED);
  __atomic_store_n(&micro, chosen, __ATOMIC_RELEASE);
}

const char *gemm_isa(void) {
  pick();
  return isa;
}

void workspace_free(workspace *w) {
  free(w->pack_a);
  free(w->pack_b);
  free(w->cols);
  w->pack_a = w->pack_b = w->cols = 0;
  w->cols_size = 0;
}

int gemm(workspace *ws, int M, int N, int K, const float *A, int lda, int transA, const float *B, int ldb, int transB, float *C, int ldc, int accumulate) {
  pick();
  if (M <= 0 || N <= 0) return 0;
  if (K <= 0) {
    if (!accumulate) for (int m = 0; m < M; m++) memset(C + (size_t)m * ldc, 0, (size_t)N * sizeof(float));
    return 0;
  }
  if (!ws->pack_a) ws->pack_a = aligned_alloc(64, sizeof(float) * (size_t)(MC + MR) * KC);
  if (!ws->pack_b) ws->pack_b = aligned_alloc(64, sizeof(float) * (size_t)(NC + NR) * KC);
  if (!ws->pack_a || !ws->pack_b) return -1;
  float *scratch_a = ws->pack_a, *scratch_b = ws->pack_b;
  float edge[MR * NR];
  for (int n0 = 0; n0 < N; n0 += NC) {
    int nc = N - n0 < NC ? N - n0 : NC;
    for (int k0 = 0; k0 < K; k0 += KC) {
      int kc = K - k0 < KC ? K - k0 : KC;
      int add = accumulate || k0 > 0;
      pack_b(B, ldb, transB, k0, kc, n0, nc, scratch_b);
      for (int m0 = 0; m0 < M; m0 += MC) {
        int mc = M - m0 < MC ? M - m0 : MC;
        pack_a(A, lda, transA, m0, mc, k0, kc, scratch_a);
        for (int j = 0; j < nc; j += NR) {
          int w = nc - j < NR ? nc - j : NR;
          const float *bp = scratch_b + (size_t)j * kc;
          for (int i = 0; i < mc; i += MR) {
            int h = mc - i < MR ? mc - i : MR;
            const float *ap = scratch_a + (size_t)i * kc;
            float *cp = C + (size_t)(m0 + i) * ldc + n0 + j;
            if (h == MR && w == NR) {
              micro(kc, ap, bp, cp, ldc, add);
            } else {
              micro(kc, ap, bp, edge, NR, 0);
              for (int m = 0; m < h; m++) {
                float *row = cp + (size_t)m * ldc;
                if (add) for (int n = 0; n < w; n++) row[n] += edge[m * NR + n];
                else for (int n = 0; n < w; n++) row[n] = edge[m * NR + n];
              }
            }
          }
        }
      }
    }
  }
  return 0;
}
