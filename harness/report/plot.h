/*
 * plot.h - an experiment's figures and tables (after Agarwal et al. 2021 and
 * rliable), drawn with gnuplot into <root>/<NAME>/figures/ (PNG and PDF, the
 * gnuplot scripts and data beside) and <root>/<NAME>/tables/:
 *
 *   <env>.png|pdf        learning curves of one environment: per algorithm the
 *                        metric (IQM by default, or mean or median) across seeds
 *                        with a 95% bootstrap band
 *   curves.png|pdf       the same, every environment as a panel, one legend
 *   aggregate.png|pdf    IQM, median, mean and optimality gap of normalised final
 *                        scores per algorithm, 95% stratified bootstrap intervals
 *   profile.png|pdf      performance profiles: fraction of runs with normalised
 *                        score > tau, with 95% bands
 *   poi.png|pdf          probability of improvement P(X > Y) for each pair of
 *                        algorithms, with 95% intervals (two algorithms or more)
 *   tables/final.md|tex  final score per environment and algorithm (see tables.h)
 *
 * Each algorithm keeps one colour and dash in every figure (Okabe-Ito). The
 * figures of normalised scores use the environments that can be normalised
 * (normalize.h) and where every algorithm has runs; without any, they are
 * skipped with a warning. Bootstrap resampling is seeded: the same runs give
 * the same figures. Labels are escaped (gnuplot.h).
 */
#ifndef PLOT_H
#define PLOT_H

#include "gnuplot.h"
#include "score.h"
#include "stats.h"

struct store;
struct selection;

struct plot_opts {
	enum stats_metric metric; /* curves and tables: STATS_IQM (default), _MEAN or _MEDIAN */
	int png, pdf;             /* formats (default both) */
	double width;             /* inches: 3.5 one column, 7 two columns (default) */
	int smooth;               /* moving average over this many curve points (0: none; 10 episodes
				   * for training-return curves) */
	int resamples;            /* bootstrap resamples (default 10000) */
	double level;             /* interval level (0.95) */
	const char *source_hash;  /* code version keying cached random scores (default: this binary's) */
	const char *output;       /* figures/ and tables/ go under this directory (default <root>/<NAME>) */
	struct score score;       /* the score of a run in tables and aggregate figures (default final) */
	int bands;                /* draw the curves' interval bands (default 1) */
	const char *const *only_configs, *const *only_envs; /* draw only these (names or labels), NULL: all */
	int n_only_configs, n_only_envs;
};
void plot_opts_init(struct plot_opts *o);

/*
 * Draws everything of a selection (store.h: the cells of the current spec)
 * with default options (run.c and collect call this at the end). Legends
 * and tables say n per algorithm and entry; failed runs count with their
 * score at failure (expdata.h). figdir (optional) receives the figures
 * directory. 0 ok, -1 after error().
 */
int plot_experiment(struct store *db, const struct selection *sel, char **figdir);
int plot_experiment_opts(struct store *db, const struct selection *sel, const struct plot_opts *o,
			 char **figdir);

#endif
