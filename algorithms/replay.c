/*
 * replay.c - uniform and prioritized replay (see replay.h).
 */
#include "replay.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/util.h"

int replay_init(struct replay *r, int cap, int obs_dim, int prioritized, double alpha, double eps)
{
	memset(r, 0, sizeof(*r));
	if (cap < 1 || obs_dim < 1)
		return error("replay: bad capacity %d or observation size %d", cap, obs_dim);
	r->cap = cap;
	r->obs_dim = obs_dim;
	/* Only the slots filled are ever touched: untouched pages of a large buffer cost nothing. */
	r->obs = xmalloc((size_t)cap * obs_dim * sizeof(float));
	r->next_obs = xmalloc((size_t)cap * obs_dim * sizeof(float));
	r->action = xmalloc((size_t)cap * sizeof(int32_t));
	r->reward = xmalloc((size_t)cap * sizeof(float));
	r->discount = xmalloc((size_t)cap * sizeof(float));
	r->done = xmalloc((size_t)cap);
	r->prioritized = prioritized;
	if (prioritized) {
		r->tree_cap = 1;
		while (r->tree_cap < cap)
			r->tree_cap *= 2;
		r->sum = xmalloc(2 * (size_t)r->tree_cap * sizeof(double));
		r->min = xmalloc(2 * (size_t)r->tree_cap * sizeof(double));
		for (size_t i = 0; i < 2 * (size_t)r->tree_cap; i++) {
			r->sum[i] = 0.0;
			r->min[i] = INFINITY;
		}
		r->alpha = alpha;
		r->eps = eps;
		r->max_priority = 1.0;
	}
	return 0;
}

void replay_release(struct replay *r)
{
	free(r->obs);
	free(r->next_obs);
	free(r->action);
	free(r->reward);
	free(r->discount);
	free(r->done);
	free(r->sum);
	free(r->min);
	memset(r, 0, sizeof(*r));
}

/* Sets leaf j to p (already ^alpha) and recomputes its ancestors. */
static void tree_set(struct replay *r, int j, double p)
{
	size_t i = (size_t)r->tree_cap + j;
	r->sum[i] = p;
	r->min[i] = p;
	for (i >>= 1; i >= 1; i >>= 1) {
		r->sum[i] = r->sum[2 * i] + r->sum[2 * i + 1];
		double a = r->min[2 * i], b = r->min[2 * i + 1];
		r->min[i] = a < b ? a : b;
	}
}

int replay_add(struct replay *r, const float *obs, int action, float reward, const float *next_obs,
	       float discount, int done)
{
	int j = r->pos;
	size_t d = (size_t)r->obs_dim;
	memcpy(r->obs + j * d, obs, d * sizeof(float));
	memcpy(r->next_obs + j * d, next_obs, d * sizeof(float));
	r->action[j] = action;
	r->reward[j] = reward;
	r->discount[j] = discount;
	r->done[j] = (uint8_t)!!done;
	if (r->prioritized)
		tree_set(r, j, pow(r->max_priority, r->alpha));
	r->pos = r->pos + 1 == r->cap ? 0 : r->pos + 1;
	if (r->size < r->cap)
		r->size++;
	return j;
}

double replay_priority(const struct replay *r, int j)
{
	return r->sum[(size_t)r->tree_cap + j];
}

int replay_find_prefix(const struct replay *r, double mass)
{
	size_t i = 1, leaves = (size_t)r->tree_cap;
	while (i < leaves) {
		double left = r->sum[2 * i];
		/* Rounding can leave mass >= left with nothing on the right: stay left. */
		if (mass < left || r->sum[2 * i + 1] <= 0.0) {
			i = 2 * i;
		} else {
			mass -= left;
			i = 2 * i + 1;
		}
	}
	return (int)(i - leaves);
}

static void gather(const struct replay *r, struct replay_batch *b, int k, int j)
{
	size_t d = (size_t)r->obs_dim;
	b->idx[k] = j;
	memcpy(b->obs + k * d, r->obs + j * d, d * sizeof(float));
	memcpy(b->next_obs + k * d, r->next_obs + j * d, d * sizeof(float));
	b->action[k] = r->action[j];
	b->reward[k] = r->reward[j];
	b->discount[k] = r->discount[j];
	b->not_done[k] = r->done[j] ? 0.0f : 1.0f;
}

void replay_sample(struct replay *r, struct rng *rng, int n, double beta, struct replay_batch *b)
{
	if (r->size < 1 || n > b->n || b->obs_dim != r->obs_dim)
		BUG("replay_sample: %d of %d rows from %d transitions", n, b->n, r->size);
	if (!r->prioritized) {
		for (int k = 0; k < n; k++) {
			gather(r, b, k, (int)rng_below(rng, (uint64_t)r->size));
			b->weight[k] = 1.0f;
		}
		return;
	}
	double total = r->sum[1], seg = total / n, pmin = r->min[1];
	for (int k = 0; k < n; k++) {
		double mass = (k + rng_uniform(rng)) * seg;
		int j = replay_find_prefix(r, mass);
		if (j >= r->size) /* cannot happen: empty leaves hold 0 */
			BUG("replay: sampled empty slot %d of %d", j, r->size);
		gather(r, b, k, j);
		b->weight[k] = (float)pow(replay_priority(r, j) / pmin, -beta);
	}
}

void replay_update_priorities(struct replay *r, const int32_t *idx, const float *td, int n)
{
	for (int k = 0; k < n; k++) {
		double p = fabs((double)td[k]) + r->eps;
		if (p > r->max_priority)
			r->max_priority = p;
		tree_set(r, idx[k], pow(p, r->alpha));
	}
}

int replay_check(const struct replay *r, char *why, size_t n)
{
	if (!r->prioritized)
		return 0;
	size_t leaves = (size_t)r->tree_cap;
	for (size_t j = (size_t)r->size; j < leaves; j++)
		if (r->sum[leaves + j] != 0.0 || r->min[leaves + j] != INFINITY) {
			snprintf(why, n, "empty leaf %zu holds %g / %g", j, r->sum[leaves + j],
				 r->min[leaves + j]);
			return -1;
		}
	for (size_t i = leaves - 1; i >= 1; i--) {
		double s = r->sum[2 * i] + r->sum[2 * i + 1];
		double a = r->min[2 * i], b = r->min[2 * i + 1], m = a < b ? a : b;
		if (r->sum[i] != s || r->min[i] != m) {
			snprintf(why, n, "node %zu: sum %.17g (children %.17g), min %.17g (children %.17g)",
				 i, r->sum[i], s, r->min[i], m);
			return -1;
		}
	}
	return 0;
}

void replay_batch_init(struct replay_batch *b, int n, int obs_dim)
{
	b->n = n;
	b->obs_dim = obs_dim;
	b->idx = xmalloc((size_t)n * sizeof(int32_t));
	b->x = xmalloc(2 * (size_t)n * obs_dim * sizeof(float));
	b->obs = b->x;
	b->next_obs = b->x + (size_t)n * obs_dim;
	b->action = xmalloc((size_t)n * sizeof(int32_t));
	b->reward = xmalloc((size_t)n * sizeof(float));
	b->discount = xmalloc((size_t)n * sizeof(float));
	b->not_done = xmalloc((size_t)n * sizeof(float));
	b->weight = xmalloc((size_t)n * sizeof(float));
}

void replay_batch_release(struct replay_batch *b)
{
	free(b->idx);
	free(b->x);
	free(b->action);
	free(b->reward);
	free(b->discount);
	free(b->not_done);
	free(b->weight);
	memset(b, 0, sizeof(*b));
}
