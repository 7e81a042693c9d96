/*
 * expdata.c - see expdata.h.
 */
#include "expdata.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include "h5store.h"
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

static int read_curve(const char *path, int use_eval, int smooth, struct exp_run *c)
{
	double *a = NULL, *b = NULL;
	long long da[2], db[2];
	if (use_eval) {
		if (h5_read_doubles(path, "/eval/step", &a, da) || h5_read_doubles(path, "/eval/returns", &b, db)) {
			free(a);
			return -1;
		}
		c->n = da[0];
		c->x = a;
		c->y = xcalloc((size_t)(c->n ? c->n : 1), sizeof(double));
		for (long long k = 0; k < c->n; k++)
			c->y[k] = stats_mean(b + k * db[1], (int)db[1]);
	} else {
		if (h5_read_doubles(path, "/episodes/return", &b, db))
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
	if (smooth > 1) {
		double s = 0, *raw = xmalloc((size_t)(c->n ? c->n : 1) * sizeof(double));
		memcpy(raw, c->y, (size_t)c->n * sizeof(double));
		for (long long k = 0; k < c->n; k++) {
			s += raw[k];
			if (k >= smooth)
				s -= raw[k - smooth];
			c->y[k] = s / (double)(k + 1 < smooth ? k + 1 : smooth);
		}
		free(raw);
	}
	return 0;
}

struct pending {
	int e, a;
	char *path;
	double final, auc;
	long long seed;
};

int expdata_load(struct expdata *d, struct sqlite3 *db, const char *experiment, const char *only_commit,
		 int smooth)
{
	memset(d, 0, sizeof(*d));
	const char *sql =
		"SELECT env_label, config_name, h5_path, final_return, config_json, auc, seed FROM runs r WHERE experiment = ?1"
		" AND status = 'complete' AND (?2 IS NULL OR git_commit LIKE ?2 || '%')"
		" AND id = (SELECT id FROM runs r2 WHERE r2.experiment = r.experiment AND r2.cell_id = r.cell_id"
		"   AND r2.status = 'complete' AND (?2 IS NULL OR r2.git_commit LIKE ?2 || '%')"
		"   ORDER BY r2.finished_at DESC, r2.id DESC LIMIT 1)"
		" ORDER BY cell_index";
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return error("cannot query runs: %s", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, experiment, -1, SQLITE_TRANSIENT);
	if (only_commit)
		sqlite3_bind_text(st, 2, only_commit, -1, SQLITE_TRANSIENT);
	struct pending *p = NULL;
	int np = 0, rc = -1, step;
	char **envs = NULL;
	d->use_eval = 1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *env = (const char *)sqlite3_column_text(st, 0);
		int before = d->nenvs;
		int e = index_of(&envs, &d->nenvs, env);
		if (d->nenvs > before) {
			d->envs = xrealloc(d->envs, (size_t)d->nenvs * sizeof(*d->envs));
			memset(&d->envs[e], 0, sizeof(d->envs[e]));
			d->envs[e].label = envs[e];
			d->envs[e].config_json = xstrdup((const char *)sqlite3_column_text(st, 4));
		}
		p = xrealloc(p, (size_t)(np + 1) * sizeof(*p));
		p[np].e = e;
		p[np].a = index_of(&d->algos, &d->nalgos, (const char *)sqlite3_column_text(st, 1));
		p[np].path = xstrdup((const char *)sqlite3_column_text(st, 2));
		p[np].final = sqlite3_column_type(st, 3) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 3);
		p[np].auc = sqlite3_column_type(st, 5) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 5);
		p[np].seed = sqlite3_column_int64(st, 6);
		double *x;
		long long dims[2];
		if (d->use_eval && h5_read_doubles(p[np].path, "/eval/step", &x, dims) == 0) {
			if (dims[0] == 0)
				d->use_eval = 0;
			free(x);
		} else if (d->use_eval) {
			np++;
			goto out;
		}
		np++;
	}
	if (step != SQLITE_DONE) {
		error("cannot query runs: %s", sqlite3_errmsg(db));
		goto out;
	}
	if (!np) {
		error("experiment '%s' has no complete runs%s%s in the database", experiment,
		      only_commit ? " at commit " : "", only_commit ? only_commit : "");
		goto out;
	}
	d->groups = xcalloc((size_t)d->nenvs * (size_t)d->nalgos, sizeof(*d->groups));
	for (int i = 0; i < np; i++) {
		struct exp_group *g = exp_group(d, p[i].e, p[i].a);
		g->runs = xrealloc(g->runs, (size_t)(g->nruns + 1) * sizeof(*g->runs));
		struct exp_run *r = &g->runs[g->nruns++];
		memset(r, 0, sizeof(*r));
		r->final = p[i].final;
		r->auc = p[i].auc;
		r->seed = p[i].seed;
		r->norm_final = NAN;
		if (read_curve(p[i].path, d->use_eval, smooth > 0 ? smooth : d->use_eval ? 1 : 10, r))
			goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	for (int i = 0; i < np; i++)
		free(p[i].path);
	free(p);
	free(envs);
	if (rc)
		expdata_release(d);
	return rc;
}

int expdata_normalize(struct expdata *d, struct sqlite3 *db, const char *source_hash)
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
	for (int a = 0; a < d->nalgos; a++)
		free(d->algos[a]);
	free(d->envs);
	free(d->algos);
	free(d->groups);
	memset(d, 0, sizeof(*d));
}
