/*
 * stats.h - statistics over seeds: means, quantiles and percentile bootstrap
 * confidence intervals. Resampling draws from a caller-seeded struct rng, so
 * every interval (and every figure) is reproducible.
 */
#ifndef STATS_H
#define STATS_H

#include "rng.h"

double stats_mean(const double *x, int n);
/* Quantile q in [0,1] with linear interpolation (numpy's default); x need not be sorted. */
double stats_quantile(const double *x, int n, double q);
/*
 * Percentile bootstrap CI of the mean: `resamples` resamples of size n with
 * replacement; lo/hi are the (1-level)/2 and (1+level)/2 quantiles of the
 * resampled means. With n == 1 both are x[0].
 */
void stats_bootstrap_mean_ci(const double *x, int n, int resamples, double level, struct rng *rng,
			     double *lo, double *hi);

#endif
