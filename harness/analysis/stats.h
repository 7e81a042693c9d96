/*
 * stats.h - statistics over seeds, after "Deep RL at the Edge of the
 * Statistical Precipice" (Agarwal et al., NeurIPS 2021) and its rliable
 * library: interquartile mean, median, mean, optimality gap, stratified
 * bootstrap percentile intervals, performance profiles and the probability
 * of improvement. Resampling draws from a caller-seeded struct rng, so every
 * interval (and every figure and table) is reproducible.
 *
 * Scores of several tasks (environments) are a struct stats_tasks: task t
 * has n[t] >= 1 runs; tasks may have different numbers of runs. Aggregates
 * follow rliable: the IQM and the optimality gap pool every run of every
 * task; the mean and the median are taken over the per-task mean scores.
 * The stratified bootstrap resamples runs with replacement within each task
 * (n[t] draws from task t), never across tasks. Intervals are percentile
 * intervals: the (1-level)/2 and (1+level)/2 quantiles (linear interpolation,
 * numpy's default) of the resampled statistics.
 */
#ifndef STATS_H
#define STATS_H

#include "rng.h"

double stats_mean(const double *x, int n);
/* Quantile q in [0,1] with linear interpolation (numpy's default); x need not be sorted. */
double stats_quantile(const double *x, int n, double q);
double stats_median(const double *x, int n);
/*
 * Interquartile mean, exactly scipy.stats.trim_mean(x, 0.25): sorts, drops
 * floor(0.25 n) values from each end and averages the rest (n < 4 drops none).
 */
double stats_iqm(const double *x, int n);
/* Mean of max(0, threshold - x): how far below threshold (1 for normalised scores) runs fall. */
double stats_optimality_gap(const double *x, int n, double threshold);

/*
 * Percentile bootstrap CI of the mean: `resamples` resamples of size n with
 * replacement; lo/hi are the (1-level)/2 and (1+level)/2 quantiles of the
 * resampled means. With n == 1 both are x[0].
 */
void stats_bootstrap_mean_ci(const double *x, int n, int resamples, double level, struct rng *rng,
			     double *lo, double *hi);

struct stats_tasks {
	int ntasks;
	const double *const *x; /* (ntasks) pointers to the runs of each task */
	const int *n;           /* (ntasks) runs per task, each >= 1 */
};

enum stats_metric { STATS_IQM, STATS_MEDIAN, STATS_MEAN, STATS_OPTIMALITY_GAP, STATS_NMETRICS };
/* "IQM", "Median", "Mean", "Optimality gap". */
const char *stats_metric_title(enum stats_metric m);
/* Parses "iqm", "median", "mean", "optgap"; 0 or -1 (no error printed). */
int stats_metric_parse(const char *s, enum stats_metric *m);

/* The aggregate metric over tasks (rliable's definitions, see above; optimality gap threshold 1). */
double stats_aggregate(enum stats_metric m, const struct stats_tasks *t);

struct stats_interval {
	double point, lo, hi;
};

/* The metric of the runs of one task: IQM, median, mean or optimality gap of x itself. */
double stats_runs_metric(enum stats_metric m, const double *x, int n);
/* stats_runs_metric with its bootstrap interval (runs resampled with replacement). */
void stats_runs_ci(enum stats_metric m, const double *x, int n, int resamples, double level, struct rng *rng,
		   struct stats_interval *iv);

/*
 * A statistic of stratified scores with k outputs (e.g. one per tau of a
 * performance profile), written to out[0..k-1].
 */
typedef void (*stats_vec_fn)(const struct stats_tasks *t, void *ctx, double *out);

/*
 * Point estimates and stratified-bootstrap percentile intervals of the k
 * outputs of fn: iv[j] for output j. Every output is computed on the same
 * resamples. resamples >= 1, 0 < level < 1.
 */
void stats_bootstrap_vec(stats_vec_fn fn, void *ctx, int k, const struct stats_tasks *t,
			 int resamples, double level, struct rng *rng, struct stats_interval *iv);

/* stats_aggregate with its stratified bootstrap interval. */
void stats_aggregate_ci(enum stats_metric m, const struct stats_tasks *t, int resamples, double level,
			struct rng *rng, struct stats_interval *iv);

/*
 * Performance profile (score distribution): for each tau[j], the fraction of
 * runs whose score is > tau[j], averaged over tasks (each task weighs the
 * same; with equal runs per task this is the pooled fraction, as rliable).
 */
void stats_profile(const struct stats_tasks *t, const double *tau, int ntau, double *out);
/* stats_profile with stratified bootstrap bands (same resamples for every tau). */
void stats_profile_ci(const struct stats_tasks *t, const double *tau, int ntau, int resamples,
		      double level, struct rng *rng, struct stats_interval *iv);

/*
 * Probability of improvement P(X > Y), as rliable: for each task the
 * Mann-Whitney U statistic of X's runs over Y's divided by n*m (a tie counts
 * 1/2), averaged over tasks. x and y have the same number of tasks.
 */
double stats_poi(const struct stats_tasks *x, const struct stats_tasks *y);
/* With a bootstrap interval: X's and Y's runs resampled independently within each task. */
void stats_poi_ci(const struct stats_tasks *x, const struct stats_tasks *y, int resamples, double level,
		  struct rng *rng, struct stats_interval *iv);

#endif
