/*
 * mlp.h - a multilayer perceptron for value functions: hidden layers with
 * ReLU, a linear output, optionally a dueling head; forward and backward on
 * batches of rows (float32) with cblas_sgemm.
 *
 * Layout (row-major everywhere): an input batch x is (B, n_in); layer l maps
 * (B, in) -> (B, out) as z = x W + b with W stored (in, out) -- the transpose
 * of torch.nn.Linear.weight -- so that the forward product is a plain NN
 * sgemm. Parameters live in one block `params` and gradients in one block
 * `grads` of the same layout (layer by layer: W then b), pointed into by the
 * offsets of struct mlp_layer: zero-grad is a memset, a target-network sync
 * one memcpy, the optimiser one loop.
 *
 * Conv trunk (optional, mlp_init_conv): the input row is an image (C, H, W)
 * and up to MLP_MAX_CONV convolution layers with ReLU (conv.h, PyTorch's
 * layout) run before the linear layers, whose first layer takes the last
 * conv output flattened in (F, Ho, Wo) order, as torch.flatten(z, 1). The
 * conv layers come first in the parameter block (W (F, C, K, K) then b (F)
 * for each), then the linear layers. A network with a trunk runs all its
 * products (conv and linear) through libxsmm's kernels (gemm.h), faster at
 * these sizes; without a trunk nothing changes (OpenBLAS, same bits).
 *
 * Dueling head (Wang et al. 2016): the last layer has n_out + 1 units
 * [V, A_0 .. A_{n-1}] and Q_j = V + A_j - mean_k A_k.
 *
 * Contract: mlp_forward keeps every activation of the rows it computed, and
 * mlp_backward(x, dq, B) differentiates the first B of those rows (so a
 * forward on [obs; next_obs] followed by a backward on obs is valid).
 * Backward overwrites `grads` (it never accumulates). Every BLAS kernel has a
 * plain-C reference (linear_*_naive); `naive = 1` routes the whole network
 * through them (the tests compare both; DQN's portable mode uses them: they
 * sum in a fixed order without FMA, so their bits do not depend on the CPU).
 */
#ifndef MLP_H
#define MLP_H

#include <stddef.h>
#include "rng.h"
#include "conv.h"

#define MLP_MAX_LAYERS 9 /* linear layers: up to 8 hidden + the output */
#define MLP_MAX_CONV 4   /* conv layers of the trunk */

struct mlp_conv {
	struct conv_shape s;
	size_t w, b; /* offsets of W (F, C, K, K) and b (F) in the parameter block */
};

struct mlp_layer {
	int in, out;
	size_t w, b; /* offsets of W (in, out) and b (out) in the parameter block */
};

struct mlp {
	int n_in, n_out;  /* inputs; Q outputs (actions) */
	int dueling;      /* the last layer has n_out + 1 units [V, A] */
	int n_layers;     /* linear layers (hidden + output) */
	int max_batch;    /* rows the workspace holds */
	int max_width;
	struct mlp_layer layer[MLP_MAX_LAYERS];
	int n_conv;       /* conv layers before the linear ones (0: a plain MLP) */
	struct mlp_conv conv[MLP_MAX_CONV];
	float *cact[MLP_MAX_CONV]; /* (max_batch, conv_out_size) post-ReLU conv outputs */
	float *cdz[2];    /* (max_batch, largest conv output) backward ping-pong */
	float *cwork;     /* conv_work_size of the largest conv layer: im2col scratch */
	int crows;        /* rows of the last BLAS forward: cwork holds the last conv layer's patches */
	float *tscratch;  /* (in + out of the widest layer, max_batch): libxsmm backward transposes */
	size_t n_params;
	float *params;    /* (n_params) */
	float *grads;     /* (n_params), NULL for a network that is never trained */
	float *act[MLP_MAX_LAYERS]; /* (max_batch, layer[l].out): ReLU outputs; last: raw head */
	float *q;         /* (max_batch, n_out): act[last] unless dueling */
	float *dz[2];     /* (max_batch, max_width) backward ping-pong */
	float *wt;        /* (in, out) of the largest layer but the first: naive backward scratch */
	int naive;        /* 1: plain-C kernels instead of BLAS (reference) */
	float *work;      /* the one workspace allocation */
};

/*
 * hidden: n_hidden sizes (0..8). trainable: also allocate grads.
 * Returns -1 (through error()) for impossible shapes.
 */
int mlp_init(struct mlp *m, int n_in, const int *hidden, int n_hidden, int n_out, int dueling,
	     int max_batch, int trainable);
/*
 * With a conv trunk: the input is (C, H, W) and conv[i] = {filters, kernel,
 * stride} for n_conv layers (1..MLP_MAX_CONV). n_conv = 0 is mlp_init with
 * n_in = C H W.
 */
int mlp_init_conv(struct mlp *m, int C, int H, int W, const int (*conv)[3], int n_conv,
		  const int *hidden, int n_hidden, int n_out, int dueling, int max_batch,
		  int trainable);
void mlp_release(struct mlp *m);

/* PyTorch's nn.Linear and nn.Conv2d defaults: W and b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))
 * (fan_in = in, or C K K), drawn in block order. */
void mlp_init_params(struct mlp *m, struct rng *rng);

/* Q-values (B, n_out) of x (B, n_in), B <= max_batch; the pointer is m->q. */
const float *mlp_forward(struct mlp *m, const float *x, int B);
/* grads = d(sum_ij dq_ij * Q_ij)/d params for the first B rows of the last forward on x. */
void mlp_backward(struct mlp *m, const float *x, const float *dq, int B);
void mlp_zero_grad(struct mlp *m);

/* Multiply-adds of one forward row: sum over layers of in * out (and the conv layers'). */
double mlp_macs_per_row(const struct mlp *m);
/* Backward multiply-adds of one row: dW for every layer, dX for all but the first (conv too). */
double mlp_backward_macs_per_row(const struct mlp *m);

/*
 * Kernels, BLAS and plain-C reference. x (B, in), w (in, out), b (out),
 * z (B, out). linear_forward: z = x w + b, then ReLU if relu.
 * linear_backward: dw = x^T dz, db = column sums of dz and, when dx is not
 * NULL, dx = (dz w^T) masked by x > 0 (x being the previous layer's ReLU
 * output, x > 0 is exactly ReLU's derivative).
 */
void linear_forward(const float *x, const float *w, const float *b, float *z, int B, int in,
		    int out, int relu);
void linear_forward_naive(const float *x, const float *w, const float *b, float *z, int B, int in,
			  int out, int relu);
void linear_backward(const float *x, const float *dz, const float *w, float *dw, float *db,
		     float *dx, int B, int in, int out);
/* wt: scratch of in * out floats (w transposed) when dx is not NULL. */
void linear_backward_naive(const float *x, const float *dz, const float *w, float *dw, float *db,
			   float *dx, float *wt, int B, int in, int out);
/* raw (B, n+1) = [V, A] -> q (B, n); and dq (B, n) -> draw (B, n+1). */
void dueling_forward(const float *raw, float *q, int B, int n);
void dueling_backward(const float *dq, float *draw, int B, int n);

#endif
