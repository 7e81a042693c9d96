/*
 * cmd_compare.c - `harness compare NAME`: does configuration B beat A?
 *
 *   harness compare NAME A B            B against A
 *   harness compare NAME --all-pairs    every pair, the later configuration as B
 *   harness compare NAME --factor KEY   main effect of a swept key: each level against the first,
 *                                       averaged over the levels of the other swept keys
 *
 * Reads the experiment's selection (store.h's rule, as plot: the cells of its
 * current spec, each at one code version; failed runs count with their score
 * at failure, cells without a usable run are left out and counted; expdata.h),
 * scores each run
 * (score.h: final by default), and for each comparison computes per
 * environment and aggregated over the normalisable environments the
 * estimands, intervals and tests of compare_stats.h. The t-test p-values of
 * every row form one Holm family (the rank tests a second); a row's verdict
 * is "B better" or "A better" when its Holm-adjusted t-test p is below alpha,
 * else "no detectable difference". Seeds are paired when every run of the
 * experiment was made with `paired_seeds = true`.
 *
 * Exit status: 0 no detectable difference in any row, 1 some row differs
 * significantly, 2 error (like diff(1)).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "options.h"
#include "compare.h"
#include "compare_report.h"
#include "compare_select.h"
#include "expdata.h"
#include "expview.h"
#include "labels.h"
#include "provenance.h"
#include "results.h"
#include "score.h"
#include "spec.h"

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

static int compute(const struct expdata *d, const struct tuples *tl, struct cmp_report *rep)
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
static int all_paired(const struct expdata *d)
{
	for (int e = 0; e < d->nenvs; e++)
		if (!strstr(d->envs[e].config_json, "\"paired_seeds\":true"))
			return 0;
	return d->nenvs > 0;
}

static const char *const compare_lines[] = {
	"compare NAME A B [options]",
	"compare NAME --all-pairs [options]",
	"compare NAME --factor KEY [--factor KEY2 ...] | --factors [options]", NULL
};
static const struct usage compare_usage = {
	"compare", compare_lines,
	"Does configuration B beat A? For each comparison, per environment and aggregated over the\n"
	"environments that can be normalised: the difference of means and of IQMs (B - A) with\n"
	"stratified bootstrap intervals, the probability of improvement P(B > A) with its interval,\n"
	"Welch's t-test and the Mann-Whitney U test (with paired seeds: the paired t-test and the\n"
	"Wilcoxon signed-rank test), p-values Holm-corrected across the report, and a verdict:\n"
	"'B better', 'A better' or 'no detectable difference' with the smallest difference these\n"
	"runs could detect. Higher scores are better.\n\n"
	"  A B             two configuration names (as 'harness list NAME' prints them) or labels",
	"Writes results/NAME/compare/TAG.md, TAG.tex and the figure TAG.png|pdf (mean differences\n"
	"with intervals, one panel per environment).\n\n"
	"exit status: 0 no detectable difference in any row, 1 a significant difference in some\n"
	"row, 2 error.\n\n"
	"examples:\n  harness compare quickstart 'q[learning_rate=0.05]' 'q[learning_rate=0.2]'\n"
	"  harness compare dqn_sweep --factor double --factor prioritized --metric-of auc"
};

struct args {
	const char *name, *pos[2];
	struct exp_view_opts vo; /* --spec, --commit, --other-versions, --results */
	int npos, all_pairs, factors;
	const char **factor, **envs;
	int nfactor, nenvs;
	struct score score;
	struct plot_opts o;
	double alpha, power;
};

static int parse_args(int argc, char **argv, struct args *g)
{
	const char *metric_of = NULL, *alpha = NULL, *power = NULL, *level = NULL, *resamples = NULL;
	const char *width = NULL, *format = NULL;
	struct string_list factor = { 0 }, envs = { 0 };
	struct option opts[] = {
		OPT_GROUP("what to compare:"),
		OPT_BOOL(0, "all-pairs", &g->all_pairs, "every pair of configurations, the later one in the spec as B"),
		OPT_STRING_LIST(0, "factor", &factor, "KEY",
				"main effect of the swept key KEY: each level against the first,\n"
				"averaged over the levels of the other swept keys (repeatable)"),
		OPT_BOOL(0, "factors", &g->factors, "the main effect of every swept key"),
		OPT_GROUP("options:"),
		OPT_STRING_DEF(0, "metric-of", &metric_of, "S", "final", "the score of a run: final, auc, last:K, best"),
		OPT_STRING_LIST(0, "env", &envs, "LABEL", "only this environment (repeatable; the aggregate is over these)"),
		OPT_STRING_DEF(0, "alpha", &alpha, "A", "0.05", "significance level after Holm's correction"),
		OPT_STRING_DEF(0, "power", &power, "P", "0.8", "power of the smallest detectable difference"),
		OPT_STRING_DEF(0, "level", &level, "L", "0.95", "interval level"),
		OPT_STRING_DEF(0, "resamples", &resamples, "N", "10000", "bootstrap resamples"),
		OPT_STRING_DEF(0, "format", &format, "F", "png,pdf", "figure formats: png, pdf, png,pdf, none"),
		OPT_STRING_DEF(0, "width", &width, "IN", "7; 3.5 for one column", "figure width in inches"),
		OPT_SELECTION(&g->vo),
		OPT_STRING_DEF(0, "results", &g->vo.results, "DIR", "$HARNESS_RESULTS or ./results", "results root"),
		OPT_END(),
	};
	argc = parse_options(argc, argv, opts, &compare_usage, 0);
	g->factor = factor.items;
	g->nfactor = factor.nr;
	g->envs = envs.items;
	g->nenvs = envs.nr;
	if (argc < 0)
		return argc;
	if (argc > 3)
		return error("compare: unexpected argument '%s' (give two configurations, A and B)", argv[3]);
	g->name = argc ? argv[0] : NULL;
	for (int i = 1; i < argc; i++)
		g->pos[g->npos++] = argv[i];
	long long n;
	double x;
	const char *v;
	if ((v = metric_of) && score_parse(v, &g->score))
		return error("compare: --metric-of must be final, auc, last:K or best, got '%s'", v);
	if ((v = alpha)) {
		if (parse_double(v, &x) || !(x > 0 && x < 0.5))
			return error("compare: --alpha must be between 0 and 0.5, got '%s'", v);
		g->alpha = x;
	}
	if ((v = power)) {
		if (parse_double(v, &x) || !(x >= 0.5 && x < 1))
			return error("compare: --power must be in [0.5, 1), got '%s'", v);
		g->power = x;
	}
	if ((v = level)) {
		if (parse_double(v, &x) || !(x >= 0.5 && x < 1))
			return error("compare: --level must be in [0.5, 1), got '%s'", v);
		g->o.level = x;
	}
	if ((v = resamples)) {
		if (parse_ll(v, &n) || n < 100 || n > 1000000)
			return error("compare: --resamples must be between 100 and 1000000, got '%s'", v);
		g->o.resamples = (int)n;
	}
	if ((v = width)) {
		if (parse_double(v, &x) || !(x >= 2 && x <= 20))
			return error("compare: --width must be inches between 2 and 20, got '%s'", v);
		g->o.width = x;
	}
	if ((v = format)) {
		g->o.png = strstr(v, "png") != NULL;
		g->o.pdf = strstr(v, "pdf") != NULL;
		if (strcmp(v, "none") && strcmp(v, "png") && strcmp(v, "pdf") && strcmp(v, "png,pdf") &&
		    strcmp(v, "pdf,png"))
			return error("compare: --format takes png, pdf, png,pdf or none, got '%s'", v);
	}
	if (!g->name)
		return error("compare: give an experiment NAME");
	if (!valid_experiment_name(g->name))
		return error("experiment name '%s' is not valid: letters, digits, _ . - only, no path characters", g->name);
	int modes = (g->npos > 0) + g->all_pairs + (g->nfactor > 0 || g->factors);
	if (modes != 1 || g->npos == 1)
		return error("compare: give two configurations A B, or --all-pairs, or --factor KEY (see 'harness compare --help')");
	return 0;
}

int cmd_compare(int argc, char **argv)
{
	struct args g = {0};
	plot_opts_init(&g.o);
	g.o.resamples = 10000;
	g.alpha = 0.05;
	g.power = 0.8;
	score_init(&g.score);
	int prc = parse_args(argc, argv, &g);
	if (prc) {
		free(g.factor);
		free(g.envs);
		return prc == OPT_HELP ? 0 : 2;
	}
	int rc = 2;
	struct exp_view v;
	char *outdir = NULL, *tag = NULL;
	int have_view = 0;
	struct expdata d = {0};
	struct cmp_report rep = {0};
	struct tuples *tl = NULL;
	char **keys = NULL, **labels = NULL;
	int nkeys = 0;
	if (exp_view_open(&v, g.name, &g.vo))
		goto out;
	have_view = 1;
	outdir = xstrfmt("%s/%s/compare", store_root(v.store), g.name);
	if (expdata_load(&d, &v.sel, 0) /* curves as plot draws them by default */)
		goto out;
	expdata_score(&d, &g.score);
	labels = labels_load(&d);
	if (g.nenvs) { /* --env: only these environments (rows and aggregate) */
		int *ka = xcalloc((size_t)d.nalgos + 1, sizeof(int)), *ke = xcalloc((size_t)d.nenvs + 1, sizeof(int)), bad = 0;
		for (int a = 0; a < d.nalgos; a++)
			ka[a] = 1;
		for (int i = 0; i < g.nenvs && !bad; i++) {
			int found = 0;
			for (int e = 0; e < d.nenvs; e++)
				if (!strcmp(g.envs[i], d.envs[e].label))
					found = ke[e] = 1;
			if (!found)
				bad = error("compare: --env '%s': no environment of that label with complete runs", g.envs[i]);
		}
		if (!bad)
			expdata_select(&d, ka, ke, labels);
		free(ka);
		free(ke);
		if (bad)
			goto out;
	}
	struct provenance prov;
	provenance_get(&prov);
	if (expdata_normalize(&d, v.store, prov.source_hash))
		goto out;
	rep.experiment = g.name;
	rep.score_key = score_key(&g.score);
	rep.score_words = score_words(&g.score, d.use_eval);
	rep.envs = xcalloc((size_t)d.nenvs, sizeof(char *));
	for (int e = 0; e < d.nenvs; e++)
		rep.envs[e] = d.envs[e].label;
	rep.nenvs = d.nenvs;
	rep.resamples = g.o.resamples;
	rep.level = g.o.level;
	rep.alpha = g.alpha;
	rep.beta = 1 - g.power;
	rep.paired = all_paired(&d);
	if (g.npos) {
		int a = cmp_algo_index(&d, labels, g.pos[0]), b = a < 0 ? -1 : cmp_algo_index(&d, labels, g.pos[1]);
		if (a < 0 || b < 0)
			goto out;
		if (a == b) {
			error("compare: A and B are the same configuration '%s'", g.pos[0]);
			goto out;
		}
		struct tuples t = {0};
		cmp_tuple_push(&t, a, b);
		cmp_add_comp(&rep, &tl, xstrdup(labels[a]), xstrdup(labels[b]), NULL, t, xstrfmt("%s|%s", d.algos[a], d.algos[b]));
		tag = xstrfmt("%s--vs--%s", d.algos[b], d.algos[a]);
	} else if (g.all_pairs) {
		if (d.nalgos < 2) {
			error("compare: experiment '%s' has one configuration only", g.name);
			goto out;
		}
		for (int a = 0; a < d.nalgos; a++)
			for (int b = a + 1; b < d.nalgos; b++) {
				struct tuples t = {0};
				cmp_tuple_push(&t, a, b);
				cmp_add_comp(&rep, &tl, xstrdup(labels[a]), xstrdup(labels[b]), NULL, t,
					 xstrfmt("%s|%s", d.algos[a], d.algos[b]));
			}
		tag = xstrdup("all-pairs");
	} else {
		if (g.factors) {
			nkeys = cmp_swept_keys(&d, &keys);
			if (!nkeys) {
				error("compare: --factors: no configuration of '%s' has swept keys", g.name);
				goto out;
			}
		}
		struct strbuf sb = {0};
		strbuf_addstr(&sb, "factor");
		for (int i = 0; i < (g.factors ? nkeys : g.nfactor); i++) {
			const char *k = g.factors ? keys[i] : g.factor[i];
			strbuf_addf(&sb, "-%s", k);
			if (cmp_factor_comps(&d, k, &rep, &tl)) {
				strbuf_release(&sb);
				goto out;
			}
		}
		tag = strbuf_detach(&sb);
	}
	struct strbuf envtag = {0};
	for (int i = 0; i < g.nenvs; i++)
		strbuf_addf(&envtag, "-%s", g.envs[i]);
	char *full = xstrfmt("%s-%s%s", tag, rep.score_key, envtag.len ? envtag.buf : ""), *s = slug(full);
	strbuf_release(&envtag);
	free(full);
	free(tag);
	tag = s;
	int differ = compute(&d, tl, &rep);
	if (mkdir_p(outdir, 0755) || compare_report_write(&rep, outdir, tag, &g.o))
		goto out;
	rc = differ ? 1 : 0;
out:
	for (int c = 0; c < rep.ncomps; c++) {
		free(rep.comps[c].a);
		free(rep.comps[c].b);
		free(rep.comps[c].id);
		free(rep.comps[c].factor);
		free(tl[c].a);
		free(tl[c].b);
	}
	for (int i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	free(tl);
	free(rep.comps);
	free(rep.rows);
	free(rep.envs);
	free(rep.agg_envs);
	free(rep.score_key);
	free(rep.score_words);
	labels_free(labels, d.nalgos);
	if (d.envs)
		expdata_release(&d);
	if (have_view)
		exp_view_close(&v);
	free(tag);
	free(outdir);
	free(g.factor);
	free(g.envs);
	return rc;
}
