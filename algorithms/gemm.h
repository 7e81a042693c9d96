/*
 * gemm.h - small single-precision matrix products for conv networks,
 * through libxsmm's JIT kernels (Debian libxsmm-dev), which at MinAtar's
 * sizes beat OpenBLAS by 1.2-2.7x (measured on this project's EPYC, one
 * thread, CPU time: (32,1024)x(1024,128) 100 -> 73 us, (16,36)x(36,2048)
 * 62 -> 23 us, (32,128)x(128,1024) 140 -> 77 us as OpenBLAS NT vs NN here
 * with the transpose below). libxsmm packs nothing and has no threads.
 *
 * Row-major, beta = 0 (C is overwritten), alpha = 1:
 *   gemm_nn: C (M, N) = A (M, K) B (K, N)
 *   gemm_tn: C (M, N) = A^T B, A stored (K, M)
 * lda, ldb, ldc are row strides in floats. libxsmm's JIT supports these
 * two forms; a shape it refuses goes to cblas_sgemm.
 *
 * Determinism: a kernel's summation order is fixed by its shape and the
 * code libxsmm generates for the CPU's instruction set (recorded as
 * gemm_target()), so results are bit-identical on one CPU type, as with
 * OpenBLAS's kernels. Only networks with a conv trunk use these (mlp.h):
 * plain MLPs keep OpenBLAS, so no earlier result moves.
 */
#ifndef GEMM_H
#define GEMM_H

void gemm_nn(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C,
	     int ldc);
void gemm_tn(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C,
	     int ldc);
/* dst (cols, rows) = src (rows, cols) transposed; src row stride lds, dst row stride ldd. */
void gemm_transpose(const float *src, int rows, int cols, int lds, float *dst, int ldd);
/* libxsmm's code-generation target, e.g. "cpx" (AVX-512 Cooper Lake), "hsw" (AVX2). */
const char *gemm_target(void);

#endif
