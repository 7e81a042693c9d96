/*
 * replay.c - uniform and prioritized replay (see replay.h).
 */
#include "replay.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simd.h"
#include "util.h"

size_t replay_row_bytes(enum replay_obs storage, int obs_dim)
{
	switch (storage) {
	case REPLAY_OBS_U8:
		return (size_t)obs_dim;
	case REPLAY_OBS_BITS:
		return ((size_t)obs_dim + 7) / 8;
	default:
		return (size_t)obs_dim * sizeof(float);
	}
}

int replay_init(struct replay *r, int cap, int obs_dim, int prioritized, double alpha, double eps)
{
	return replay_init_typed(r, cap, obs_dim, REPLAY_OBS_F32, prioritized, alpha, eps);
}

int replay_init_typed(struct replay *r, int cap, int obs_dim, enum replay_obs storage,
		      int prioritized, double alpha, double eps)
{
	memset(r, 0, sizeof(*r));
	if (cap < 1 || obs_dim < 1)
		return error("replay: bad capacity %d or observation size %d", cap, obs_dim);
	r->cap = cap;
	r->obs_dim = obs_dim;
	r->storage = storage;
	r->row_bytes = replay_row_bytes(storage, obs_dim);
	/* Only the slots filled are ever touched: untouched pages of a large buffer cost nothing. */
	if (storage == REPLAY_OBS_F32) {
		r->obs = xmalloc((size_t)cap * obs_dim * sizeof(float));
		r->next_obs = xmalloc((size_t)cap * obs_dim * sizeof(float));
	} else {
		r->obs_b = xmalloc((size_t)cap * r->row_bytes);
		r->next_b = xmalloc((size_t)cap * r->row_bytes);
	}
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
	free(r->obs_b);
	free(r->next_b);
	free(r->action);
	free(r->reward);
	free(r->discount);
	free(r->done);
	free(r->sum);
	free(r->min);
	memset(r, 0, sizeof(*r));
}

/* p^alpha, in single precision: powf is much cheaper than pow on the hot path. */
static float prio_pow(const struct replay *r, double p)
{
	return powf((float)p, (float)r->alpha);
}

/*
 * Sets leaf j to p (already ^alpha) and recomputes its ancestors. The new
 * value climbs in a register: each parent is this value plus (IEEE addition
 * is commutative, so exactly left + right) or min with its sibling, and the
 * sibling loads do not wait on each other.
 */
static void tree_set(struct replay *r, int j, double p)
{
	size_t i = (size_t)r->tree_cap + j;
	double s = p, m = p;
	r->sum[i] = p;
	r->min[i] = p;
	for (; i > 1; i >>= 1) {
		double so = r->sum[i ^ 1], mo = r->min[i ^ 1];
		s = s + so;
		m = mo < m ? mo : m;
		r->sum[i >> 1] = s;
		r->min[i >> 1] = m;
	}
}

/* One observation into its compact row; values must be exact (0..255, or 0/1 for bits). */
static void encode_row(const struct replay *r, const float *o, uint8_t *row)
{
	size_t d = (size_t)r->obs_dim;
	if (r->storage == REPLAY_OBS_U8) {
		for (size_t i = 0; i < d; i++) {
			if (!(o[i] >= 0.0f && o[i] <= 255.0f && o[i] == (float)(uint8_t)o[i]))
				BUG("replay: observation value %g is not a byte", (double)o[i]);
			row[i] = (uint8_t)o[i];
		}
		return;
	}
	memset(row, 0, r->row_bytes);
	for (size_t i = 0; i < d; i++) {
		if (o[i] != 0.0f && o[i] != 1.0f)
			BUG("replay: observation value %g is not a bit", (double)o[i]);
		row[i >> 3] |= (uint8_t)((o[i] != 0.0f) << (i & 7));
	}
}

/* Bits: eight floats a byte, a loop the compiler vectorises (4x the per-element shift and mask). */
HOT_LOOP static void decode_row(const struct replay *r, const uint8_t *restrict row, float *restrict o)
{
	size_t d = (size_t)r->obs_dim;
	if (r->storage == REPLAY_OBS_U8) {
		for (size_t i = 0; i < d; i++)
			o[i] = (float)row[i];
		return;
	}
	size_t full = d / 8;
	for (size_t k = 0; k < full; k++) {
		unsigned b = row[k];
		float *dst = o + 8 * k;
		for (int j = 0; j < 8; j++)
			dst[j] = (float)((b >> j) & 1u);
	}
	for (size_t i = full * 8; i < d; i++)
		o[i] = (float)((row[i >> 3] >> (i & 7)) & 1);
}

int replay_add(struct replay *r, const float *obs, int action, float reward, const float *next_obs,
	       float discount, int done)
{
	int j = r->pos;
	size_t d = (size_t)r->obs_dim;
	if (r->storage == REPLAY_OBS_F32) {
		memcpy(r->obs + j * d, obs, d * sizeof(float));
		memcpy(r->next_obs + j * d, next_obs, d * sizeof(float));
	} else {
		encode_row(r, obs, r->obs_b + j * r->row_bytes);
		encode_row(r, next_obs, r->next_b + j * r->row_bytes);
	}
	r->action[j] = action;
	r->reward[j] = reward;
	r->discount[j] = discount;
	r->done[j] = (uint8_t)!!done;
	if (r->prioritized)
		tree_set(r, j, prio_pow(r, r->max_priority));
	r->pos = r->pos + 1 == r->cap ? 0 : r->pos + 1;
	if (r->size < r->cap)
		r->size++;
	return j;
}

double replay_priority(const struct replay *r, int j)
{
	return r->sum[(size_t)r->tree_cap + j];
}

/*
 * One level of the descent, without branches (the direction is a coin flip
 * the predictor cannot learn): go right when mass >= the left sum, unless
 * the right subtree is empty (rounding can push mass to the total).
 */
static inline size_t descend(const double *sum, size_t i, double *mass)
{
	double left = sum[2 * i], right = sum[2 * i + 1];
	size_t go = (*mass >= left) & (right > 0.0);
	*mass -= left * (double)go; /* a product, not ?:, which GCC turns into a branch */
	return 2 * i + go;
}

int replay_find_prefix(const struct replay *r, double mass)
{
	size_t i = 1, leaves = (size_t)r->tree_cap;
	while (i < leaves)
		i = descend(r->sum, i, &mass);
	return (int)(i - leaves);
}

/* Touches the cache lines of slot j, so that the misses of a batch overlap. */
static inline void prefetch_slot(const struct replay *r, int j)
{
	size_t d = (size_t)r->obs_dim;
	if (r->storage == REPLAY_OBS_F32) {
		__builtin_prefetch(r->obs + j * d);
		__builtin_prefetch(r->next_obs + j * d);
	} else {
		__builtin_prefetch(r->obs_b + j * r->row_bytes);
		__builtin_prefetch(r->next_b + j * r->row_bytes);
	}
	__builtin_prefetch(r->action + j);
	__builtin_prefetch(r->reward + j);
	__builtin_prefetch(r->discount + j);
	__builtin_prefetch(r->done + j);
}

/* Copies the slots b->idx[0..n) into the batch. */
static void gather(const struct replay *r, struct replay_batch *b, int n)
{
	size_t d = (size_t)r->obs_dim;
	for (int k = 0; k < n; k++)
		prefetch_slot(r, b->idx[k]);
	for (int k = 0; k < n; k++) {
		size_t j = (size_t)b->idx[k];
		float *bo = b->obs + k * d, *bno = b->next_obs + k * d;
		if (r->storage == REPLAY_OBS_F32) {
			const float *o = r->obs + j * d, *no = r->next_obs + j * d;
			for (size_t i = 0; i < d; i++) { /* a few floats: a loop beats a memcpy call */
				bo[i] = o[i];
				bno[i] = no[i];
			}
		} else {
			decode_row(r, r->obs_b + j * r->row_bytes, bo);
			decode_row(r, r->next_b + j * r->row_bytes, bno);
		}
		b->action[k] = r->action[j];
		b->reward[k] = r->reward[j];
		b->discount[k] = r->discount[j];
		b->not_done[k] = r->done[j] ? 0.0f : 1.0f;
	}
}

void replay_sample(struct replay *r, struct rng *rng, int n, double beta, struct replay_batch *b)
{
	if (r->size < 1 || n > b->n || b->obs_dim != r->obs_dim)
		BUG("replay_sample: %d of %d rows from %d transitions", n, b->n, r->size);
	if (!r->prioritized) {
		for (int k = 0; k < n; k++) {
			b->idx[k] = (int32_t)rng_below(rng, (uint64_t)r->size);
			b->weight[k] = 1.0f;
		}
		gather(r, b, n);
		return;
	}
	double total = r->sum[1], seg = total / n, pmin = r->min[1];
	float nbeta = (float)-beta;
	size_t leaves = (size_t)r->tree_cap;
	/* All n descents side by side, level by level: their loads overlap. */
	size_t *node = b->node;
	double *mass = b->mass;
	for (int k = 0; k < n; k++) {
		mass[k] = (k + rng_uniform(rng)) * seg;
		node[k] = 1;
	}
	for (size_t level = 1; level < leaves; level *= 2)
		for (int k = 0; k < n; k++)
			node[k] = descend(r->sum, node[k], &mass[k]);
	for (int k = 0; k < n; k++) {
		int j = (int)(node[k] - leaves);
		if (j >= r->size) /* cannot happen: empty leaves hold 0 */
			BUG("replay: sampled empty slot %d of %d", j, r->size);
		b->idx[k] = j;
		b->weight[k] = powf((float)(replay_priority(r, j) / pmin), nbeta);
	}
	gather(r, b, n);
}

void replay_update_priorities(struct replay *r, const int32_t *idx, const float *td, int n)
{
	for (int k = 0; k < n; k++) {
		double p = fabs((double)td[k]) + r->eps;
		if (p > r->max_priority)
			r->max_priority = p;
		tree_set(r, idx[k], prio_pow(r, p));
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
	b->node = xmalloc((size_t)n * sizeof(size_t));
	b->mass = xmalloc((size_t)n * sizeof(double));
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
	free(b->node);
	free(b->mass);
	memset(b, 0, sizeof(*b));
}
