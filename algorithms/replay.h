/*
 * replay.h - experience replay: a ring buffer of transitions in flat arrays,
 * uniform or prioritized (proportional PER, Schaul et al. 2016).
 *
 * A transition is (obs, action, reward, next_obs, discount, done): reward is
 * the (n-step) return, discount the factor gamma^k to apply to the bootstrap
 * value of next_obs, done = 1 when the episode terminated (no bootstrap).
 * Slots are overwritten oldest first once the buffer holds cap transitions.
 *
 * Prioritized: leaf j of a sum-tree and a min-tree (double, implicit heap:
 * root 1, children 2i and 2i+1, leaf j at tree_cap + j) holds p_j^alpha
 * (the power is taken in single precision, powf, as the TD errors are float).
 * New transitions get the largest priority seen so far (1 at first);
 * replay_update_priorities sets p_j = |td_j| + eps. Sampling is stratified:
 * the total mass is cut into n equal segments and one index drawn
 * proportionally inside each. Importance weights w_j = (N P(j))^-beta
 * normalised by the largest possible weight, i.e. (p_j / p_min)^-beta
 * with p_j the stored (alpha-powered) priority. The n descents of a batch
 * run side by side, level by level and without branches, so that their
 * memory loads overlap.
 *
 * Storage of observations (replay_init_typed): float32 rows, or, for
 * observations an environment declares integer-valued (env.h obs_dtype),
 * bytes (REPLAY_OBS_U8, values 0..255) or bits (REPLAY_OBS_BITS, values
 * 0/1, packed 8 per byte, LSB first). A batch always holds float32 rows, the
 * same floats that were added, so learning is unchanged by the storage: a
 * 100,000-transition MinAtar Seaquest buffer (1000 binary values per
 * observation) takes 25 MB of bits instead of 800 MB of floats.
 *
 * Invariants (replay_check): every inner node of the sum-tree equals the sum
 * of its children, of the min-tree the smaller child; leaves past `size`
 * hold 0 (sum) and +inf (min).
 */
#ifndef REPLAY_H
#define REPLAY_H

#include <stddef.h>
#include <stdint.h>
#include "rng.h"

enum replay_obs { REPLAY_OBS_F32, REPLAY_OBS_U8, REPLAY_OBS_BITS };

struct replay {
	int cap, obs_dim;
	enum replay_obs storage;
	size_t row_bytes;  /* bytes of one stored observation */
	int size;          /* transitions held */
	int pos;           /* next slot written */
	float *obs;        /* (cap, obs_dim), float32 storage */
	float *next_obs;   /* (cap, obs_dim) */
	uint8_t *obs_b;    /* (cap, row_bytes), byte or bit storage */
	uint8_t *next_b;   /* (cap, row_bytes) */
	int32_t *action;   /* (cap) */
	float *reward;     /* (cap) */
	float *discount;   /* (cap) */
	uint8_t *done;     /* (cap) */
	int prioritized;
	int tree_cap;      /* leaves: the smallest power of two >= cap */
	double *sum;       /* (2 tree_cap) */
	double *min;       /* (2 tree_cap) */
	double alpha, eps;
	double max_priority; /* largest |td| + eps seen (before ^alpha) */
};

/* A sampled batch: x holds obs rows then next_obs rows, so one forward can take both. */
struct replay_batch {
	int n, obs_dim;
	int32_t *idx;      /* (n) slots */
	float *x;          /* (2n, obs_dim) */
	float *obs;        /* = x */
	float *next_obs;   /* = x + n obs_dim */
	int32_t *action;   /* (n) */
	float *reward;     /* (n) */
	float *discount;   /* (n) */
	float *not_done;   /* (n) 1 - done */
	float *weight;     /* (n) importance weights, 1 when uniform */
	size_t *node;      /* (n) scratch: tree descents */
	double *mass;      /* (n) scratch */
};

int replay_init(struct replay *r, int cap, int obs_dim, int prioritized, double alpha, double eps);
/* The same with observations stored as storage (float32 for replay_init). */
int replay_init_typed(struct replay *r, int cap, int obs_dim, enum replay_obs storage,
		      int prioritized, double alpha, double eps);
/* Bytes of one stored observation of obs_dim values. */
size_t replay_row_bytes(enum replay_obs storage, int obs_dim);
void replay_release(struct replay *r);
/* Returns the slot written. */
int replay_add(struct replay *r, const float *obs, int action, float reward, const float *next_obs,
	       float discount, int done);
/* n draws with replacement: uniform, or stratified proportional with weights for beta. */
void replay_sample(struct replay *r, struct rng *rng, int n, double beta, struct replay_batch *b);
/* p_j = |td_j| + eps for the n slots idx. */
void replay_update_priorities(struct replay *r, const int32_t *idx, const float *td, int n);
/* The stored priority p_j^alpha of slot j. */
double replay_priority(const struct replay *r, int j);
/* The slot whose prefix-sum interval holds mass (0 <= mass < total). */
int replay_find_prefix(const struct replay *r, double mass);
/* 0 when the tree invariants hold; else -1 with the first violation in why. */
int replay_check(const struct replay *r, char *why, size_t n);

void replay_batch_init(struct replay_batch *b, int n, int obs_dim);
void replay_batch_release(struct replay_batch *b);

#endif
