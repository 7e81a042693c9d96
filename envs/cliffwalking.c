/*
 * cliffwalking.c - CliffWalking-v1 (alias CliffWalking-v0), as Gymnasium's
 * gymnasium/envs/toy_text/cliffwalking.py (Sutton & Barto, example 6.6).
 *
 * Contract: a 4x12 grid, state = row * 12 + col, start 36 (row 3, col 0),
 * goal 47, cliff cells 37..46. Actions 0 up, 1 right, 2 down, 3 left; a move
 * off the grid stays in place. Every (s, a), the goal and cliff cells
 * included, gets Gymnasium's transitions in its order: stepping onto the cliff
 * gives -100 and returns to the start, not terminated; any other move gives
 * -1 and terminates when it lands on the goal. With is_slippery the moves
 * (a-1)%4, a, (a+1)%4 each happen with probability 1/3, in that order.
 * The start distribution puts all its mass on 36. No time limit (Gymnasium
 * registers none).
 */
#include "toytext.h"

#include <stdio.h>

#define NROW 4
#define NCOL 12

static const struct param_def cliffwalking_options[] = {
	{ "is_slippery", PARAM_BOOL, "false", 0, 0, NULL,
	  "moves slip: (a-1)%4, a, (a+1)%4 with probability 1/3 each" },
	PARAM_END
};

static const int delta[4][2] = { { -1, 0 }, { 0, 1 }, { 1, 0 }, { 0, -1 } }; /* (drow, dcol) */

struct cliffwalking {
	struct tabular_model m;
	int s;
};

static int cliffwalking_configure(const struct params *o, struct env_info *info, char *why,
				  size_t n)
{
	(void)o;
	(void)why;
	(void)n;
	info->obs_kind = SPACE_DISCRETE;
	info->obs_n = NROW * NCOL;
	info->obs_dim = 1;
	info->n_actions = 4;
	info->state_dim = 1;
	return 0;
}

static void add_outcome(struct tm_builder *b, int row, int col, int move, double prob)
{
	int r = row + delta[move][0], c = col + delta[move][1];
	r = r < 0 ? 0 : r > NROW - 1 ? NROW - 1 : r;
	c = c < 0 ? 0 : c > NCOL - 1 ? NCOL - 1 : c;
	if (r == NROW - 1 && c >= 1 && c <= NCOL - 2)
		tm_add(b, prob, (NROW - 1) * NCOL, -100.0, 0);
	else
		tm_add(b, prob, r * NCOL + c, -1.0, r == NROW - 1 && c == NCOL - 1);
}

static int cliffwalking_init(void *state, const struct params *o)
{
	struct cliffwalking *cw = state;
	int slippery = params_bool(o, "is_slippery");
	struct tm_builder b;
	tm_begin(&b, &cw->m, NROW * NCOL, 4);
	for (int s = 0; s < NROW * NCOL; s++) {
		int row = s / NCOL, col = s % NCOL;
		for (int a = 0; a < 4; a++) {
			if (slippery) {
				add_outcome(&b, row, col, (a + 3) % 4, 1.0 / 3);
				add_outcome(&b, row, col, a, 1.0 / 3);
				add_outcome(&b, row, col, (a + 1) % 4, 1.0 / 3);
			} else {
				add_outcome(&b, row, col, a, 1.0 / 1);
			}
			tm_next(&b);
		}
	}
	cw->m.initial[(NROW - 1) * NCOL] = 1.0;
	return 0;
}

static void cliffwalking_release(void *state)
{
	tabular_model_release(&((struct cliffwalking *)state)->m);
}

static void cliffwalking_reset(void *state, struct rng *rng, float *obs)
{
	struct cliffwalking *cw = state;
	cw->s = tm_reset(&cw->m, rng);
	obs[0] = (float)cw->s;
}

static void cliffwalking_step(void *state, struct rng *rng, int action, float *obs,
			      double *reward, int *terminated)
{
	struct cliffwalking *cw = state;
	cw->s = tm_step(&cw->m, cw->s, action, rng, reward, terminated);
	obs[0] = (float)cw->s;
}

static int cliffwalking_get_state(const void *state, double *vals)
{
	vals[0] = ((const struct cliffwalking *)state)->s;
	return 1;
}

static int cliffwalking_set_state(void *state, const double *vals, int n, float *obs, char *why,
				  size_t wn)
{
	struct cliffwalking *cw = state;
	(void)n;
	if (!(vals[0] >= 0 && vals[0] < cw->m.nS) || vals[0] != (int)vals[0]) {
		snprintf(why, wn, "state must be an integer in [0, %d), got %g", cw->m.nS, vals[0]);
		return -1;
	}
	cw->s = (int)vals[0];
	obs[0] = (float)cw->s;
	return 0;
}

static int cliffwalking_model(const void *state, struct tabular_model *m)
{
	tm_copy(&((const struct cliffwalking *)state)->m, m);
	return 0;
}

const struct env_vtable cliffwalking_vtable = {
	.name = "cliffwalking",
	.options = cliffwalking_options,
	.state_size = sizeof(struct cliffwalking),
	.configure = cliffwalking_configure,
	.init = cliffwalking_init,
	.release = cliffwalking_release,
	.reset = cliffwalking_reset,
	.step = cliffwalking_step,
	.get_state = cliffwalking_get_state,
	.set_state = cliffwalking_set_state,
	.model = cliffwalking_model,
};
