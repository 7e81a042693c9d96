/*
 * taxi.c - Taxi-v4 and Taxi-v3, as Gymnasium's gymnasium/envs/toy_text/taxi.py
 * (Dietterich 2000).
 *
 * Contract: 500 states encoded as ((taxi_row * 5 + taxi_col) * 5 + pass_loc)
 * * 4 + dest_idx, pass_loc 0..3 the R, G, Y, B stands (0,0), (0,4), (4,0),
 * (4,3) and 4 "in the taxi". Actions 0 south, 1 north, 2 east, 3 west,
 * 4 pickup, 5 dropoff. Walls as Gymnasium's map; rewards -1 per step, -10 for
 * an illegal pickup or dropoff, +20 for the dropoff at the destination, which
 * terminates. A dropoff at another stand leaves the passenger there (-1).
 * The transition table P[s][a] is built in Gymnasium's order; the start
 * distribution is uniform over the 300 states with the passenger waiting at a
 * stand other than the destination (1/300 each).
 *
 * Taxi-v4 has Gymnasium 1.4's options: is_rainy (moves go the intended way
 * with rainy_probability, else to either side; P lists intended, left, right)
 * and fickle_passenger (with fickle_probability, drawn at reset, the
 * passenger picks another destination uniformly on the first move of the taxi
 * with the passenger aboard). Fickleness lives outside P, as in Gymnasium, so
 * with fickle_passenger the model is refused (it would not describe the env).
 * Taxi-v3 is Gymnasium 1.1's id: the same default dynamics, and no options
 * (its is_rainy / fickle_passenger were different and are not reproduced).
 */
#include "toytext.h"

#include <stdio.h>

static const struct param_def taxi_options[] = {
	{ "is_rainy", PARAM_BOOL, "false", 0, 0, NULL,
	  "moves go the intended way with rainy_probability, else to a side" },
	{ "rainy_probability", PARAM_FLOAT, "0.8", 0, 1, NULL,
	  "is_rainy: probability of the intended move (each side gets half the rest)" },
	{ "fickle_passenger", PARAM_BOOL, "false", 0, 0, NULL,
	  "the passenger may change destination on the first move after pickup" },
	{ "fickle_probability", PARAM_FLOAT, "0.3", 0, 1, NULL,
	  "fickle_passenger: probability, drawn at reset, that the passenger is fickle" },
	PARAM_END
};

static const char *const map[7] = {
	"+---------+",
	"|R: | : :G|",
	"| : | : : |",
	"| : : : : |",
	"| | : | : |",
	"|Y| : |B: |",
	"+---------+",
};
static const int locs[4][2] = { { 0, 0 }, { 0, 4 }, { 4, 0 }, { 4, 3 } };
#define MAX_ROW 4
#define MAX_COL 4
#define NS 500
#define NA 6

struct taxi {
	struct tabular_model m;
	int s;
	int fickle;         /* fickle_passenger */
	double fickle_prob;
	int fickle_step;    /* this episode's passenger is (still) fickle */
};

static int encode(int row, int col, int pass, int dest)
{
	return ((row * 5 + col) * 5 + pass) * 4 + dest;
}

static void decode(int s, int *row, int *col, int *pass, int *dest)
{
	*dest = s % 4;
	s /= 4;
	*pass = s % 5;
	s /= 5;
	*col = s % 5;
	*row = s / 5;
}

static int loc_index(int row, int col)
{
	for (int i = 0; i < 4; i++)
		if (locs[i][0] == row && locs[i][1] == col)
			return i;
	return -1;
}

static int east_open(int row, int col) { return map[1 + row][2 * col + 2] == ':'; }
static int west_open(int row, int col) { return map[1 + row][2 * col] == ':'; }

/* Option values, or Gymnasium's defaults for an id without options (Taxi-v3). */
static int opt_bool(const struct params *o, const char *name)
{
	return param_find(o->defs, name) ? params_bool(o, name) : 0;
}

static double opt_float(const struct params *o, const char *name, double def)
{
	return param_find(o->defs, name) ? params_float(o, name) : def;
}

/* Pickup and dropoff (Gymnasium's _pickup / _dropoff). */
static void pickup(int row, int col, int *pass, double *reward)
{
	if (*pass < 4 && locs[*pass][0] == row && locs[*pass][1] == col)
		*pass = 4;
	else
		*reward = -10;
}

static void dropoff(int row, int col, int *pass, int dest, double *reward, int *terminated)
{
	int at = loc_index(row, col);
	if (at == dest && *pass == 4) {
		*pass = dest;
		*terminated = 1;
		*reward = 20;
	} else if (at >= 0 && *pass == 4) {
		*pass = at;
	} else {
		*reward = -10;
	}
}

static void add_dry(struct tm_builder *b, int row, int col, int pass, int dest, int a)
{
	int nrow = row, ncol = col, npass = pass, term = 0;
	double reward = -1;
	if (a == 0)
		nrow = row + 1 < MAX_ROW ? row + 1 : MAX_ROW;
	else if (a == 1)
		nrow = row - 1 > 0 ? row - 1 : 0;
	if (a == 2 && east_open(row, col))
		ncol = col + 1 < MAX_COL ? col + 1 : MAX_COL;
	else if (a == 3 && west_open(row, col))
		ncol = col - 1 > 0 ? col - 1 : 0;
	else if (a == 4)
		pickup(row, col, &npass, &reward);
	else if (a == 5)
		dropoff(row, col, &npass, dest, &reward, &term);
	tm_add(b, 1.0, encode(nrow, ncol, npass, dest), reward, term);
}

static int clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

/* Gymnasium's _calc_new_position: a lateral drift, blocked by a wall. */
static void drift(int row, int col, const int mv[2], int *r, int *c)
{
	int nr = clamp(row + mv[0], 0, MAX_ROW), nc = clamp(col + mv[1], 0, MAX_COL);
	if ((mv[1] == 1 && map[1 + nr][2 * nc] != ':') ||
	    (mv[1] == -1 && map[1 + nr][2 * nc + 2] != ':')) {
		nr = row;
		nc = col;
	}
	*r = nr;
	*c = nc;
}

/* (forward, left, right) per heading, as Gymnasium's rainy table. */
static const int rainy_moves[4][3][2] = {
	{ { 1, 0 }, { 0, 1 }, { 0, -1 } },
	{ { -1, 0 }, { 0, -1 }, { 0, 1 } },
	{ { 0, 1 }, { -1, 0 }, { 1, 0 } },
	{ { 0, -1 }, { 1, 0 }, { -1, 0 } },
};

static void add_rainy(struct tm_builder *b, int row, int col, int pass, int dest, int a,
		      double p, double lateral)
{
	int nrow = row, ncol = col, npass = pass, term = 0;
	int lr = row, lc = col, rr = row, rc = col;
	double reward = -1;
	if ((a == 0 && row < MAX_ROW) || (a == 1 && row > 0) || (a == 2 && east_open(row, col)) ||
	    (a == 3 && west_open(row, col))) {
		nrow = clamp(row + rainy_moves[a][0][0], 0, MAX_ROW);
		ncol = clamp(col + rainy_moves[a][0][1], 0, MAX_COL);
		drift(row, col, rainy_moves[a][1], &lr, &lc);
		drift(row, col, rainy_moves[a][2], &rr, &rc);
	} else if (a == 4) {
		pickup(row, col, &npass, &reward);
	} else if (a == 5) {
		dropoff(row, col, &npass, dest, &reward, &term);
	}
	if (a <= 3) {
		tm_add(b, p, encode(nrow, ncol, npass, dest), -1, term);
		tm_add(b, lateral, encode(lr, lc, npass, dest), -1, term);
		tm_add(b, lateral, encode(rr, rc, npass, dest), -1, term);
	} else {
		tm_add(b, 1.0, encode(nrow, ncol, npass, dest), reward, term);
	}
}

static int taxi_configure(const struct params *o, struct env_info *info, char *why, size_t n)
{
	(void)o;
	(void)why;
	(void)n;
	info->obs_kind = SPACE_DISCRETE;
	info->obs_n = NS;
	info->obs_dim = 1;
	info->n_actions = NA;
	info->state_dim = 1;
	return 0;
}

static int taxi_init(void *state, const struct params *o)
{
	struct taxi *t = state;
	int rainy = opt_bool(o, "is_rainy");
	double p = opt_float(o, "rainy_probability", 0.8);
	double lateral = (1.0 - p) / 2.0;
	t->fickle = opt_bool(o, "fickle_passenger");
	t->fickle_prob = opt_float(o, "fickle_probability", 0.3);

	/* Gymnasium fills P[s][a] in the order (row, col, pass, dest, action) = state order. */
	struct tm_builder b;
	tm_begin(&b, &t->m, NS, NA);
	for (int s = 0; s < NS; s++) {
		int row, col, pass, dest;
		decode(s, &row, &col, &pass, &dest);
		for (int a = 0; a < NA; a++) {
			if (rainy)
				add_rainy(&b, row, col, pass, dest, a, p, lateral);
			else
				add_dry(&b, row, col, pass, dest, a);
			tm_next(&b);
		}
		t->m.initial[s] = pass < 4 && pass != dest ? 1.0 / 300.0 : 0.0;
	}
	return 0;
}

static void taxi_release(void *state)
{
	tabular_model_release(&((struct taxi *)state)->m);
}

static void taxi_reset(void *state, struct rng *rng, float *obs)
{
	struct taxi *t = state;
	t->s = tm_reset(&t->m, rng);
	t->fickle_step = t->fickle && rng_uniform(rng) < t->fickle_prob;
	obs[0] = (float)t->s;
}

static void taxi_step(void *state, struct rng *rng, int action, float *obs, double *reward,
		      int *terminated)
{
	struct taxi *t = state;
	int s = tm_step(&t->m, t->s, action, rng, reward, terminated);
	if (t->fickle_step) {
		int r0, c0, p0, d0, r1, c1, p1, d1;
		decode(t->s, &r0, &c0, &p0, &d0);
		decode(s, &r1, &c1, &p1, &d1);
		if (p0 == 4 && (r1 != r0 || c1 != c0)) {
			t->fickle_step = 0;
			int k = (int)rng_below(rng, 3); /* uniform over the other three */
			s = encode(r1, c1, p1, k < d0 ? k : k + 1);
		}
	}
	t->s = s;
	obs[0] = (float)s;
}

void taxi_action_mask(int s, unsigned char mask[6])
{
	int row, col, pass, dest;
	decode(s, &row, &col, &pass, &dest);
	int at = loc_index(row, col);
	mask[0] = row < MAX_ROW;
	mask[1] = row > 0;
	mask[2] = col < MAX_COL && east_open(row, col);
	mask[3] = col > 0 && west_open(row, col);
	mask[4] = pass < 4 && at == pass;
	mask[5] = pass == 4 && at >= 0;
}

static int taxi_get_state(const void *state, double *vals)
{
	vals[0] = ((const struct taxi *)state)->s;
	return 1;
}

static int taxi_set_state(void *state, const double *vals, int n, float *obs, char *why,
			  size_t wn)
{
	struct taxi *t = state;
	(void)n;
	if (!(vals[0] >= 0 && vals[0] < NS) || vals[0] != (int)vals[0]) {
		snprintf(why, wn, "state must be an integer in [0, %d), got %g", NS, vals[0]);
		return -1;
	}
	t->s = (int)vals[0];
	obs[0] = (float)t->s;
	return 0;
}

static int taxi_model(const void *state, struct tabular_model *m)
{
	const struct taxi *t = state;
	if (t->fickle)
		return error("Taxi: the transition model does not describe fickle_passenger");
	tm_copy(&t->m, m);
	return 0;
}

const struct env_vtable taxi_vtable = {
	.name = "taxi",
	.options = taxi_options,
	.state_size = sizeof(struct taxi),
	.configure = taxi_configure,
	.init = taxi_init,
	.release = taxi_release,
	.reset = taxi_reset,
	.step = taxi_step,
	.get_state = taxi_get_state,
	.set_state = taxi_set_state,
	.model = taxi_model,
};

/* Taxi-v3: the same environment without the options. */
const struct env_vtable taxi_v3_vtable = {
	.name = "taxi-v3",
	.options = NULL,
	.state_size = sizeof(struct taxi),
	.configure = taxi_configure,
	.init = taxi_init,
	.release = taxi_release,
	.reset = taxi_reset,
	.step = taxi_step,
	.get_state = taxi_get_state,
	.set_state = taxi_set_state,
	.model = taxi_model,
};
