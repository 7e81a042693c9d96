/*
 * frozenlake.c - FrozenLake-v1 and FrozenLake8x8-v1, as Gymnasium's
 * gymnasium/envs/toy_text/frozen_lake.py: the same maps, the same transition
 * table P[s][a] in the same order (slippery: the moves (a-1)%4, a, (a+1)%4,
 * the intended one with probability success_rate, the others
 * (1-success_rate)/2 each), reward 1 on reaching G, terminated on G or H,
 * start uniform over the S cells, sampling by cumulative probability.
 * Actions: 0 left, 1 down, 2 right, 3 up. Observation: row * ncol + col.
 */
#include "toytext.h"

#include <stdlib.h>
#include <string.h>

static const char *const map_4x4 = "SFFF/FHFH/FFFH/HFFG";
static const char *const map_8x8 =
	"SFFFFFFF/FFFFFFFF/FFFHFFFF/FFFFFHFF/FFFHFFFF/FHHFFFHF/FHFFHFHF/FFFHFFFG";

static const struct param_def frozenlake_options[] = {
	{ "map_name", PARAM_STRING, "4x4", 0, 0, "4x4|8x8", "built-in map (ignored when desc is given)" },
	{ "desc", PARAM_STRING, "", 0, 0, NULL,
	  "custom map, rows separated by '/', cells S start, F frozen, H hole, G goal" },
	{ "is_slippery", PARAM_BOOL, "true", 0, 0, NULL, "moves slip to a perpendicular direction" },
	{ "success_rate", PARAM_FLOAT, "0.3333333333333333", 0, 1, NULL,
	  "slippery: probability of the intended move" },
	PARAM_END
};

struct frozenlake {
	int nrow, ncol;
	char *cells; /* (nrow * ncol) */
	struct tabular_model m;
	int s;
};

/* Parses the map into *cells; 0 or -1 with why. */
static int parse_map(const struct params *o, int *nrow, int *ncol, char **cells, char *why, size_t n)
{
	const char *desc = params_str(o, "desc");
	if (!desc[0])
		desc = strcmp(params_str(o, "map_name"), "8x8") ? map_4x4 : map_8x8;
	int rows = 0, cols = -1, cur = 0, starts = 0;
	size_t len = strlen(desc);
	char *out = xcalloc(len + 1, 1);
	int k = 0;
	for (size_t i = 0; i <= len; i++) {
		char c = desc[i];
		if (c == '/' || c == ',' || c == '\0') {
			if (cols >= 0 && cur != cols) {
				snprintf(why, n, "desc: row %d has %d cells, row 1 has %d", rows + 1, cur, cols);
				goto fail;
			}
			if (cur == 0) {
				snprintf(why, n, "desc: row %d is empty", rows + 1);
				goto fail;
			}
			cols = cur;
			cur = 0;
			rows++;
			continue;
		}
		if (!strchr("SFHG", c)) {
			snprintf(why, n, "desc: cell '%c' is not one of S, F, H, G", c);
			goto fail;
		}
		starts += c == 'S';
		out[k++] = c;
		cur++;
	}
	if (!starts) {
		snprintf(why, n, "desc: the map has no start cell 'S'");
		goto fail;
	}
	if (rows * cols > 1 << 20) {
		snprintf(why, n, "desc: the map is too large");
		goto fail;
	}
	*nrow = rows;
	*ncol = cols;
	if (cells)
		*cells = out;
	else
		free(out);
	return 0;
fail:
	free(out);
	return -1;
}

static int frozenlake_configure(const struct params *o, struct env_info *info, char *why, size_t n)
{
	int nrow, ncol;
	if (parse_map(o, &nrow, &ncol, NULL, why, n))
		return -1;
	info->obs_kind = SPACE_DISCRETE;
	info->obs_n = nrow * ncol;
	info->obs_dim = 1;
	info->n_actions = 4;
	info->state_dim = 1;
	return 0;
}

static void move(const struct frozenlake *f, int row, int col, int a, int *r, int *c)
{
	switch (a) {
	case 0: col = col > 0 ? col - 1 : 0; break;
	case 1: row = row < f->nrow - 1 ? row + 1 : f->nrow - 1; break;
	case 2: col = col < f->ncol - 1 ? col + 1 : f->ncol - 1; break;
	case 3: row = row > 0 ? row - 1 : 0; break;
	}
	*r = row;
	*c = col;
}

static void add_move(struct tm_builder *b, const struct frozenlake *f, int row, int col, int a,
		     double prob)
{
	int r, c;
	move(f, row, col, a, &r, &c);
	char letter = f->cells[r * f->ncol + c];
	tm_add(b, prob, r * f->ncol + c, letter == 'G' ? 1.0 : 0.0, letter == 'G' || letter == 'H');
}

static int frozenlake_init(void *state, const struct params *o)
{
	struct frozenlake *f = state;
	char why[256];
	if (parse_map(o, &f->nrow, &f->ncol, &f->cells, why, sizeof(why)))
		return error("%s", why);
	int slippery = params_bool(o, "is_slippery");
	double sr = params_float(o, "success_rate");
	int nS = f->nrow * f->ncol;
	struct tm_builder b;
	tm_begin(&b, &f->m, nS, 4);
	for (int row = 0; row < f->nrow; row++) {
		for (int col = 0; col < f->ncol; col++) {
			int s = row * f->ncol + col;
			char letter = f->cells[s];
			for (int a = 0; a < 4; a++) {
				if (letter == 'G' || letter == 'H') {
					tm_add(&b, 1.0, s, 0.0, 1);
				} else if (slippery) {
					add_move(&b, f, row, col, (a + 3) % 4, (1.0 - sr) / 2.0);
					add_move(&b, f, row, col, a, sr);
					add_move(&b, f, row, col, (a + 1) % 4, (1.0 - sr) / 2.0);
				} else {
					add_move(&b, f, row, col, a, 1.0);
				}
				tm_next(&b);
			}
		}
	}
	int starts = 0;
	for (int s = 0; s < nS; s++)
		starts += f->cells[s] == 'S';
	for (int s = 0; s < nS; s++)
		f->m.initial[s] = f->cells[s] == 'S' ? 1.0 / starts : 0.0;
	return 0;
}

static void frozenlake_release(void *state)
{
	struct frozenlake *f = state;
	free(f->cells);
	tabular_model_release(&f->m);
}

static void frozenlake_reset(void *state, struct rng *rng, float *obs)
{
	struct frozenlake *f = state;
	f->s = tm_reset(&f->m, rng);
	obs[0] = (float)f->s;
}

static void frozenlake_step(void *state, struct rng *rng, int action, float *obs, double *reward,
			    int *terminated)
{
	struct frozenlake *f = state;
	f->s = tm_step(&f->m, f->s, action, rng, reward, terminated);
	obs[0] = (float)f->s;
}

static int frozenlake_get_state(const void *state, double *vals)
{
	vals[0] = ((const struct frozenlake *)state)->s;
	return 1;
}

static int frozenlake_set_state(void *state, const double *vals, int n, float *obs, char *why,
				size_t wn)
{
	struct frozenlake *f = state;
	(void)n;
	if (!(vals[0] >= 0 && vals[0] < f->m.nS) || vals[0] != (double)(int)vals[0]) {
		snprintf(why, wn, "state must be an integer in [0, %d), got %g", f->m.nS, vals[0]);
		return -1;
	}
	f->s = (int)vals[0];
	obs[0] = (float)f->s;
	return 0;
}

static int frozenlake_model(const void *state, struct tabular_model *m)
{
	tm_copy(&((const struct frozenlake *)state)->m, m);
	return 0;
}

const struct env_vtable frozenlake_vtable = {
	.name = "frozenlake",
	.options = frozenlake_options,
	.state_size = sizeof(struct frozenlake),
	.configure = frozenlake_configure,
	.init = frozenlake_init,
	.release = frozenlake_release,
	.reset = frozenlake_reset,
	.step = frozenlake_step,
	.get_state = frozenlake_get_state,
	.set_state = frozenlake_set_state,
	.model = frozenlake_model,
};
