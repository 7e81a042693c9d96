/*
 * compare_stats.c - see compare_stats.h. Distributions through GSL; exact
 * rank-test distributions by counting with additions only (no cancellation).
 */
#include "compare_stats.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

#define EXACT_MAX 50

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sum over tie groups of t^3 - t of the sorted values v (n); 0 without ties. */
static double tie_sum(const double *v, int n)
{
	double s = 0;
	for (int i = 0; i < n;) {
		int j = i;
		while (j < n && v[j] == v[i])
			j++;
		double t = j - i;
		s += t * t * t - t;
		i = j;
	}
	return s;
}

/* P(U >= u) for sample sizes m, n without ties: arrangements counted by f(i,j,k) = f(i-1,j,k-j) + f(i,j-1,k). */
static double mwu_sf_exact(int m, int n, double u)
{
	/* F[j]: counts of U = 0..i*j for sizes (i, j); the current i, row by row */
	double **F = xcalloc((size_t)n + 1, sizeof(*F)), **G = xcalloc((size_t)n + 1, sizeof(*G));
	for (int j = 0; j <= n; j++) {
		F[j] = xcalloc(1, sizeof(double));
		F[j][0] = 1;
	}
	for (int i = 1; i <= m; i++) {
		for (int j = 0; j <= n; j++) {
			int len = i * j + 1, plen = (i - 1) * j + 1, llen = i * (j - 1) + 1;
			G[j] = xcalloc((size_t)len, sizeof(double));
			for (int k = 0; k < len; k++) {
				double v = 0;
				if (k - j >= 0 && k - j < plen)
					v += F[j][k - j];
				if (j > 0 && k < llen)
					v += G[j - 1][k];
				else if (j == 0)
					v = k == 0;
				G[j][k] = v;
			}
		}
		for (int j = 0; j <= n; j++) {
			free(F[j]);
			F[j] = G[j];
			G[j] = NULL;
		}
	}
	double tot = 0, above = 0;
	for (int k = 0; k <= m * n; k++) {
		tot += F[n][k];
		if (k >= u - 1e-9)
			above += F[n][k];
	}
	for (int j = 0; j <= n; j++)
		free(F[j]);
	free(F);
	free(G);
	return above / tot;
}

double mann_whitney(const double *x, int nx, const double *y, int ny, enum mwu_method m, double *p, int *exact)
{
	double u = 0;
	for (int i = 0; i < nx; i++)
		for (int j = 0; j < ny; j++)
			u += x[i] > y[j] ? 1.0 : x[i] == y[j] ? 0.5 : 0.0;
	int n = nx + ny;
	double *all = xmalloc((size_t)(n ? n : 1) * sizeof(double));
	memcpy(all, x, (size_t)nx * sizeof(double));
	memcpy(all + nx, y, (size_t)ny * sizeof(double));
	qsort(all, (size_t)n, sizeof(double), cmp_dbl);
	double ties = tie_sum(all, n);
	free(all);
	double big = fmax(u, (double)nx * ny - u);
	int ex = m == MWU_EXACT || (m == MWU_AUTO && ties == 0 && nx <= EXACT_MAX && ny <= EXACT_MAX);
	if (nx < 1 || ny < 1) {
		*p = NAN;
	} else if (ex) {
		*p = fmin(1, 2 * mwu_sf_exact(nx, ny, big));
	} else {
		double mu = (double)nx * ny / 2;
		double var = (double)nx * ny / 12 * ((n + 1) - ties / ((double)n * (n - 1)));
		*p = var > 0 ? fmin(1, 2 * gsl_cdf_ugaussian_Q((big - mu - 0.5) / sqrt(var))) : 1;
	}
	if (exact)
		*exact = ex;
	return u;
}

/* Average ranks (1-based) of v (n) into r. */
static void avg_ranks(const double *v, int n, double *r)
{
	int *idx = xmalloc((size_t)(n ? n : 1) * sizeof(int));
	for (int i = 0; i < n; i++)
		idx[i] = i;
	for (int i = 1; i < n; i++) /* insertion sort of indices by value (n is a number of seeds) */
		for (int j = i; j > 0 && v[idx[j - 1]] > v[idx[j]]; j--) {
			int t = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
	for (int i = 0; i < n;) {
		int j = i;
		while (j < n && v[idx[j]] == v[idx[i]])
			j++;
		for (int k = i; k < j; k++)
			r[idx[k]] = (i + 1 + j) / 2.0;
		i = j;
	}
	free(idx);
}

double wilcoxon_signed_rank(const double *d, int n, enum mwu_method m, double *p, int *exact)
{
	double *a = xmalloc((size_t)(n ? n : 1) * sizeof(double)), *r = xmalloc((size_t)(n ? n : 1) * sizeof(double));
	int k = 0;
	for (int i = 0; i < n; i++)
		if (d[i] != 0)
			a[k++] = fabs(d[i]);
	avg_ranks(a, k, r);
	double wplus = 0;
	for (int i = 0, j = 0; i < n; i++)
		if (d[i] != 0) {
			if (d[i] > 0)
				wplus += r[j];
			j++;
		}
	qsort(a, (size_t)k, sizeof(double), cmp_dbl);
	double ties = tie_sum(a, k), total = (double)k * (k + 1) / 2, small = fmin(wplus, total - wplus);
	int ex = m == MWU_EXACT || (m == MWU_AUTO && ties == 0 && k <= EXACT_MAX);
	if (k == 0) {
		*p = 1;
	} else if (ex) {
		int top = k * (k + 1) / 2;
		double *c = xcalloc((size_t)top + 1, sizeof(double)), below = 0, all = 0;
		c[0] = 1;
		for (int rk = 1; rk <= k; rk++)
			for (int s = top; s >= rk; s--)
				c[s] += c[s - rk];
		for (int s = 0; s <= top; s++) {
			all += c[s];
			if (s <= small + 1e-9)
				below += c[s];
		}
		free(c);
		*p = fmin(1, 2 * below / all);
	} else {
		double mu = total / 2, var = (double)k * (k + 1) * (2 * k + 1) / 24 - ties / 48;
		*p = var > 0 ? fmin(1, 2 * gsl_cdf_ugaussian_Q((mu - small - 0.5) / sqrt(var))) : 1;
	}
	if (exact)
		*exact = ex;
	free(a);
	free(r);
	return wplus;
}

static double mean_of(const double *x, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += x[i];
	return n ? s / n : NAN;
}

static double var_of(const double *x, int n) /* unbiased; 0 for n < 2 */
{
	if (n < 2)
		return 0;
	double m = mean_of(x, n), s = 0;
	for (int i = 0; i < n; i++)
		s += (x[i] - m) * (x[i] - m);
	return s / (n - 1);
}

/* The three estimands of strata (a, b): mean difference, IQM difference, P(B > A). */
static void estimands(const struct cmp_strata *s, double *pool_a, double *pool_b, double out[3])
{
	double md = 0;
	int ka = 0, kb = 0;
	for (int i = 0; i < s->n; i++) {
		md += mean_of(s->b[i], s->nb[i]) - mean_of(s->a[i], s->na[i]);
		memcpy(pool_a + ka, s->a[i], (size_t)s->na[i] * sizeof(double));
		memcpy(pool_b + kb, s->b[i], (size_t)s->nb[i] * sizeof(double));
		ka += s->na[i];
		kb += s->nb[i];
	}
	out[0] = md / s->n;
	out[1] = stats_iqm(pool_b, kb) - stats_iqm(pool_a, ka);
	struct stats_tasks ta = { s->n, s->a, s->na }, tb = { s->n, s->b, s->nb };
	out[2] = stats_poi(&tb, &ta);
}

static void t_test(const struct cmp_strata *s, double diff, struct cmp_result *r)
{
	double se2 = 0, den = 0, S2 = (double)s->n * s->n;
	int small = 0;
	for (int i = 0; i < s->n; i++) {
		if (s->paired) {
			int n = s->na[i];
			double *d = xmalloc((size_t)n * sizeof(double));
			for (int k = 0; k < n; k++)
				d[k] = s->b[i][k] - s->a[i][k];
			double v = var_of(d, n) / n / S2;
			free(d);
			se2 += v;
			if (n < 2)
				small = 1;
			else
				den += v * v / (n - 1);
		} else {
			double va = var_of(s->a[i], s->na[i]) / s->na[i] / S2;
			double vb = var_of(s->b[i], s->nb[i]) / s->nb[i] / S2;
			se2 += va + vb;
			if (s->na[i] < 2 || s->nb[i] < 2)
				small = 1;
			else
				den += va * va / (s->na[i] - 1) + vb * vb / (s->nb[i] - 1);
		}
	}
	r->se = sqrt(se2);
	if (small) {
		r->t = r->df = NAN;
		r->p_t = diff == 0 ? 1 : NAN;
	} else if (se2 == 0) {
		/* no spread at all: equal, or certainly different */
		r->t = diff == 0 ? 0 : copysign(INFINITY, diff);
		r->df = NAN;
		r->p_t = diff == 0 ? 1 : 0;
	} else {
		r->t = diff / r->se;
		r->df = se2 * se2 / den;
		r->p_t = fmin(1, 2 * gsl_cdf_tdist_Q(fabs(r->t), r->df));
	}
}

void cmp_run(const struct cmp_strata *s, int resamples, double level, uint64_t seed, struct cmp_result *r)
{
	memset(r, 0, sizeof(*r));
	for (int i = 0; i < s->n; i++) {
		r->n_a += s->na[i];
		r->n_b += s->nb[i];
		if (s->paired && s->na[i] != s->nb[i])
			BUG("cmp_run: paired strata of %d and %d runs", s->na[i], s->nb[i]);
	}
	double *pa = xmalloc((size_t)r->n_a * sizeof(double)), *pb = xmalloc((size_t)r->n_b * sizeof(double));
	double *ra = xmalloc((size_t)r->n_a * sizeof(double)), *rb = xmalloc((size_t)r->n_b * sizeof(double));
	const double **xa = xmalloc((size_t)s->n * sizeof(*xa)), **xb = xmalloc((size_t)s->n * sizeof(*xb));
	for (int i = 0, ka = 0, kb = 0; i < s->n; ka += s->na[i], kb += s->nb[i], i++) {
		xa[i] = ra + ka;
		xb[i] = rb + kb;
	}
	struct cmp_strata rs = *s;
	rs.a = xa;
	rs.b = xb;
	double point[3];
	estimands(s, pa, pb, point);
	double *draws = xmalloc((size_t)3 * (size_t)resamples * sizeof(double)); /* (3, resamples) */
	struct rng rng;
	rng_seed(&rng, seed);
	for (int b = 0; b < resamples; b++) {
		for (int i = 0; i < s->n; i++) {
			double *da = (double *)xa[i], *db = (double *)xb[i];
			if (s->paired) {
				for (int k = 0; k < s->na[i]; k++) {
					uint64_t j = rng_below(&rng, (uint64_t)s->na[i]);
					da[k] = s->a[i][j];
					db[k] = s->b[i][j];
				}
			} else {
				for (int k = 0; k < s->na[i]; k++)
					da[k] = s->a[i][rng_below(&rng, (uint64_t)s->na[i])];
				for (int k = 0; k < s->nb[i]; k++)
					db[k] = s->b[i][rng_below(&rng, (uint64_t)s->nb[i])];
			}
		}
		double out[3];
		estimands(&rs, pa, pb, out);
		for (int j = 0; j < 3; j++)
			draws[(size_t)j * resamples + b] = out[j];
	}
	struct stats_interval *iv[3] = { &r->mean_diff, &r->iqm_diff, &r->poi };
	for (int j = 0; j < 3; j++) {
		double *col = draws + (size_t)j * resamples;
		qsort(col, (size_t)resamples, sizeof(double), cmp_dbl);
		iv[j]->point = point[j];
		iv[j]->lo = stats_quantile(col, resamples, (1 - level) / 2);
		iv[j]->hi = stats_quantile(col, resamples, (1 + level) / 2);
	}
	t_test(s, point[0], r);
	r->rank_stat = r->p_rank = NAN;
	if (s->n == 1) {
		if (s->paired) {
			double *d = xmalloc((size_t)s->na[0] * sizeof(double));
			for (int k = 0; k < s->na[0]; k++)
				d[k] = s->b[0][k] - s->a[0][k];
			r->rank_stat = wilcoxon_signed_rank(d, s->na[0], MWU_AUTO, &r->p_rank, &r->rank_exact);
			free(d);
		} else {
			r->rank_stat = mann_whitney(s->b[0], s->nb[0], s->a[0], s->na[0], MWU_AUTO, &r->p_rank,
						    &r->rank_exact);
		}
	}
	free(draws);
	free(pa);
	free(pb);
	free(ra);
	free(rb);
	free(xa);
	free(xb);
}

double cmp_mdd(double se, double df, double alpha, double beta)
{
	if (!(se >= 0) || !(df > 0))
		return NAN;
	return (gsl_cdf_tdist_Pinv(1 - alpha / 2, df) + gsl_cdf_tdist_Pinv(1 - beta, df)) * se;
}

uint64_t boot_seed(const char *identity)
{
	char *s = xstrfmt("harness-boot-v1|%s", identity);
	uint64_t v = sha256_u64(s);
	free(s);
	return v;
}
