/*
 * spec.h - experiment specs (experiments/NAME.cfg, libconfig syntax) and
 * their expansion into the matrix of cells: environments x algorithm
 * configurations (with swept keys expanded) x seeds.
 *
 * Every cell carries its resolved configuration as canonical JSON, a
 * config hash (SHA-256 of that JSON) and three seeds derived by
 * seed_derive(): they depend only on the spec seed, the environment (id and
 * all options), the algorithm config (learner and all hyperparameters) and
 * the seed value, so adding or removing other cells never changes them.
 *
 * Errors name file, line and key: "experiments/x.cfg:12: 'learning_rate': ...".
 */
#ifndef SPEC_H
#define SPEC_H

#include <stdint.h>
#include "learner.h"
#include "env.h"
#include "params.h"

struct budget {
	long long steps;    /* > 0: stop after this many env steps */
	long long episodes; /* > 0: stop after this many episodes */
};

struct eval_sched {
	long long every;       /* evaluate every N env steps (0: never) */
	int episodes;          /* greedy episodes per evaluation */
	int max_episode_steps; /* cap of an evaluation episode (envs without a time limit) */
};

struct cell {
	int index;             /* position in the matrix (spec order) */
	char *cell_id;         /* "<env label>/<config name>/seed=<k>" */
	char *env_label;       /* id, plus the options the spec set: "FrozenLake-v1(map_name=8x8)" */
	char *env_key;         /* id + canonical JSON of all options (seed derivation) */
	const struct env_spec *env;
	struct params env_opts;
	char *config_name;     /* "ql" or "ql[learning_rate=0.1]" */
	char *label;           /* the spec's display label of the configuration (placeholders expanded), or NULL */
	const struct learner_spec *learner;
	struct params hp;      /* fully resolved hyperparameters */
	struct budget budget;
	struct eval_sched eval;
	long long seed;        /* the seed value from the spec's seeds */
	uint64_t env_seed, learner_seed, eval_seed;
	char algo_hash[65];    /* SHA-256 of {"learner":..,"hparams":..} (params_to_json_learning) */
	char config_hash[65];  /* SHA-256 of config_json */
	char *config_json;     /* everything that determines the run's results */
	char code_version[65]; /* of the code this cell runs (code_version_for_cell): with config_hash,
				* what decides whether it re-runs; recorded as the run's source_hash */
};

struct spec {
	char *path;
	char *name;
	char *description;
	uint64_t seed;
	int paired_seeds;      /* env and eval seeds shared by every configuration of an environment */
	char spec_sha256[65];  /* of the file's bytes */
	struct cell *cells;
	int ncells;
	int nenvs, nconfigs, nseeds;
};

/* Reads and validates path; expands the matrix. 0, or -1 after error(). */
int spec_load(struct spec *s, const char *path);
/*
 * portable: every hyperparameter flagged PARAM_KERNEL (DQN's `portable`) is
 * set to true: plain-C matrix kernels instead of OpenBLAS, so the learner's
 * results are bit-identical across CPU types (the spec key `portable = true;`
 * does the same).
 */
int spec_load_opts(struct spec *s, const char *path, int portable);
void spec_release(struct spec *s);

/*
 * The documented seed derivation: the first 8 bytes, read little-endian, of
 * SHA-256("harness-seed-v1|<spec_seed>|<env_key>|<algo_hash>|<seed>|<stream>"),
 * stream one of "env", "learner", "eval".
 */
uint64_t seed_derive(uint64_t spec_seed, const char *env_key, const char *algo_hash,
		     long long seed, const char *stream);

/* A NAME is [A-Za-z0-9_.-]+, not starting with '.' (no path characters). */
int valid_experiment_name(const char *name);

#endif
