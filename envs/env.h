/*
 * env.h - the environment interface, registered by Gymnasium id.
 *
 * An environment is a const struct env_vtable: its option table, how its
 * options shape its spaces (configure), and reset/step functions over a
 * caller-allocated state block, writing float32 observations into
 * caller-owned buffers. The generic layer (env.c) owns what Gymnasium's
 * wrappers do: the seeded generator, the TimeLimit truncation, refusing an
 * invalid action and a step after the episode ended. It never auto-resets.
 *
 * Gymnasium semantics kept exactly: `terminated` (the MDP reached a terminal
 * state) and `truncated` (the time limit cut the episode) are separate flags
 * and may both be set; reset(seed) reseeds the generator, reset() without a
 * seed continues its stream. Discrete observations are passed as one float
 * holding the state index (exact below 2^24).
 */
#ifndef ENV_H
#define ENV_H

#include <stddef.h>
#include <stdint.h>
#include "../harness/params.h"
#include "../harness/rng.h"

#define ENV_MAX_OBS 16
#define ENV_MAX_STATE 16

enum space_kind { SPACE_DISCRETE, SPACE_BOX };

struct env_info {
	enum space_kind obs_kind;
	int obs_n;   /* discrete: number of states */
	int obs_dim; /* box: length of the observation; discrete: 1 */
	float obs_low[ENV_MAX_OBS], obs_high[ENV_MAX_OBS]; /* box bounds */
	int n_actions;
	int state_dim; /* values taken by set_state (1 = a state index) */
};

/*
 * Full transition model of a tabular environment, in Gymnasium's order:
 * the transitions of (s, a) are entries start[s*nA+a] .. start[s*nA+a+1]-1.
 */
struct tabular_model {
	int nS, nA;
	int *start;           /* (nS*nA + 1) */
	double *prob;         /* (ntrans) */
	int *next;            /* (ntrans) */
	double *reward;       /* (ntrans) */
	unsigned char *terminated; /* (ntrans) */
	double *initial;      /* (nS) start-state distribution */
};
void tabular_model_release(struct tabular_model *m);

struct env_vtable {
	const char *name; /* implementation name, e.g. "frozenlake" */
	const struct param_def *options;
	size_t state_size; /* bytes of the implementation's state block */

	/* Checks options together and fills the spaces; on error writes why. */
	int (*configure)(const struct params *opts, struct env_info *info, char *why, size_t n);
	/* Sets up state from validated options (state is zeroed, state_size bytes). */
	int (*init)(void *state, const struct params *opts);
	void (*release)(void *state);

	void (*reset)(void *state, struct rng *rng, float *obs);
	/* action is valid here; reports `terminated` only (truncation is the wrapper's). */
	void (*step)(void *state, struct rng *rng, int action, float *obs, double *reward,
		     int *terminated);

	/* Optional: the internal state as Gymnasium holds it (float64, or the index). */
	int (*get_state)(const void *state, double *vals);
	int (*set_state)(void *state, const double *vals, int n, float *obs, char *why, size_t wn);
	/* Optional, tabular environments only. */
	int (*model)(const void *state, struct tabular_model *m);
	/* Optional: the seed given to the next reset (Gymnasium's reset(seed=S)),
	 * for implementations that seed a generator of their own. */
	void (*seed)(void *state, uint64_t seed);
	/* Optional, asked after every reset and step: the error of that call
	 * (NULL: none; the episode is then over) and whether the implementation
	 * truncated the episode itself (its own time limit). */
	const char *(*status)(void *state, int *truncated);
};

/* A registered id: an implementation, option defaults, time limit, threshold. */
struct env_spec {
	const char *id;
	const struct env_vtable *vt;
	const char *option_defaults; /* "k=v;k=v" applied over the table's, or NULL */
	int max_episode_steps;       /* 0: no time limit */
	double reward_threshold;     /* NAN: none */
	const char *doc;
};

extern const struct env_spec env_registry[];
extern const int env_registry_len;

const struct env_spec *env_lookup(const char *id);
/* The option defaults of a registered id (table defaults plus the id's overrides). */
void env_options_init(const struct env_spec *spec, struct params *opts);
/* Checks options and computes the spaces without making an environment. */
int env_describe(const struct env_spec *spec, const struct params *opts, struct env_info *info,
		 char *why, size_t n);

struct env {
	const struct env_spec *spec;
	struct env_info info;
	struct params opts;
	struct rng rng;
	void *state;
	int elapsed;      /* steps since reset */
	int need_reset;   /* no reset yet, or the episode ended */
	int max_episode_steps;
};

/* opts may be NULL (defaults). Errors are reported through error(). */
int env_make(struct env **out, const char *id, const struct params *opts);
void env_free(struct env *e);
/* seed may be NULL: continue the generator's stream (Gymnasium's reset()). */
int env_reset(struct env *e, const uint64_t *seed, float *obs);
int env_step(struct env *e, int action, float *obs, double *reward, int *terminated,
	     int *truncated);
/* Sets the internal state after a reset (classic control: float64 values). */
int env_set_state(struct env *e, const double *vals, int n, float *obs);
int env_model(const struct env *e, struct tabular_model *m);

#endif
