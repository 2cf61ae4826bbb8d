// C[M,N] = (accumulate ? C : 0) + op(A) * op(B), row-major. op(A)[m,k] is A[k*lda + m] when transA,
// else A[m*lda + k]; op(B)[k,n] is B[n*ldb + k] when transB, else B[k*ldb + n].
// Scratch memory lives in a workspace owned by the caller: one per JavaScript thread, since Node's
// worker threads each load this library and may run at once.
#pragma once
#include <stddef.h>

typedef struct {
  float *pack_a, *pack_b; /* the packed panels */
  float *cols;            /* patch rows of a convolution */
  size_t cols_size;
} workspace;

void workspace_free(workspace *w);

/** 0, or -1 when scratch memory could not be had (C is then unchanged or partly written). */
int gemm(workspace *ws, int M, int N, int K, const float *A, int lda, int transA, const float *B, int ldb, int transB, float *C, int ldc, int accumulate);

/** Which microkernel gemm uses on this CPU: "avx2+fma" or "generic". */
const char *gemm_isa(void);
