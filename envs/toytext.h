/*
 * toytext.h - helpers shared by the tabular (toy-text) environments: a
 * transition model held in the state, Gymnasium's categorical sampling, and
 * the state-index plumbing (obs, set_state, model copy).
 */
#ifndef TOYTEXT_H
#define TOYTEXT_H

#include "env.h"

/*
 * Gymnasium's categorical_sample: the first i whose cumulative probability
 * exceeds u ~ U[0,1), or 0 when none does (numpy's argmax of all-false).
 */
int categorical_sample(const double *prob, int n, struct rng *rng);

/* Builder for a model: call tm_begin, then tm_add per transition in order, tm_next per (s,a). */
struct tm_builder {
	struct tabular_model *m;
	int cap, count, sa;
};
void tm_begin(struct tm_builder *b, struct tabular_model *m, int nS, int nA);
void tm_add(struct tm_builder *b, double prob, int next, double reward, int terminated);
void tm_next(struct tm_builder *b); /* closes the current (s, a) */
void tm_copy(const struct tabular_model *src, struct tabular_model *dst);

/* Samples a transition of (s, a); returns the next state. */
int tm_step(const struct tabular_model *m, int s, int a, struct rng *rng, double *reward,
	    int *terminated);
int tm_reset(const struct tabular_model *m, struct rng *rng);

/* Taxi: Gymnasium's action mask of state s (S, N, E, W, pickup, dropoff), in taxi.c. */
void taxi_action_mask(int s, unsigned char mask[6]);

#endif
