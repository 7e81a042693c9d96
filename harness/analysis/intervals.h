/*
 * intervals.h - one computation per interval: the bootstrap generator of
 * every interval in tables and figures is seeded by boot_seed() of the
 * estimand's name (what is estimated, from which runs, with which score),
 * never by the order of calls or the position of a configuration, so the
 * same interval is the same number in tables/final.md, figures/aggregate.dat
 * and the figures, and adding an unrelated configuration moves nothing else.
 *
 * And the note every figure and table carries: n (runs per configuration
 * and environment) and the interval method, with a warning below
 * CMP_FEW_RUNS runs.
 */
#ifndef INTERVALS_H
#define INTERVALS_H

#include <stdint.h>
#include "expdata.h"
#include "plot.h"

/* The interval of one configuration's runs on one environment (tables, curves use kind "curve"). */
uint64_t interval_seed_runs(const char *kind, const char *env, const char *config, const struct plot_opts *o,
			    enum stats_metric m);
/* An interval over the environments envs (aggregate metrics, profiles, P(X > Y)): y may be NULL. */
uint64_t interval_seed_agg(const char *kind, const struct expdata *d, const int *envs, int ne, const char *x,
			   const char *y, const struct plot_opts *o, int m);
/* Fewest and most runs of any (environment, configuration) with runs. */
void expdata_n_range(const struct expdata *d, int *min_n, int *max_n);
/* "n = 5 runs per configuration and environment, 95% percentile bootstrap (10000 resamples)" + warning (caller frees). */
char *interval_note(const struct expdata *d, const struct plot_opts *o, int stratified);

#define FEW_RUNS 10

#endif
