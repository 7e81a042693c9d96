/*
 * test_replay.c - replay buffers: ring-buffer contents and wrap-around,
 * sum-tree and min-tree invariants after every operation, prefix-sum search
 * on hand-made priorities, the sampling distributions by chi-square tests
 * (GSL's gsl_cdf_chisq_Q) on many draws with fixed seeds, stratification,
 * and importance weights normalised by the largest weight.
 */
#include "testutil.h"
#include <gsl/gsl_cdf.h>
#include "util.h"
#include "replay.h"

#define CHECK_TREES(r)                                                   \
	do {                                                             \
		char why_[256];                                          \
		if (replay_check((r), why_, sizeof(why_))) {             \
			print_error("tree invariant broken: %s\n", why_);  \
			fail();                                          \
		}                                                        \
	} while (0)

static void add_simple(struct replay *r, int k)
{
	float o[2] = { (float)k, (float)-k }, n[2] = { (float)k + 0.5f, 0.0f };
	replay_add(r, o, k % 3, (float)k * 10, n, 0.5f, k % 2);
}

static void test_replay__ring_contents(void **state)
{
	(void)state;
	struct replay r;
	assert_int_equal(replay_init(&r, 5, 2, 0, 0, 0), 0);
	for (int k = 0; k < 7; k++)
		add_simple(&r, k);
	assert_int_equal(r.size, 5);
	assert_int_equal(r.pos, 2);
	/* slots 0,1 hold k = 5,6; slots 2..4 hold k = 2..4 */
	int want[5] = { 5, 6, 2, 3, 4 };
	for (int j = 0; j < 5; j++) {
		int k = want[j];
		assert_true(r.obs[2 * j] == (float)k && r.obs[2 * j + 1] == (float)-k);
		assert_true(r.next_obs[2 * j] == (float)k + 0.5f);
		assert_int_equal(r.action[j], k % 3);
		assert_true(r.reward[j] == (float)k * 10);
		assert_int_equal(r.done[j], k % 2);
	}
	struct replay_batch b;
	replay_batch_init(&b, 64, 2);
	struct rng g;
	rng_seed(&g, 1);
	replay_sample(&r, &g, 64, 1.0, &b);
	for (int i = 0; i < 64; i++) {
		int j = b.idx[i], k = want[j];
		assert_true(j >= 0 && j < 5);
		assert_true(b.obs[2 * i] == (float)k && b.next_obs[2 * i] == (float)k + 0.5f);
		assert_true(b.not_done[i] == (k % 2 ? 0.0f : 1.0f));
		assert_true(b.weight[i] == 1.0f && b.discount[i] == 0.5f);
		assert_int_equal(b.action[i], k % 3);
	}
	replay_batch_release(&b);
	replay_release(&r);
}

/* Chi-square goodness of fit of counts to probabilities; p-value. */
static double chisq_p(const long *count, const double *prob, int k, long n)
{
	double stat = 0;
	for (int i = 0; i < k; i++) {
		double e = prob[i] * n;
		stat += (count[i] - e) * (count[i] - e) / e;
	}
	return gsl_cdf_chisq_Q(stat, k - 1);
}

static void test_replay__uniform_distribution(void **state)
{
	(void)state;
	struct replay r;
	assert_int_equal(replay_init(&r, 100, 2, 0, 0, 0), 0);
	for (int k = 0; k < 37; k++)
		add_simple(&r, k);
	struct replay_batch b;
	replay_batch_init(&b, 32, 2);
	struct rng g;
	rng_seed(&g, 2);
	long count[37] = { 0 }, n = 0;
	for (int t = 0; t < 5000; t++) {
		replay_sample(&r, &g, 32, 1.0, &b);
		for (int i = 0; i < 32; i++, n++)
			count[b.idx[i]]++;
	}
	double prob[37];
	for (int i = 0; i < 37; i++)
		prob[i] = 1.0 / 37;
	double p = chisq_p(count, prob, 37, n);
	assert_true(p > 1e-3);
	/* and the test can reject: the same counts against a skewed law */
	prob[0] = 2.0 / 38;
	for (int i = 1; i < 37; i++)
		prob[i] = 1.0 / 38;
	assert_true(chisq_p(count, prob, 37, n) < 1e-6);
	replay_batch_release(&b);
	replay_release(&r);
}

static void test_replay__tree_invariants(void **state)
{
	(void)state;
	struct replay r;
	assert_int_equal(replay_init(&r, 13, 2, 1, 0.6, 1e-6), 0);
	assert_int_equal(r.tree_cap, 16);
	CHECK_TREES(&r);
	struct rng g;
	rng_seed(&g, 3);
	struct replay_batch b;
	replay_batch_init(&b, 8, 2);
	for (int k = 0; k < 40; k++) {
		add_simple(&r, k);
		CHECK_TREES(&r);
		/* a new transition gets the largest priority seen so far */
		double pnew = replay_priority(&r, (r.pos + r.cap - 1) % r.cap);
		assert_true(fabs(pnew - pow(r.max_priority, 0.6)) < 1e-6 * pnew);
		if (k % 3 == 2) {
			replay_sample(&r, &g, 8, 0.5, &b);
			CHECK_TREES(&r);
			float td[8];
			for (int i = 0; i < 8; i++)
				td[i] = (float)rng_uniform_range(&g, -3, 3);
			replay_update_priorities(&r, b.idx, td, 8);
			CHECK_TREES(&r);
			/* the last update of a slot wins: p = (|td| + eps)^alpha (powf: float precision) */
			for (int i = 7; i >= 0; i--) {
				int seen = 0;
				for (int k2 = i + 1; k2 < 8; k2++)
					seen |= b.idx[k2] == b.idx[i];
				if (!seen)
					assert_true(fabs(replay_priority(&r, b.idx[i]) -
							 pow(fabs(td[i]) + 1e-6, 0.6)) < 1e-6);
			}
		}
	}
	double mx = 0;
	for (int j = 0; j < r.size; j++)
		mx = fmax(mx, pow(replay_priority(&r, j), 1 / 0.6));
	assert_true(mx <= r.max_priority * (1 + 1e-5));
	replay_batch_release(&b);
	replay_release(&r);
}

static void set_priorities(struct replay *r, const double *p, int n)
{
	for (int k = 0; k < n; k++)
		add_simple(r, k);
	int32_t idx[16];
	float td[16];
	for (int k = 0; k < n; k++) {
		idx[k] = k;
		td[k] = (float)p[k];
	}
	replay_update_priorities(r, idx, td, n); /* alpha 1, eps 0: priority = |td| */
	CHECK_TREES(r);
}

static void test_replay__prefix_search(void **state)
{
	(void)state;
	struct replay r;
	assert_int_equal(replay_init(&r, 6, 2, 1, 1.0, 0.0), 0);
	double p[6] = { 1, 2, 0.5, 4, 0.25, 0.25 }; /* prefix sums 1 3 3.5 7.5 7.75 8 */
	set_priorities(&r, p, 6);
	assert_true(r.sum[1] == 8.0 && r.min[1] == 0.25);
	double mass[] = { 0, 0.999, 1, 2.5, 3, 3.49, 3.5, 7.49, 7.5, 7.75, 7.9999 };
	int want[] = { 0, 0, 1, 1, 2, 2, 3, 3, 4, 5, 5 };
	for (size_t i = 0; i < ARRAY_SIZE(mass); i++)
		assert_int_equal(replay_find_prefix(&r, mass[i]), want[i]);
	/* rounding past the total never reaches an empty leaf */
	assert_int_equal(replay_find_prefix(&r, 8.0), 5);
	assert_int_equal(replay_find_prefix(&r, 9.0), 5);
	replay_release(&r);
}

/* Proportional sampling (one segment) and stratified batches, chi-square against p / sum p. */
static void test_replay__prioritized_distribution(void **state)
{
	(void)state;
	double p[10] = { 1, 2, 3, 4, 0.5, 8, 0.25, 1, 6, 2.25 }, total = 28, prob[10];
	for (int i = 0; i < 10; i++)
		prob[i] = p[i] / total;
	for (int batch = 1; batch <= 16; batch += 15) {
		struct replay r;
		assert_int_equal(replay_init(&r, 12, 2, 1, 1.0, 0.0), 0);
		set_priorities(&r, p, 10);
		struct replay_batch b;
		replay_batch_init(&b, batch, 2);
		struct rng g;
		rng_seed(&g, 4 + batch);
		long count[10] = { 0 }, n = 0;
		for (long t = 0; t < 200000 / batch; t++) {
			replay_sample(&r, &g, batch, 0.4, &b);
			for (int i = 0; i < batch; i++, n++) {
				assert_true(b.idx[i] >= 0 && b.idx[i] < 10);
				count[b.idx[i]]++;
				/* stratified: draw i lies in the i-th slice of the mass */
				double lo = 0;
				for (int j = 0; j < b.idx[i]; j++)
					lo += p[j];
				double seg = total / batch;
				assert_true(lo < (i + 1) * seg && lo + p[b.idx[i]] > i * seg);
				/* weight (p / p_min)^-beta, the largest possible being 1 */
				double w = pow(p[b.idx[i]] / 0.25, -0.4);
				assert_true(fabs(b.weight[i] - w) < 1e-6 && b.weight[i] <= 1.0f);
			}
		}
		/* batch 1: independent draws, the chi-square law holds exactly; stratified
		 * draws have the same expected counts and vary less, so they fit at least as well */
		assert_true(chisq_p(count, prob, 10, n) > 1e-3);
		/* the lowest priority gets weight exactly 1 */
		int32_t idx = 6;
		float td = 0.25f;
		replay_update_priorities(&r, &idx, &td, 1);
		assert_true(r.min[1] == 0.25);
		replay_batch_release(&b);
		replay_release(&r);
	}
}

/* alpha flattens the distribution: with alpha 0 every stored priority is 1. */
static void test_replay__alpha_zero_is_uniform(void **state)
{
	(void)state;
	struct replay r;
	assert_int_equal(replay_init(&r, 8, 2, 1, 0.0, 1e-6), 0);
	double p[8] = { 1, 20, 3, 0.1, 5, 6, 7, 8 };
	for (int k = 0; k < 8; k++)
		add_simple(&r, k);
	int32_t idx[8];
	float td[8];
	for (int k = 0; k < 8; k++) {
		idx[k] = k;
		td[k] = (float)p[k];
	}
	replay_update_priorities(&r, idx, td, 8);
	CHECK_TREES(&r);
	for (int k = 0; k < 8; k++)
		assert_true(replay_priority(&r, k) == 1.0);
	assert_true(r.sum[1] == 8.0);
	replay_release(&r);
}

/*
 * Byte and bit storage give back exactly the floats added: batches from the
 * three storages, sampled with the same seeds (uniform and prioritized,
 * through ring wrap-around), are bit-identical; rows take d, ceil(d/8) bytes.
 */
static void test_replay__compact_storage_same_batches(void **state)
{
	(void)state;
	const int d = 403, cap = 50, B = 16;
	assert_int_equal(replay_row_bytes(REPLAY_OBS_BITS, d), 51);
	assert_int_equal(replay_row_bytes(REPLAY_OBS_U8, d), 403);
	assert_int_equal(replay_row_bytes(REPLAY_OBS_F32, d), 403 * 4);
	for (int prio = 0; prio < 2; prio++)
		for (int bytes = 0; bytes < 2; bytes++) {
			struct replay r[2];
			struct replay_batch b[2];
			assert_int_equal(replay_init(&r[0], cap, d, prio, 0.6, 1e-6), 0);
			assert_int_equal(replay_init_typed(&r[1], cap, d,
							   bytes ? REPLAY_OBS_U8 : REPLAY_OBS_BITS, prio,
							   0.6, 1e-6), 0);
			replay_batch_init(&b[0], B, d);
			replay_batch_init(&b[1], B, d);
			struct rng data;
			rng_seed(&data, 5);
			float *o = malloc(d * 4), *n = malloc(d * 4);
			for (int k = 0; k < 130; k++) {
				for (int i = 0; i < d; i++) {
					o[i] = (float)rng_below(&data, bytes ? 256 : 2);
					n[i] = (float)rng_below(&data, bytes ? 256 : 2);
				}
				for (int s = 0; s < 2; s++)
					replay_add(&r[s], o, k % 4, (float)k, n, 0.99f, k % 7 == 0);
				if (k < 10)
					continue;
				struct rng g[2];
				for (int s = 0; s < 2; s++) {
					rng_seed(&g[s], 100 + k);
					replay_sample(&r[s], &g[s], B, 0.4, &b[s]);
				}
				assert_memory_equal(b[0].x, b[1].x, 2 * (size_t)B * d * 4);
				assert_memory_equal(b[0].idx, b[1].idx, B * 4);
				assert_memory_equal(b[0].weight, b[1].weight, B * 4);
				assert_memory_equal(b[0].reward, b[1].reward, B * 4);
				if (prio) {
					float td[16];
					for (int i = 0; i < B; i++)
						td[i] = (float)rng_uniform(&data);
					for (int s = 0; s < 2; s++)
						replay_update_priorities(&r[s], b[s].idx, td, B);
				}
			}
			free(o), free(n);
			for (int s = 0; s < 2; s++) {
				replay_release(&r[s]);
				replay_batch_release(&b[s]);
			}
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay__ring_contents),
		cmocka_unit_test(test_replay__uniform_distribution),
		cmocka_unit_test(test_replay__tree_invariants),
		cmocka_unit_test(test_replay__prefix_search),
		cmocka_unit_test(test_replay__prioritized_distribution),
		cmocka_unit_test(test_replay__alpha_zero_is_uniform),
		cmocka_unit_test(test_replay__compact_storage_same_batches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
