/*
 * test_tabular_convergence.c - the tabular learners converge to the optimum:
 * on FrozenLake and Taxi, measured exactly on the transition model (dynamic
 * programming, not by sampling); a truncated episode is bootstrapped (the
 * infinite-horizon values are learned); same seed, same Q-table.
 */
#include "tabular_make.h"

/* ---- convergence, measured exactly on the transition model ---- */

/*
 * Discounted Q of a target policy by iterating its Bellman equation to the
 * fixed point: greedy (Q*, value iteration) or uniform over actions.
 */
static void dp_q(const struct tabular_model *m, double gamma, int greedy, double *q)
{
	int nS = m->nS, nA = m->nA;
	memset(q, 0, sizeof(double) * nS * nA);
	for (int it = 0; it < 1000; it++) {
		double change = 0;
		for (int s = 0; s < nS; s++) {
			for (int a = 0; a < nA; a++) {
				double v = 0;
				for (int k = m->start[s * nA + a]; k < m->start[s * nA + a + 1]; k++) {
					double b = 0;
					if (!m->terminated[k]) {
						const double *row = q + m->next[k] * nA;
						b = greedy ? row[0] : 0;
						for (int j = greedy; j < nA; j++)
							b = greedy ? fmax(b, row[j]) : b + row[j] / nA;
					}
					v += m->prob[k] * (m->reward[k] + gamma * b);
				}
				change = fmax(change, fabs(v - q[s * nA + a]));
				q[s * nA + a] = v;
			}
		}
		if (change < 1e-12)
			return;
	}
	fail_msg("policy evaluation did not converge");
}

/*
 * Expected undiscounted return within `horizon` steps from the start
 * distribution: of the stationary policy pi, or (pi NULL) the best any policy
 * can do (finite-horizon value iteration). For FrozenLake this is the
 * probability of reaching G before the time limit.
 */
static double horizon_value(const struct tabular_model *m, const int *pi, int horizon)
{
	double *v = xcalloc((size_t)m->nS, sizeof(double)), *w = xcalloc((size_t)m->nS, sizeof(double));
	for (int h = 0; h < horizon; h++) {
		for (int s = 0; s < m->nS; s++) {
			double best = -INFINITY;
			for (int a = 0; a < m->nA; a++) {
				if (pi && a != pi[s])
					continue;
				double q = 0;
				for (int k = m->start[s * m->nA + a]; k < m->start[s * m->nA + a + 1]; k++)
					q += m->prob[k] * (m->reward[k] + (m->terminated[k] ? 0 : v[m->next[k]]));
				best = fmax(best, q);
			}
			w[s] = best;
		}
		double *t = v;
		v = w;
		w = t;
	}
	double r = 0;
	for (int s = 0; s < m->nS; s++)
		r += m->initial[s] * v[s];
	free(v);
	free(w);
	return r;
}

/* The greedy policy of the table, ties to the lowest index. */
static void greedy_policy(void *l, int nS, int nA, int *pi)
{
	const double *q = tabular_q(l);
	for (int s = 0; s < nS; s++) {
		pi[s] = 0;
		for (int a = 1; a < nA; a++)
			if (q[s * nA + a] > q[s * nA + pi[s]])
				pi[s] = a;
	}
}

/* The training loop: episodes of act / env_step / observe from env seed `seed`. */
static void train(void *l, struct env *e, long long episodes, uint64_t seed)
{
	float o, o2;
	double r;
	int te, tr;
	char why[256];
	assert_int_equal(env_reset(e, &seed, &o), 0);
	for (long long ep = 0; ep < episodes;) {
		int a = tabular_vtable.act(l, &o);
		assert_int_equal(env_step(e, a, &o2, &r, &te, &tr), 0);
		if (tabular_vtable.observe(l, &o, a, r, &o2, te, tr, why, sizeof(why)))
			fail_msg("observe: %s", why);
		o = o2;
		if (te || tr) {
			assert_int_equal(env_reset(e, NULL, &o), 0);
			ep++;
		}
	}
}

/*
 * Each rule learns its target policy's Q (Q* for Q-learning, Q of the
 * uniform policy for the SARSA family under uniform exploration) on slippery
 * FrozenLake with exploring starts. Episodes cut after 3 steps must still
 * give the infinite-horizon values: only a bootstrap at truncation does
 * (treating the cut as terminal is off by more than 0.08 here).
 */
static void test_tabular__truncation_learns_infinite_horizon(void **state)
{
	(void)state;
	static const int nonterminal[] = { 0, 1, 2, 3, 4, 6, 8, 9, 10, 13, 14 };
	const char *presets[] = { "q_learning", "sarsa", "expected_sarsa", "nstep_sarsa",
				  "nstep_expected_sarsa" };
	struct env *e;
	assert_int_equal(env_make(&e, "FrozenLake-v1", NULL), 0);
	struct tabular_model m;
	assert_int_equal(env_model(e, &m), 0);
	double qstar[64], qunif[64];
	dp_q(&m, 0.9, 1, qstar);
	dp_q(&m, 0.9, 0, qunif);
	for (int p = 0; p < 5; p++) {
		for (int cut = 3; cut <= 1000; cut += 997) {
			void *l = make(presets[p], "gamma=0.9;epsilon=1;learning_rate=1;"
				       "learning_rate_schedule=visits;learning_rate_power=0.7", 16, 4, 1);
			struct rng starts;
			rng_seed(&starts, 2);
			uint64_t seed = 3;
			float o, o2;
			double r, s0;
			int te, tr, len = 0;
			char why[256];
			env_reset(e, &seed, &o);
			s0 = nonterminal[rng_below(&starts, 11)];
			assert_int_equal(env_set_state(e, &s0, 1, &o), 0);
			for (int i = 0; i < 2000000; i++) {
				int a = tabular_vtable.act(l, &o);
				assert_int_equal(env_step(e, a, &o2, &r, &te, &tr), 0);
				tr |= ++len == cut;
				if (tabular_vtable.observe(l, &o, a, r, &o2, te, tr, why, sizeof(why)))
					fail_msg("observe: %s", why);
				o = o2;
				if (te || tr) {
					env_reset(e, NULL, &o);
					s0 = nonterminal[rng_below(&starts, 11)];
					assert_int_equal(env_set_state(e, &s0, 1, &o), 0);
					len = 0;
				}
			}
			double got[44], want[44];
			for (int i = 0; i < 11; i++)
				for (int a = 0; a < 4; a++) {
					got[i * 4 + a] = tabular_q(l)[nonterminal[i] * 4 + a];
					want[i * 4 + a] = (p ? qunif : qstar)[nonterminal[i] * 4 + a];
				}
			print_message("%s, episodes cut at %d steps\n", presets[p], cut);
			assert_close_array("Q", got, want, 44, 0.03);
			tabular_vtable.free(l);
		}
	}
	tabular_model_release(&m);
	env_free(e);
}

/* Q-learning with decaying exploration reaches the optimal success rate on slippery 4x4. */
static void test_tabular__frozenlake_q_learning_optimal(void **state)
{
	(void)state;
	struct env *e;
	assert_int_equal(env_make(&e, "FrozenLake-v1", NULL), 0);
	void *l = make("q_learning", "gamma=0.99;learning_rate=0.1;epsilon=1;epsilon_min=0.05;"
		       "epsilon_schedule=linear;epsilon_decay_steps=200000", 16, 4, 1);
	struct tabular_model m;
	assert_int_equal(env_model(e, &m), 0);
	int pi[16];
	greedy_policy(l, 16, 4, pi);
	double before = horizon_value(&m, pi, 100);
	train(l, e, 50000, 1);
	greedy_policy(l, 16, 4, pi);
	double got = horizon_value(&m, pi, 100), best = horizon_value(&m, NULL, 100);
	print_message("FrozenLake-v1: success within 100 steps %.5f (untrained %.5f), optimal %.5f\n",
		      got, before, best);
	assert_true(best - before > 0.5);
	assert_true(best - got <= 0.03);
	tabular_model_release(&m);
	tabular_vtable.free(l);
	env_free(e);
}

/*
 * Every rule with decaying exploration reaches the optimal return on Taxi-v3
 * (expected return within the 200-step limit, from the start distribution).
 */
static void test_tabular__taxi_optimal(void **state)
{
	(void)state;
	const char *presets[] = { "q_learning", "sarsa", "expected_sarsa", "nstep_sarsa",
				  "nstep_expected_sarsa" };
	struct env *e;
	assert_int_equal(env_make(&e, "Taxi-v3", NULL), 0);
	assert_int_equal(e->info.obs_n, 500);
	struct tabular_model m;
	assert_int_equal(env_model(e, &m), 0);
	double best = horizon_value(&m, NULL, 200);
	int pi[500];
	for (int p = 0; p < 5; p++) {
		void *l = make(presets[p], "gamma=0.99;learning_rate=0.1;epsilon=1;epsilon_min=0.05;"
			       "epsilon_schedule=linear;epsilon_decay_steps=200000", 500, 6, 1);
		greedy_policy(l, 500, 6, pi);
		double before = horizon_value(&m, pi, 200);
		train(l, e, 10000, 1);
		greedy_policy(l, 500, 6, pi);
		double got = horizon_value(&m, pi, 200);
		print_message("Taxi-v3 %s: return %.4f (untrained %.4f), optimal %.4f\n", presets[p],
			      got, before, best);
		assert_true(best - before > 100);
		assert_true(best - got <= 0.5);
		tabular_vtable.free(l);
	}
	tabular_model_release(&m);
	env_free(e);
}

/* Same seed twice: the same Q-table bit for bit; another seed: a different one. */
static void test_tabular__determinism(void **state)
{
	(void)state;
	const char *presets[] = { "q_learning", "sarsa", "expected_sarsa", "nstep_sarsa",
				  "nstep_expected_sarsa" };
	struct env *e;
	assert_int_equal(env_make(&e, "FrozenLake8x8-v1", NULL), 0);
	for (int p = 0; p < 5; p++) {
		void *l[3];
		for (int k = 0; k < 3; k++) {
			l[k] = make(presets[p], "epsilon=0.3;learning_rate_schedule=visits;learning_rate=0.5",
				    64, 4, k == 2 ? 43 : 42);
			train(l[k], e, 2000, 7);
		}
		assert_memory_equal(tabular_q(l[0]), tabular_q(l[1]), 256 * sizeof(double));
		assert_memory_not_equal(tabular_q(l[0]), tabular_q(l[2]), 256 * sizeof(double));
		for (int k = 0; k < 3; k++)
			tabular_vtable.free(l[k]);
	}
	env_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tabular__truncation_learns_infinite_horizon),
		cmocka_unit_test(test_tabular__frozenlake_q_learning_optimal),
		cmocka_unit_test(test_tabular__taxi_optimal),
		cmocka_unit_test(test_tabular__determinism),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
