/*
 * compare.h - two-sample comparisons for regression checks: Welch's t-test
 * (p-value from GSL's Student t distribution), a percentile-bootstrap CI of
 * the difference of means (seeded), and Holm's step-down correction.
 */
#ifndef COMPARE_H
#define COMPARE_H

#include "rng.h"

struct welch {
	double diff;  /* mean(b) - mean(a) */
	double t, df;
	double p;     /* two-sided */
};

/* Welch's unequal-variances t-test of b against a (each n >= 2 for a p-value < 1). */
void welch_test(const double *a, int na, const double *b, int nb, struct welch *w);
/* CI of mean(b) - mean(a), resampling each sample independently. */
void bootstrap_diff_ci(const double *a, int na, const double *b, int nb, int resamples,
		       double level, struct rng *rng, double *lo, double *hi);
/* Holm-adjusted p-values (in place order preserved): adj[i] for p[i]. */
void holm_adjust(const double *p, int n, double *adj);

#endif
