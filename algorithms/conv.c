/*
 * conv.c - the convolution kernels of conv.h: im2col + one matrix product
 * over the whole batch, and the direct plain-C reference.
 *
 * Why im2col and one product: at MinAtar's sizes (10x10xC input, 16 3x3
 * filters, batch 32) a per-sample product is 16 x 64 x 9C, too small to run
 * fast; the batch's patches side by side as columns, colT (9C, B Ho Wo), give
 * one (16, 9C) x (9C, 2048) product. Measured at C = 4 on one core (CPU
 * time): OpenBLAS 62 us, libxsmm 23 us for that product; the weight gradient
 * colT dz^T, with its 2048-long inner dimension, 31 us in OpenBLAS against
 * libxsmm's 53 (at C = 10: 76 against 281), so it stays with OpenBLAS. The
 * forward's patches stay in the work buffer for the backward that follows
 * (conv_backward_cached): one im2col fewer per update.
 */
#include "conv.h"

#include <cblas.h>
#include <string.h>

#include "util.h"
#include "gemm.h"
#include "simd.h"

int conv_shape_init(struct conv_shape *s, int C, int H, int W, int F, int K, int S)
{
	memset(s, 0, sizeof(*s));
	if (C < 1 || H < 1 || W < 1 || F < 1 || K < 1 || S < 1)
		return error("conv: bad shape (input %dx%dx%d, %d filters %dx%d stride %d)", C, H, W,
			     F, K, K, S);
	if (K > H || K > W)
		return error("conv: kernel %dx%d larger than the input %dx%d", K, K, H, W);
	*s = (struct conv_shape){ .C = C, .H = H, .W = W, .F = F, .K = K, .S = S,
				  .Ho = (H - K) / S + 1, .Wo = (W - K) / S + 1 };
	return 0;
}

size_t conv_work_size(const struct conv_shape *s, int B)
{
	size_t rows = (size_t)B * s->Ho * s->Wo, ckk = (size_t)s->C * s->K * s->K;
	return rows * ckk + rows * s->F + ckk * s->F;
}

double conv_macs_per_row(const struct conv_shape *s)
{
	return (double)s->F * s->C * s->K * s->K * s->Ho * s->Wo;
}

/*
 * colT (C K K, B Ho Wo): row (c, ky, kx) holds, for every output (b, oy, ox)
 * of the batch, the input value under that kernel tap; each output row's Wo
 * values are one strided run of x (contiguous when S = 1).
 */
/* no-tree-loop-distribute-patterns: runs of Wo floats must not become memcpy calls */
HOT_LOOP __attribute__((optimize("no-tree-loop-distribute-patterns"))) static void im2col_t(const struct conv_shape *s, const float *restrict x, float *restrict col,
		     int B)
{
	const int K = s->K, S = s->S, H = s->H, W = s->W, Ho = s->Ho, Wo = s->Wo;
	const size_t in = conv_in_size(s), n = (size_t)B * Ho * Wo;
	for (int c = 0; c < s->C; c++)
		for (int ky = 0; ky < K; ky++)
			for (int kx = 0; kx < K; kx++) {
				float *restrict row = col + (((size_t)c * K + ky) * K + kx) * n;
				for (int b = 0; b < B; b++) {
					const float *xb = x + (size_t)b * in + (size_t)c * H * W + kx;
					for (int oy = 0; oy < Ho; oy++) {
						const float *src = xb + (size_t)(oy * S + ky) * W;
						if (S == 1) /* contiguous: vectorised */
							for (int ox = 0; ox < Wo; ox++)
								row[ox] = src[ox];
						else
							for (int ox = 0; ox < Wo; ox++)
								row[ox] = src[(size_t)ox * S];
						row += Wo;
					}
				}
			}
}

/* z[b][f][p] = relu(zf[f][b P + p] + bias[f]): (F, B P) -> (B, F, P), runs of P. */
HOT_LOOP static void bias_relu_permute(const float *restrict zf, const float *restrict bias,
				       float *restrict z, int B, int P, int F)
{
	for (int b = 0; b < B; b++)
		for (int f = 0; f < F; f++) {
			float *restrict zr = z + ((size_t)b * F + f) * P;
			const float *restrict src = zf + ((size_t)f * B + b) * P;
			float bf = bias[f];
			for (int p = 0; p < P; p++) {
				float v = src[p] + bf;
				zr[p] = v > 0.0f ? v : 0.0f;
			}
		}
}

void conv_forward(const struct conv_shape *s, const float *x, const float *w, const float *b,
		  float *z, int B, float *work)
{
	const int P = s->Ho * s->Wo, ckk = s->C * s->K * s->K, n = B * P;
	float *col = work, *zf = work + (size_t)n * ckk;
	im2col_t(s, x, col, B);
	/* zf (F, B P) = w (F, C K K) colT (C K K, B P) */
	gemm_nn(s->F, n, ckk, w, ckk, col, n, zf, n);
	bias_relu_permute(zf, b, z, B, P, s->F);
}

/*
 * dz masked by z > 0 in place; dzt (B P, F) its transpose (row b P + p,
 * column f); db its column sums, rows added in order (elementwise over f).
 */
HOT_LOOP static void mask_transpose(float *restrict dz, const float *restrict z,
				    float *restrict dzt, float *restrict db, int B, int P, int F)
{
	for (int b = 0; b < B; b++)
		for (int f = 0; f < F; f++) {
			float *restrict d = dz + ((size_t)b * F + f) * P;
			const float *restrict zr = z + ((size_t)b * F + f) * P;
			float *restrict dst = dzt + (size_t)b * P * F + f;
			for (int p = 0; p < P; p++) {
				float v = zr[p] > 0.0f ? d[p] : 0.0f;
				d[p] = v;
				dst[(size_t)p * F] = v;
			}
		}
	for (int f = 0; f < F; f++)
		db[f] = 0.0f;
	for (size_t r = 0; r < (size_t)B * P; r++)
		for (int f = 0; f < F; f++)
			db[f] = db[f] + dzt[r * F + f];
}

/* dx (B, C, H, W) = the patches dcol (B Ho Wo, C K K) (rows) added back in place. */
static void col2im_rows(const struct conv_shape *s, const float *dcol, float *dx, int B)
{
	const int K = s->K, S = s->S, H = s->H, W = s->W;
	size_t ckk = (size_t)s->C * K * K;
	memset(dx, 0, (size_t)B * conv_in_size(s) * sizeof(float));
	for (int b = 0; b < B; b++) {
		float *xb = dx + (size_t)b * conv_in_size(s);
		for (int oy = 0; oy < s->Ho; oy++)
			for (int ox = 0; ox < s->Wo; ox++) {
				const float *row = dcol + (((size_t)b * s->Ho + oy) * s->Wo + ox) * ckk;
				for (int c = 0; c < s->C; c++)
					for (int ky = 0; ky < K; ky++) {
						float *dst = xb + ((size_t)c * H + oy * S + ky) * W + ox * S;
						for (int kx = 0; kx < K; kx++)
							dst[kx] = dst[kx] + *row++;
					}
			}
	}
}

void conv_backward_cached(const struct conv_shape *s, int rows, const float *z, float *dz,
			  const float *w, float *dw, float *db, float *dx, int B, float *work)
{
	const int P = s->Ho * s->Wo, ckk = s->C * s->K * s->K, n = B * P, ld = rows * P;
	if (rows < B)
		BUG("conv_backward_cached: %d rows of patches for a batch of %d", rows, B);
	float *col = work, *dzt = work + (size_t)ld * ckk, *dwt = dzt + (size_t)n * s->F;
	mask_transpose(dz, z, dzt, db, B, P, s->F);
	/*
	 * dw^T (C K K, F) = colT (C K K, B P) dzt (B P, F): the first B P columns
	 * of colT. A long inner dimension and a tiny result: OpenBLAS is the
	 * faster here (C = 4: 31 us against libxsmm's 53; C = 10: 76 against 281).
	 */
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, ckk, s->F, n, 1.0f, col, ld, dzt,
		    s->F, 0.0f, dwt, s->F);
	gemm_transpose(dwt, ckk, s->F, s->F, dw, ckk);
	if (!dx)
		return;
	/* dcol (B P, C K K) = dzt (B P, F) w (F, C K K), written over colT */
	gemm_nn(n, ckk, s->F, dzt, s->F, w, ckk, col, ckk);
	col2im_rows(s, col, dx, B);
}

void conv_backward(const struct conv_shape *s, const float *x, const float *z, float *dz,
		   const float *w, float *dw, float *db, float *dx, int B, float *work)
{
	im2col_t(s, x, work, B);
	conv_backward_cached(s, B, z, dz, w, dw, db, dx, B, work);
}

/* ---- plain-C reference ---- */

HOT_LOOP void conv_forward_naive(const struct conv_shape *s, const float *restrict x,
				 const float *restrict w, const float *restrict b,
				 float *restrict z, int B)
{
	const int K = s->K, S = s->S, H = s->H, W = s->W, Ho = s->Ho, Wo = s->Wo;
	for (int n = 0; n < B; n++) {
		const float *restrict xb = x + (size_t)n * conv_in_size(s);
		for (int f = 0; f < s->F; f++) {
			float *restrict zf = z + ((size_t)n * s->F + f) * Ho * Wo;
			for (int p = 0; p < Ho * Wo; p++)
				zf[p] = 0.0f;
			for (int c = 0; c < s->C; c++)
				for (int ky = 0; ky < K; ky++)
					for (int kx = 0; kx < K; kx++) {
						float wv = w[(((size_t)f * s->C + c) * K + ky) * K + kx];
						for (int oy = 0; oy < Ho; oy++) {
							const float *restrict src =
								xb + ((size_t)c * H + oy * S + ky) * W + kx;
							float *restrict zr = zf + (size_t)oy * Wo;
							for (int ox = 0; ox < Wo; ox++)
								zr[ox] = zr[ox] + wv * src[(size_t)ox * S];
						}
					}
			for (int p = 0; p < Ho * Wo; p++) {
				float v = zf[p] + b[f];
				zf[p] = v > 0.0f ? v : 0.0f;
			}
		}
	}
}

HOT_LOOP void conv_backward_naive(const struct conv_shape *s, const float *restrict x,
				  const float *restrict z, float *restrict dz,
				  const float *restrict w, float *restrict dw, float *restrict db,
				  float *restrict dx, int B)
{
	const int K = s->K, S = s->S, H = s->H, W = s->W, Ho = s->Ho, Wo = s->Wo, P = Ho * Wo;
	const size_t in = conv_in_size(s), out = conv_out_size(s);
	for (size_t i = 0; i < (size_t)B * out; i++)
		dz[i] = z[i] > 0.0f ? dz[i] : 0.0f;
	for (int f = 0; f < s->F; f++) {
		float sum = 0.0f;
		for (int n = 0; n < B; n++)
			for (int p = 0; p < P; p++)
				sum = sum + dz[(size_t)n * out + (size_t)f * P + p];
		db[f] = sum;
	}
	for (int f = 0; f < s->F; f++)
		for (int c = 0; c < s->C; c++)
			for (int ky = 0; ky < K; ky++)
				for (int kx = 0; kx < K; kx++) {
					float sum = 0.0f;
					for (int n = 0; n < B; n++) {
						const float *d = dz + (size_t)n * out + (size_t)f * P;
						const float *xc = x + (size_t)n * in + (size_t)c * H * W;
						for (int oy = 0; oy < Ho; oy++)
							for (int ox = 0; ox < Wo; ox++)
								sum = sum + d[oy * Wo + ox] *
									xc[(size_t)(oy * S + ky) * W + ox * S + kx];
					}
					dw[(((size_t)f * s->C + c) * K + ky) * K + kx] = sum;
				}
	if (!dx)
		return;
	for (size_t i = 0; i < (size_t)B * in; i++)
		dx[i] = 0.0f;
	for (int n = 0; n < B; n++)
		for (int f = 0; f < s->F; f++) {
			const float *restrict d = dz + (size_t)n * out + (size_t)f * P;
			for (int c = 0; c < s->C; c++)
				for (int ky = 0; ky < K; ky++)
					for (int kx = 0; kx < K; kx++) {
						float wv = w[(((size_t)f * s->C + c) * K + ky) * K + kx];
						for (int oy = 0; oy < Ho; oy++) {
							float *restrict dst = dx + (size_t)n * in +
									      ((size_t)c * H + oy * S + ky) * W + kx;
							const float *restrict dr = d + (size_t)oy * Wo;
							for (int ox = 0; ox < Wo; ox++)
								dst[(size_t)ox * S] = dst[(size_t)ox * S] + wv * dr[ox];
						}
					}
		}
}
