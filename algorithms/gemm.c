/*
 * gemm.c - libxsmm-backed small products (see gemm.h). libxsmm is column-
 * major: a row-major C (M, N) is its column-major C^T (N, M), so
 *   C = A B    is  C^T = B^T A^T       (m = N, n = M, no transposes)
 *   C = A^T B  is  C^T = B^T (A^T)^T   (the second operand transposed:
 *                                       LIBXSMM_GEMM_FLAG_TRANS_B)
 * Kernels are generated once per shape and cached by libxsmm.
 */
#include "gemm.h"

#include <cblas.h>
#include <libxsmm.h>

static void init_once(void)
{
	static int done;
	if (!done) {
		libxsmm_init();
		done = 1;
	}
}

void gemm_nn(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C,
	     int ldc)
{
	init_once();
	const float alpha = 1.0f, beta = 0.0f;
	const int flags = LIBXSMM_GEMM_FLAG_NONE;
	const libxsmm_blasint m = N, n = M, k = K, la = ldb, lb = lda, lc = ldc;
	libxsmm_smmfunction f = libxsmm_smmdispatch(m, n, k, &la, &lb, &lc, &alpha, &beta, &flags,
						    NULL);
	if (f)
		f(B, A, C);
	else
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, A, lda, B, ldb,
			    0.0f, C, ldc);
}

void gemm_tn(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C,
	     int ldc)
{
	init_once();
	const float alpha = 1.0f, beta = 0.0f;
	const int flags = LIBXSMM_GEMM_FLAG_TRANS_B;
	const libxsmm_blasint m = N, n = M, k = K, la = ldb, lb = lda, lc = ldc;
	libxsmm_smmfunction f = libxsmm_smmdispatch(m, n, k, &la, &lb, &lc, &alpha, &beta, &flags,
						    NULL);
	if (f)
		f(B, A, C);
	else
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, M, N, K, 1.0f, A, lda, B, ldb,
			    0.0f, C, ldc);
}

void gemm_transpose(const float *restrict src, int rows, int cols, int lds, float *restrict dst, int ldd)
{
	enum { T = 16 }; /* tiles, so that both sides stay in the cache */
	for (int r0 = 0; r0 < rows; r0 += T)
		for (int c0 = 0; c0 < cols; c0 += T) {
			int r1 = r0 + T < rows ? r0 + T : rows, c1 = c0 + T < cols ? c0 + T : cols;
			for (int c = c0; c < c1; c++) { /* writes along a destination row */
				float *restrict d = dst + (size_t)c * ldd;
				const float *restrict sc = src + c;
				for (int r = r0; r < r1; r++)
					d[r] = sc[(size_t)r * lds];
			}
		}
}

const char *gemm_target(void)
{
	init_once();
	return libxsmm_get_target_arch();
}
