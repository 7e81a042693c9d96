/*
 * cmd_db.c - the read-only commands over the results store: `harness list`,
 * `harness show RUN`, `harness plot NAME` (export: cmd_export.c). They open
 * the store read-only (store.h) and show what the selection rule selects.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "expview.h"
#include "plot.h"
#include "store.h"

static const char *const cell_state_names[] = { "complete", "failed", "error", "running", "not-run",
						"other-version" };

static const char *const list_lines[] = {
	"list [NAME [--all] [--spec FILE] [--commit REV] [--other-versions]] [--results DIR]", NULL
};
static const struct usage list_usage = {
	"list", list_lines,
	"Without NAME: every experiment with its runs counted by status.\n"
	"With NAME: each cell of the experiment's current spec and the run it shows (at this\n"
	"binary's code version, or --commit REV): id, state, final return, wall seconds.",
	"example:\n  harness list quickstart"
};

int cmd_list(int argc, char **argv)
{
	struct exp_view_opts o = { 0 };
	int all = 0;
	struct option opts[] = {
		OPT_BOOL(0, "all", &all, "every row of the experiment in the database instead, whatever its spec"),
		OPT_SELECTION(&o),
		OPT_STRING_DEF(0, "results", &o.results, "DIR", "$HARNESS_RESULTS or ./results", "results root"),
		OPT_END(),
	};
	argc = parse_options(argc, argv, opts, &list_usage, 0);
	if (argc < 0)
		return opt_exit_status(argc);
	if (argc > 1)
		return usagef("list", "unexpected argument '%s'", argv[1]);
	const char *name = argc ? argv[0] : NULL;
	if (!name) {
		struct store *st;
		struct exp_rec *e;
		int n;
		if (store_open(&st, o.results, STORE_READ))
			return 2;
		if (store_experiments(st, &e, &n)) {
			store_close(st);
			return 2;
		}
		printf("%-24s %6s %9s %7s %6s %8s  %-20s  %s\n", "experiment", "cells", "complete", "failed",
		       "error", "running", "updated", "description");
		for (int i = 0; i < n; i++) {
			printf("%-24s %6lld %9lld %7lld %6lld %8lld  %-20s  %s\n", printable(e[i].name), e[i].cells,
			       e[i].n[RUN_COMPLETE], e[i].n[RUN_FAILED], e[i].n[RUN_ERROR], e[i].n[RUN_RUNNING],
			       printable(e[i].updated_at), printable(e[i].description));
			exp_rec_release(&e[i]);
		}
		free(e);
		store_close(st);
		return 0;
	}
	printf("%6s  %-13s %12s %9s  %-10s  %s\n", "run", "state", "final", "wall_s", "commit", "cell");
	if (all) {
		struct store *st;
		struct exp_rec e;
		struct run_list l;
		if (!valid_experiment_name(name)) {
			error("experiment name '%s' is not valid", name);
			return 2;
		}
		if (store_open(&st, o.results, STORE_READ))
			return 2;
		int bad = store_experiment_known(st, name, &e) ||
			  store_query(st, &(struct run_filter){ .experiment = name }, SELECT_ALL, &l);
		if (!bad) {
			for (int i = 0; i < l.n; i++) {
				const struct run_rec *r = &l.v[i];
				printf("%6lld  %-13s %12.6g %9.3f  %-10.10s  %s%s%s%s\n", r->id, run_status_name(r->status),
				       r->final_return, r->wall_seconds, printable(r->git_commit), printable(r->cell_id),
				       r->error[0] ? "  (" : "", printable(r->error), r->error[0] ? ")" : "");
			}
			run_list_release(&l);
			exp_rec_release(&e);
		}
		store_close(st);
		return bad ? 2 : 0;
	}
	struct exp_view v;
	if (exp_view_open(&v, name, &o))
		return 2;
	for (int i = 0; i < v.spec.ncells; i++) {
		const struct cell_pick *p = &v.sel.cells[i];
		if (p->has_rec)
			printf("%6lld  %-13s %12.6g %9.3f  %-10.10s  %s%s%s%s%s\n", p->rec.id, cell_state_names[p->state],
			       p->rec.final_return, p->rec.wall_seconds, printable(p->rec.git_commit),
			       printable(v.spec.cells[i].cell_id), p->other_version ? "  [other code version]" : "",
			       p->rec.error[0] ? "  (" : "", printable(p->rec.error), p->rec.error[0] ? ")" : "");
		else
			printf("%6s  %-13s %12s %9s  %-10s  %s\n", "-", cell_state_names[p->state], "", "", "",
			       printable(v.spec.cells[i].cell_id));
	}
	exp_view_close(&v);
	return 0;
}

static const char *const show_lines[] = { "show RUN [--results DIR]", NULL };
static const struct usage show_usage = {
	"show", show_lines,
	"Prints every recorded fact of one run: RUN is the run id shown by 'harness list NAME'.\n"
	"h5_path is stored relative to the results root; h5_file is where it is now.",
	"example:\n  harness show 3"
};

int cmd_show(int argc, char **argv)
{
	const char *results = NULL;
	struct option opts[] = {
		OPT_STRING_DEF(0, "results", &results, "DIR", "$HARNESS_RESULTS or ./results", "results root"),
		OPT_END(),
	};
	argc = parse_options(argc, argv, opts, &show_usage, 0);
	if (argc < 0)
		return opt_exit_status(argc);
	if (argc > 1)
		return usagef("show", "unexpected argument '%s'", argv[1]);
	const char *pos = argc ? argv[0] : NULL;
	long long id;
	if (!pos || parse_ll(pos, &id)) {
		error("show: RUN must be a run id (a number from 'harness list NAME'), got '%s'", pos ? pos : "nothing");
		return 2;
	}
	struct store *st;
	if (store_open(&st, results, STORE_READ))
		return 2;
	struct run_rec r;
	int found = store_get_run(st, id, &r), rc = 0;
	if (found == 1) {
		struct strbuf sb = {0};
		for (int i = 0; i < n_run_fields; i++) {
			strbuf_reset(&sb);
			run_field_text(&r, &run_fields[i], &sb);
			printf("%-14s %s\n", run_fields[i].name, printable(sb.buf));
		}
		printf("%-14s %s\n", "h5_file", printable(r.h5_path));
		strbuf_release(&sb);
		run_rec_release(&r);
	} else {
		rc = 2;
		if (!found)
			error("no run with id %lld (see 'harness list NAME')", id);
	}
	store_close(st);
	return rc;
}

/* Parses one `harness plot` option with a value; 1 if consumed, 0 if not ours, -1 on error. */
static int plot_option(const char *opt, const char *val, struct plot_opts *o)
{
	long long n;
	double w;
	if (!strcmp(opt, "--metric")) {
		if (stats_metric_parse(val, &o->metric) || o->metric == STATS_OPTIMALITY_GAP)
			return error("plot: --metric must be iqm, mean or median, got '%s'", val);
	} else if (!strcmp(opt, "--format")) {
		o->png = o->pdf = 0;
		char *list = xstrdup(val), *save = NULL;
		for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			if (!strcmp(t, "png"))
				o->png = 1;
			else if (!strcmp(t, "pdf"))
				o->pdf = 1;
			else {
				free(list);
				return error("plot: --format takes png, pdf or png,pdf, got '%s'", val);
			}
		}
		free(list);
		if (!o->png && !o->pdf)
			return error("plot: --format takes png, pdf or png,pdf, got '%s'", val);
	} else if (!strcmp(opt, "--width")) {
		if (parse_double(val, &w) || !(w >= 2 && w <= 20))
			return error("plot: --width must be inches between 2 and 20 (3.5 one column, 7 two), got '%s'", val);
		o->width = w;
	} else if (!strcmp(opt, "--smooth")) {
		if (parse_ll(val, &n) || n < 0 || n > 100000)
			return error("plot: --smooth must be a number of points between 0 and 100000, got '%s'", val);
		o->smooth = (int)n;
	} else if (!strcmp(opt, "--config") || !strcmp(opt, "--env")) {
		int cfg = !strcmp(opt, "--config");
		const char *const **list = cfg ? &o->only_configs : &o->only_envs;
		int *n = cfg ? &o->n_only_configs : &o->n_only_envs;
		*list = xrealloc((void *)*list, (size_t)(*n + 1) * sizeof(**list));
		((const char **)*list)[(*n)++] = val;
	} else if (!strcmp(opt, "--metric-of")) {
		if (score_parse(val, &o->score))
			return error("plot: --metric-of must be final, auc, last:K or best, got '%s'", val);
	} else if (!strcmp(opt, "--resamples")) {
		if (parse_ll(val, &n) || n < 10 || n > 1000000)
			return error("plot: --resamples must be between 10 and 1000000, got '%s'", val);
		o->resamples = (int)n;
	} else {
		return 0;
	}
	return 1;
}

static int plot_option_cb(const struct option *opt, const char *v)
{
	char name[64];
	snprintf(name, sizeof(name), "--%s", opt->long_name);
	return plot_option(name, v, opt->value) < 0 ? -1 : 0;
}

static const char *const plot_lines[] = {
	"plot NAME [--metric iqm|mean|median] [--format png,pdf] [--width IN]\n"
	"                         [--smooth K] [--resamples N] [--metric-of S] [--config NAME]...\n"
	"                         [--env LABEL]... [--no-bands] [--commit REV] [--other-versions]\n"
	"                         [--spec FILE] [--output DIR] [--results DIR]", NULL
};
static const struct usage plot_usage = {
	"plot", plot_lines,
	"Draws the figures and tables of an experiment, after Agarwal et al., \"Deep RL at\n"
	"the Edge of the Statistical Precipice\" (2021), from exactly the cells of its\n"
	"current spec (the file the database recorded, or --spec FILE), each at this binary's\n"
	"code version (or the runs made at git commit REV). Legends and tables give n; a\n"
	"failed run counts with its score at failure; what is missing is said on stderr.\n\n"
	"  figures/<env>.png|pdf   learning curves: metric across seeds, 95% bootstrap band\n"
	"  figures/curves.png|pdf  every environment as a panel, one legend\n"
	"  figures/aggregate.*     IQM, median, mean, optimality gap of normalised scores\n"
	"  figures/profile.*       performance profiles (fraction of runs above tau)\n"
	"  figures/poi.*           probability of improvement for each pair of algorithms\n"
	"  tables/final.md|tex     final score per environment and algorithm, best in bold\n\n"
	"Normalised score = (score - random) / (reference - random): random is a seeded\n"
	"uniform-random policy measured once and cached in the database, reference the\n"
	"optimal return (tabular environments) or the reward threshold. Intervals are\n"
	"stratified percentile bootstrap ones, seeded: the same runs give the same output.",
	"examples:\n  harness plot quickstart\n  harness plot quickstart --width 3.5 --metric mean --format pdf"
};

int cmd_plot(int argc, char **argv)
{
	struct plot_opts o;
	plot_opts_init(&o);
	struct exp_view_opts vo = { 0 };
	int no_bands = 0;
	struct option opts[] = {
		OPT_CALLBACK(0, "metric", &o, "M", "curves and tables: iqm (default), mean or median", plot_option_cb),
		OPT_CALLBACK(0, "format", &o, "F", "png, pdf or png,pdf (default)", plot_option_cb),
		OPT_CALLBACK(0, "width", &o, "IN",
			     "figure width in inches: 3.5 one column, 7 two columns (default)", plot_option_cb),
		OPT_CALLBACK(0, "smooth", &o, "K",
			     "moving average over K curve points (default: none; training-\n"
			     "return curves of runs without evaluations: 10 episodes)", plot_option_cb),
		OPT_CALLBACK(0, "resamples", &o, "N",
			     "bootstrap resamples (default 10000); every interval is seeded\n"
			     "from the name of what it estimates, so tables and figures agree", plot_option_cb),
		OPT_CALLBACK(0, "metric-of", &o, "S",
			     "the score of a run in tables and aggregate figures: final\n"
			     "(default), auc, last:K (mean of the last K curve points), best", plot_option_cb),
		OPT_CALLBACK(0, "config", &o, "NAME", "draw only this configuration (name or label; repeatable)",
			     plot_option_cb),
		OPT_CALLBACK(0, "env", &o, "LABEL", "draw only this environment (repeatable)", plot_option_cb),
		OPT_BOOL(0, "no-bands", &no_bands, "learning curves without their interval bands"),
		OPT_SELECTION(&vo),
		OPT_STRING(0, "output", &o.output, "DIR",
			   "write figures/ and tables/ under DIR instead of <results>/NAME/\n"
			   "(e.g. for results on a read-only mount)"),
		OPT_STRING_DEF(0, "results", &vo.results, "DIR", "$HARNESS_RESULTS or ./results", "results root"),
		OPT_END(),
	};
	argc = parse_options(argc, argv, opts, &plot_usage, 0);
	if (no_bands)
		o.bands = 0;
	int bad = argc < 0 ? opt_exit_status(argc)
		: argc > 1 ? usagef("plot", "unexpected argument '%s'", argv[1])
		: !argc ? usagef("plot", "give one experiment NAME") : -1;
	struct exp_view v;
	if (bad >= 0 || exp_view_open(&v, argv[0], &vo)) {
		free((void *)o.only_configs);
		free((void *)o.only_envs);
		return bad >= 0 ? bad : 2;
	}
	char *figdir = NULL;
	int rc = plot_experiment_opts(v.store, &v.sel, &o, &figdir) ? 2 : 0;
	if (!rc) {
		char *base = xstrdup(figdir); /* <dir>/figures */
		base[strlen(base) - strlen("/figures")] = '\0';
		printf("figures in %s/, tables in %s/tables/\n", printable(figdir), printable(base));
		free(base);
	}
	free(figdir);
	exp_view_close(&v);
	free((void *)o.only_configs);
	free((void *)o.only_envs);
	return rc;
}
