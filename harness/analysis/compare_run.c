/*
 * compare_run.c - the rows of a `harness compare` report (compare_select.h):
 * for each comparison, per environment and aggregated over the normalisable
 * environments, the estimands, intervals and tests of compare_stats.h. The
 * t-test p-values of every row form one Holm family (the rank tests a
 * second); a row's verdict is "B better" or "A better" when its Holm-adjusted
 * t-test p is below alpha, else "no detectable difference" with the smallest
 * difference these runs could detect. Seeds are paired when every run of the
 * experiment was made with `paired_seeds = true`.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "compare.h"
#include "compare_select.h"
#include "compare_stats.h"
#include "util.h"

/*
 * Scores of a stratum, in A's run order: every run of each side, or with `paired` the runs of the
 * seeds present on both sides, b[i] the run of A's seed a[i]. Returns the counts in *na, *nb.
 */
static void stratum_scores(const struct exp_group *ga, const struct exp_group *gb, int norm, int paired, double *a,
			   int *na, double *b, int *nb)
{
	*na = *nb = 0;
	for (int r = 0; r < ga->nruns; r++) {
		const struct exp_run *ra = &ga->runs[r];
		if (!paired) {
			a[(*na)++] = norm ? ra->norm_final : ra->final;
			continue;
		}
		for (int o = 0; o < gb->nruns; o++)
			if (gb->runs[o].seed == ra->seed) {
				a[(*na)++] = norm ? ra->norm_final : ra->final;
				b[(*nb)++] = norm ? gb->runs[o].norm_final : gb->runs[o].final;
				break;
			}
	}
	for (int r = 0; !paired && r < gb->nruns; r++)
		b[(*nb)++] = norm ? gb->runs[r].norm_final : gb->runs[r].final;
}

/* One row: the strata of comparison c on env e (or every usable env when e < 0). */
static void compute_row(const struct expdata *d, const struct tuples *t, const int *envs, int ne,
			struct cmp_report *rep, struct cmp_row *row, const char *identity)
{
	int cap = t->n * ne, ns = 0;
	double **a = xcalloc((size_t)cap, sizeof(double *)), **b = xcalloc((size_t)cap, sizeof(double *));
	int *na = xcalloc((size_t)cap, sizeof(int)), *nb = xcalloc((size_t)cap, sizeof(int));
	row->identical = 1;
	for (int i = 0; i < ne; i++)
		for (int k = 0; k < t->n; k++) {
			const struct exp_group *ga = exp_group(d, envs[i], t->a[k]), *gb = exp_group(d, envs[i], t->b[k]);
			a[ns] = xcalloc((size_t)ga->nruns + 1, sizeof(double));
			b[ns] = xcalloc((size_t)gb->nruns + 1, sizeof(double));
			stratum_scores(ga, gb, row->env < 0, rep->paired, a[ns], &na[ns], b[ns], &nb[ns]);
			if (!na[ns] || !nb[ns]) {
				free(a[ns]);
				free(b[ns]);
				continue;
			}
			if (na[ns] != nb[ns] || memcmp(a[ns], b[ns], (size_t)na[ns] * sizeof(double)))
				row->identical = 0;
			ns++;
		}
	row->nstrata = ns;
	row->paired = rep->paired;
	row->valid = ns > 0;
	if (row->valid) {
		struct cmp_strata s = { ns, (const double *const *)a, na, (const double *const *)b, nb, rep->paired };
		cmp_run(&s, rep->resamples, rep->level, boot_seed(identity), &row->r);
		if (row->r.n_a < rep->min_n || rep->min_n == 0)
			rep->min_n = row->r.n_a;
		if (row->r.n_b < rep->min_n)
			rep->min_n = row->r.n_b;
	}
	for (int i = 0; i < ns; i++) {
		free(a[i]);
		free(b[i]);
	}
	free(a);
	free(b);
	free(na);
	free(nb);
}

/* Adds group g's failed runs (counted, with their score at failure) and undrawn cells (left out). */
static void count_group(const struct exp_group *g, int *failed, int *missing)
{
	*failed += g->nfailed;
	*missing += g->ncells - g->nruns;
}

int cmp_compute(const struct expdata *d, const struct tuples *tl, struct cmp_report *rep)
{
	int *all = xcalloc((size_t)d->nenvs, sizeof(int)), *usable = xcalloc((size_t)d->nenvs, sizeof(int));
	for (int c = 0; c < rep->ncomps; c++) {
		int nu = 0;
		for (int e = 0; e < d->nenvs; e++) {
			int ok = d->envs[e].norm_ok;
			for (int k = 0; ok && k < tl[c].n; k++)
				ok = exp_group(d, e, tl[c].a[k])->nruns && exp_group(d, e, tl[c].b[k])->nruns;
			if (ok)
				usable[nu++] = e;
		}
		for (int ee = 0; ee <= d->nenvs; ee++) { /* ee == nenvs: the aggregate row, last */
			if (ee == d->nenvs && nu < 2) /* an aggregate needs two environments */
				continue;
			rep->rows = xrealloc(rep->rows, (size_t)(rep->nrows + 1) * sizeof(*rep->rows));
			struct cmp_row *row = &rep->rows[rep->nrows++];
			memset(row, 0, sizeof(*row));
			row->comp = c;
			row->env = ee == d->nenvs ? -1 : ee;
			all[0] = ee;
			char *id = xstrfmt("compare|%s|%s|%s|%s|%s", rep->experiment, rep->score_key,
					   row->env < 0 ? "aggregate" : d->envs[ee].label, rep->comps[c].factor ? rep->comps[c].factor : "",
					   rep->comps[c].id);
			compute_row(d, &tl[c], row->env < 0 ? usable : all, row->env < 0 ? nu : 1, rep, row, id);
			free(id);
			for (int k = 0; k < tl[c].n; k++)
				for (int i = 0; i < (row->env < 0 ? nu : 1); i++) {
					int env = row->env < 0 ? usable[i] : ee;
					count_group(exp_group(d, env, tl[c].a[k]), &row->failed_a, &row->missing_a);
					count_group(exp_group(d, env, tl[c].b[k]), &row->failed_b, &row->missing_b);
				}
		}
		if (!rep->agg_envs && nu >= 2) {
			struct strbuf sb = {0};
			strbuf_addf(&sb, "%d of %d environments:", nu, d->nenvs);
			for (int i = 0; i < nu; i++)
				strbuf_addf(&sb, "%s %s", i ? "," : "", d->envs[usable[i]].label);
			rep->agg_envs = strbuf_detach(&sb);
		}
	}
	free(all);
	free(usable);
	/* Holm across the report: t-tests one family, rank tests another */
	double *p = xcalloc((size_t)rep->nrows + 1, sizeof(double)), *adj = xcalloc((size_t)rep->nrows + 1, sizeof(double));
	int *idx = xcalloc((size_t)rep->nrows + 1, sizeof(int));
	for (int fam = 0; fam < 2; fam++) {
		int m = 0;
		for (int i = 0; i < rep->nrows; i++) {
			struct cmp_row *r = &rep->rows[i];
			double v = fam ? r->r.p_rank : r->r.p_t;
			if (fam == 0)
				r->p_t_adj = NAN;
			else
				r->p_rank_adj = NAN;
			if (!r->valid || (fam && isnan(v)))
				continue;
			p[m] = isnan(v) ? 1 : v;
			idx[m++] = i;
		}
		holm_adjust(p, m, adj);
		for (int k = 0; k < m; k++) {
			if (fam)
				rep->rows[idx[k]].p_rank_adj = adj[k];
			else
				rep->rows[idx[k]].p_t_adj = adj[k];
		}
		if (fam)
			rep->nrank_family = m;
		else
			rep->nfamily = m;
	}
	int differ = 0;
	for (int i = 0; i < rep->nrows; i++) {
		struct cmp_row *r = &rep->rows[i];
		if (!r->valid)
			continue;
		r->mdd = r->identical ? 0 : cmp_mdd(r->r.se, r->r.df, rep->alpha / (rep->nfamily ? rep->nfamily : 1), rep->beta);
		if (r->p_t_adj < rep->alpha && r->r.mean_diff.point != 0)
			r->verdict = r->r.mean_diff.point > 0 ? VERDICT_B : VERDICT_A;
		differ |= r->verdict != VERDICT_NONE;
	}
	free(p);
	free(adj);
	free(idx);
	return differ;
}

/* Every run of the experiment made with paired seeds (the cell configuration records it). */
int cmp_all_paired(const struct expdata *d)
{
	for (int e = 0; e < d->nenvs; e++)
		if (!strstr(d->envs[e].config_json, "\"paired_seeds\":true"))
			return 0;
	return d->nenvs > 0;
}
