/*
 * compare.c - see compare.h.
 */
#include "compare.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include "util.h"

static void mean_var(const double *x, int n, double *m, double *v)
{
	*m = n ? gsl_stats_mean(x, 1, (size_t)n) : NAN;
	*v = n > 1 ? gsl_stats_variance_m(x, 1, (size_t)n, *m) : 0; /* unbiased (n - 1) */
}

void welch_test(const double *a, int na, const double *b, int nb, struct welch *w)
{
	double ma, va, mb, vb;
	mean_var(a, na, &ma, &va);
	mean_var(b, nb, &mb, &vb);
	w->diff = mb - ma;
	double sa = na ? va / na : 0, sb = nb ? vb / nb : 0, se2 = sa + sb;
	if (na < 2 || nb < 2) {
		w->t = NAN;
		w->df = NAN;
		w->p = w->diff == 0 ? 1.0 : NAN;
		return;
	}
	if (se2 == 0) {
		/* no spread at all: the samples are equal or certainly different */
		w->t = w->diff == 0 ? 0 : copysign(INFINITY, w->diff);
		w->df = na + nb - 2;
		w->p = w->diff == 0 ? 1.0 : 0.0;
		return;
	}
	w->t = w->diff / sqrt(se2);
	w->df = se2 * se2 / ((na > 1 ? sa * sa / (na - 1) : 0) + (nb > 1 ? sb * sb / (nb - 1) : 0));
	w->p = 2 * gsl_cdf_tdist_Q(fabs(w->t), w->df);
	if (w->p > 1)
		w->p = 1;
}

void bootstrap_diff_ci(const double *a, int na, const double *b, int nb, int resamples,
		       double level, struct rng *rng, double *lo, double *hi)
{
	if (na < 1 || nb < 1) {
		*lo = *hi = NAN;
		return;
	}
	double *d = xmalloc((size_t)resamples * sizeof(double));
	for (int r = 0; r < resamples; r++) {
		double sa = 0, sb = 0;
		for (int i = 0; i < na; i++)
			sa += a[rng_below(rng, (uint64_t)na)];
		for (int i = 0; i < nb; i++)
			sb += b[rng_below(rng, (uint64_t)nb)];
		d[r] = sb / nb - sa / na;
	}
	gsl_sort(d, 1, (size_t)resamples);
	*lo = gsl_stats_quantile_from_sorted_data(d, 1, (size_t)resamples, (1 - level) / 2);
	*hi = gsl_stats_quantile_from_sorted_data(d, 1, (size_t)resamples, (1 + level) / 2);
	free(d);
}

void holm_adjust(const double *p, int n, double *adj)
{
	size_t *order = xmalloc((size_t)(n ? n : 1) * sizeof(size_t));
	double *q = xmalloc((size_t)(n ? n : 1) * sizeof(double));
	for (int i = 0; i < n; i++)
		q[i] = isnan(p[i]) ? 1.0 : p[i];
	gsl_sort_index(order, q, 1, (size_t)n);
	double running = 0;
	for (int k = 0; k < n; k++) {
		double v = (n - k) * q[order[k]];
		if (v > 1)
			v = 1;
		if (v < running)
			v = running;
		running = v;
		adj[order[k]] = v;
	}
	free(order);
	free(q);
}
