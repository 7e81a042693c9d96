/*
 * minatar_env.c - the MinAtar games (minatar.h) as registered environments:
 * MinAtar/<Game>-v0 (all 6 actions, what the MinAtar paper used) and
 * MinAtar/<Game>-v1 (the game's minimal action set, action i meaning
 * minimal_actions[i]), as MinAtar's own Gymnasium registration.
 *
 * Options: sticky_action_prob (0.1) and difficulty_ramping (true), MinAtar's
 * Environment defaults. No time limit (Freeway ends itself after 2500
 * frames); `terminated` is the game's terminal flag, `truncated` never set.
 *
 * Observation: Box(C, 10, 10) bool, MinAtar's (10, 10, C) boolean state
 * transposed to channels first (obs[c][y][x] = state[y][x][c]) so that conv
 * layers take it as is; values 0 or 1, passed as float32.
 *
 * Seeding (the env_vtable seed hook): reset with seed S < 2^32 is MinAtar's
 * env.seed(S) = numpy RandomState(S), exactly Python's reset(seed=S); a
 * larger S (the harness's 64-bit derived seeds nearly always are) is
 * RandomState([S & 0xffffffff, S >> 32]), which Python reproduces too. The
 * generator is MinAtar's own (one MT19937 shared by sticky actions and the
 * game); the harness's rng is not used. A reset without a seed continues
 * the stream, and the sticky last action carries across episodes, as in
 * MinAtar.
 *
 * A game missing from minatar_games[] makes configure fail with a reason,
 * so its ids are listed but cannot be made.
 */
#include "env.h"

#include <stdio.h>
#include <string.h>

#include "minatar.h"
#include "simd.h"

static const struct param_def minatar_options[] = {
	{ "sticky_action_prob", PARAM_FLOAT, "0.1", 0, 1, NULL,
	  "probability that the previous action is repeated instead of the chosen one" },
	{ "difficulty_ramping", PARAM_BOOL, "true", 0, 1, NULL,
	  "the game speeds up as the player progresses (MinAtar's default)" },
	PARAM_END
};

struct menv {
	struct minatar m;
	int minimal;                      /* -v1: actions map through minimal_actions */
	uint8_t grid[MINATAR_GRID * MINATAR_GRID * MINATAR_MAX_CHANNELS]; /* (10, 10, C) */
};

static int configure(const char *game, int minimal, const struct params *opts,
		     struct env_info *info, char *why, size_t n)
{
	(void)opts;
	const struct minatar_game *g = minatar_game_find(game);
	if (!g) {
		snprintf(why, n, "the MinAtar game '%s' is not built into this harness", game);
		return -1;
	}
	info->obs_kind = SPACE_BOX;
	info->obs_dtype = OBS_BOOL;
	info->obs_rank = 3;
	info->obs_shape[0] = g->channels;
	info->obs_shape[1] = MINATAR_GRID;
	info->obs_shape[2] = MINATAR_GRID;
	info->obs_dim = g->channels * MINATAR_GRID * MINATAR_GRID;
	info->obs_bounds_uniform = 1;
	info->obs_low[0] = 0.0f;
	info->obs_high[0] = 1.0f;
	info->n_actions = minimal ? g->n_minimal : MINATAR_ACTIONS;
	info->state_dim = 0;
	return 0;
}

static int init(const char *game, int minimal, void *state, const struct params *opts)
{
	struct menv *e = state;
	const struct minatar_game *g = minatar_game_find(game);
	if (!g)
		return -1;
	e->minimal = minimal;
	return minatar_init(&e->m, g, params_float(opts, "sticky_action_prob"),
			    params_bool(opts, "difficulty_ramping"));
}

static void release(void *state)
{
	minatar_release(&((struct menv *)state)->m);
}

static void seed(void *state, uint64_t s)
{
	struct menv *e = state;
	if (s < ((uint64_t)1 << 32))
		minatar_seed32(&e->m, (uint32_t)s);
	else
		minatar_seed64(&e->m, s);
}

/*
 * (10, 10, C) -> (C, 10, 10). The grid is sparse (a few dozen of up to 1000
 * cells set), so the observation is cleared and only the nonzero cells are
 * moved, found eight bytes at a time, instead of a strided gather of every
 * cell: the same values, Seaquest's env steps/s 1.9M -> 3.5M.
 */
HOT_LOOP static void observe(struct menv *e, float *obs)
{
	const int C = e->m.game->channels, P = MINATAR_GRID * MINATAR_GRID, N = C * P;
	const uint8_t *g = e->grid;
	minatar_render(&e->m, e->grid);
	memset(obs, 0, (size_t)N * sizeof(float));
	for (int i = 0; i < N; i += 8) { /* grid has room past N (MINATAR_MAX_CHANNELS), all zero */
		uint64_t w;
		memcpy(&w, g + i, sizeof(w));
		if (!w)
			continue;
		for (int k = i; k < i + 8 && k < N; k++)
			if (g[k])
				obs[(k % C) * P + k / C] = (float)g[k];
	}
}

static void reset(void *state, struct rng *rng, float *obs)
{
	(void)rng;
	struct menv *e = state;
	minatar_reset(&e->m);
	observe(e, obs);
}

static void step(void *state, struct rng *rng, int action, float *obs, double *reward,
		 int *terminated)
{
	(void)rng;
	struct menv *e = state;
	int a = e->minimal ? e->m.game->minimal_actions[action] : action, r = 0, t = 0;
	minatar_act(&e->m, a, &r, &t);
	*reward = r;
	*terminated = t;
	observe(e, obs);
}

/* One vtable per (game, action set): configure and init know which game. */
#define MINATAR_ENV(game, v, minimal)                                                        \
	static int configure_##game##_##v(const struct params *o, struct env_info *i, char *w, \
					  size_t n)                                             \
	{                                                                                     \
		return configure(#game, minimal, o, i, w, n);                                 \
	}                                                                                     \
	static int init_##game##_##v(void *s, const struct params *o)                         \
	{                                                                                     \
		return init(#game, minimal, s, o);                                            \
	}                                                                                     \
	const struct env_vtable minatar_##game##_##v##_vtable = {                             \
		.name = "minatar_" #game,                                                     \
		.options = minatar_options,                                                   \
		.state_size = sizeof(struct menv),                                            \
		.configure = configure_##game##_##v,                                          \
		.init = init_##game##_##v,                                                    \
		.release = release,                                                           \
		.seed = seed,                                                                 \
		.reset = reset,                                                               \
		.step = step,                                                                 \
	};

MINATAR_ENV(asterix, v0, 0)
MINATAR_ENV(asterix, v1, 1)
MINATAR_ENV(breakout, v0, 0)
MINATAR_ENV(breakout, v1, 1)
MINATAR_ENV(freeway, v0, 0)
MINATAR_ENV(freeway, v1, 1)
MINATAR_ENV(seaquest, v0, 0)
MINATAR_ENV(seaquest, v1, 1)
MINATAR_ENV(space_invaders, v0, 0)
MINATAR_ENV(space_invaders, v1, 1)
