/*
 * loss.c - Huber and squared-error losses with optional per-sample weights,
 * and gradient-norm clipping (see loss.h).
 */
#include "loss.h"

#include <math.h>

#include "simd.h"

double loss_elem(enum loss_kind kind, double d, double *dl)
{
	if (kind == LOSS_MSE) {
		*dl = 2.0 * d;
		return d * d;
	}
	double a = fabs(d);
	if (a < 1.0) {
		*dl = d;
		return 0.5 * d * d;
	}
	*dl = d > 0 ? 1.0 : -1.0;
	return a - 0.5;
}

double loss_compute(enum loss_kind kind, const float *pred, const float *target,
		    const float *weight, int n, float *grad)
{
	double sum = 0.0;
	float inv_n = 1.0f / (float)n;
	for (int i = 0; i < n; i++) {
		float d = pred[i] - target[i], l, g;
		if (kind == LOSS_MSE) {
			l = d * d;
			g = 2.0f * d;
		} else if (fabsf(d) < 1.0f) {
			l = 0.5f * d * d;
			g = d;
		} else {
			l = fabsf(d) - 0.5f;
			g = d > 0 ? 1.0f : -1.0f;
		}
		float w = weight ? weight[i] : 1.0f;
		sum += (double)w * (double)l;
		if (grad)
			grad[i] = g * (w * inv_n);
	}
	return sum / n;
}

HOT_LOOP double grad_norm(const float *g, size_t n)
{
	double acc[16] = { 0 };
	size_t i = 0;
	for (; i + 16 <= n; i += 16)
		for (int k = 0; k < 16; k++)
			acc[k] += (double)g[i + k] * (double)g[i + k];
	for (int k = 0; i < n; i++, k++)
		acc[k] += (double)g[i] * (double)g[i];
	double s = 0.0;
	for (int k = 0; k < 16; k++)
		s += acc[k];
	return sqrt(s);
}

HOT_LOOP static void scale(float *restrict g, size_t n, float c)
{
	for (size_t i = 0; i < n; i++)
		g[i] = g[i] * c;
}

double clip_grad_norm(float *g, size_t n, double max_norm)
{
	double total = grad_norm(g, n);
	if (max_norm > 0) {
		double coef = max_norm / (total + 1e-6);
		if (coef < 1.0)
			scale(g, n, (float)coef);
	}
	return total;
}
