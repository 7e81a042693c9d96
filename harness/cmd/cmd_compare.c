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
 * scores each run (score.h: final by default), chooses the comparisons
 * (compare_select.h), computes them (cmp_compute, compare_run.c) and writes
 * the report (compare_report.h).
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
	char **keys = NULL;
	int nkeys = 0;
	if (exp_view_open(&v, g.name, &g.vo))
		goto out;
	have_view = 1;
	outdir = xstrfmt("%s/%s/compare", store_root(v.store), g.name);
	if (expdata_load(&d, &v.sel, 0) /* curves as plot draws them by default */)
		goto out;
	expdata_score(&d, &g.score);
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
			expdata_select(&d, ka, ke);
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
	rep.paired = cmp_all_paired(&d);
	if (g.npos) {
		int a = cmp_algo_index(&d, g.pos[0]), b = a < 0 ? -1 : cmp_algo_index(&d, g.pos[1]);
		if (a < 0 || b < 0)
			goto out;
		if (a == b) {
			error("compare: A and B are the same configuration '%s'", g.pos[0]);
			goto out;
		}
		struct tuples t = {0};
		cmp_tuple_push(&t, a, b);
		cmp_add_comp(&rep, &tl, xstrdup(d.display[a]), xstrdup(d.display[b]), NULL, t, xstrfmt("%s|%s", d.algos[a], d.algos[b]));
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
				cmp_add_comp(&rep, &tl, xstrdup(d.display[a]), xstrdup(d.display[b]), NULL, t,
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
	int differ = cmp_compute(&d, tl, &rep);
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
