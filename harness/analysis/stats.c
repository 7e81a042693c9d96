/*
 * stats.c - see stats.h. Sorting and quantiles through GSL.
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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sorts in place: glibc's merge sort is several times faster than gsl_sort's heapsort. */
static void sort_doubles(double *c, size_t n)
{
	qsort(c, n, sizeof(double), cmp_double);
}

/* Copies x into c sorted: insertion sort for the few runs of a bootstrap resample. */
static void sort_into(double *c, const double *x, int n)
{
	if (n > 64) {
		memcpy(c, x, (size_t)n * sizeof(double));
		sort_doubles(c, (size_t)n);
		return;
	}
	for (int i = 0; i < n; i++) {
		double v = x[i];
		int j = i;
		for (; j > 0 && c[j - 1] > v; j--)
			c[j] = c[j - 1];
		c[j] = v;
	}
}

/* Small arrays (the usual number of seeds) sort on the stack: bootstraps call this a lot. */
#define STACK_N 256

static double *sorted_copy(const double *x, int n, double *stack)
{
	double *c = n <= STACK_N ? stack : xmalloc((size_t)n * sizeof(double));
	sort_into(c, x, n);
	return c;
}

static void sorted_free(double *c, double *stack)
{
	if (c != stack)
		free(c);
}

double stats_quantile(const double *x, int n, double q)
{
	if (n <= 0)
		return 0.0 / 0.0;
	double stack[STACK_N], *c = sorted_copy(x, n, stack);
	double v = gsl_stats_quantile_from_sorted_data(c, 1, (size_t)n, q);
	sorted_free(c, stack);
	return v;
}

double stats_median(const double *x, int n)
{
	return stats_quantile(x, n, 0.5);
}

double stats_iqm(const double *x, int n)
{
	if (n <= 0)
		return 0.0 / 0.0;
	double stack[STACK_N], *c = sorted_copy(x, n, stack);
	int cut = (int)(0.25 * n); /* scipy: int(proportiontocut * nobs), floor for n >= 0 */
	double s = 0;
	for (int i = cut; i < n - cut; i++)
		s += c[i];
	sorted_free(c, stack);
	return s / (n - 2 * cut);
}

double stats_optimality_gap(const double *x, int n, double threshold)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += x[i] < threshold ? threshold - x[i] : 0;
	return n ? s / n : 0.0 / 0.0;
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

static const char *const metric_titles[] = { "IQM", "Median", "Mean", "Optimality gap" };
static const char *const metric_keys[] = { "iqm", "median", "mean", "optgap" };

const char *stats_metric_title(enum stats_metric m)
{
	return (unsigned)m < STATS_NMETRICS ? metric_titles[m] : "?";
}

int stats_metric_parse(const char *s, enum stats_metric *m)
{
	for (int i = 0; i < STATS_NMETRICS; i++)
		if (!strcmp(s, metric_keys[i])) {
			*m = (enum stats_metric)i;
			return 0;
		}
	return -1;
}

static int total_runs(const struct stats_tasks *t)
{
	int n = 0;
	for (int i = 0; i < t->ntasks; i++)
		n += t->n[i];
	return n;
}

/* Every run of every task in one array (caller frees). */
static double *pooled(const struct stats_tasks *t, int *n)
{
	*n = total_runs(t);
	double *p = xmalloc((size_t)(*n ? *n : 1) * sizeof(double));
	for (int i = 0, k = 0; i < t->ntasks; i++)
		for (int j = 0; j < t->n[i]; j++)
			p[k++] = t->x[i][j];
	return p;
}

double stats_aggregate(enum stats_metric m, const struct stats_tasks *t)
{
	int n;
	double v;
	if (m == STATS_IQM || m == STATS_OPTIMALITY_GAP) {
		double *p = pooled(t, &n);
		v = m == STATS_IQM ? stats_iqm(p, n) : stats_optimality_gap(p, n, 1.0);
		free(p);
		return v;
	}
	double *means = xmalloc((size_t)(t->ntasks ? t->ntasks : 1) * sizeof(double));
	for (int i = 0; i < t->ntasks; i++)
		means[i] = stats_mean(t->x[i], t->n[i]);
	v = m == STATS_MEAN ? stats_mean(means, t->ntasks) : stats_median(means, t->ntasks);
	free(means);
	return v;
}

/* A resample buffer shaped like t. */
struct resample {
	struct stats_tasks t;
	double *buf;
	const double **ptr;
};

static void resample_init(struct resample *r, const struct stats_tasks *t)
{
	int n = total_runs(t);
	r->buf = xmalloc((size_t)(n ? n : 1) * sizeof(double));
	r->ptr = xmalloc((size_t)(t->ntasks ? t->ntasks : 1) * sizeof(*r->ptr));
	for (int i = 0, k = 0; i < t->ntasks; k += t->n[i], i++)
		r->ptr[i] = r->buf + k;
	r->t.ntasks = t->ntasks;
	r->t.n = t->n;
	r->t.x = r->ptr;
}

/* Draws n[i] runs with replacement within each task i. */
static void resample_draw(struct resample *r, const struct stats_tasks *t, struct rng *rng)
{
	for (int i = 0, k = 0; i < t->ntasks; i++)
		for (int j = 0; j < t->n[i]; j++)
			r->buf[k++] = t->x[i][rng_below(rng, (uint64_t)t->n[i])];
}

static void resample_release(struct resample *r)
{
	free(r->buf);
	free(r->ptr);
}

/* Percentile interval of column j of draws (resamples x k), sorted in place per column. */
static void percentile_interval(double *col, int resamples, double level, struct stats_interval *iv)
{
	sort_doubles(col, (size_t)resamples);
	iv->lo = gsl_stats_quantile_from_sorted_data(col, 1, (size_t)resamples, (1 - level) / 2);
	iv->hi = gsl_stats_quantile_from_sorted_data(col, 1, (size_t)resamples, (1 + level) / 2);
}

void stats_bootstrap_vec(stats_vec_fn fn, void *ctx, int k, const struct stats_tasks *t,
			 int resamples, double level, struct rng *rng, struct stats_interval *iv)
{
	double *out = xmalloc((size_t)k * sizeof(double));
	fn(t, ctx, out);
	for (int j = 0; j < k; j++)
		iv[j].point = out[j];
	double *draws = xmalloc((size_t)k * (size_t)resamples * sizeof(double)); /* (k, resamples) */
	struct resample r;
	resample_init(&r, t);
	for (int b = 0; b < resamples; b++) {
		resample_draw(&r, t, rng);
		fn(&r.t, ctx, out);
		for (int j = 0; j < k; j++)
			draws[(size_t)j * resamples + b] = out[j];
	}
	for (int j = 0; j < k; j++)
		percentile_interval(draws + (size_t)j * resamples, resamples, level, &iv[j]);
	resample_release(&r);
	free(draws);
	free(out);
}

static void aggregate_fn(const struct stats_tasks *t, void *ctx, double *out)
{
	*out = stats_aggregate(*(enum stats_metric *)ctx, t);
}

void stats_aggregate_ci(enum stats_metric m, const struct stats_tasks *t, int resamples, double level,
			struct rng *rng, struct stats_interval *iv)
{
	stats_bootstrap_vec(aggregate_fn, &m, 1, t, resamples, level, rng, iv);
}

double stats_runs_metric(enum stats_metric m, const double *x, int n)
{
	switch (m) {
	case STATS_IQM: return stats_iqm(x, n);
	case STATS_MEDIAN: return stats_median(x, n);
	case STATS_MEAN: return stats_mean(x, n);
	default: return stats_optimality_gap(x, n, 1.0);
	}
}

static void runs_fn(const struct stats_tasks *t, void *ctx, double *out)
{
	*out = stats_runs_metric(*(enum stats_metric *)ctx, t->x[0], t->n[0]);
}

void stats_runs_ci(enum stats_metric m, const double *x, int n, int resamples, double level, struct rng *rng,
		   struct stats_interval *iv)
{
	const double *xs[] = { x };
	struct stats_tasks t = { 1, xs, &n };
	stats_bootstrap_vec(runs_fn, &m, 1, &t, resamples, level, rng, iv);
}

void stats_profile(const struct stats_tasks *t, const double *tau, int ntau, double *out)
{
	for (int j = 0; j < ntau; j++) {
		double s = 0;
		for (int i = 0; i < t->ntasks; i++) {
			int above = 0;
			for (int r = 0; r < t->n[i]; r++)
				above += t->x[i][r] > tau[j];
			s += (double)above / t->n[i];
		}
		out[j] = t->ntasks ? s / t->ntasks : 0.0 / 0.0;
	}
}

struct profile_ctx {
	const double *tau;
	int ntau;
};

static void profile_fn(const struct stats_tasks *t, void *ctx, double *out)
{
	const struct profile_ctx *p = ctx;
	stats_profile(t, p->tau, p->ntau, out);
}

void stats_profile_ci(const struct stats_tasks *t, const double *tau, int ntau, int resamples,
		      double level, struct rng *rng, struct stats_interval *iv)
{
	struct profile_ctx p = { tau, ntau };
	stats_bootstrap_vec(profile_fn, &p, ntau, t, resamples, level, rng, iv);
}

double stats_poi(const struct stats_tasks *x, const struct stats_tasks *y)
{
	if (x->ntasks != y->ntasks)
		BUG("stats_poi: %d tasks against %d", x->ntasks, y->ntasks);
	double s = 0;
	for (int t = 0; t < x->ntasks; t++) {
		double u = 0;
		for (int i = 0; i < x->n[t]; i++)
			for (int j = 0; j < y->n[t]; j++)
				u += x->x[t][i] > y->x[t][j] ? 1.0 : x->x[t][i] == y->x[t][j] ? 0.5 : 0.0;
		s += u / ((double)x->n[t] * y->n[t]);
	}
	return x->ntasks ? s / x->ntasks : 0.0 / 0.0;
}

void stats_poi_ci(const struct stats_tasks *x, const struct stats_tasks *y, int resamples, double level,
		  struct rng *rng, struct stats_interval *iv)
{
	iv->point = stats_poi(x, y);
	double *draws = xmalloc((size_t)resamples * sizeof(double));
	struct resample rx, ry;
	resample_init(&rx, x);
	resample_init(&ry, y);
	for (int b = 0; b < resamples; b++) {
		resample_draw(&rx, x, rng);
		resample_draw(&ry, y, rng);
		draws[b] = stats_poi(&rx.t, &ry.t);
	}
	percentile_interval(draws, resamples, level, iv);
	resample_release(&rx);
	resample_release(&ry);
	free(draws);
}
