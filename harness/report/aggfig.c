/*
 * aggfig.c - see aggfig.h. Normalised final scores of the usable
 * environments (aggfig_envs) form, per algorithm, a struct stats_tasks with
 * one task per environment; every interval is a stratified bootstrap one.
 */
#include "aggfig.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "intervals.h"
#include "labels.h"
#include "util.h"

int aggfig_envs(const struct expdata *d, int *envs)
{
	int n = 0;
	for (int e = 0; e < d->nenvs; e++) {
		int ok = d->envs[e].norm_ok;
		for (int a = 0; ok && a < d->nalgos; a++)
			ok = exp_group(d, e, a)->nruns > 0;
		if (ok)
			envs[n++] = e;
	}
	return n;
}

/* Normalised final scores of algorithm a over the usable envs (released by tasks_release). */
struct algo_tasks {
	struct stats_tasks t;
	double **x;
	int *n;
};

static void tasks_init(struct algo_tasks *at, const struct expdata *d, int a, const int *envs, int nenvs)
{
	at->x = xcalloc((size_t)nenvs, sizeof(*at->x));
	at->n = xcalloc((size_t)nenvs, sizeof(int));
	for (int i = 0; i < nenvs; i++) {
		const struct exp_group *g = exp_group(d, envs[i], a);
		at->x[i] = xcalloc((size_t)g->nruns, sizeof(double));
		at->n[i] = g->nruns;
		for (int r = 0; r < g->nruns; r++)
			at->x[i][r] = g->runs[r].norm_final;
	}
	at->t.ntasks = nenvs;
	at->t.x = (const double *const *)at->x;
	at->t.n = at->n;
}

static void tasks_release(struct algo_tasks *at)
{
	for (int i = 0; i < at->t.ntasks; i++)
		free(at->x[i]);
	free(at->x);
	free(at->n);
}

static unsigned rgb_int(const char *hex)
{
	return (unsigned)strtoul(hex + 1, NULL, 16);
}

/* Inches of the longest label at the figure's font (a generous average glyph width). */
static double label_inches(const char *const *labels, int n, double font_pt)
{
	size_t m = 0;
	for (int i = 0; i < n; i++)
		if (strlen(labels[i]) > m)
			m = strlen(labels[i]);
	return 0.2 + (double)m * font_pt * 0.64 / 72;
}

/* ytics listing labels at 0..n-1 (or the y2 axis). */
static void ytics_labels(struct strbuf *b, const char *axis, const char *const *labels, int n, double width,
			 double font_pt)
{
	strbuf_addf(b, "set %s (", axis);
	for (int i = 0; i < n; i++) {
		char *q = gnuplot_quote_fit(labels[i], width, font_pt);
		strbuf_addf(b, "%s%s %d", i ? ", " : "", q, i);
		free(q);
	}
	strbuf_addstr(b, ")\n");
}

static void xrange_nice(struct strbuf *b, double lo, double hi, double ntics)
{
	if (!(hi > lo)) {
		lo -= 0.5;
		hi += 0.5;
	}
	double step = nice_step_ceil(hi - lo, ntics);
	double a = floor(lo / step) * step, z = ceil(hi / step) * step;
	if (a == lo)
		a -= step / 2;
	if (z == hi)
		z += step / 2;
	strbuf_addf(b, "set xrange [%.17g:%.17g]\nset xtics %.17g\n", a, z, step);
}

/* "Normalised score (final; n = 5, few; 95% CI)": what every aggregate figure's axis says. */
static char *axis_note(const struct expdata *d, const struct plot_opts *o, const char *what)
{
	int lo, hi;
	expdata_n_range(d, &lo, &hi);
	char *sk = score_key(&o->score);
	char *n = lo == hi ? xstrfmt("%d", lo) : xstrfmt("%d-%d", lo, hi);
	char *s = xstrfmt("%s (%s; n = %s%s; %g%% CI)", what, sk, n, lo < FEW_RUNS ? ", few" : "", 100 * o->level);
	free(n);
	free(sk);
	return s;
}

static int draw_aggregate(const struct expdata *d, struct algo_tasks *at, const int *envs, int ne,
			  const char *figdir, const struct plot_opts *o)
{
	int na = d->nalgos, cols = o->width < 5 ? 2 : 4, rows = STATS_NMETRICS / cols;
	struct fig_style st;
	fig_style_init(&st, o->width, 1, o->png, o->pdf);
	/* the names, or C1..Cn with a key table under the figure when some name does not fit */
	const char **names = xcalloc((size_t)na + 1, sizeof(char *));
	for (int a = 0; a < na; a++)
		names[a] = d->display[a];
	int keyed;
	char **yl = short_labels(names, na, 0.45 * st.width - 0.3, st.font_pt, &keyed);
	double key_in = keyed ? key_table_inches(na, st.font_pt) : 0;
	double row_in = 0.75 + 0.2 * na, bottom_in = 0.35 + key_in;
	st.height = rows * row_in + bottom_in;
	double L = label_inches((const char *const *)yl, na, st.font_pt) / st.width;
	if (L > 0.45)
		L = 0.45;
	struct strbuf data = {0}, b = {0};
	strbuf_addstr(&data, "# ");
	gnuplot_comment(&data, "aggregate metrics of normalised scores: algorithm point lo hi rgb");
	char *note = interval_note(d, o, 1);
	strbuf_addstr(&data, "\n# ");
	gnuplot_comment(&data, note);
	strbuf_addstr(&data, "\n");
	free(note);
	double lo[STATS_NMETRICS], hi[STATS_NMETRICS];
	for (int m = 0; m < STATS_NMETRICS; m++) {
		strbuf_addf(&data, "# %s\n", stats_metric_title((enum stats_metric)m));
		lo[m] = INFINITY;
		hi[m] = -INFINITY;
		for (int a = 0; a < na; a++) {
			struct rng rng;
			rng_seed(&rng, interval_seed_agg("aggregate", d, envs, ne, d->algos[a], NULL, o, m));
			struct stats_interval iv;
			stats_aggregate_ci((enum stats_metric)m, &at[a].t, o->resamples, o->level, &rng, &iv);
			strbuf_addf(&data, "%d %.17g %.17g %.17g %u\n", a, iv.point, iv.lo, iv.hi,
				    rgb_int(algo_colour(a)));
			lo[m] = fmin(lo[m], iv.lo);
			hi[m] = fmax(hi[m], iv.hi);
		}
		strbuf_addstr(&data, "\n\n");
	}
	char *dat = xstrfmt("%s/aggregate.dat", figdir);
	int rc = write_file_atomic(dat, data.buf, data.len);
	char *qdat = gnuplot_quote(dat);
	double bf = bottom_in / st.height, rh = (1 - bf) / rows, pw = (1 - L - 0.01) / cols;
	double top_pad = 0.45 / st.height, tic_pad = 0.28 / st.height;
	char *axis = axis_note(d, o, "Normalised score"), *qaxis = gnuplot_quote_fit(axis, st.width * (1 - L), st.font_pt);
	strbuf_addf(&b, "set multiplot\nunset key\nset grid noytics xtics\nset yrange [%d.5:-0.5]\n"
		    "set border 1\nset xtics format '%%g'\nset label 1 %s at screen %.4f,%.4f center\n",
		    na - 1, qaxis, L + (1 - L) / 2, (key_in + 0.35 / 3) / st.height);
	free(axis);
	free(qaxis);
	if (keyed)
		key_table(&b, names, na, &st, 0.05);
	for (int m = 0; m < STATS_NMETRICS; m++) {
		int c = m % cols, r = m / cols;
		strbuf_addf(&b, "set lmargin at screen %.4f\nset rmargin at screen %.4f\n"
			    "set tmargin at screen %.4f\nset bmargin at screen %.4f\n",
			    L + c * pw + 0.035, L + (c + 1) * pw - 0.035, 1 - r * rh - top_pad, 1 - (r + 1) * rh + tic_pad);
		strbuf_addf(&b, "set title '%s'\n", stats_metric_title((enum stats_metric)m));
		if (c == 0)
			ytics_labels(&b, "ytics scale 0", (const char *const *)yl, na, L * st.width - 0.1, st.font_pt);
		else
			strbuf_addstr(&b, "unset ytics\n");
		xrange_nice(&b, lo[m], hi[m], pw * st.width < 1.6 ? 1.5 : 3);
		strbuf_addf(&b, "plot %s index %d using 2:1:3:4:($1-0.32):($1+0.32):5 with boxxyerror lc rgb variable "
			    "fs transparent solid 0.7 noborder, \\\n  %s index %d using 2:($1-0.32):(0):(0.64) with vectors "
			    "nohead lc rgb 'black' lw 2.5\nunset label 1\n", qdat, m, qdat, m);
		if (m == 0 && keyed)
			key_table_unset(&b, na);
	}
	strbuf_addstr(&b, "unset multiplot\n");
	labels_free(yl, na);
	free(names);
	if (!rc)
		rc = gnuplot_figure(figdir, "aggregate", &st, b.buf);
	free(qdat);
	free(dat);
	strbuf_release(&data);
	strbuf_release(&b);
	return rc;
}

static int draw_profile(const struct expdata *d, struct algo_tasks *at, const int *envs, int ne,
			const char *figdir, const struct plot_opts *o)
{
	double lo = 0, hi = 1;
	for (int a = 0; a < d->nalgos; a++)
		for (int i = 0; i < at[a].t.ntasks; i++)
			for (int r = 0; r < at[a].t.n[i]; r++) {
				lo = fmin(lo, at[a].t.x[i][r]);
				hi = fmax(hi, at[a].t.x[i][r]);
			}
	double step = nice_step(hi - lo) / 2;
	lo = floor(lo / step) * step;
	hi = ceil(hi / step) * step;
	enum { NTAU = 201 };
	double tau[NTAU];
	for (int j = 0; j < NTAU; j++)
		tau[j] = lo + (hi - lo) * j / (NTAU - 1);
	struct strbuf data = {0}, b = {0};
	strbuf_addstr(&data, "# performance profiles: tau fraction lo hi, one block per algorithm\n");
	struct stats_interval iv[NTAU];
	for (int a = 0; a < d->nalgos; a++) {
		struct rng rng;
		rng_seed(&rng, interval_seed_agg("profile", d, envs, ne, d->algos[a], NULL, o, 0));
		stats_profile_ci(&at[a].t, tau, NTAU, o->resamples, o->level, &rng, iv);
		strbuf_addstr(&data, "# ");
		gnuplot_comment(&data, d->algos[a]);
		strbuf_addstr(&data, "\n");
		for (int j = 0; j < NTAU; j++)
			strbuf_addf(&data, "%.17g %.17g %.17g %.17g\n", tau[j], iv[j].point, iv[j].lo, iv[j].hi);
		strbuf_addstr(&data, "\n\n");
	}
	char *dat = xstrfmt("%s/profile.dat", figdir);
	int rc = write_file_atomic(dat, data.buf, data.len);
	char *qdat = gnuplot_quote(dat);
	char *axis = axis_note(d, o, "Normalised score τ"), *qaxis = gnuplot_quote_fit(axis, o->width - 0.5, o->width < 5 ? 8 : 9);
	strbuf_addf(&b, "set xlabel %s\nset ylabel 'Fraction of runs > τ'\n"
		    "set yrange [0:1.02]\nset ytics 0.25\nset xrange [%.17g:%.17g]\nset key below horizontal reverse Left samplen 2.5 height 0.8\nplot ",
		    qaxis, lo, hi);
	free(axis);
	free(qaxis);
	for (int pass = 0; pass < 2; pass++)
		for (int a = 0; a < d->nalgos; a++) {
			strbuf_addstr(&b, pass || a ? ", \\\n  " : "");
			if (!pass) {
				strbuf_addf(&b, "%s index %d using 1:3:4 with filledcurves lc rgb '%s' notitle", qdat, a,
					    algo_colour(a));
			} else {
				char *t = quote_fit_middle(d->labels[a], o->width - 0.6, o->width < 5 ? 8 : 9);
				strbuf_addf(&b, "%s index %d using 1:2 with lines lw 2 dt %d lc rgb '%s' title %s", qdat,
					    a, algo_dash(a), algo_colour(a), t);
				free(t);
			}
		}
	strbuf_addstr(&b, "\n");
	struct fig_style st;
	fig_style_init(&st, o->width, o->width < 5 ? 0.85 : 0.5, o->png, o->pdf);
	if (!rc)
		rc = gnuplot_figure(figdir, "profile", &st, b.buf);
	free(qdat);
	free(dat);
	strbuf_release(&data);
	strbuf_release(&b);
	return rc;
}

static int draw_poi(const struct expdata *d, struct algo_tasks *at, const int *envs, int ne, const char *figdir,
		    const struct plot_opts *o)
{
	int na = d->nalgos, np = na * (na - 1) / 2, k = 0, keyed;
	const char **left = xcalloc((size_t)np, sizeof(char *)), **right = xcalloc((size_t)np, sizeof(char *));
	const char **names = xcalloc((size_t)na + 1, sizeof(char *));
	for (int a = 0; a < na; a++)
		names[a] = d->display[a];
	/* names longer than half the width (the narrow layout's room) become C1..Cn with a key table */
	char **sl = short_labels(names, na, 0.5 * o->width - 0.1, o->width < 5 ? 8 : 9, &keyed);
	struct strbuf data = {0}, b = {0};
	strbuf_addstr(&data, "# probability of improvement P(X > Y): row point lo hi rgb\n");
	for (int x = 0; x < na; x++)
		for (int y = x + 1; y < na; y++, k++) {
			struct rng rng;
			rng_seed(&rng, interval_seed_agg("poi", d, envs, ne, d->algos[x], d->algos[y], o, 0));
			struct stats_interval iv;
			stats_poi_ci(&at[x].t, &at[y].t, o->resamples, o->level, &rng, &iv);
			strbuf_addstr(&data, "# ");
			gnuplot_comment(&data, d->algos[x]);
			strbuf_addstr(&data, " > ");
			gnuplot_comment(&data, d->algos[y]);
			strbuf_addf(&data, "\n%d %.17g %.17g %.17g %u\n", k, iv.point, iv.lo, iv.hi, rgb_int(algo_colour(x)));
			left[k] = sl[x];
			right[k] = sl[y];
		}
	char *dat = xstrfmt("%s/poi.dat", figdir);
	int rc = write_file_atomic(dat, data.buf, data.len);
	char *qdat = gnuplot_quote(dat);
	struct fig_style st;
	fig_style_init(&st, o->width, 1, o->png, o->pdf);
	double key_in = keyed ? key_table_inches(na, st.font_pt) : 0;
	st.height = 0.75 + 0.28 * np + key_in;
	double L = label_inches(left, np, st.font_pt) / st.width, R = label_inches(right, np, st.font_pt) / st.width;
	/* narrow figures: X and Y written above each bar instead of beside it */
	int narrow = (1 - L - R) * st.width < 2.5;
	if (narrow) {
		st.height = 0.75 + 0.45 * np + key_in;
		L = R = 0.06;
	}
	if (L > 0.4)
		L = 0.4;
	if (R > 0.4)
		R = 0.4;
	char *axis = axis_note(d, o, "P(X > Y), X left, Y right"), *qaxis = gnuplot_quote_fit(axis, st.width * 0.9, st.font_pt);
	strbuf_addf(&b, "unset key\nset border 1\nset grid noytics xtics\nset xrange [0:1]\nset xtics 0.25\n"
		    "set yrange [%d.5:-0.5]\nset lmargin at screen %.4f\nset rmargin at screen %.4f\n"
		    "set xlabel %s\n"
		    "set arrow 1 from 0.5, graph 0 to 0.5, graph 1 nohead dt 2 lc rgb '#777777' back\n",
		    np - 1, L, 1 - R, qaxis);
	free(axis);
	free(qaxis);
	if (keyed) {
		strbuf_addf(&b, "set bmargin at screen %.4f\n", (key_in + 0.5) / st.height);
		key_table(&b, names, na, &st, 0.05);
	}
	double bar = narrow ? 0.22 : 0.3, shift = narrow ? 0.12 : 0;
	if (narrow) {
		strbuf_addstr(&b, "unset ytics\n");
		for (int i = 0; i < np; i++) {
			char *x = gnuplot_quote_fit(left[i], st.width * 0.5, st.font_pt);
			char *y = gnuplot_quote_fit(right[i], st.width * 0.5, st.font_pt);
			strbuf_addf(&b, "set label %d %s at graph 0, first %.2f left front\n"
				    "set label %d %s at graph 1, first %.2f right front\n",
				    10 + 2 * i, x, i - 0.22, 11 + 2 * i, y, i - 0.22);
			free(x);
			free(y);
		}
	} else {
		ytics_labels(&b, "ytics scale 0", left, np, L * st.width - 0.1, st.font_pt);
		ytics_labels(&b, "y2tics scale 0", right, np, R * st.width - 0.1, st.font_pt);
		strbuf_addf(&b, "set y2range [%d.5:-0.5]\n", np - 1);
	}
	strbuf_addf(&b, "plot %s using 2:($1+%g):3:4:($1+%g):($1+%g):5 with boxxyerror lc rgb variable "
		    "fs transparent solid 0.7 noborder, \\\n  %s using 2:($1+%g):(0):(%g) with vectors nohead "
		    "lc rgb 'black' lw 2.5\n", qdat, shift, shift - bar, shift + bar, qdat, shift - bar, 2 * bar);
	if (!rc)
		rc = gnuplot_figure(figdir, "poi", &st, b.buf);
	free(qdat);
	free(dat);
	free(left);
	free(right);
	free(names);
	labels_free(sl, na);
	strbuf_release(&data);
	strbuf_release(&b);
	return rc;
}

int aggfig_draw(const struct expdata *d, const char *figdir, const struct plot_opts *o)
{
	int *envs = xcalloc((size_t)d->nenvs, sizeof(int));
	int ne = aggfig_envs(d, envs);
	if (!ne) {
		warning("no environment can be normalised with runs of every algorithm: "
			"no aggregate, profile or probability-of-improvement figure");
		free(envs);
		return 1;
	}
	struct algo_tasks *at = xcalloc((size_t)d->nalgos, sizeof(*at));
	for (int a = 0; a < d->nalgos; a++)
		tasks_init(&at[a], d, a, envs, ne);
	int rc = draw_aggregate(d, at, envs, ne, figdir, o);
	if (!rc)
		rc = draw_profile(d, at, envs, ne, figdir, o);
	if (!rc && d->nalgos >= 2)
		rc = draw_poi(d, at, envs, ne, figdir, o);
	for (int a = 0; a < d->nalgos; a++)
		tasks_release(&at[a]);
	free(at);
	free(envs);
	return rc;
}
