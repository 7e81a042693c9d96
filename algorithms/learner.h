/*
 * learner.h - the learner interface.
 *
 * A learner is a const struct learner_vtable plus its hyperparameter table
 * (struct param_def: name, type, default, range, doc), which drives spec
 * parsing, validation, `harness learners` and the stored config. Registered
 * names are presets: an implementation plus hyperparameter overrides, so that
 * "q_learning" and "sarsa" can share one Q-table implementation and an
 * ablation is one spec file.
 *
 * Lifecycle: check (hyperparameters against the environment's spaces) ->
 * create (with the run's learner seed: all of the learner's randomness comes
 * from it) -> act / observe per step -> free. act() is the training policy
 * (it explores); act_greedy() is the evaluation policy and draws any
 * randomness it needs (tie-breaking) from the caller's generator, so that
 * evaluating never perturbs training.
 *
 * observe() gets every transition with Gymnasium's two flags: no bootstrap
 * after `terminated`, bootstrap from next_obs after `truncated`. It returns
 * -1 with a reason (e.g. "diverged at step N") when training cannot go on.
 *
 * checkpoint() (optional) hands the harness the learner's parameters at the
 * end of a run: the runner calls it once after the last step (also after a
 * failed observe), before free, and the run file stores what it added under
 * /checkpoint (h5store.h). A learner adds nothing unless its own boolean
 * hyperparameter `checkpoint` is true; one without the hook stores nothing.
 * Its table row carries PARAM_OMIT_DEFAULT | PARAM_NO_SEED (params.h):
 * params_to_json leaves it out while it is false and seed derivation always,
 * so turning it on stores more but changes no result.
 */
#ifndef LEARNER_H
#define LEARNER_H

#include <stddef.h>
#include <stdint.h>
#include "env.h"
#include "params.h"
#include "rng.h"

/*
 * A learner's parameters as named float32 arrays plus attributes, owning
 * copies of everything. Names are paths below /checkpoint ("layer0/W");
 * arrays are row-major, 1-D (dims[0]) or 2-D (dims[0], dims[1]). Integer
 * attributes: n == 1 a scalar, n > 1 a 1-D array.
 */
#define CHECKPOINT_MAX_ATTRS 24 /* 9 of every DQN, 3 of a conv trunk, 1 noisy, 5 of a head */
#define CHECKPOINT_MAX_INTS 16

struct checkpoint_array {
	char *name;
	int rank;          /* 1 or 2 */
	long long dims[2]; /* dims[1] = 1 when rank is 1 */
	float *data;       /* (dims[0], dims[1]) */
};

struct checkpoint_attr {
	char *name;
	char *str;         /* a string attribute, or NULL for integers */
	int n;
	long long ints[CHECKPOINT_MAX_INTS];
};

struct checkpoint {
	int n_arrays, n_attrs;
	struct checkpoint_array *arrays; /* (n_arrays) */
	struct checkpoint_attr attrs[CHECKPOINT_MAX_ATTRS];
};

/* cols = 0: a 1-D array of rows values. */
void checkpoint_add_array(struct checkpoint *ck, const char *name, const float *data,
			  long long rows, long long cols);
void checkpoint_add_ints(struct checkpoint *ck, const char *name, const long long *v, int n);
void checkpoint_add_str(struct checkpoint *ck, const char *name, const char *s);
const struct checkpoint_array *checkpoint_find(const struct checkpoint *ck, const char *name);
void checkpoint_release(struct checkpoint *ck);

struct learner_vtable {
	const char *name;
	const struct param_def *params;
	int (*check)(const struct params *hp, const struct env_info *env, char *why, size_t n);
	void *(*create)(const struct params *hp, const struct env_info *env, uint64_t seed);
	int (*act)(void *self, const float *obs);
	int (*act_greedy)(void *self, const float *obs, struct rng *rng);
	int (*observe)(void *self, const float *obs, int action, double reward,
		       const float *next_obs, int terminated, int truncated, char *why, size_t n);
	void (*free)(void *self);
	/* Optional (NULL: the learner stores no parameters). */
	void (*checkpoint)(void *self, struct checkpoint *ck);
	/* Results depend on the BLAS kernel (bit-identical only on the same CPU type). */
	int uses_blas;
};

/* A registered learner name: an implementation plus overrides ("k=v;k=v"). */
struct learner_spec {
	const char *name;
	const struct learner_vtable *vt;
	const char *overrides;
	const char *doc;
};

extern const struct learner_spec learner_registry[];
extern const int learner_registry_len;

const struct learner_spec *learner_lookup(const char *name);
/* Defaults of a registered learner: the table's, then the preset's overrides. */
void learner_params_init(const struct learner_spec *spec, struct params *hp);

/* Epsilon schedules shared by the learners that explore epsilon-greedily. */
#define EPSILON_PARAMS                                                                       \
	{ "epsilon_schedule", PARAM_STRING, "constant", 0, 0, "constant|linear|exponential",  \
	  "how epsilon moves from epsilon to epsilon_min" },                                  \
	{ "epsilon", PARAM_FLOAT, "0.1", 0, 1, NULL, "exploration rate at step 0" },          \
	{ "epsilon_min", PARAM_FLOAT, "0.01", 0, 1, NULL, "final epsilon (linear) or floor (exponential)" }, \
	{ "epsilon_decay_steps", PARAM_INT, "10000", 1, 1e12, NULL,                           \
	  "linear: steps from epsilon to epsilon_min" },                                      \
	{ "epsilon_decay_rate", PARAM_FLOAT, "0.999", 0, 1, NULL,                              \
	  "exponential: factor applied per step" }

struct epsilon_schedule {
	int kind; /* 0 constant, 1 linear, 2 exponential */
	double start, min, rate;
	long long decay_steps;
};
void epsilon_schedule_init(struct epsilon_schedule *e, const struct params *hp);
double epsilon_at(const struct epsilon_schedule *e, long long step);

/* "did you mean 'X'? " for an unknown learner, or "" (suggest.h). */
const char *learner_suggest(const char *name);

#endif
