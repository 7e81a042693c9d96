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

static int list_usage(const char *msg, const char *arg)
{
	error(msg, arg);
	return 2;
}

int cmd_list(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		printf("usage: harness list [NAME [--all] [--spec FILE] [--commit REV] [--other-versions]] [--results DIR]\n\n"
		       "Without NAME: every experiment with its runs counted by status.\n"
		       "With NAME: each cell of the experiment's current spec and the run it shows (at this\n"
		       "binary's code version, or --commit REV): id, state, final return, wall seconds.\n"
		       "--all: every row of the experiment in the database instead, whatever its spec.\n\n"
		       "example:\n  harness list quickstart\n");
		return 0;
	}
	struct exp_view_opts o = { 0 };
	const char *name = NULL;
	int all = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = !strcmp(a, "--results") ? &o.results : !strcmp(a, "--spec") ? &o.spec
				    : !strcmp(a, "--commit") ? &o.commit : NULL;
		if (slot) {
			if (i + 1 >= argc)
				return list_usage("list: option '%s' needs a value", a);
			*slot = argv[++i];
		} else if (!strcmp(a, "--all")) {
			all = 1;
		} else if (!strcmp(a, "--other-versions")) {
			o.other_versions = 1;
		} else if (a[0] == '-' || name) {
			return list_usage("list: unexpected argument '%s' (see 'harness list --help')", a);
		} else {
			name = a;
		}
	}
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
			printf("%-24s %6lld %9lld %7lld %6lld %8lld  %-20s  %s\n", e[i].name, e[i].cells,
			       e[i].n[RUN_COMPLETE], e[i].n[RUN_FAILED], e[i].n[RUN_ERROR], e[i].n[RUN_RUNNING],
			       e[i].updated_at, e[i].description);
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
		if (!valid_experiment_name(name))
			return list_usage("experiment name '%s' is not valid", name);
		if (store_open(&st, o.results, STORE_READ))
			return 2;
		int bad = store_experiment_known(st, name, &e) ||
			  store_query(st, &(struct run_filter){ .experiment = name }, SELECT_ALL, &l);
		if (!bad) {
			for (int i = 0; i < l.n; i++) {
				const struct run_rec *r = &l.v[i];
				printf("%6lld  %-13s %12.6g %9.3f  %-10.10s  %s%s%s%s\n", r->id, run_status_name(r->status),
				       r->final_return, r->wall_seconds, r->git_commit, r->cell_id, r->error[0] ? "  (" : "",
				       r->error, r->error[0] ? ")" : "");
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
			       p->rec.final_return, p->rec.wall_seconds, p->rec.git_commit, v.spec.cells[i].cell_id,
			       p->other_version ? "  [other code version]" : "", p->rec.error[0] ? "  (" : "",
			       p->rec.error, p->rec.error[0] ? ")" : "");
		else
			printf("%6s  %-13s %12s %9s  %-10s  %s\n", "-", cell_state_names[p->state], "", "", "",
			       v.spec.cells[i].cell_id);
	}
	exp_view_close(&v);
	return 0;
}

int cmd_show(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		printf("usage: harness show RUN [--results DIR]\n\n"
		       "Prints every recorded fact of one run: RUN is the run id shown by 'harness list NAME'.\n"
		       "h5_path is stored relative to the results root; h5_file is where it is now.\n\n"
		       "example:\n  harness show 3\n");
		return 0;
	}
	const char *results = NULL, *pos = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--results") && i + 1 < argc)
			results = argv[++i];
		else if (argv[i][0] == '-' || pos)
			return list_usage("show: unexpected argument '%s' (see 'harness show --help')", argv[i]);
		else
			pos = argv[i];
	}
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
			printf("%-14s %s\n", run_fields[i].name, sb.buf ? sb.buf : "");
		}
		printf("%-14s %s\n", "h5_file", r.h5_path);
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

int cmd_plot(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		printf("usage: harness plot NAME [--metric iqm|mean|median] [--format png,pdf] [--width IN]\n"
		       "                         [--smooth K] [--resamples N] [--metric-of S] [--config NAME]...\n"
		       "                         [--env LABEL]... [--no-bands] [--commit REV] [--other-versions]\n"
		       "                         [--spec FILE] [--output DIR] [--results DIR]\n\n"
		       "Draws the figures and tables of an experiment, after Agarwal et al., \"Deep RL at\n"
		       "the Edge of the Statistical Precipice\" (2021), from exactly the cells of its\n"
		       "current spec (the file the database recorded, or --spec FILE), each at this binary's\n"
		       "code version (or the runs made at git commit REV). Legends and tables give n; a\n"
		       "failed run counts with its score at failure; what is missing is said on stderr.\n\n"
		       "  figures/<env>.png|pdf   learning curves: metric across seeds, 95%% bootstrap band\n"
		       "  figures/curves.png|pdf  every environment as a panel, one legend\n"
		       "  figures/aggregate.*     IQM, median, mean, optimality gap of normalised scores\n"
		       "  figures/profile.*       performance profiles (fraction of runs above tau)\n"
		       "  figures/poi.*           probability of improvement for each pair of algorithms\n"
		       "  tables/final.md|tex     final score per environment and algorithm, best in bold\n\n"
		       "Normalised score = (score - random) / (reference - random): random is a seeded\n"
		       "uniform-random policy measured once and cached in the database, reference the\n"
		       "optimal return (tabular environments) or the reward threshold. Intervals are\n"
		       "stratified percentile bootstrap ones, seeded: the same runs give the same output.\n\n"
		       "options:\n"
		       "  --metric M        curves and tables: iqm (default), mean or median\n"
		       "  --format F        png, pdf or png,pdf (default)\n"
		       "  --width IN        figure width in inches: 3.5 one column, 7 two columns (default)\n"
		       "  --smooth K        moving average over K curve points (default: none; training-\n"
		       "                    return curves of runs without evaluations: 10 episodes)\n"
		       "  --resamples N     bootstrap resamples (default 10000); every interval is seeded\n"
		       "                    from the name of what it estimates, so tables and figures agree\n"
		       "  --metric-of S     the score of a run in tables and aggregate figures: final\n"
		       "                    (default), auc, last:K (mean of the last K curve points), best\n"
		       "  --config NAME     draw only this configuration (name or label; repeatable)\n"
		       "  --env LABEL       draw only this environment (repeatable)\n"
		       "  --no-bands        learning curves without their interval bands\n"
		       "  --commit REV      the runs made at this git commit (a prefix of its hash)\n"
		       "  --other-versions  cells with no run at the chosen code version show their newest\n"
		       "                    run at another one (labelled in legends and tables)\n"
		       "  --spec FILE       the experiment's spec (default: the one the database recorded)\n"
		       "  --output DIR      write figures/ and tables/ under DIR instead of <results>/NAME/\n"
		       "                    (e.g. for results on a read-only mount)\n"
		       "  --results DIR     results root (default: $HARNESS_RESULTS or ./results)\n\n"
		       "examples:\n  harness plot quickstart\n  harness plot quickstart --width 3.5 --metric mean --format pdf\n");
		return 0;
	}
	struct plot_opts o;
	plot_opts_init(&o);
	struct exp_view_opts vo = { 0 };
	const char *name = NULL;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (s[0] != '-') {
			if (name) {
				error("plot: unexpected argument '%s'", s);
				return 2;
			}
			name = s;
			continue;
		}
		if (!strcmp(s, "--other-versions")) {
			vo.other_versions = 1;
			continue;
		}
		if (!strcmp(s, "--no-bands")) {
			o.bands = 0;
			continue;
		}
		if (i + 1 >= argc) {
			error("plot: option '%s' needs a value (see 'harness plot --help')", s);
			return 2;
		}
		const char *v = argv[++i];
		if (!strcmp(s, "--results"))
			vo.results = v;
		else if (!strcmp(s, "--commit"))
			vo.commit = v;
		else if (!strcmp(s, "--spec"))
			vo.spec = v;
		else if (!strcmp(s, "--output"))
			o.output = v;
		else {
			int r = plot_option(s, v, &o);
			if (r < 0)
				return 2;
			if (!r) {
				error("plot: unknown option '%s' (see 'harness plot --help')", s);
				return 2;
			}
		}
	}
	if (!name) {
		error("plot: give one experiment NAME");
		return 2;
	}
	struct exp_view v;
	if (exp_view_open(&v, name, &vo))
		return 2;
	char *figdir = NULL;
	int rc = plot_experiment_opts(v.store, &v.sel, &o, &figdir) ? 2 : 0;
	if (!rc)
		printf("figures in %s/, tables in %.*s/tables/\n", figdir, (int)(strlen(figdir) - strlen("/figures")),
		       figdir);
	free(figdir);
	exp_view_close(&v);
	free((void *)o.only_configs);
	free((void *)o.only_envs);
	return rc;
}
