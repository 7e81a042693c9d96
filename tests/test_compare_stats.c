/*
 * test_compare_stats.c - the statistics of `harness compare` (harness/
 * compare_stats.c) against independently computed values:
 *   - scipy's published examples: scipy.stats.mannwhitneyu documentation
 *     (males [19, 22, 16, 29, 24] vs females [20, 11, 17, 12]: U = 17,
 *     exact p = 0.1111111111111111, method="asymptotic" p = 0.11134688653314041)
 *     and scipy.stats.wilcoxon documentation (Fisher's 15 differences:
 *     statistic min(W+, W-) = 24, exact p = 0.041259765625);
 *   - t-test p-values from a numerical integration of Student's t density
 *     (numpy, Simpson's rule on 2e6 intervals, independent of GSL);
 *   - Student t quantiles from printed tables (t_{0.975,4} = 2.776445,
 *     t_{0.8,4} = 0.940965; z_{0.975} = 1.959964, z_{0.8} = 0.841621);
 *   - hand-computed means, IQMs and probabilities of improvement;
 *   - the bootstrap seed's golden value from Python's hashlib.
 */
#include "testutil.h"
#include "compare.h"
#include "compare_stats.h"

static void test_compare_stats__mann_whitney_scipy_example(void **state)
{
	(void)state;
	double males[] = { 19, 22, 16, 29, 24 }, females[] = { 20, 11, 17, 12 };
	double p;
	int exact;
	double u = mann_whitney(males, 5, females, 4, MWU_AUTO, &p, &exact);
	assert_true(u == 17);
	assert_true(exact); /* no ties, small samples */
	assert_true(fabs(p - 0.1111111111111111) < 1e-12);
	u = mann_whitney(males, 5, females, 4, MWU_ASYMPTOTIC, &p, &exact);
	assert_true(u == 17 && !exact);
	assert_true(fabs(p - 0.11134688653314041) < 1e-12);
	/* the other direction: U = 20 - 17 = 3, same two-sided p */
	u = mann_whitney(females, 4, males, 5, MWU_AUTO, &p, &exact);
	assert_true(u == 3 && fabs(p - 0.1111111111111111) < 1e-12);
	/* ties: x = [1,2,2,3,5,7,7], y = [2,3,3,4,6,6,8,9]; U(y over x) = 37 (the 56 pairs counted with
	 * Python), tie groups {2,2,2}, {3,3,3}, {6,6}, {7,7}: sum t^3 - t = 24+24+6+6 = 60,
	 * var = 56/12 (16 - 60/240) = 73.5, z = (37 - 28 - 0.5)/sqrt(73.5), p = erfc(z/sqrt 2)
	 * = 0.3209116751597888 (Python math.erfc) */
	double x[] = { 1, 2, 2, 3, 5, 7, 7 }, y[] = { 2, 3, 3, 4, 6, 6, 8, 9 };
	u = mann_whitney(y, 8, x, 7, MWU_AUTO, &p, &exact);
	assert_true(u == 37 && !exact); /* ties: the normal approximation */
	assert_true(fabs(p - 0.3209116751597888) < 1e-12);
	/* complete separation, 10 vs 10: exact p = 2 / C(20, 10) = 2 / 184756 */
	double lo[10], hi[10];
	for (int i = 0; i < 10; i++) {
		lo[i] = i;
		hi[i] = 100 + i;
	}
	u = mann_whitney(hi, 10, lo, 10, MWU_AUTO, &p, &exact);
	assert_true(u == 100 && exact && fabs(p - 2.0 / 184756) < 1e-15);
}

static void test_compare_stats__wilcoxon_scipy_example(void **state)
{
	(void)state;
	double d[] = { 6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75 };
	double p;
	int exact;
	double w = wilcoxon_signed_rank(d, 15, MWU_AUTO, &p, &exact);
	/* W- = 10 + 14 = 24 (ranks of -48 and -67), W+ = 120 - 24 = 96 */
	assert_true(w == 96 && exact);
	assert_true(fabs(p - 0.041259765625) < 1e-15);
	/* zeros are dropped: the same answer with two zero differences added */
	double dz[17];
	memcpy(dz, d, sizeof(d));
	dz[15] = dz[16] = 0;
	w = wilcoxon_signed_rank(dz, 17, MWU_AUTO, &p, &exact);
	assert_true(w == 96 && fabs(p - 0.041259765625) < 1e-15);
	/* normal approximation (n = 15, no ties): mean 60, var 15*16*31/24 = 310,
	 * z = (60 - 24 - 0.5) / sqrt(310), p = erfc(z / sqrt 2) */
	w = wilcoxon_signed_rank(d, 15, MWU_ASYMPTOTIC, &p, &exact);
	double z = (60 - 24 - 0.5) / sqrt(310.0);
	assert_true(!exact && fabs(p - erfc(z / sqrt(2.0))) < 1e-12);
}

static void test_compare_stats__welch_and_paired_t(void **state)
{
	(void)state;
	/* one stratum: Welch's t; t and df by hand, p by numerical integration */
	double a[] = { 1, 2, 3, 4, 5 }, b[] = { 2, 4, 6, 8, 10, 12 };
	const double *pa[] = { a }, *pb[] = { b };
	int na[] = { 5 }, nb[] = { 6 };
	struct cmp_strata s = { 1, pa, na, pb, nb, 0 };
	struct cmp_result r;
	cmp_run(&s, 200, 0.95, 1, &r);
	assert_true(fabs(r.t - 2.3763541031440183) < 1e-12);
	assert_true(fabs(r.df - 6.9722557297949335) < 1e-12);
	assert_true(fabs(r.p_t - 0.04928433820673053) < 1e-8);
	assert_true(fabs(r.mean_diff.point - 4) < 1e-12); /* 7 - 3 */
	struct welch w;
	welch_test(a, 5, b, 6, &w); /* the regress implementation agrees */
	assert_true(fabs(w.t - r.t) < 1e-12 && fabs(w.p - r.p_t) < 1e-12);
	/* paired: d = b - a = [1, 2, 2, 3]: mean 2, var 2/3, t = 2 / sqrt(2/3/4) = 4.898979..., df 3 */
	double pa2[] = { 1, 2, 3, 4 }, pb2[] = { 2, 4, 5, 7 };
	const double *qa[] = { pa2 }, *qb[] = { pb2 };
	int n4[] = { 4 };
	struct cmp_strata sp = { 1, qa, n4, qb, n4, 1 };
	cmp_run(&sp, 200, 0.95, 1, &r);
	assert_true(fabs(r.t - 4.898979485566356) < 1e-12 && fabs(r.df - 3) < 1e-12);
	assert_true(fabs(r.p_t - 0.01627660345942856) < 1e-8);
	/* Wilcoxon of [1,2,2,3]: ties, so the normal approximation */
	assert_true(r.rank_stat == 10 && !r.rank_exact);
}

static void test_compare_stats__stratified(void **state)
{
	(void)state;
	/* two strata: D = ((10/3 - 2) + (59/4 - 13)) / 2 = 1.541666...; se, t and df by the formulas in
	 * compare_stats.h (numpy); p by numerical integration; IQM difference: pooled B sorted
	 * 2,3,5,11,13,15,20 -> IQM of 3..15 = 9.4, pooled A 1,2,3,10,12,14,16 -> 8.2: 1.2;
	 * P(B > A): stratum 1 (2,3,5 over 1,2,3) = 6.5/9, stratum 2 = 10/16 -> mean 0.701388... */
	double a1[] = { 1, 2, 3 }, b1[] = { 2, 3, 5 }, a2[] = { 10, 12, 14, 16 }, b2[] = { 11, 15, 13, 20 };
	const double *pa[] = { a1, a2 }, *pb[] = { b1, b2 };
	int na[] = { 3, 4 }, nb[] = { 3, 4 };
	struct cmp_strata s = { 2, pa, na, pb, nb, 0 };
	struct cmp_result r;
	cmp_run(&s, 2000, 0.95, 9, &r);
	assert_true(fabs(r.mean_diff.point - 1.5416666666666667) < 1e-12);
	assert_true(fabs(r.se - 1.2754356554178305) < 1e-12);
	assert_true(fabs(r.t - 1.2087373127118823) < 1e-12);
	assert_true(fabs(r.df - 7.152671755725192) < 1e-10);
	assert_true(fabs(r.p_t - 0.2652003050636395) < 1e-8);
	assert_true(fabs(r.iqm_diff.point - 1.2) < 1e-12);
	assert_true(fabs(r.poi.point - 0.7013888888888888) < 1e-12);
	assert_true(isnan(r.p_rank)); /* no rank test over several strata */
	assert_true(r.n_a == 7 && r.n_b == 7);
	for (int k = 0; k < 3; k++) {
		const struct stats_interval *iv = k == 0 ? &r.mean_diff : k == 1 ? &r.iqm_diff : &r.poi;
		assert_true(iv->lo <= iv->point && iv->point <= iv->hi && iv->lo < iv->hi);
	}
	/* the bootstrap is stratified: a stratum with one run per side never moves, so with a shift of
	 * exactly 3 in one-run strata the mean difference interval is [3, 3] */
	double x[] = { 1 }, y[] = { 4 }, x2[] = { 7 }, y2[] = { 10 };
	const double *sa[] = { x, x2 }, *sb[] = { y, y2 };
	int one[] = { 1, 1 };
	struct cmp_strata s1 = { 2, sa, one, sb, one, 0 };
	cmp_run(&s1, 500, 0.95, 3, &r);
	assert_true(r.mean_diff.lo == 3 && r.mean_diff.hi == 3 && r.poi.lo == 1 && r.poi.hi == 1);
}

static void test_compare_stats__paired_bootstrap_keeps_pairs(void **state)
{
	(void)state;
	/* b = a + 5 seed by seed: paired resampling keeps every pair, so the interval of the mean
	 * difference is exactly [5, 5]; unpaired resampling of the same numbers is wide */
	double a[] = { 0, 10, 20, 30, 40, 50, 60, 70 }, b[8];
	for (int i = 0; i < 8; i++)
		b[i] = a[i] + 5;
	const double *pa[] = { a }, *pb[] = { b };
	int n[] = { 8 };
	struct cmp_strata s = { 1, pa, n, pb, n, 1 };
	struct cmp_result r;
	cmp_run(&s, 1000, 0.95, 11, &r);
	assert_true(r.mean_diff.lo == 5 && r.mean_diff.hi == 5 && r.mean_diff.point == 5);
	assert_true(r.t == INFINITY && r.p_t == 0); /* no spread in the differences */
	/* eight equal differences are ties: normal approximation, mean 18, var 8*9*17/24 - (8^3 - 8)/48
	 * = 40.5, z = (18 - 0 - 0.5) / sqrt(40.5) */
	assert_true(r.rank_stat == 36 && !r.rank_exact && fabs(r.p_rank - erfc(17.5 / sqrt(40.5) / sqrt(2.0))) < 1e-12);
	s.paired = 0;
	cmp_run(&s, 1000, 0.95, 11, &r);
	assert_true(r.mean_diff.lo < -5 && r.mean_diff.hi > 15);
	assert_true(r.p_t > 0.5);
}

static void test_compare_stats__seeded_by_identity(void **state)
{
	(void)state;
	/* golden: int.from_bytes(sha256(b"harness-boot-v1|FrozenLake-v1/q/final").digest()[:8], "little") */
	assert_true(boot_seed("FrozenLake-v1/q/final") == 6420842738561125399ULL);
	assert_true(boot_seed("FrozenLake-v1/q/auc") != boot_seed("FrozenLake-v1/q/final"));
	double a[] = { 1, 3, 2, 5, 4, 8 }, b[] = { 3, 2, 6, 5, 9, 7 };
	const double *pa[] = { a }, *pb[] = { b };
	int n[] = { 6 };
	struct cmp_strata s = { 1, pa, n, pb, n, 0 };
	struct cmp_result r1, r2, r3;
	cmp_run(&s, 3000, 0.95, boot_seed("x"), &r1);
	cmp_run(&s, 3000, 0.95, boot_seed("y"), &r3); /* another estimand between the two */
	cmp_run(&s, 3000, 0.95, boot_seed("x"), &r2);
	assert_true(!memcmp(&r1, &r2, sizeof(r1)));
	assert_true(r1.mean_diff.lo != r3.mean_diff.lo || r1.mean_diff.hi != r3.mean_diff.hi);
}

static void test_compare_stats__minimum_detectable_difference(void **state)
{
	(void)state;
	/* df = 4: (2.776445 + 0.940965) * se from printed t tables */
	assert_true(fabs(cmp_mdd(1.0, 4, 0.05, 0.2) - (2.776445105 + 0.940964958)) < 1e-6);
	assert_true(fabs(cmp_mdd(2.0, 4, 0.05, 0.2) - 2 * (2.776445105 + 0.940964958)) < 2e-6);
	/* large df: the normal quantiles */
	assert_true(fabs(cmp_mdd(1.0, 1e7, 0.05, 0.2) - (1.959963985 + 0.841621234)) < 1e-5);
	/* a smaller alpha needs a larger difference */
	assert_true(cmp_mdd(1.0, 10, 0.01, 0.2) > cmp_mdd(1.0, 10, 0.05, 0.2));
	assert_true(isnan(cmp_mdd(1.0, NAN, 0.05, 0.2)));
}

static void test_compare_stats__holm(void **state)
{
	(void)state;
	/* Holm 1979 by hand: p = 0.01, 0.04, 0.03, 0.005 -> sorted 0.005*4 = 0.02, 0.01*3 = 0.03,
	 * 0.03*2 = 0.06, 0.04*1 = 0.04 -> monotone 0.06 */
	double p[] = { 0.01, 0.04, 0.03, 0.005 }, adj[4];
	holm_adjust(p, 4, adj);
	assert_true(fabs(adj[0] - 0.03) < 1e-15 && fabs(adj[1] - 0.06) < 1e-15);
	assert_true(fabs(adj[2] - 0.06) < 1e-15 && fabs(adj[3] - 0.02) < 1e-15);
}

static double normal(struct rng *r)
{
	double u = rng_uniform(r), v = rng_uniform(r);
	return sqrt(-2 * log(1 - u)) * cos(2 * M_PI * v);
}

/*
 * The tests mean what they say, by simulation (seeded): under no difference the t-test rejects at
 * about alpha; at the smallest detectable difference cmp_mdd() promises (power 0.8 at alpha 0.05),
 * it rejects about 80% of the time; the bootstrap interval of the mean difference covers the true
 * difference about 95% of the time (percentile intervals run a little short at n = 10).
 */
static void test_compare_stats__calibration_by_simulation(void **state)
{
	(void)state;
	enum { N = 10, REPS = 1000 };
	struct rng rng;
	rng_seed(&rng, 2024);
	/* true se of the difference of two means of 10 unit normals: sqrt(2/10); Welch df ~ 18 */
	double shift = cmp_mdd(sqrt(0.2), 18, 0.05, 0.2);
	assert_true(fabs(shift - (2.100922 + 0.862049) * sqrt(0.2)) < 1e-5); /* t tables, df 18 */
	int reject0 = 0, reject1 = 0, covered = 0;
	for (int k = 0; k < REPS; k++) {
		double a[N], b[N], c[N];
		for (int i = 0; i < N; i++) {
			a[i] = normal(&rng);
			b[i] = normal(&rng);
			c[i] = normal(&rng) + shift;
		}
		const double *pa[] = { a }, *pb[] = { b }, *pc[] = { c };
		int n[] = { N };
		struct cmp_strata s0 = { 1, pa, n, pb, n, 0 }, s1 = { 1, pa, n, pc, n, 0 };
		struct cmp_result r;
		cmp_run(&s0, 400, 0.95, (uint64_t)k, &r);
		reject0 += r.p_t < 0.05;
		covered += r.mean_diff.lo <= 0 && 0 <= r.mean_diff.hi;
		cmp_run(&s1, 10, 0.95, (uint64_t)k, &r);
		reject1 += r.p_t < 0.05;
	}
	print_message("rejections under no difference %d/1000, at the detectable difference %d/1000; coverage %d/1000\n",
		      reject0, reject1, covered);
	/* binomial sd at 1000 reps: 0.007 at 0.05, 0.013 at 0.8 */
	assert_true(reject0 >= 25 && reject0 <= 80);
	assert_true(reject1 >= 720 && reject1 <= 870);
	assert_true(covered >= 900 && covered <= 975);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compare_stats__mann_whitney_scipy_example),
		cmocka_unit_test(test_compare_stats__wilcoxon_scipy_example),
		cmocka_unit_test(test_compare_stats__welch_and_paired_t),
		cmocka_unit_test(test_compare_stats__stratified),
		cmocka_unit_test(test_compare_stats__paired_bootstrap_keeps_pairs),
		cmocka_unit_test(test_compare_stats__seeded_by_identity),
		cmocka_unit_test(test_compare_stats__minimum_detectable_difference),
		cmocka_unit_test(test_compare_stats__holm),
		cmocka_unit_test(test_compare_stats__calibration_by_simulation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
