/*
 * toytext.c - see toytext.h.
 */
#include "toytext.h"

#include <stdlib.h>
#include <string.h>

int categorical_sample(const double *prob, int n, struct rng *rng)
{
	double u = rng_uniform(rng), cs = 0.0;
	for (int i = 0; i < n; i++) {
		cs += prob[i];
		if (cs > u)
			return i;
	}
	return 0;
}

void tm_begin(struct tm_builder *b, struct tabular_model *m, int nS, int nA)
{
	memset(m, 0, sizeof(*m));
	m->nS = nS;
	m->nA = nA;
	m->start = xcalloc((size_t)nS * nA + 1, sizeof(int));
	m->initial = xcalloc((size_t)nS, sizeof(double));
	b->m = m;
	b->cap = 0;
	b->count = 0;
	b->sa = 0;
}

void tm_add(struct tm_builder *b, double prob, int next, double reward, int terminated)
{
	struct tabular_model *m = b->m;
	if (b->count == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		m->prob = xrealloc(m->prob, (size_t)b->cap * sizeof(double));
		m->next = xrealloc(m->next, (size_t)b->cap * sizeof(int));
		m->reward = xrealloc(m->reward, (size_t)b->cap * sizeof(double));
		m->terminated = xrealloc(m->terminated, (size_t)b->cap);
	}
	m->prob[b->count] = prob;
	m->next[b->count] = next;
	m->reward[b->count] = reward;
	m->terminated[b->count] = (unsigned char)!!terminated;
	b->count++;
}

void tm_next(struct tm_builder *b)
{
	b->sa++;
	b->m->start[b->sa] = b->count;
}

void tm_copy(const struct tabular_model *src, struct tabular_model *dst)
{
	int nt = src->start[src->nS * src->nA];
	dst->nS = src->nS;
	dst->nA = src->nA;
	dst->start = xmalloc(((size_t)src->nS * src->nA + 1) * sizeof(int));
	memcpy(dst->start, src->start, ((size_t)src->nS * src->nA + 1) * sizeof(int));
	dst->prob = xmalloc((size_t)(nt ? nt : 1) * sizeof(double));
	memcpy(dst->prob, src->prob, (size_t)nt * sizeof(double));
	dst->next = xmalloc((size_t)(nt ? nt : 1) * sizeof(int));
	memcpy(dst->next, src->next, (size_t)nt * sizeof(int));
	dst->reward = xmalloc((size_t)(nt ? nt : 1) * sizeof(double));
	memcpy(dst->reward, src->reward, (size_t)nt * sizeof(double));
	dst->terminated = xmalloc((size_t)(nt ? nt : 1));
	memcpy(dst->terminated, src->terminated, (size_t)nt);
	dst->initial = xmalloc((size_t)src->nS * sizeof(double));
	memcpy(dst->initial, src->initial, (size_t)src->nS * sizeof(double));
}

int tm_step(const struct tabular_model *m, int s, int a, struct rng *rng, double *reward,
	    int *terminated)
{
	int lo = m->start[s * m->nA + a], hi = m->start[s * m->nA + a + 1];
	int i = lo + categorical_sample(m->prob + lo, hi - lo, rng);
	*reward = m->reward[i];
	*terminated = m->terminated[i];
	return m->next[i];
}

int tm_reset(const struct tabular_model *m, struct rng *rng)
{
	return categorical_sample(m->initial, m->nS, rng);
}
