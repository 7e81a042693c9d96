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
#include "params.h"
#include "rng.h"

/*
 * Observations have no size cap: obs_dim floats, callers allocate
 * info.obs_dim. ENV_MAX_BOUNDS is only the size of the per-element bounds
 * table; larger observations (images) have uniform bounds. ENV_MAX_OBS is
 * its old name, a buffer size the classic-control code and tests use.
 */
#define ENV_MAX_BOUNDS 16
#define ENV_MAX_OBS ENV_MAX_BOUNDS
#define ENV_MAX_STATE 16
#define ENV_MAX_RANK 3

enum space_kind { SPACE_DISCRETE, SPACE_BOX };

/*
 * How a box observation is stored. Observations always cross the interface
 * as float32; OBS_UINT8 promises every value is an integer in 0..255 and
 * OBS_BOOL every value is 0 or 1 (MinAtar's binary channels), so a replay
 * buffer may keep them as bytes or bits and give back the same floats
 * exactly.
 */
enum obs_dtype { OBS_FLOAT32, OBS_UINT8, OBS_BOOL };

struct env_info {
	enum space_kind obs_kind;
	int obs_n;   /* discrete: number of states */
	int obs_dim; /* box: length of the observation (product of obs_shape); discrete: 1 */
	/*
	 * Box shape, row-major: rank 1 (obs_dim) for vectors, rank 3 (C, H, W)
	 * for images, channels first (the layout conv layers take). An
	 * environment that leaves obs_rank 0 gets rank 1 (env_describe).
	 */
	int obs_rank;
	int obs_shape[ENV_MAX_RANK];
	enum obs_dtype obs_dtype;
	/* box bounds: per element when obs_dim <= ENV_MAX_BOUNDS and not obs_bounds_uniform;
	 * else obs_low[0] and obs_high[0] bound every element */
	int obs_bounds_uniform;
	float obs_low[ENV_MAX_BOUNDS], obs_high[ENV_MAX_BOUNDS];
	int n_actions;
	int state_dim; /* values taken by set_state (1 = a state index) */
};

/* "Box(4, float32)"-style text of the observation space (Gymnasium's words), into buf. */
void env_info_obs_text(const struct env_info *info, char *buf, size_t n);

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

	/* Optional: environments with their own generator (MinAtar's numpy MT19937,
	 * Gymnasium's reset(seed=S)) take reset(seed)'s seed here, before reset;
	 * rng is then theirs to ignore. */
	void (*seed)(void *state, uint64_t seed);
	void (*reset)(void *state, struct rng *rng, float *obs);
	/* action is valid here; reports `terminated` only (truncation is the wrapper's). */
	void (*step)(void *state, struct rng *rng, int action, float *obs, double *reward,
		     int *terminated);

	/* Optional: the internal state as Gymnasium holds it (float64, or the index). */
	int (*get_state)(const void *state, double *vals);
	int (*set_state)(void *state, const double *vals, int n, float *obs, char *why, size_t wn);
	/* Optional, tabular environments only. */
	int (*model)(const void *state, struct tabular_model *m);
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

/* "did you mean 'X'? " for an unknown environment id, or "" (suggest.h). */
const char *env_suggest(const char *name);

#endif
