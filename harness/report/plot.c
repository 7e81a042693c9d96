/*
 * plot.c - see plot.h. Learning-curve figures here; aggregate figures in
 * aggfig.c, tables in tables.c.
 */
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "aggfig.h"
#include "expdata.h"
#include "intervals.h"
#include "labels.h"
#include "provenance.h"
#include "store.h"
#include "tables.h"
#include "util.h"

#define PLOT_MAX_POINTS 1000

void plot_opts_init(struct plot_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->metric = STATS_IQM;
	o->png = o->pdf = 1;
	o->width = 7;
	o->resamples = 10000;
	o->bands = 1;
	score_init(&o->score);
	o->level = 0.95;
}

/* x axis scale of an env's curves: steps in thousands or millions when large. */
static double x_scale(const struct expdata *d, int e, const char **unit)
{
	double xmax = 0;
	for (int a = 0; a < d->nalgos; a++) {
		const struct exp_group *g = exp_group(d, e, a);
		for (int r = 0; r < g->nruns; r++)
			if (g->runs[r].n && g->runs[r].x[g->runs[r].n - 1] > xmax)
				xmax = g->runs[r].x[g->runs[r].n - 1];
	}
	*unit = "";
	if (xmax >= 1e6) {
		*unit = " (millions)";
		return 1e6;
	}
	if (xmax >= 1e4) {
		*unit = " (thousands)";
		return 1e3;
	}
	return 1;
}

/*
 * Writes <slug>.dat of env e: one index block per algorithm with runs:
 * "x metric lo hi seeds". block[a] gets the block of algorithm a (-1: no runs).
 */
static int write_curve_data(const struct expdata *d, int e, const char *dat, const struct plot_opts *o,
			    double scale, int *block)
{
	struct strbuf sb = {0};
	int nb = 0;
	strbuf_addf(&sb, "# learning curves of ");
	gnuplot_comment(&sb, d->envs[e].label);
	strbuf_addf(&sb, "\n# %s across seeds, %g%% percentile bootstrap interval (%d resamples)\n",
		    stats_metric_title(o->metric), 100 * o->level, o->resamples);
	for (int a = 0; a < d->nalgos; a++) {
		const struct exp_group *g = exp_group(d, e, a);
		block[a] = -1;
		if (!g->nruns)
			continue;
		long long n = -1;
		for (int r = 0; r < g->nruns; r++)
			if (n < 0 || g->runs[r].n < n)
				n = g->runs[r].n;
		if (n <= 0)
			continue;
		block[a] = nb++;
		struct rng rng;
		rng_seed(&rng, interval_seed_runs("curve", d->envs[e].label, d->algos[a], o, o->metric));
		strbuf_addstr(&sb, "# ");
		gnuplot_comment(&sb, d->algos[a]);
		strbuf_addstr(&sb, "\n# x metric lo hi seeds\n");
		double *vals = xcalloc((size_t)g->nruns, sizeof(double));
		/* at most ~PLOT_MAX_POINTS points per curve (every stride-th, and the last) */
		long long stride = (n + PLOT_MAX_POINTS - 1) / PLOT_MAX_POINTS;
		for (long long k = 0; k < n; k = k + stride < n || k == n - 1 ? k + stride : n - 1) {
			for (int r = 0; r < g->nruns; r++)
				vals[r] = g->runs[r].y[k];
			struct stats_interval iv;
			stats_runs_ci(o->metric, vals, g->nruns, o->resamples, o->level, &rng, &iv);
			strbuf_addf(&sb, "%.17g %.17g %.17g %.17g %d\n", g->runs[0].x[k] / scale, iv.point, iv.lo,
				    iv.hi, g->nruns);
		}
		free(vals);
		strbuf_addstr(&sb, "\n\n");
	}
	int rc = write_file_atomic(dat, sb.buf, sb.len);
	strbuf_release(&sb);
	return rc;
}

/* The plot command of one env's curves: bands first, lines over them. */
static void curve_plot(struct strbuf *b, const struct expdata *d, int e, const char *qdat, const int *block,
		       int titles, const struct fig_style *st, const struct plot_opts *o)
{
	int first = 1;
	strbuf_addstr(b, "plot ");
	for (int pass = 0; pass < 2; pass++)
		for (int a = 0; a < d->nalgos; a++) {
			if (block[a] < 0 || (!pass && !o->bands))
				continue;
			strbuf_addstr(b, first ? "" : ", \\\n  ");
			first = 0;
			if (!pass) {
				/* with 4 configurations or more, fainter bands keep the lines readable */
				strbuf_addf(b, "%s index %d using 1:3:4 with filledcurves lc rgb '%s' fs transparent solid %s notitle",
					    qdat, block[a], algo_colour(a), d->nalgos >= 4 ? "0.1" : "0.22");
			} else {
				struct strbuf lab = {0};
				strbuf_addf(&lab, "%s (", d->display[a]);
				exp_group_n(exp_group(d, e, a), &lab);
				strbuf_addstr(&lab, ")");
				char *t = quote_fit_middle(lab.buf, st->width - 0.6, st->font_pt);
				strbuf_release(&lab);
				strbuf_addf(b, "%s index %d using 1:2 with lines lw %s dt %d lc rgb '%s' %s%s", qdat,
					    block[a], d->nalgos >= 4 ? "1.5" : "2", algo_dash(a), algo_colour(a),
					    titles ? "title " : "notitle", titles ? t : "");
				free(t);
			}
		}
	strbuf_addstr(b, "\n");
}

/*
 * Title, axis labels and x tics of env e's curves in a plot panel_in inches wide:
 * the title cut to fit, about ntics x tics, the y label only if ylabel.
 */
static void curve_labels(struct strbuf *b, const struct expdata *d, int e, const struct plot_opts *o,
			 double panel_in, double panel_h_in, double font_pt, double ntics, int ylabel)
{
	const char *unit;
	double scale = x_scale(d, e, &unit), xmax = 0, ymin = INFINITY, ymax = -INFINITY;
	for (int a = 0; a < d->nalgos; a++) {
		const struct exp_group *g = exp_group(d, e, a);
		for (int r = 0; r < g->nruns; r++) {
			if (g->runs[r].n)
				xmax = fmax(xmax, g->runs[r].x[g->runs[r].n - 1] / scale);
			for (long long k = 0; k < g->runs[r].n; k++) {
				ymin = fmin(ymin, g->runs[r].y[k]);
				ymax = fmax(ymax, g->runs[r].y[k]);
			}
		}
	}
	int nmin = 0, nmax = 0;
	for (int a = 0; a < d->nalgos; a++) {
		int n = exp_group(d, e, a)->nruns;
		nmin = n && (!nmin || n < nmin) ? n : nmin;
		nmax = n > nmax ? n : nmax;
	}
	char *tt = nmin == nmax ? xstrfmt("%s (n = %d, %g%% CI)", d->envs[e].label, nmax, 100 * o->level)
				: xstrfmt("%s (n = %d-%d, %g%% CI)", d->envs[e].label, nmin, nmax, 100 * o->level);
	char *title = gnuplot_quote_fit(tt, panel_in * 0.85, font_pt);
	free(tt);
	strbuf_addf(b, "set title %s\nset xlabel '%s%s'\nset xtics %.17g\nset format y '%%g'\n", title,
		    d->use_eval ? "Environment steps" : "Episode", unit, nice_step_ceil(xmax, ntics));
	/* every statistic of the runs lies within their range: about one y tic per 0.4 in */
	if (ymax > ymin)
		strbuf_addf(b, "set ytics %.17g\n", nice_step_ceil(ymax - ymin, fmax(2, panel_h_in / 0.4)));
	if (ylabel)
		strbuf_addf(b, "set ylabel '%s %s'\n", stats_metric_title(o->metric),
			    panel_in < 3 ? "return" : d->use_eval ? "evaluation return" : "training return");
	else
		strbuf_addstr(b, "unset ylabel\n");
	free(title);
}

static int draw_env(const struct expdata *d, int e, const char *figdir, const struct plot_opts *o)
{
	char *base = slug(d->envs[e].label);
	char *dat = xstrfmt("%s/%s.dat", figdir, base);
	int *block = xcalloc((size_t)d->nalgos, sizeof(int));
	const char *unit;
	double scale = x_scale(d, e, &unit);
	int rc = write_curve_data(d, e, dat, o, scale, block);
	if (!rc) {
		struct strbuf b = {0};
		char *qdat = gnuplot_quote(dat);
		struct fig_style st;
		fig_style_init(&st, o->width, o->width < 5 ? 0.85 : 0.5, o->png, o->pdf);
		curve_labels(&b, d, e, o, o->width, st.height, st.font_pt, o->width < 5 ? 4 : 8, 1);
		strbuf_addstr(&b, "set key below horizontal reverse Left samplen 2.5 height 0.8\n");
		curve_plot(&b, d, e, qdat, block, 1, &st, o);
		rc = gnuplot_figure(figdir, base, &st, b.buf);
		free(qdat);
		strbuf_release(&b);
	}
	free(block);
	free(dat);
	free(base);
	return rc;
}

/* curves.png|pdf: every env a panel (data from draw_env's .dat files), one legend below. */
static int draw_all_curves(const struct expdata *d, const char *figdir, const struct plot_opts *o)
{
	int maxc = o->width / 2.2 < 1 ? 1 : (int)(o->width / 2.2); /* panels at least ~2.2 in wide */
	int cols = d->nenvs < maxc ? d->nenvs : maxc;
	int rows = (d->nenvs + cols - 1) / cols;
	double panel_h = o->width / cols * (cols == 1 ? 0.5 : 0.72), key_h = 0.3 + 0.18 * ((d->nalgos + 1) / (o->width < 5 ? 2 : 3));
	struct fig_style st;
	fig_style_init(&st, o->width, 1, o->png, o->pdf);
	st.height = rows * panel_h + key_h;
	double kf = key_h / st.height, ph = (1 - kf) / rows, pw = 1.0 / cols;
	struct strbuf b = {0};
	strbuf_addstr(&b, "set multiplot\n");
	int *block = xcalloc((size_t)d->nalgos, sizeof(int));
	for (int e = 0; e < d->nenvs; e++) {
		char *base = slug(d->envs[e].label);
		char *dat = xstrfmt("%s/%s.dat", figdir, base);
		char *qdat = gnuplot_quote(dat);
		for (int a = 0, nb = 0; a < d->nalgos; a++) {
			const struct exp_group *g = exp_group(d, e, a);
			long long n = g->nruns ? g->runs[0].n : 0;
			for (int r = 0; r < g->nruns; r++)
				n = g->runs[r].n < n ? g->runs[r].n : n;
			block[a] = n > 0 ? nb++ : -1;
		}
		strbuf_addf(&b, "set origin %.4f,%.4f\nset size %.4f,%.4f\nunset key\n", (e % cols) * pw,
			    1 - (e / cols + 1) * ph, pw, ph);
		curve_labels(&b, d, e, o, pw * st.width, panel_h, st.font_pt, 3, e % cols == 0);
		curve_plot(&b, d, e, qdat, block, 0, &st, o);
		free(qdat);
		free(dat);
		free(base);
	}
	/* the legend: an empty plot of NaN lines in a strip at the bottom */
	strbuf_addf(&b, "set origin 0,0\nset size 1,%.4f\nunset title\nunset xlabel\nunset ylabel\nunset border\n"
		    "unset tics\nunset grid\nset xrange [0:1]\nset yrange [0:1]\n"
		    "set lmargin 0\nset rmargin 0\nset tmargin 0\nset bmargin 0\n"
		    "set key at screen 0.5,%.4f center center horizontal reverse Left\nplot ", kf, kf / 2);
	for (int a = 0; a < d->nalgos; a++) {
		char *t = quote_fit_middle(d->labels[a], st.width - 0.6, st.font_pt);
		strbuf_addf(&b, "%sNaN with lines lw 2 dt %d lc rgb '%s' title %s", a ? ", \\\n  " : "",
			    algo_dash(a), algo_colour(a), t);
		free(t);
	}
	strbuf_addstr(&b, "\nunset multiplot\n");
	int rc = gnuplot_figure(figdir, "curves", &st, b.buf);
	strbuf_release(&b);
	free(block);
	return rc;
}

/* --config / --env: keeps the configurations and environments named (by name or label); 0, or -1 after error(). */
static int plot_subset(struct expdata *d, const struct plot_opts *o)
{
	if (!o->n_only_configs && !o->n_only_envs)
		return 0;
	int *ka = xcalloc((size_t)d->nalgos + 1, sizeof(int)), *ke = xcalloc((size_t)d->nenvs + 1, sizeof(int)), rc = 0;
	for (int a = 0; a < d->nalgos; a++)
		ka[a] = !o->n_only_configs;
	for (int e = 0; e < d->nenvs; e++)
		ke[e] = !o->n_only_envs;
	for (int i = 0; i < o->n_only_configs && !rc; i++) {
		int found = 0;
		for (int a = 0; a < d->nalgos; a++)
			if (!strcmp(o->only_configs[i], d->algos[a]) || !strcmp(o->only_configs[i], d->display[a]))
				found = ka[a] = 1;
		if (!found)
			rc = error("plot: --config '%s': no configuration of that name or label with complete runs",
				   o->only_configs[i]);
	}
	for (int i = 0; i < o->n_only_envs && !rc; i++) {
		int found = 0;
		for (int e = 0; e < d->nenvs; e++)
			if (!strcmp(o->only_envs[i], d->envs[e].label))
				found = ke[e] = 1;
		if (!found)
			rc = error("plot: --env '%s': no environment of that label with complete runs", o->only_envs[i]);
	}
	if (!rc)
		expdata_select(d, ka, ke);
	free(ka);
	free(ke);
	return rc;
}

int plot_experiment_opts(struct store *db, const struct selection *sel, const struct plot_opts *o,
			 char **figdir_out)
{
	struct expdata d;
	const char *root = store_root(db), *experiment = sel->spec->name;
	if (expdata_load(&d, sel, o->smooth))
		return -1;
	expdata_score(&d, &o->score);
	if (plot_subset(&d, o)) {
		expdata_release(&d);
		return -1;
	}
	struct provenance prov;
	const char *hash = o->source_hash;
	if (!hash) {
		provenance_get(&prov);
		hash = prov.source_hash;
	}
	int rc = -1;
	char *base = o->output ? xstrdup(o->output) : xstrfmt("%s/%s", root, experiment);
	char *figdir = xstrfmt("%s/figures", base), *tabdir = xstrfmt("%s/tables", base);
	free(base);
	if (expdata_normalize(&d, db, hash) || mkdir_p(figdir, 0755) || mkdir_p(tabdir, 0755))
		goto out;
	for (int e = 0; e < d.nenvs; e++)
		if (draw_env(&d, e, figdir, o))
			goto out;
	if (draw_all_curves(&d, figdir, o) || aggfig_draw(&d, figdir, o) < 0 || tables_write(&d, tabdir, o))
		goto out;
	rc = 0;
out:
	expdata_release(&d);
	free(tabdir);
	if (!rc && figdir_out)
		*figdir_out = figdir;
	else
		free(figdir);
	return rc;
}

int plot_experiment(struct store *db, const struct selection *sel, char **figdir)
{
	struct plot_opts o;
	plot_opts_init(&o);
	return plot_experiment_opts(db, sel, &o, figdir);
}
