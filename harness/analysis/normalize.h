/*
 * normalize.h - normalised scores per environment, for aggregating across
 * environments (Agarwal et al. 2021):
 *
 *   normalised = (score - random) / (reference - random)
 *
 * random: the mean undiscounted return of a uniform-random policy measured by
 * the harness itself on the environment with the cell's options:
 * NORM_RANDOM_EPISODES episodes, actions and resets from fixed seeds
 * (NORM_RANDOM_SEED), each episode cut at the environment's time limit or,
 * without one, at the cell's evaluation cap (eval.max_episode_steps). It is
 * cached in the results database (table random_scores, schema version 2),
 * keyed by environment id, options, episodes, seed, cap and the code version
 * that measured it.
 *
 * reference: for tabular environments (a transition model) the optimal
 * expected return from the start distribution under the time limit
 * (finite-horizon backward induction over the model, gamma 1) or, without a
 * time limit, by value iteration (envs/dp.h); otherwise the registry's reward
 * threshold (NAN if none: the environment cannot be normalised).
 */
#ifndef NORMALIZE_H
#define NORMALIZE_H

#include <stdint.h>
#include "env.h"

#define NORM_RANDOM_EPISODES 100
#define NORM_RANDOM_SEED 20211112ULL

struct store;

struct env_norm {
	double random;
	double reference;           /* NAN: none */
	const char *reference_kind; /* "optimal", "threshold" or "none" */
	int cached;                 /* 1 if random came from the database */
};

/*
 * Mean return of the uniform-random policy over `episodes` episodes; the env
 * is reset with `seed` once and then continues its stream (Gymnasium's
 * reset()), the policy draws from its own generator seeded from seed + 1.
 * Episodes end at termination, truncation or max_steps steps (0: no cap).
 */
int norm_random_score(const char *env_id, const struct params *opts, int max_steps, int episodes,
		      uint64_t seed, double *mean);

/*
 * Optimal expected return from the start distribution of a tabular env:
 * horizon > 0: exact finite-horizon optimum (backward induction, gamma 1);
 * horizon == 0: value iteration (gamma 1). -1 if the env has no model.
 */
int norm_optimal_value(const struct env *e, int horizon, double *v);

/*
 * The normalisation of the environment of a run: config_json is the run's
 * runs.config_json (env id and options, eval cap). db may be NULL (no cache);
 * a read-only store reads the cache but does not add to it.
 */
int norm_env(struct store *db, const char *config_json, const char *source_hash, struct env_norm *out);

/* (score - random) / (reference - random); NAN when the env cannot be normalised. */
double norm_score(const struct env_norm *n, double score);

#endif
