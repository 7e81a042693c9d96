/*
 * nstep.c - n-step return accumulator (see nstep.h).
 */
#include "nstep.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void nstep_init(struct nstep *s, int n, int obs_dim, double gamma)
{
	memset(s, 0, sizeof(*s));
	if (n < 1 || obs_dim < 1)
		BUG("nstep_init: n %d, obs_dim %d", n, obs_dim);
	s->n = n;
	s->obs_dim = obs_dim;
	s->gamma = gamma;
	s->obs = xmalloc((size_t)n * obs_dim * sizeof(float));
	s->action = xmalloc((size_t)n * sizeof(int));
	s->reward = xmalloc((size_t)n * sizeof(double));
}

void nstep_release(struct nstep *s)
{
	free(s->obs);
	free(s->action);
	free(s->reward);
	memset(s, 0, sizeof(*s));
}

void nstep_clear(struct nstep *s)
{
	s->head = 0;
	s->count = 0;
}

/* Emits the oldest pending transition with everything accumulated after it, and drops it. */
static void emit_oldest(struct nstep *s, const float *next_obs, int done, nstep_emit_fn emit,
			void *ctx)
{
	struct nstep_out t;
	double ret = 0.0, g = 1.0;
	for (int i = 0; i < s->count; i++) {
		ret += g * s->reward[(s->head + i) % s->n];
		g *= s->gamma;
	}
	t.obs = s->obs + (size_t)s->head * s->obs_dim;
	t.action = s->action[s->head];
	t.ret = ret;
	t.next_obs = next_obs;
	t.discount = g;
	t.done = done;
	t.k = s->count;
	emit(ctx, &t);
	s->head = (s->head + 1) % s->n;
	s->count--;
}

int nstep_push(struct nstep *s, const float *obs, int action, double reward,
	       const float *next_obs, int terminated, int truncated, nstep_emit_fn emit,
	       void *ctx)
{
	int slot = (s->head + s->count) % s->n, emitted = 0;
	memcpy(s->obs + (size_t)slot * s->obs_dim, obs, (size_t)s->obs_dim * sizeof(float));
	s->action[slot] = action;
	s->reward[slot] = reward;
	s->count++;
	if (terminated || truncated) {
		while (s->count > 0) {
			emit_oldest(s, next_obs, !!terminated, emit, ctx);
			emitted++;
		}
		s->head = 0;
	} else if (s->count == s->n) {
		emit_oldest(s, next_obs, 0, emit, ctx);
		emitted++;
	}
	return emitted;
}
