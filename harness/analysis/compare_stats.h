/*
 * compare_stats.h - the statistics of `harness compare`: does configuration
 * B beat configuration A? A comparison is over strata (one environment, or
 * several environments, or the cells of a factorial sweep): stratum s holds
 * A's runs a[s] and B's runs b[s]. Estimands, each B minus A:
 *
 *   mean difference  the average over strata of mean(b[s]) - mean(a[s])
 *   IQM difference   IQM of every run of B pooled over strata minus the same
 *                    of A (rliable's pooling, stats.h)
 *   P(B > A)         probability of improvement (stats_poi): Mann-Whitney U
 *                    over n m per stratum, ties 1/2, averaged over strata
 *
 * with percentile intervals from one stratified bootstrap: A's and B's runs
 * resampled independently within each stratum, or, when the seeds are paired
 * (seed index i of A and B shared their environment streams), the seed
 * indices resampled with their pairs. The generator is seeded by boot_seed()
 * of the estimand's identity, never by call order.
 *
 * Tests (two-sided):
 *   t       Welch's t of the mean difference, stratified: variance
 *           sum_s (var(b_s)/n_b + var(a_s)/n_a) / S^2, degrees of freedom by
 *           Welch-Satterthwaite over every term; paired: the one-sample t of
 *           the per-seed differences (the same formulas with var(b - a)).
 *   rank    one stratum only: Mann-Whitney U of B against A (unpaired) or the
 *           Wilcoxon signed-rank test of b - a (paired, zero differences
 *           dropped, Wilcoxon's method); exact when there are no ties and both
 *           samples have at most 50 runs, else the normal approximation with
 *           tie and continuity corrections (scipy's method="asymptotic").
 *           NAN for several strata.
 *
 * The smallest detectable difference (mdd) is what a two-sided t-test at
 * level alpha has power 1 - beta to detect with these runs' spread:
 * (t_{df}^{-1}(1 - alpha/2) + t_{df}^{-1}(1 - beta)) * se.
 */
#ifndef COMPARE_STATS_H
#define COMPARE_STATS_H

#include <stdint.h>
#include "stats.h"

struct cmp_strata {
	int n;                   /* strata, >= 1 */
	const double *const *a;  /* (n) A's runs of each stratum */
	const int *na;           /* (n) each >= 1 */
	const double *const *b;
	const int *nb;
	int paired;              /* a[s][i] and b[s][i] share seed index i (na[s] == nb[s]) */
};

struct cmp_result {
	struct stats_interval mean_diff, iqm_diff, poi;
	double t, df, p_t;       /* Welch's (or the paired) t-test of mean_diff */
	double se;               /* standard error of mean_diff */
	double rank_stat, p_rank; /* U of B (or W+ when paired); NAN with several strata */
	int rank_exact;          /* p_rank exact (1) or normal approximation (0) */
	int n_a, n_b;            /* runs of A and of B over every stratum */
};

/* Mann-Whitney methods: automatic (see above), exact or the normal approximation. */
enum mwu_method { MWU_AUTO, MWU_EXACT, MWU_ASYMPTOTIC };

/* U of x over y (a tie counts 1/2) and the two-sided p-value; *exact says which was used. */
double mann_whitney(const double *x, int nx, const double *y, int ny, enum mwu_method m, double *p, int *exact);
/*
 * Wilcoxon signed-rank test of the differences d (zeros dropped): W+ (sum of
 * the ranks of positive differences) and the two-sided p-value.
 */
double wilcoxon_signed_rank(const double *d, int n, enum mwu_method m, double *p, int *exact);

/* Every estimand, interval and test of the comparison (resamples >= 1, 0 < level < 1). */
void cmp_run(const struct cmp_strata *s, int resamples, double level, uint64_t seed, struct cmp_result *r);

/* Smallest difference detectable with power 1 - beta at level alpha (two-sided) given se and df. */
double cmp_mdd(double se, double df, double alpha, double beta);

/*
 * The bootstrap seed of an estimand: the first 8 bytes, little-endian, of
 * SHA-256("harness-boot-v1|" identity), identity naming what is estimated
 * (environment, configurations, score, statistic). The same estimand gets
 * the same resamples in every table, figure and report.
 */
uint64_t boot_seed(const char *identity);

#endif
