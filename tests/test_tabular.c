/*
 * test_tabular.c - the tabular learners (algorithms/tabular.c): every update
 * rule on hand-written transitions with values worked out by hand (step
 * sizes and discounts are powers of two, so the expected numbers are exact),
 * both kinds of episode end and n-step flushing, the SARSA action cache,
 * exploration and tie-breaking, the visit-count step size, divergence
 * (convergence to the optimum: test_tabular_convergence.c).
 */
#include "testutil.h"
#include "learner.h"
#include "tabular.h"
#include "env.h"

#include "tabular_make.h"

static int see(void *l, int s, int a, double r, int s2, int term, int trunc)
{
	float o = (float)s, o2 = (float)s2;
	char why[256];
	return tabular_vtable.observe(l, &o, a, r, &o2, term, trunc, why, sizeof(why));
}

static int act(void *l, int s)
{
	float o = (float)s;
	return tabular_vtable.act(l, &o);
}

/* Fails unless |got - want| <= tol (tol 0: exactly equal). */
#define assert_value(got, want, tol)                                   \
	do {                                                           \
		double got_ = (got), want_ = (want);                   \
		assert_close_array(#got, &got_, &want_, 1, tol);       \
	} while (0)

#define Q(l, nA, s, a) (tabular_q(l)[(s) * (nA) + (a)])

/* Fails unless the whole table equals want (exactly: all values are dyadic). */
static void expect_table(void *l, const double *want, int n)
{
	assert_close_array("Q", tabular_q(l), want, (size_t)n, 0.0);
}

static const char *const exact = "learning_rate=0.5;gamma=0.5;epsilon=0;tie_break=first";

/* Q-learning: max bootstrap; none after terminated; from s' after truncated. */
static void test_tabular__q_learning_update(void **state)
{
	(void)state;
	void *l = make("q_learning", exact, 3, 2, 1);
	Q(l, 2, 1, 0) = 2;
	Q(l, 2, 1, 1) = 6;
	assert_int_equal(see(l, 0, 0, 1, 1, 0, 0), 0); /* 0 + 0.5 * (1 + 0.5*6 - 0) */
	expect_table(l, (double[]){ 2, 0, 2, 6, 0, 0 }, 6);
	assert_int_equal(see(l, 0, 0, 1, 1, 1, 0), 0); /* terminated: 2 + 0.5 * (1 - 2) */
	expect_table(l, (double[]){ 1.5, 0, 2, 6, 0, 0 }, 6);
	assert_int_equal(see(l, 0, 0, 1, 1, 0, 1), 0); /* truncated: 1.5 + 0.5 * (4 - 1.5) */
	expect_table(l, (double[]){ 2.75, 0, 2, 6, 0, 0 }, 6);
	assert_int_equal(see(l, 0, 0, 1, 1, 1, 1), 0); /* both: terminated wins, 2.75 + 0.5 * (1 - 2.75) */
	expect_table(l, (double[]){ 1.875, 0, 2, 6, 0, 0 }, 6);
	assert_int_equal(see(l, 2, 1, -4, 0, 0, 0), 0); /* 0 + 0.5 * (-4 + 0.5*1.875) */
	expect_table(l, (double[]){ 1.875, 0, 2, 6, 0, -1.53125 }, 6);
	tabular_vtable.free(l);
}

/*
 * SARSA: the next action is drawn in observe() before the update, used in it
 * and returned by the next act(); nothing is cached after either end, and a
 * truncated episode bootstraps from a drawn (never executed) action.
 */
static void test_tabular__sarsa_update(void **state)
{
	(void)state;
	void *l = make("sarsa", exact, 3, 2, 1);
	Q(l, 2, 1, 0) = 6;
	Q(l, 2, 1, 1) = 2;
	assert_int_equal(see(l, 0, 0, 1, 1, 0, 0), 0); /* A' = 0 (greedy): 0.5 * (1 + 3) */
	expect_table(l, (double[]){ 2, 0, 6, 2, 0, 0 }, 6);
	Q(l, 2, 1, 1) = 9; /* greedy is now 1, but A' = 0 was cached */
	assert_int_equal(act(l, 1), 0);
	assert_int_equal(act(l, 1), 1); /* the cache is used once */

	Q(l, 2, 2, 1) = 1;
	assert_int_equal(see(l, 1, 1, 0, 2, 0, 0), 0); /* caches A' = 1 for state 2 */
	assert_int_equal(act(l, 0), 0); /* another state: the cache does not apply */

	Q(l, 2, 1, 1) = 2;
	assert_int_equal(see(l, 0, 0, 1, 1, 1, 0), 0); /* terminated: 2 + 0.5 * (1 - 2) */
	assert_value(Q(l, 2, 0, 0), 1.5, 0);
	Q(l, 2, 1, 1) = 9;
	assert_int_equal(act(l, 1), 1); /* nothing cached: greedy afresh */

	Q(l, 2, 1, 1) = 2;
	assert_int_equal(see(l, 0, 0, 1, 1, 0, 1), 0); /* truncated: A' = 0, 1.5 + 0.5 * (4 - 1.5) */
	assert_value(Q(l, 2, 0, 0), 2.75, 0);
	Q(l, 2, 1, 1) = 9;
	assert_int_equal(act(l, 1), 1); /* the drawn A' was not cached */
	tabular_vtable.free(l);
}

/* With uniform exploration the update uses exactly the action act() then returns. */
static void test_tabular__sarsa_executes_its_target_action(void **state)
{
	(void)state;
	void *l = make("sarsa", "learning_rate=0.5;gamma=0.5;epsilon=1", 2, 4, 7);
	int seen[4] = { 0 };
	for (int i = 0; i < 400; i++) {
		for (int a = 0; a < 4; a++)
			Q(l, 4, 1, a) = 2 * (a + 1); /* 2, 4, 6, 8: the target identifies A' */
		Q(l, 4, 0, 0) = 0;
		assert_int_equal(see(l, 0, 0, 1, 1, 0, 0), 0);
		double target = 2 * Q(l, 4, 0, 0); /* 1 + 0.5 * Q(1, A') */
		int a2 = act(l, 1);
		assert_value(target, 1 + 0.5 * 2 * (a2 + 1), 0);
		seen[a2]++;
		assert_int_equal(see(l, 1, a2, 0, 0, 1, 0), 0); /* end the episode */
	}
	for (int a = 0; a < 4; a++)
		assert_true(seen[a] > 60); /* ~100 each */
	tabular_vtable.free(l);
}

/* Expected SARSA: eps/nA * sum + (1 - eps) * max, with the epsilon of the next step. */
static void test_tabular__expected_sarsa_update(void **state)
{
	(void)state;
	void *l = make("expected_sarsa", "learning_rate=0.5;gamma=0.5;epsilon=0.5", 3, 4, 1);
	double q1[4] = { 1, 2, 3, 6 }; /* V = 0.125 * 12 + 0.5 * 6 = 4.5 */
	memcpy(tabular_q(l) + 4, q1, sizeof(q1));
	assert_int_equal(see(l, 0, 0, 1, 1, 0, 0), 0); /* 0.5 * (1 + 0.5 * 4.5) */
	assert_value(Q(l, 4, 0, 0), 1.625, 0);
	assert_int_equal(see(l, 0, 0, 1, 1, 1, 0), 0); /* terminated: 1.625 + 0.5 * (1 - 1.625) */
	assert_value(Q(l, 4, 0, 0), 1.3125, 0);
	assert_int_equal(see(l, 0, 0, 1, 1, 0, 1), 0); /* truncated: 1.3125 + 0.5 * (3.25 - 1.3125) */
	assert_value(Q(l, 4, 0, 0), 2.28125, 0);
	tabular_vtable.free(l);

	/* linear epsilon 1 -> 0 over 4 steps: the step from s' is step 1, eps = 0.75 */
	l = make("expected_sarsa", "learning_rate=0.5;gamma=0.5;epsilon=1;epsilon_min=0;"
		 "epsilon_schedule=linear;epsilon_decay_steps=4", 3, 4, 1);
	memcpy(tabular_q(l) + 4, q1, sizeof(q1)); /* V = 0.1875 * 12 + 0.25 * 6 = 3.75 */
	assert_int_equal(see(l, 0, 0, 1, 1, 0, 0), 0); /* 0.5 * (1 + 0.5 * 3.75) */
	assert_value(Q(l, 4, 0, 0), 1.4375, 0);
	assert_int_equal(see(l, 0, 1, 0, 1, 0, 0), 0); /* eps = 0.5: V = 4.5, 0.5 * 2.25 */
	assert_value(Q(l, 4, 0, 1), 1.125, 0);
	tabular_vtable.free(l);
}

/* n-step SARSA, n = 3: the full backup, then the flush at termination. */
static void test_tabular__nstep_sarsa_terminated(void **state)
{
	(void)state;
	void *l = make("nstep_sarsa", "n=3;learning_rate=0.5;gamma=0.5;epsilon=0;tie_break=first",
		       6, 2, 1);
	Q(l, 2, 3, 0) = 8;
	double want[12] = { 0 };
	want[6] = 8;
	assert_int_equal(see(l, 0, 0, 1, 1, 0, 0), 0);
	assert_int_equal(see(l, 1, 0, 2, 2, 0, 0), 0);
	expect_table(l, want, 12); /* fewer than n rewards: no update yet */
	assert_int_equal(see(l, 2, 0, 3, 3, 0, 0), 0);
	want[0] = 1.875; /* G = 1 + 0.5*2 + 0.25*3 + 0.125*Q(3,0)=8 -> 3.75 */
	expect_table(l, want, 12);
	assert_int_equal(see(l, 3, 0, 4, 4, 1, 0), 0);
	want[2] = 2.25; /* G = 2 + 0.5*3 + 0.25*4 = 4.5 */
	want[4] = 2.5;  /* G = 3 + 0.5*4 = 5 */
	want[6] = 6;    /* G = 4: 8 + 0.5 * (4 - 8) */
	expect_table(l, want, 12);

	/* an episode shorter than n, then a new one starting with an empty window */
	assert_int_equal(see(l, 0, 1, 1, 1, 0, 0), 0);
	assert_int_equal(see(l, 1, 1, 2, 5, 1, 0), 0);
	want[1] = 1; /* G = 1 + 0.5*2 */
	want[3] = 1; /* G = 2 */
	expect_table(l, want, 12);
	assert_int_equal(see(l, 4, 1, 8, 5, 0, 0), 0);
	assert_int_equal(see(l, 5, 1, 8, 4, 0, 0), 0);
	expect_table(l, want, 12);
	tabular_vtable.free(l);
}

/* n-step SARSA at truncation: every pending pair bootstraps from the last state. */
static void test_tabular__nstep_sarsa_truncated(void **state)
{
	(void)state;
	void *l = make("nstep_sarsa", "n=3;learning_rate=0.5;gamma=0.5;epsilon=0;tie_break=first",
		       4, 2, 1);
	Q(l, 2, 3, 0) = 8;
	assert_int_equal(see(l, 0, 0, 1, 1, 0, 0), 0);
	assert_int_equal(see(l, 1, 0, 2, 2, 0, 0), 0);
	assert_int_equal(see(l, 2, 0, 3, 3, 0, 1), 0);
	/* A' = 0 at state 3, B = 8:  G = 1 + 1 + 0.75 + 1, 2 + 1.5 + 2, 3 + 4 */
	expect_table(l, (double[]){ 1.875, 0, 2.75, 0, 3.5, 0, 8, 0 }, 8);
	Q(l, 2, 3, 1) = 20;
	assert_int_equal(act(l, 3), 1); /* the drawn A' = 0 was not cached */
	tabular_vtable.free(l);

	/* B is read afresh before each update of the flush: here the first one changes it */
	l = make("nstep_sarsa", "n=3;learning_rate=0.5;gamma=0.5;epsilon=0;tie_break=first", 2, 2, 1);
	Q(l, 2, 0, 0) = 4;
	assert_int_equal(see(l, 0, 0, 1, 1, 0, 0), 0);
	assert_int_equal(see(l, 1, 0, 2, 0, 0, 1), 0);
	/* Q(0,0): G = 1 + 0.5*2 + 0.25*4 = 3 -> 3.5; Q(1,0): G = 2 + 0.5*3.5 = 3.75 -> 1.875 */
	expect_table(l, (double[]){ 3.5, 0, 1.875, 0 }, 4);
	tabular_vtable.free(l);
}

/* n-step Expected SARSA, n = 2: full backup, truncation flush, termination flush. */
static void test_tabular__nstep_expected_sarsa(void **state)
{
	(void)state;
	void *l = make("nstep_expected_sarsa", "n=2;learning_rate=0.5;gamma=0.5;epsilon=0.5", 6, 2, 1);
	Q(l, 2, 2, 0) = 4; /* V(2) = 0.25 * 12 + 0.5 * 8 = 7 */
	Q(l, 2, 2, 1) = 8;
	Q(l, 2, 3, 1) = 16; /* V(3) = 0.25 * 16 + 0.5 * 16 = 12 */
	double want[12] = { 0, 0, 0, 0, 4, 8, 0, 16, 0, 0, 0, 0 };
	assert_int_equal(see(l, 0, 0, 1, 1, 0, 0), 0);
	expect_table(l, want, 12);
	assert_int_equal(see(l, 1, 0, 2, 2, 0, 0), 0);
	want[0] = 1.875; /* G = 1 + 0.5*2 + 0.25*7 = 3.75 */
	expect_table(l, want, 12);
	assert_int_equal(see(l, 2, 1, 4, 3, 0, 1), 0);
	want[2] = 3.5; /* G = 2 + 0.5*4 + 0.25*12 = 7 */
	want[5] = 9;   /* G = 4 + 0.5*12 = 10: 8 + 0.5 * (10 - 8) */
	expect_table(l, want, 12);
	assert_int_equal(see(l, 0, 1, 2, 1, 0, 0), 0);
	assert_int_equal(see(l, 1, 1, 2, 5, 1, 0), 0);
	want[1] = 1.5; /* G = 2 + 0.5*2 = 3 */
	want[3] = 1;   /* G = 2 */
	expect_table(l, want, 12);
	tabular_vtable.free(l);
}

/* visits: alpha = learning_rate / N(s,a)^power, counted per pair. */
static void test_tabular__visit_step_size(void **state)
{
	(void)state;
	void *l = make("q_learning", "learning_rate=1;learning_rate_schedule=visits", 2, 2, 1);
	double r[3] = { 2, 4, 6 };
	for (int i = 0; i < 3; i++) {
		assert_int_equal(see(l, 0, 0, r[i], 0, 1, 0), 0);
		assert_value(Q(l, 2, 0, 0), (i + 2), 0); /* the sample mean: 2, 3, 4 */
	}
	assert_int_equal(see(l, 1, 0, 5, 0, 1, 0), 0); /* a fresh pair: alpha = 1 */
	assert_value(Q(l, 2, 1, 0), 5, 0);
	tabular_vtable.free(l);

	l = make("q_learning", "learning_rate=0.5;learning_rate_schedule=visits;learning_rate_power=0.75",
		 2, 2, 1);
	double want = 0;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(see(l, 0, 1, r[i], 0, 1, 0), 0);
		want += 0.5 / pow(i + 1, 0.75) * (r[i] - want);
	}
	assert_value(Q(l, 2, 0, 1), want, 1e-15);
	assert_true(fabs(want - 2.7929981) < 1e-6); /* 1, 1 + 0.2973 * 3, 1.8919 + 0.2193 * 4.1081 */
	tabular_vtable.free(l);
}

static void test_tabular__divergence(void **state)
{
	(void)state;
	void *l = make("q_learning", "learning_rate=1;gamma=1", 2, 1, 1);
	float o = 0, o2 = 1;
	char why[256];
	assert_int_equal(tabular_vtable.observe(l, &o, 0, 1e308, &o2, 0, 0, why, sizeof(why)), 0);
	o = 1;
	o2 = 0;
	assert_int_equal(tabular_vtable.observe(l, &o, 0, 1e308, &o2, 0, 0, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "diverged at step 2: Q(1, 0) is inf"));
	tabular_vtable.free(l);
}

static void test_tabular__check(void **state)
{
	(void)state;
	const struct learner_spec *spec = learner_lookup("nstep_sarsa");
	assert_non_null(spec);
	struct params hp;
	learner_params_init(spec, &hp);
	assert_int_equal(params_int(&hp, "n"), 4);
	struct env_info info = { .obs_kind = SPACE_DISCRETE, .obs_n = 16, .obs_dim = 1, .n_actions = 4 };
	char why[256];
	assert_int_equal(tabular_vtable.check(&hp, &info, why, sizeof(why)), 0);
	assert_int_equal(params_set_text(&hp, "update", "q_learning", why, sizeof(why)), 0);
	assert_int_equal(tabular_vtable.check(&hp, &info, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "n-step Q-learning"));
	assert_int_equal(params_set_text(&hp, "n", "1", why, sizeof(why)), 0);
	assert_int_equal(tabular_vtable.check(&hp, &info, why, sizeof(why)), 0);
	assert_int_equal(params_set_text(&hp, "learning_rate_power", "0.5", why, sizeof(why)), -1);
	assert_string_equal(why, "must be in (0.5, 1], got 0.5");
	assert_int_equal(params_set_text(&hp, "learning_rate_power", "0.51", why, sizeof(why)), 0);
	assert_int_equal(params_set_text(&hp, "update", "tree_backup", why, sizeof(why)), -1);
	assert_int_equal(params_set_text(&hp, "n", "0", why, sizeof(why)), -1);
	info.obs_kind = SPACE_BOX;
	assert_int_equal(tabular_vtable.check(&hp, &info, why, sizeof(why)), -1);
	params_release(&hp);
	const char *presets[] = { "q_learning", "sarsa", "expected_sarsa", "nstep_sarsa",
				  "nstep_expected_sarsa" };
	const char *rules[] = { "q_learning", "sarsa", "expected_sarsa", "sarsa", "expected_sarsa" };
	for (int i = 0; i < 5; i++) {
		spec = learner_lookup(presets[i]);
		assert_non_null(spec);
		learner_params_init(spec, &hp);
		assert_string_equal(params_str(&hp, "update"), rules[i]);
		assert_int_equal(params_int(&hp, "n"), i < 3 ? 1 : 4);
		params_release(&hp);
	}
}

/* Epsilon-greedy frequencies; ties: first = lowest index, random = uniform. */
static void test_tabular__exploration_and_ties(void **state)
{
	(void)state;
	const int N = 40000;
	void *l = make("q_learning", "epsilon=0.4", 1, 4, 3);
	Q(l, 4, 0, 2) = 1;
	int c[4] = { 0 };
	for (int i = 0; i < N; i++)
		c[act(l, 0)]++;
	/* P = 0.1, 0.1, 0.7, 0.1; 5 standard deviations of a frequency are <= 0.0115 */
	for (int a = 0; a < 4; a++)
		assert_true(fabs(c[a] / (double)N - (a == 2 ? 0.7 : 0.1)) < 0.0115);
	tabular_vtable.free(l);

	l = make("q_learning", "epsilon=0;tie_break=first", 1, 4, 3);
	Q(l, 4, 0, 3) = 1;
	Q(l, 4, 0, 1) = 1;
	struct rng r;
	rng_seed(&r, 5);
	float o = 0;
	for (int i = 0; i < 100; i++) {
		assert_int_equal(act(l, 0), 1);
		assert_int_equal(tabular_vtable.act_greedy(l, &o, &r), 1);
	}
	tabular_vtable.free(l);

	l = make("q_learning", "epsilon=0", 1, 4, 3);
	memset(c, 0, sizeof(c));
	int g[4] = { 0 };
	for (int i = 0; i < N; i++) {
		c[act(l, 0)]++;
		g[tabular_vtable.act_greedy(l, &o, &r)]++;
	}
	for (int a = 0; a < 4; a++) {
		assert_true(fabs(c[a] / (double)N - 0.25) < 0.011);
		assert_true(fabs(g[a] / (double)N - 0.25) < 0.011);
	}
	tabular_vtable.free(l);
}

/* act_greedy draws from the caller's generator only: training is unchanged. */
static void test_tabular__greedy_does_not_perturb(void **state)
{
	(void)state;
	void *a = make("sarsa", "epsilon=0.3", 3, 4, 11), *b = make("sarsa", "epsilon=0.3", 3, 4, 11);
	struct rng r;
	rng_seed(&r, 1);
	int s = 0;
	for (int i = 0; i < 1000; i++) {
		float o = (float)s;
		(void)tabular_vtable.act_greedy(b, &o, &r);
		int x = act(a, s), y = act(b, s);
		assert_int_equal(x, y);
		int s2 = (s + x) % 3, end = i % 7 == 6;
		double rew = (double)(x == 2) - 0.25 * s;
		assert_int_equal(see(a, s, x, rew, s2, end, 0), 0);
		assert_int_equal(see(b, s, x, rew, s2, end, 0), 0);
		s = end ? 0 : s2;
	}
	assert_memory_equal(tabular_q(a), tabular_q(b), 12 * sizeof(double));
	tabular_vtable.free(a);
	tabular_vtable.free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tabular__q_learning_update),
		cmocka_unit_test(test_tabular__sarsa_update),
		cmocka_unit_test(test_tabular__sarsa_executes_its_target_action),
		cmocka_unit_test(test_tabular__expected_sarsa_update),
		cmocka_unit_test(test_tabular__nstep_sarsa_terminated),
		cmocka_unit_test(test_tabular__nstep_sarsa_truncated),
		cmocka_unit_test(test_tabular__nstep_expected_sarsa),
		cmocka_unit_test(test_tabular__visit_step_size),
		cmocka_unit_test(test_tabular__divergence),
		cmocka_unit_test(test_tabular__check),
		cmocka_unit_test(test_tabular__exploration_and_ties),
		cmocka_unit_test(test_tabular__greedy_does_not_perturb),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
