/*
 * optim.c - Adam and RMSprop with PyTorch's equations (see optim.h).
 *
 * The Makefile compiles this file with -fno-math-errno (sqrtf never sets
 * errno, so GCC may vectorise it); it changes no result: sqrt is correctly
 * rounded in every clone.
 */
#include "optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "simd.h"

void optim_init(struct optim *o, enum optim_kind kind, size_t n, double lr)
{
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->n = n;
	o->lr = lr;
	o->beta1 = 0.9;
	o->beta2 = 0.999;
	o->alpha = 0.99;
	o->eps = 1e-8;
	if (kind == OPTIM_ADAM)
		o->m = xcalloc(n, sizeof(float));
	o->v = xcalloc(n, sizeof(float));
}

void optim_set_centered(struct optim *o)
{
	if (o->kind != OPTIM_RMSPROP || o->t)
		BUG("optim_set_centered: RMSprop before its first step only");
	o->centered = 1;
	o->m = xcalloc(o->n, sizeof(float));
}

void optim_release(struct optim *o)
{
	free(o->m);
	free(o->v);
	memset(o, 0, sizeof(*o));
}

/* The scalars of one step, as PyTorch forms them (double, then float). */
struct coef {
	float a, b, c, d, e; /* Adam: 1-beta1, beta2, 1-beta2, -step_size, c2; RMSprop: -, alpha, 1-alpha, -lr, - */
	float eps;
};

static struct coef step_coef(struct optim *o)
{
	struct coef k;
	o->t++;
	k.eps = (float)o->eps;
	if (o->kind == OPTIM_ADAM) {
		double bc1 = 1.0 - pow(o->beta1, (double)o->t);
		double bc2 = 1.0 - pow(o->beta2, (double)o->t);
		k.a = (float)(1.0 - o->beta1);
		k.b = (float)o->beta2;
		k.c = (float)(1.0 - o->beta2);
		k.d = (float)(-(o->lr / bc1));
		k.e = (float)sqrt(bc2);
	} else {
		k.a = 0;
		k.b = (float)o->alpha;
		k.c = (float)(1.0 - o->alpha);
		k.d = (float)(-o->lr);
		k.e = 1;
	}
	return k;
}

HOT_LOOP static void adam_loop(float *restrict p, const float *restrict g, float *restrict m,
			       float *restrict v, size_t n, struct coef k)
{
	for (size_t i = 0; i < n; i++) {
		float gi = g[i];
		float mi = m[i] + k.a * (gi - m[i]);
		float vi = v[i] * k.b + (k.c * gi) * gi;
		m[i] = mi;
		v[i] = vi;
		p[i] = p[i] + (k.d * mi) / (sqrtf(vi) / k.e + k.eps);
	}
}

HOT_LOOP static void rmsprop_loop(float *restrict p, const float *restrict g, float *restrict v,
				  size_t n, struct coef k)
{
	for (size_t i = 0; i < n; i++) {
		float gi = g[i];
		float vi = v[i] * k.b + (k.c * gi) * gi;
		v[i] = vi;
		p[i] = p[i] + (k.d * gi) / (sqrtf(vi) + k.eps);
	}
}

/* k.c = 1 - alpha serves as the lerp weight of the gradient average, as torch's grad_avg.lerp_. */
HOT_LOOP static void rmsprop_centered_loop(float *restrict p, const float *restrict g,
					   float *restrict m, float *restrict v, size_t n,
					   struct coef k)
{
	for (size_t i = 0; i < n; i++) {
		float gi = g[i];
		float vi = v[i] * k.b + (k.c * gi) * gi;
		float mi = m[i] + k.c * (gi - m[i]);
		v[i] = vi;
		m[i] = mi;
		p[i] = p[i] + (k.d * gi) / (sqrtf(vi - mi * mi) + k.eps);
	}
}

void optim_step(struct optim *o, float *params, const float *grads)
{
	struct coef k = step_coef(o);
	if (o->kind == OPTIM_ADAM)
		adam_loop(params, grads, o->m, o->v, o->n, k);
	else if (o->centered)
		rmsprop_centered_loop(params, grads, o->m, o->v, o->n, k);
	else
		rmsprop_loop(params, grads, o->v, o->n, k);
}

void optim_step_naive(struct optim *o, float *params, const float *grads)
{
	struct coef k = step_coef(o);
	for (size_t i = 0; i < o->n; i++) {
		float g = grads[i];
		if (o->kind == OPTIM_ADAM) {
			o->m[i] = o->m[i] + k.a * (g - o->m[i]);
			o->v[i] = o->v[i] * k.b + (k.c * g) * g;
			float denom = sqrtf(o->v[i]) / k.e + k.eps;
			params[i] = params[i] + (k.d * o->m[i]) / denom;
		} else if (o->centered) {
			o->v[i] = o->v[i] * k.b + (k.c * g) * g;
			o->m[i] = o->m[i] + k.c * (g - o->m[i]);
			float avg = sqrtf(o->v[i] - o->m[i] * o->m[i]);
			params[i] = params[i] + (k.d * g) / (avg + k.eps);
		} else {
			o->v[i] = o->v[i] * k.b + (k.c * g) * g;
			params[i] = params[i] + (k.d * g) / (sqrtf(o->v[i]) + k.eps);
		}
	}
}
