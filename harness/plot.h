/*
 * plot.h - figures with gnuplot. For each environment of an experiment, one
 * learning-curve figure: mean return across seeds with a 95% percentile
 * bootstrap confidence band (1000 resamples, fixed seed: reproducible), one
 * colour per algorithm configuration (Okabe-Ito, colour-blind safe), as PNG
 * and PDF in <root>/<NAME>/figures/. x is env steps and y the greedy
 * evaluation return when the runs have evaluations; otherwise x is the
 * episode and y the training return (moving average over `smooth` episodes).
 * Labels are escaped: no name can break or inject gnuplot commands.
 */
#ifndef PLOT_H
#define PLOT_H

struct sqlite3;

/* figdir (optional) receives the figures directory. 0 ok, -1 after error(). */
int plot_experiment(struct sqlite3 *db, const char *root, const char *experiment,
		    const char *only_commit, char **figdir);

/* Quotes s as a gnuplot double-quoted string, all but safe bytes octal-escaped (newlines as spaces). */
char *gnuplot_quote(const char *s);

#endif
