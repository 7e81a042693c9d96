/*
 * test_stats.c - the statistics of harness/analysis/stats.c against values computed by
 * hand (each derivation in a comment), plus invariants of the stratified
 * bootstrap that an unstratified or wrongly-seeded bootstrap would break.
 */
#include "testutil.h"
#include "stats.h"

#define TOL 1e-12

static void test_stats__iqm_matches_trim_mean(void **state)
{
	(void)state;
	/* n = 8: scipy trims floor(0.25*8) = 2 from each end of 1..8 -> 3,4,5,6 -> 4.5 */
	double a[] = { 8, 1, 7, 2, 6, 3, 5, 4 };
	assert_true(fabs(stats_iqm(a, 8) - 4.5) < TOL);
	/* n = 5: floor(1.25) = 1 trimmed each end: sorted 0,1,2,10,100 -> 1,2,10 -> 13/3 */
	double b[] = { 100, 2, 0, 10, 1 };
	assert_true(fabs(stats_iqm(b, 5) - 13.0 / 3) < TOL);
	/* n = 3: floor(0.75) = 0: nothing trimmed, the plain mean (1 + 2 + 30) / 3 = 11 */
	double c[] = { 30, 1, 2 };
	assert_true(fabs(stats_iqm(c, 3) - 11) < TOL);
	/* n = 10: floor(2.5) = 2 trimmed each end: sorted 0..9 -> 2..7 -> 27/6 = 4.5; an outlier
	 * replacing 9 by 1000 changes nothing */
	double d[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 1000 };
	assert_true(fabs(stats_iqm(d, 10) - 4.5) < TOL);
	/* n = 7: floor(1.75) = 1: sorted -3,-1,0,0,2,4,9 -> -1,0,0,2,4 -> 1 */
	double e[] = { 0, 9, -1, 4, -3, 2, 0 };
	assert_true(fabs(stats_iqm(e, 7) - 1) < TOL);
	/* n = 1: the value itself */
	assert_true(fabs(stats_iqm(e + 1, 1) - 9) < TOL);
}

static void test_stats__median_mean_optimality_gap(void **state)
{
	(void)state;
	double odd[] = { 5, 1, 3 }, even[] = { 4, 1, 3, 2 };
	assert_true(fabs(stats_median(odd, 3) - 3) < TOL);   /* middle of 1,3,5 */
	assert_true(fabs(stats_median(even, 4) - 2.5) < TOL); /* (2 + 3) / 2 */
	assert_true(fabs(stats_mean(even, 4) - 2.5) < TOL);
	/* max(0, 1 - x) for 0.5, 1.2, 0.8, -0.1 is 0.5, 0, 0.2, 1.1: mean 1.8 / 4 = 0.45 */
	double s[] = { 0.5, 1.2, 0.8, -0.1 };
	assert_true(fabs(stats_optimality_gap(s, 4, 1.0) - 0.45) < TOL);
	/* everything at or above the threshold: no gap */
	double top[] = { 1, 2, 3 };
	assert_true(stats_optimality_gap(top, 3, 1.0) == 0);
	enum stats_metric m;
	assert_int_equal(stats_metric_parse("iqm", &m), 0);
	assert_int_equal(m, STATS_IQM);
	assert_int_equal(stats_metric_parse("optgap", &m), 0);
	assert_int_equal(m, STATS_OPTIMALITY_GAP);
	assert_int_equal(stats_metric_parse("IQM ", &m), -1);
}

/* Three tasks with 2, 1 and 3 runs. */
static const double ta[] = { 1, 3 }, tb[] = { 4 }, tc[] = { 0, 0, 3 };
static const double *const tx[] = { ta, tb, tc };
static const int tn[] = { 2, 1, 3 };

static void test_stats__aggregates_over_tasks(void **state)
{
	(void)state;
	struct stats_tasks t = { 3, tx, tn };
	/* per-task means 2, 4, 1: mean 7/3, median 2 */
	assert_true(fabs(stats_aggregate(STATS_MEAN, &t) - 7.0 / 3) < TOL);
	assert_true(fabs(stats_aggregate(STATS_MEDIAN, &t) - 2) < TOL);
	/* IQM pools the 6 runs: sorted 0,0,1,3,3,4, trim 1 each end -> 0,1,3,3 -> 7/4 */
	assert_true(fabs(stats_aggregate(STATS_IQM, &t) - 1.75) < TOL);
	/* gap pooled: max(0, 1 - x) = 0,0,0,1,1,0 -> 2/6 */
	assert_true(fabs(stats_aggregate(STATS_OPTIMALITY_GAP, &t) - 1.0 / 3) < TOL);
	/* within one task the median is that of the runs, not of the task means: task C 0,0,3 -> 0 */
	assert_true(stats_runs_metric(STATS_MEDIAN, tc, 3) == 0);
	assert_true(fabs(stats_runs_metric(STATS_MEAN, tc, 3) - 1) < TOL);
	struct rng rng;
	rng_seed(&rng, 11);
	struct stats_interval iv;
	stats_runs_ci(STATS_MEDIAN, tc, 3, 1000, 0.95, &rng, &iv);
	/* resampled medians of {0,0,3} are 0 (two or three zeros drawn, p = 20/27) or 3: [0, 3] */
	assert_true(iv.point == 0 && iv.lo == 0 && iv.hi == 3);
}

static void test_stats__bootstrap_is_stratified(void **state)
{
	(void)state;
	/*
	 * Task A's runs all score 0, task B's all 1 (3 and 2 runs). Resampling
	 * within each task can only redraw the same values, so every statistic's
	 * interval collapses onto its point: mean of task means 0.5, pooled IQM of
	 * 0,0,0,1,1 (trim 1 each end -> 0,0,1) 1/3. A bootstrap that pooled runs
	 * across tasks would draw other mixtures and widen both intervals.
	 */
	double a[] = { 0, 0, 0 }, b[] = { 1, 1 };
	const double *x[] = { a, b };
	int n[] = { 3, 2 };
	struct stats_tasks t = { 2, x, n };
	struct rng rng;
	rng_seed(&rng, 7);
	struct stats_interval iv;
	stats_aggregate_ci(STATS_MEAN, &t, 500, 0.95, &rng, &iv);
	assert_true(iv.point == 0.5 && iv.lo == 0.5 && iv.hi == 0.5);
	stats_aggregate_ci(STATS_IQM, &t, 500, 0.95, &rng, &iv);
	assert_true(fabs(iv.point - 1.0 / 3) < TOL && fabs(iv.lo - 1.0 / 3) < TOL && fabs(iv.hi - 1.0 / 3) < TOL);
}

static void test_stats__bootstrap_percentiles(void **state)
{
	(void)state;
	/*
	 * One task with runs 0 and 1: a resample's mean is 0, 0.5 or 1 with
	 * probabilities 1/4, 1/2, 1/4. With 4000 resamples the 95% interval is
	 * [0, 1] (each end holds ~25% of the draws, far more than 2.5%), and the
	 * 40% interval, the 0.3 and 0.7 quantiles, is [0.5, 0.5] (the zeros stop
	 * at ~25% < 30% and the ones start at ~75% > 70%; 7 standard errors away).
	 */
	double v[] = { 0, 1 };
	const double *x[] = { v };
	int n[] = { 2 };
	struct stats_tasks t = { 1, x, n };
	struct rng rng;
	rng_seed(&rng, 1);
	struct stats_interval iv;
	stats_aggregate_ci(STATS_MEAN, &t, 4000, 0.95, &rng, &iv);
	assert_true(iv.point == 0.5 && iv.lo == 0 && iv.hi == 1);
	stats_aggregate_ci(STATS_MEAN, &t, 4000, 0.40, &rng, &iv);
	assert_true(iv.lo == 0.5 && iv.hi == 0.5);
	/* same seed, same interval; the point estimate lies inside */
	double w[] = { 3, 9, 1, 4, 7, 2, 8 };
	x[0] = w;
	n[0] = 7;
	struct stats_interval i1, i2;
	rng_seed(&rng, 99);
	stats_aggregate_ci(STATS_IQM, &t, 300, 0.95, &rng, &i1);
	rng_seed(&rng, 99);
	stats_aggregate_ci(STATS_IQM, &t, 300, 0.95, &rng, &i2);
	assert_memory_equal(&i1, &i2, sizeof(i1));
	assert_true(i1.lo <= i1.point && i1.point <= i1.hi && i1.lo < i1.hi);
}

static void test_stats__performance_profile(void **state)
{
	(void)state;
	/* one task 0.2, 0.5, 1.0, 1.5: fraction > 0 is 1, > 0.5 is 2/4 (0.5 itself is not
	 * above), > 1 is 1/4, > 2 is 0 */
	double v[] = { 1.0, 0.2, 1.5, 0.5 };
	const double *x[] = { v };
	int n[] = { 4 };
	struct stats_tasks t = { 1, x, n };
	double tau[] = { 0, 0.5, 1, 2 }, want[] = { 1, 0.5, 0.25, 0 }, got[4];
	stats_profile(&t, tau, 4, got);
	assert_close_array("profile", got, want, 4, TOL);
	/* two tasks weigh the same: A = 0.2, 0.6 (1/2 above 0.5), B = 2 (1/1): (0.5 + 1) / 2 */
	double a[] = { 0.2, 0.6 }, b[] = { 2 };
	const double *x2[] = { a, b };
	int n2[] = { 2, 1 };
	struct stats_tasks t2 = { 2, x2, n2 };
	double tau2[] = { 0.5 }, g2;
	stats_profile(&t2, tau2, 1, &g2);
	assert_true(fabs(g2 - 0.75) < TOL);
	/* bands: a profile is non-increasing in tau at every resample, so are the band ends */
	struct rng rng;
	rng_seed(&rng, 3);
	struct stats_interval iv[4];
	stats_profile_ci(&t, tau, 4, 400, 0.95, &rng, iv);
	for (int j = 0; j < 4; j++) {
		assert_true(fabs(iv[j].point - want[j]) < TOL);
		assert_true(iv[j].lo <= iv[j].point && iv[j].point <= iv[j].hi);
		if (j)
			assert_true(iv[j].lo <= iv[j - 1].lo && iv[j].hi <= iv[j - 1].hi);
	}
	assert_true(iv[3].lo == 0 && iv[3].hi == 0); /* nothing is ever above 2 */
}

static void test_stats__probability_of_improvement(void **state)
{
	(void)state;
	/*
	 * Task 1: X = 1, 2, 3 against Y = 2, 2: pairs (x > y) 1 vs 2: 0, 0; 2 vs 2:
	 * ties 1/2, 1/2; 3 vs 2: 1, 1 -> U = 3 of 6 pairs -> 1/2.
	 * Task 2: X = 5 against Y = 1, 6, 3: 1 + 0 + 1 = 2 of 3 -> 2/3.
	 * Average over tasks: (1/2 + 2/3) / 2 = 7/12; P(Y > X) = 1 - 7/12 by symmetry.
	 */
	double x1[] = { 1, 2, 3 }, x2[] = { 5 }, y1[] = { 2, 2 }, y2[] = { 1, 6, 3 };
	const double *xp[] = { x1, x2 }, *yp[] = { y1, y2 };
	int xn[] = { 3, 1 }, yn[] = { 2, 3 };
	struct stats_tasks x = { 2, xp, xn }, y = { 2, yp, yn };
	assert_true(fabs(stats_poi(&x, &y) - 7.0 / 12) < TOL);
	assert_true(fabs(stats_poi(&y, &x) - 5.0 / 12) < TOL);
	/* X always better: P = 1 with a degenerate interval */
	double hi[] = { 10, 11 }, lo[] = { 0, 1, 2 };
	const double *hp[] = { hi }, *lp[] = { lo };
	int hn[] = { 2 }, ln[] = { 3 };
	struct stats_tasks h = { 1, hp, hn }, l = { 1, lp, ln };
	struct rng rng;
	rng_seed(&rng, 5);
	struct stats_interval iv;
	stats_poi_ci(&h, &l, 300, 0.95, &rng, &iv);
	assert_true(iv.point == 1 && iv.lo == 1 && iv.hi == 1);
	stats_poi_ci(&x, &y, 2000, 0.95, &rng, &iv);
	assert_true(iv.lo < iv.point && iv.point < iv.hi && iv.lo >= 0 && iv.hi <= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats__iqm_matches_trim_mean),
		cmocka_unit_test(test_stats__median_mean_optimality_gap),
		cmocka_unit_test(test_stats__aggregates_over_tasks),
		cmocka_unit_test(test_stats__bootstrap_is_stratified),
		cmocka_unit_test(test_stats__bootstrap_percentiles),
		cmocka_unit_test(test_stats__performance_profile),
		cmocka_unit_test(test_stats__probability_of_improvement),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
