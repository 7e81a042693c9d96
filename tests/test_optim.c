/*
 * test_optim.c - Adam and RMSprop against hand-computed steps (the expected
 * numbers below come from the update equations of torch.optim evaluated in
 * double precision; see the comment at each table), and the vectorised step
 * against the plain-C one, bit for bit.
 */
#include "testutil.h"
#include "rng.h"
#include "optim.h"

static const float grads[3][3] = { { 0.1f, -0.2f, 0.3f }, { 0.2f, 0.1f, -0.1f },
				   { -0.5f, 0.05f, 0.3f } };

static void run_steps_opt(enum optim_kind kind, double lr, const double want[3][3], int naive,
			  int centered)
{
	struct optim o;
	optim_init(&o, kind, 3, lr);
	if (centered) {
		o.alpha = 0.95;
		o.eps = 0.01;
		optim_set_centered(&o);
	}
	float p[3] = { 1.0f, -2.0f, 0.5f };
	for (int t = 0; t < 3; t++) {
		if (naive)
			optim_step_naive(&o, p, grads[t]);
		else
			optim_step(&o, p, grads[t]);
		double got[3] = { p[0], p[1], p[2] };
		assert_close_array("params", got, want[t], 3, 2e-6);
	}
	assert_int_equal(o.t, 3);
	optim_release(&o);
}

static void run_steps(enum optim_kind kind, double lr, const double want[3][3], int naive)
{
	run_steps_opt(kind, lr, want, naive, 0);
}

/*
 * Centered RMSprop (MinAtar's DQN settings), lr 0.01, alpha 0.95, eps 0.01:
 * v = 0.95 v + 0.05 g^2, m = m + 0.05 (g - m), p -= lr g / (sqrt(v - m^2) + eps).
 * Step 1 by hand: v - m^2 = 0.0475 g^2, so p -= 0.01 g / (0.2179449 |g| + 0.01):
 * 1 - 0.001 / 0.03179449 = 0.96854801.
 */
static const double centered_want[3][3] = {
	{ 0.968548014086, -1.962678900627, 0.460203484441 },
	{ 0.933772964189, -1.979690713920, 0.472945670760 },
	{ 0.971833585654, -1.988164045570, 0.443543937911 },
};

static void test_optim__rmsprop_centered_hand_steps(void **state)
{
	(void)state;
	run_steps_opt(OPTIM_RMSPROP, 0.01, centered_want, 0, 1);
	run_steps_opt(OPTIM_RMSPROP, 0.01, centered_want, 1, 1);
}

/*
 * Adam, lr 0.1, betas (0.9, 0.999), eps 1e-8: m = 0.9 m + 0.1 g,
 * v = 0.999 v + 0.001 g^2, p -= lr (m / (1 - 0.9^t)) / (sqrt(v / (1 - 0.999^t)) + eps).
 * Step 1 by hand: m_hat = g, v_hat = g^2, so p -= 0.1 g / (|g| + 1e-8):
 * 1 - 0.1 * 0.1 / 0.10000001 = 0.90000001.
 */
static const double adam_want[3][3] = {
	{ 0.900000010000, -1.900000005000, 0.400000003333 },
	{ 0.803481813521, -1.873366302719, 0.359978147928 },
	{ 0.831359378673, -1.867227416904, 0.293556034449 },
};

/*
 * RMSprop, lr 0.01, alpha 0.99, eps 1e-8: v = 0.99 v + 0.01 g^2,
 * p -= lr g / (sqrt(v) + eps). Step 1 by hand: sqrt(v) = 0.1 |g|, so
 * p -= 0.01 g / (0.1 |g| + 1e-8): 1 - 0.001 / 0.01000001 = 0.9000001.
 */
static const double rmsprop_want[3][3] = {
	{ 0.900000100000, -1.900000050000, 0.400000033333 },
	{ 0.810467843873, -1.944901355345, 0.431766070142 },
	{ 0.901846191740, -1.966911765214, 0.362596294463 },
};

static void test_optim__adam_hand_steps(void **state)
{
	(void)state;
	run_steps(OPTIM_ADAM, 0.1, adam_want, 0);
	run_steps(OPTIM_ADAM, 0.1, adam_want, 1);
}

static void test_optim__rmsprop_hand_steps(void **state)
{
	(void)state;
	run_steps(OPTIM_RMSPROP, 0.01, rmsprop_want, 0);
	run_steps(OPTIM_RMSPROP, 0.01, rmsprop_want, 1);
}

/* The vectorised loops give exactly the naive loop's bits (odd length: tails). */
static void test_optim__fast_equals_naive(void **state)
{
	(void)state;
	const size_t n = 4099;
	for (int kind = 0; kind < 3; kind++) { /* Adam, RMSprop, centered RMSprop */
		struct optim a, b;
		optim_init(&a, kind == 2 ? OPTIM_RMSPROP : kind, n, 3e-3);
		optim_init(&b, kind == 2 ? OPTIM_RMSPROP : kind, n, 3e-3);
		if (kind == 2) {
			optim_set_centered(&a);
			optim_set_centered(&b);
		}
		float *pa = malloc(n * 4), *pb = malloc(n * 4), *g = malloc(n * 4);
		struct rng r;
		rng_seed(&r, 5);
		for (size_t i = 0; i < n; i++)
			pa[i] = pb[i] = (float)rng_uniform_range(&r, -1, 1);
		for (int t = 0; t < 5; t++) {
			for (size_t i = 0; i < n; i++)
				g[i] = (float)rng_uniform_range(&r, -1, 1) * (i % 7 ? 1.0f : 1e-6f);
			g[t] = 0.0f;
			optim_step(&a, pa, g);
			optim_step_naive(&b, pb, g);
		}
		assert_memory_equal(pa, pb, n * 4);
		assert_memory_equal(a.v, b.v, n * 4);
		if (kind != OPTIM_RMSPROP)
			assert_memory_equal(a.m, b.m, n * 4);
		free(pa), free(pb), free(g);
		optim_release(&a);
		optim_release(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_optim__adam_hand_steps),
		cmocka_unit_test(test_optim__rmsprop_hand_steps),
		cmocka_unit_test(test_optim__rmsprop_centered_hand_steps),
		cmocka_unit_test(test_optim__fast_equals_naive),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
