/*
 * conv.c - the convolution kernels of conv.h: im2col + cblas_sgemm over the
 * whole batch, and the direct plain-C reference.
 *
 * Why im2col and one sgemm: at MinAtar's sizes (10x10xC input, 16 3x3
 * filters, batch 32) a per-sample product is 16 x 64 x 9C, too small for
 * BLAS to reach speed; stacking the batch's patches as rows gives one
 * (2048, 9C) x (9C, 16) product (harness bench reports its rate).
 */
#include "conv.h"

#include <cblas.h>
#include <string.h>

#include "../harness/util.h"
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
	return rows * ckk + rows * s->F;
}

double conv_macs_per_row(const struct conv_shape *s)
{
	return (double)s->F * s->C * s->K * s->K * s->Ho * s->Wo;
}

/* col (B Ho Wo, C K K): row (b, oy, ox) is the patch under output (oy, ox). */
static void im2col(const struct conv_shape *s, const float *x, float *col, int B)
{
	const int K = s->K, S = s->S, H = s->H, W = s->W;
	size_t ckk = (size_t)s->C * K * K;
	for (int b = 0; b < B; b++) {
		const float *xb = x + (size_t)b * conv_in_size(s);
		for (int oy = 0; oy < s->Ho; oy++)
			for (int ox = 0; ox < s->Wo; ox++) {
				float *row = col + (((size_t)b * s->Ho + oy) * s->Wo + ox) * ckk;
				for (int c = 0; c < s->C; c++)
					for (int ky = 0; ky < K; ky++) {
						const float *src = xb + ((size_t)c * H + oy * S + ky) * W + ox * S;
						for (int kx = 0; kx < K; kx++)
							*row++ = src[kx];
					}
			}
	}
}

/* dx (B, C, H, W) = sum of the patches dcol (B Ho Wo, C K K) put back in place. */
static void col2im(const struct conv_shape *s, const float *dcol, float *dx, int B)
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

/* z[b][f][p] = relu(zt[b P + p][f] + bias[f]): (B P, F) -> (B, F, P). */
HOT_LOOP static void bias_relu_transpose(const float *restrict zt, const float *restrict bias,
					 float *restrict z, int B, int P, int F)
{
	for (int b = 0; b < B; b++)
		for (int f = 0; f < F; f++) {
			float *restrict zr = z + ((size_t)b * F + f) * P;
			const float *restrict src = zt + (size_t)b * P * F + f;
			float bf = bias[f];
			for (int p = 0; p < P; p++) {
				float v = src[(size_t)p * F] + bf;
				zr[p] = v > 0.0f ? v : 0.0f;
			}
		}
}

void conv_forward(const struct conv_shape *s, const float *x, const float *w, const float *b,
		  float *z, int B, float *work)
{
	const int P = s->Ho * s->Wo, ckk = s->C * s->K * s->K, rows = B * P;
	float *col = work, *zt = work + (size_t)rows * ckk;
	im2col(s, x, col, B);
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, s->F, ckk, 1.0f, col, ckk, w, ckk,
		    0.0f, zt, s->F);
	bias_relu_transpose(zt, b, z, B, P, s->F);
}

/* dz masked by z > 0 in place; dzt (B P, F) its transpose; db its sums over b, p in order. */
static void mask_transpose_sums(float *dz, const float *z, float *dzt, float *db, int B, int P,
				int F)
{
	for (int f = 0; f < F; f++)
		db[f] = 0.0f;
	for (int b = 0; b < B; b++)
		for (int f = 0; f < F; f++) {
			float *d = dz + ((size_t)b * F + f) * P;
			const float *zr = z + ((size_t)b * F + f) * P;
			float *dst = dzt + (size_t)b * P * F + f;
			for (int p = 0; p < P; p++) {
				float v = zr[p] > 0.0f ? d[p] : 0.0f;
				d[p] = v;
				dst[(size_t)p * F] = v;
				db[f] = db[f] + v;
			}
		}
}

void conv_backward(const struct conv_shape *s, const float *x, const float *z, float *dz,
		   const float *w, float *dw, float *db, float *dx, int B, float *work)
{
	const int P = s->Ho * s->Wo, ckk = s->C * s->K * s->K, rows = B * P;
	float *col = work, *dzt = work + (size_t)rows * ckk;
	mask_transpose_sums(dz, z, dzt, db, B, P, s->F);
	im2col(s, x, col, B);
	/* dw (F, CKK) = dzt^T (F, BP) col (BP, CKK) */
	cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, s->F, ckk, rows, 1.0f, dzt, s->F, col,
		    ckk, 0.0f, dw, ckk);
	if (!dx)
		return;
	/* dcol (BP, CKK) = dzt (BP, F) w (F, CKK), written over col */
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, ckk, s->F, 1.0f, dzt, s->F, w,
		    ckk, 0.0f, col, ckk);
	col2im(s, col, dx, B);
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
