/*
 * noisy.c - factorised Gaussian noisy layers over an mlp (see noisy.h): the
 * effective weights of a draw, the mean network, and the chain rule from the
 * effective weights' gradients to mu and sigma.
 */
#include "noisy.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "simd.h"

void noisy_init(struct noisy *z, struct mlp *m)
{
	memset(z, 0, sizeof(*z));
	z->m = m;
	z->n = m->n_params;
	z->params = xcalloc(2 * z->n, sizeof(float));
	if (m->grads)
		z->grads = xcalloc(2 * z->n, sizeof(float));
	size_t nf = 0;
	for (int l = 0; l < m->n_layers; l++) {
		z->foff[l] = nf;
		nf += (size_t)m->layer[l].in + m->layer[l].out;
	}
	z->f = xcalloc(nf, sizeof(float));
	z->state = NOISY_STALE;
}

void noisy_release(struct noisy *z)
{
	free(z->params);
	free(z->grads);
	free(z->f);
	memset(z, 0, sizeof(*z));
}

void noisy_init_params(struct noisy *z, double sigma0)
{
	memcpy(z->params, z->m->params, z->n * sizeof(float));
	float *sigma = z->params + z->n;
	for (int l = 0; l < z->m->n_layers; l++) {
		const struct mlp_layer *L = &z->m->layer[l];
		float s = (float)(sigma0 / sqrt((double)L->in));
		size_t cnt = (size_t)L->in * L->out + L->out; /* W then b, contiguous */
		for (size_t i = 0; i < cnt; i++)
			sigma[L->w + i] = s;
	}
	z->state = NOISY_STALE;
}

double noisy_gaussian(struct rng *rng)
{
	double u1 = rng_uniform(rng), u2 = rng_uniform(rng);
	return sqrt(-2.0 * log(1.0 - u1)) * cos(6.283185307179586 * u2);
}

float noisy_f(double x)
{
	return (float)(x < 0 ? -sqrt(-x) : sqrt(x));
}

/* w (in, out) = mu + sigma * (fi fo^T); b (out) = mu_b + sigma_b * fo. */
HOT_LOOP static void effective(float *restrict w, const float *restrict mu,
			       const float *restrict sigma, const float *restrict fi,
			       const float *restrict fo, int in, int out)
{
	for (int k = 0; k < in; k++) {
		float a = fi[k];
		float *restrict wk = w + (size_t)k * out;
		const float *restrict mk = mu + (size_t)k * out, *restrict sk = sigma + (size_t)k * out;
		for (int j = 0; j < out; j++)
			wk[j] = mk[j] + sk[j] * (a * fo[j]);
	}
	const float *restrict mb = mu + (size_t)in * out, *restrict sb = sigma + (size_t)in * out;
	float *restrict b = w + (size_t)in * out;
	for (int j = 0; j < out; j++)
		b[j] = mb[j] + sb[j] * fo[j];
}

void noisy_sample(struct noisy *z, struct rng *rng)
{
	const struct mlp *m = z->m;
	for (int i = 0; i < m->n_conv; i++) { /* a conv trunk is not noisy: its weights are mu */
		const struct mlp_conv *c = &m->conv[i];
		size_t cnt = c->b + (size_t)c->s.F - c->w;
		memcpy(m->params + c->w, z->params + c->w, cnt * sizeof(float));
	}
	for (int l = 0; l < m->n_layers; l++) {
		const struct mlp_layer *L = &m->layer[l];
		float *f = z->f + z->foff[l];
		for (int i = 0; i < L->in + L->out; i++)
			f[i] = noisy_f(noisy_gaussian(rng));
		effective(m->params + L->w, z->params + L->w, z->params + z->n + L->w, f, f + L->in,
			  L->in, L->out);
	}
	z->state = NOISY_SAMPLED;
}

void noisy_use_mean(struct noisy *z)
{
	if (z->state == NOISY_MEAN)
		return;
	memcpy(z->m->params, z->params, z->n * sizeof(float));
	z->state = NOISY_MEAN;
}

void noisy_changed(struct noisy *z)
{
	z->state = NOISY_STALE;
}

/* gs (in, out) = g * (fi fo^T); gsb (out) = gb * fo. */
HOT_LOOP static void sigma_grads(float *restrict gs, const float *restrict g,
				 const float *restrict fi, const float *restrict fo, int in, int out)
{
	for (int k = 0; k < in; k++) {
		float a = fi[k];
		for (int j = 0; j < out; j++)
			gs[(size_t)k * out + j] = g[(size_t)k * out + j] * (a * fo[j]);
	}
	for (int j = 0; j < out; j++)
		gs[(size_t)in * out + j] = g[(size_t)in * out + j] * fo[j];
}

void noisy_backward(struct noisy *z)
{
	const struct mlp *m = z->m;
	if (!z->grads || !m->grads)
		BUG("noisy_backward on a network without gradients");
	if (z->state != NOISY_SAMPLED)
		BUG("noisy_backward: the last forward did not use a noise draw");
	memcpy(z->grads, m->grads, z->n * sizeof(float));
	for (int l = 0; l < m->n_layers; l++) {
		const struct mlp_layer *L = &m->layer[l];
		const float *f = z->f + z->foff[l];
		sigma_grads(z->grads + z->n + L->w, m->grads + L->w, f, f + L->in, L->in, L->out);
	}
}

void noisy_checkpoint(const struct noisy *z, struct checkpoint *ck)
{
	const struct mlp *m = z->m;
	for (int l = 0; l < m->n_layers; l++) {
		const struct mlp_layer *L = &m->layer[l];
		char name[32];
		snprintf(name, sizeof(name), "layer%d/sigma_W", l);
		checkpoint_add_array(ck, name, z->params + z->n + L->w, L->in, L->out);
		snprintf(name, sizeof(name), "layer%d/sigma_b", l);
		checkpoint_add_array(ck, name, z->params + z->n + L->b, L->out, 0);
	}
	long long v = 1;
	checkpoint_add_ints(ck, "noisy", &v, 1);
}
