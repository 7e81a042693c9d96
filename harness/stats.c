/*
 * stats.c - see stats.h. Quantiles through GSL.
 */
#include "stats.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

double stats_mean(const double *x, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += x[i];
	return n ? s / n : 0.0 / 0.0;
}

double stats_quantile(const double *x, int n, double q)
{
	if (n <= 0)
		return 0.0 / 0.0;
	double *c = xmalloc((size_t)n * sizeof(double));
	memcpy(c, x, (size_t)n * sizeof(double));
	gsl_sort(c, 1, (size_t)n);
	double v = gsl_stats_quantile_from_sorted_data(c, 1, (size_t)n, q);
	free(c);
	return v;
}

void stats_bootstrap_mean_ci(const double *x, int n, int resamples, double level, struct rng *rng,
			     double *lo, double *hi)
{
	if (n <= 1) {
		*lo = *hi = n ? x[0] : 0.0 / 0.0;
		return;
	}
	double *means = xmalloc((size_t)resamples * sizeof(double));
	for (int b = 0; b < resamples; b++) {
		double s = 0;
		for (int i = 0; i < n; i++)
			s += x[rng_below(rng, (uint64_t)n)];
		means[b] = s / n;
	}
	gsl_sort(means, 1, (size_t)resamples);
	*lo = gsl_stats_quantile_from_sorted_data(means, 1, (size_t)resamples, (1 - level) / 2);
	*hi = gsl_stats_quantile_from_sorted_data(means, 1, (size_t)resamples, (1 + level) / 2);
	free(means);
}
