/*
 * conv.h - 2-D convolution layers (valid padding, square kernel, one
 * stride), forward and backward on batches, with ReLU, in float32.
 *
 * Layout, PyTorch's (torch.nn.Conv2d, padding 0, dilation 1, groups 1):
 *   x  (B, C, H, W)        input, row-major, channels first
 *   w  (F, C, K, K)        weights, exactly torch's Conv2d.weight
 *   b  (F)                 bias
 *   z  (B, F, Ho, Wo)      output, Ho = (H - K) / S + 1, Wo likewise
 * so a flattened output row is torch.flatten(z, 1): (F, Ho, Wo) order.
 *
 * Two implementations with one contract:
 *   conv_forward / conv_backward: im2col (patches as rows, (B Ho Wo, C K K))
 *     and one cblas_sgemm for the whole batch; results depend on the OpenBLAS
 *     kernel (summation order), like mlp.h's linear_*.
 *   conv_forward_naive / conv_backward_naive: direct loops that sum every
 *     output in a fixed order without FMA (forward: c, ky, kx ascending from
 *     0.0f, then the bias; dW: b, oy, ox; dX: f, ky, kx), so their bits do not
 *     depend on the CPU (DQN's portable mode). The summed index is outside
 *     the elementwise inner loop, which vectorises (simd.h) without changing
 *     any sum.
 * The tests compare both and check every gradient by finite differences.
 *
 * Backward takes dz (B, F, Ho, Wo) = dLoss/dz of the layer's post-ReLU
 * output z and masks it by z > 0 in place (ReLU's derivative). It writes
 * (never accumulates) dw, db and, when dx is not NULL, dx (B, C, H, W) =
 * dLoss/dx (not masked: the caller masks by its own ReLU).
 */
#ifndef CONV_H
#define CONV_H

#include <stddef.h>

struct conv_shape {
	int C, H, W;  /* input channels, height, width */
	int F, K, S;  /* filters, kernel size, stride */
	int Ho, Wo;   /* output height and width */
};

/* Fills Ho, Wo; -1 (through error()) when the kernel does not fit or a size is < 1. */
int conv_shape_init(struct conv_shape *s, int C, int H, int W, int F, int K, int S);
static inline size_t conv_in_size(const struct conv_shape *s)
{
	return (size_t)s->C * s->H * s->W;
}
static inline size_t conv_out_size(const struct conv_shape *s)
{
	return (size_t)s->F * s->Ho * s->Wo;
}
static inline size_t conv_w_size(const struct conv_shape *s)
{
	return (size_t)s->F * s->C * s->K * s->K;
}
/* Floats of the scratch buffer the BLAS kernels need for a batch of B rows. */
size_t conv_work_size(const struct conv_shape *s, int B);
/* Multiply-adds of one row: forward; backward dW (+ dX when with_dx). */
double conv_macs_per_row(const struct conv_shape *s);

/* z = relu(conv(x, w) + b); work: conv_work_size floats. */
void conv_forward(const struct conv_shape *s, const float *x, const float *w, const float *b,
		  float *z, int B, float *work);
void conv_forward_naive(const struct conv_shape *s, const float *x, const float *w,
			const float *b, float *z, int B);
/* dz is masked in place by z > 0; dx may be NULL. work: conv_work_size floats. */
void conv_backward(const struct conv_shape *s, const float *x, const float *z, float *dz,
		   const float *w, float *dw, float *db, float *dx, int B, float *work);
void conv_backward_naive(const struct conv_shape *s, const float *x, const float *z, float *dz,
			 const float *w, float *dw, float *db, float *dx, int B);

#endif
