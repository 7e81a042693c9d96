/*
 * expdata.c - see expdata.h.
 */
#include "expdata.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "stats.h"
#include "util.h"

static int index_of(char ***names, int *n, const char *s)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp((*names)[i], s))
			return i;
	*names = xrealloc(*names, (size_t)(*n + 1) * sizeof(**names));
	(*names)[*n] = xstrdup(s);
	return (*n)++;
}

/* The raw curve of a run: evaluation means by env step, or training returns by episode. */
static int read_curve(const char *path, int use_eval, struct exp_run *c)
{
	double *a = NULL, *b = NULL;
	long long da[2], db[2];
	if (use_eval) {
		if (store_read_series(path, "eval/step", &a, da) || store_read_series(path, "eval/returns", &b, db)) {
			free(a);
			return -1;
		}
		c->n = da[0] < db[0] ? da[0] : db[0];
		c->x = a;
		c->y = xcalloc((size_t)(c->n ? c->n : 1), sizeof(double));
		for (long long k = 0; k < c->n; k++)
			c->y[k] = stats_mean(b + k * db[1], (int)db[1]);
	} else {
		if (store_read_series(path, "episodes/return", &b, db))
			return -1;
		c->n = db[0];
		c->x = xcalloc((size_t)(c->n ? c->n : 1), sizeof(double));
		c->y = xcalloc((size_t)(c->n ? c->n : 1), sizeof(double));
		for (long long k = 0; k < c->n; k++) {
			c->x[k] = (double)(k + 1);
			c->y[k] = b[k];
		}
	}
	free(b);
	return 0;
}

static void smooth_curve(struct exp_run *c, int smooth)
{
	if (smooth <= 1 || !c->n)
		return;
	double s = 0, *raw = xmalloc((size_t)c->n * sizeof(double));
	memcpy(raw, c->y, (size_t)c->n * sizeof(double));
	for (long long k = 0; k < c->n; k++) {
		s += raw[k];
		if (k >= smooth)
			s -= raw[k - smooth];
		c->y[k] = s / (double)(k + 1 < smooth ? k + 1 : smooth);
	}
	free(raw);
}

/* A failed run's curve carried forward at its last value (or fill) to the x of the group's longest. */
static void pad_failed(struct exp_group *g, double fill)
{
	int longest = -1;
	for (int r = 0; r < g->nruns; r++)
		if (longest < 0 || g->runs[r].n > g->runs[longest].n)
			longest = r;
	for (int r = 0; longest >= 0 && r < g->nruns; r++) {
		struct exp_run *c = &g->runs[r];
		const struct exp_run *l = &g->runs[longest];
		if (!c->failed)
			continue;
		if (isnan(c->final))
			c->final = fill;
		if (c->n >= l->n)
			continue;
		double last = c->n ? c->y[c->n - 1] : fill;
		c->x = xrealloc(c->x, (size_t)l->n * sizeof(double));
		c->y = xrealloc(c->y, (size_t)l->n * sizeof(double));
		for (long long k = c->n; k < l->n; k++) {
			c->x[k] = l->x[k];
			c->y[k] = last;
		}
		c->n = l->n;
	}
}

void exp_group_n(const struct exp_group *g, struct strbuf *sb)
{
	strbuf_addf(sb, "n=%d", g->nruns);
	if (g->nruns != g->ncells)
		strbuf_addf(sb, " of %d", g->ncells);
	if (g->nfailed)
		strbuf_addf(sb, ", %d failed", g->nfailed);
	if (g->nother)
		strbuf_addf(sb, ", %d other code version", g->nother);
}

int expdata_load(struct expdata *d, const struct selection *sel, int smooth)
{
	memset(d, 0, sizeof(*d));
	const struct spec *s = sel->spec;
	int *ce = xcalloc((size_t)s->ncells + 1, sizeof(int)), *ca = xcalloc((size_t)s->ncells + 1, sizeof(int));
	char **envs = NULL;
	int rc = -1, drawn = 0;
	d->use_eval = 1;
	for (int i = 0; i < s->ncells; i++) {
		const struct cell *c = &s->cells[i];
		int before = d->nenvs;
		ce[i] = index_of(&envs, &d->nenvs, c->env_label);
		if (d->nenvs > before) {
			d->envs = xrealloc(d->envs, (size_t)d->nenvs * sizeof(*d->envs));
			memset(&d->envs[ce[i]], 0, sizeof(d->envs[ce[i]]));
			d->envs[ce[i]].label = envs[ce[i]];
			d->envs[ce[i]].config_json = xstrdup(c->config_json);
		}
		int na = d->nalgos;
		ca[i] = index_of(&d->algos, &d->nalgos, c->config_name);
		if (d->nalgos > na) {
			d->display = xrealloc(d->display, (size_t)d->nalgos * sizeof(*d->display));
			d->display[ca[i]] = xstrdup(c->label ? c->label : c->config_name);
		}
		if (!(c->eval.every > 0 && c->eval.episodes > 0))
			d->use_eval = 0;
		drawn += cell_pick_drawn(&sel->cells[i]);
	}
	d->groups = xcalloc((size_t)d->nenvs * (size_t)d->nalgos, sizeof(*d->groups));
	if (!drawn) {
		error("experiment '%s' has no complete or failed run of its spec's cells%s%s", s->name,
		      sel->n[CELL_OTHER_VERSION] ? " at this code version (see --other-versions)" : "",
		      sel->n[CELL_OTHER_VERSION] ? "" : " in the database");
		goto out;
	}
	for (int i = 0; i < s->ncells; i++) {
		const struct cell_pick *p = &sel->cells[i];
		struct exp_group *g = exp_group(d, ce[i], ca[i]);
		g->ncells++;
		if (!cell_pick_drawn(p))
			continue;
		g->runs = xrealloc(g->runs, (size_t)(g->nruns + 1) * sizeof(*g->runs));
		struct exp_run *r = &g->runs[g->nruns++];
		memset(r, 0, sizeof(*r));
		r->final = p->rec.final_return;
		r->auc = p->rec.auc;
		r->seed = s->cells[i].seed;
		r->norm_final = NAN;
		r->failed = p->state == CELL_FAILED;
		r->other_version = p->other_version;
		g->nfailed += r->failed;
		g->nother += r->other_version;
		d->nfailed += r->failed;
		d->nother += r->other_version;
		if (read_curve(p->rec.h5_path, d->use_eval, r))
			goto out;
	}
	for (int e = 0; e < d->nenvs; e++) {
		double fill = NAN; /* the lowest final score of the environment's runs */
		for (int a = 0; a < d->nalgos; a++) {
			const struct exp_group *g = exp_group(d, e, a);
			for (int r = 0; r < g->nruns; r++)
				if (!isnan(g->runs[r].final) && !(g->runs[r].final >= fill))
					fill = g->runs[r].final;
		}
		for (int a = 0; a < d->nalgos; a++) {
			struct exp_group *g = exp_group(d, e, a);
			pad_failed(g, fill);
			for (int r = 0; r < g->nruns; r++)
				smooth_curve(&g->runs[r], smooth > 0 ? smooth : d->use_eval ? 1 : 10);
		}
	}
	expdata_make_labels(d);
	rc = 0;
out:
	free(ce);
	free(ca);
	free(envs);
	if (rc)
		expdata_release(d);
	return rc;
}

void expdata_make_labels(struct expdata *d)
{
	for (int a = 0; d->labels && a < d->nalgos; a++)
		free(d->labels[a]);
	free(d->labels);
	d->labels = xcalloc((size_t)d->nalgos + 1, sizeof(*d->labels));
	for (int a = 0; a < d->nalgos; a++) {
		struct exp_group sum = { 0 };
		for (int e = 0; e < d->nenvs; e++) {
			const struct exp_group *g = exp_group(d, e, a);
			sum.nruns += g->nruns;
			sum.ncells += g->ncells;
			sum.nfailed += g->nfailed;
			sum.nother += g->nother;
		}
		struct strbuf sb = {0};
		strbuf_addf(&sb, "%s (", d->display[a]);
		exp_group_n(&sum, &sb);
		strbuf_addstr(&sb, ")");
		d->labels[a] = strbuf_detach(&sb);
	}
}

int expdata_normalize(struct expdata *d, struct store *db, const char *source_hash)
{
	for (int e = 0; e < d->nenvs; e++) {
		struct exp_env *env = &d->envs[e];
		if (norm_env(db, env->config_json, source_hash, &env->norm)) {
			warning("environment '%s' left out of normalised scores", env->label);
			env->norm_ok = 0;
			env->norm.reference = NAN;
		} else {
			env->norm_ok = !isnan(norm_score(&env->norm, 0));
		}
		for (int a = 0; a < d->nalgos; a++) {
			struct exp_group *g = exp_group(d, e, a);
			for (int r = 0; r < g->nruns; r++)
				g->runs[r].norm_final = norm_score(&env->norm, g->runs[r].final);
		}
	}
	return 0;
}

void expdata_release(struct expdata *d)
{
	for (int e = 0; e < d->nenvs; e++) {
		for (int a = 0; d->groups && a < d->nalgos; a++) {
			struct exp_group *g = exp_group(d, e, a);
			for (int r = 0; r < g->nruns; r++) {
				free(g->runs[r].x);
				free(g->runs[r].y);
			}
			free(g->runs);
		}
		free(d->envs[e].label);
		free(d->envs[e].config_json);
	}
	for (int a = 0; a < d->nalgos; a++) {
		free(d->algos[a]);
		if (d->labels)
			free(d->labels[a]);
		if (d->display)
			free(d->display[a]);
	}
	free(d->labels);
	free(d->display);
	free(d->envs);
	free(d->algos);
	free(d->groups);
	memset(d, 0, sizeof(*d));
}
