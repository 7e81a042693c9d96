/*
 * loss.h - regression losses for value learning and gradient-norm clipping.
 *
 * loss_compute: L = (1/n) sum_i w_i l(pred_i - target_i) with w_i = 1 when
 * weight is NULL (PER passes importance weights), and l the Huber loss with
 * delta 1 (torch.nn.functional.smooth_l1_loss, beta = 1: 0.5 d^2 when
 * |d| < 1, |d| - 0.5 otherwise) or the squared error d^2 (F.mse_loss).
 * grad[i] = dL/dpred_i. The value is accumulated in double.
 *
 * clip_grad_norm follows torch.nn.utils.clip_grad_norm_ (L2): total = ||g||,
 * and when max_norm / (total + 1e-6) < 1 every g_i is scaled by that factor.
 * The norm is summed in double over 16 fixed lanes (i mod 16), then the lanes
 * in order: deterministic, and fast enough to run on every update.
 */
#ifndef LOSS_H
#define LOSS_H

#include <stddef.h>

enum loss_kind { LOSS_HUBER, LOSS_MSE };

double loss_compute(enum loss_kind kind, const float *pred, const float *target,
		    const float *weight, int n, float *grad);
/* Per-element loss l(d) and its derivative, in double (reference for the tests). */
double loss_elem(enum loss_kind kind, double d, double *dl);

double grad_norm(const float *g, size_t n);
/* Returns the norm before clipping; max_norm <= 0 only measures. */
double clip_grad_norm(float *g, size_t n, double max_norm);

#endif
