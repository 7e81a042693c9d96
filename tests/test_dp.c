/*
 * test_dp.c - value iteration and policy evaluation: hand-solved models,
 * CliffWalking's optimum -13, FrozenLake against policy iteration with exact
 * linear solves (GSL), Taxi against shortest paths computed independently.
 */
#include "testutil.h"
#include "env.h"
#include "dp.h"
#include "toytext.h"

#include <gsl/gsl_linalg.h>

static struct tabular_model model_of(const char *id, const char *k, const char *v)
{
	struct params opts;
	env_options_init(env_lookup(id), &opts);
	char why[128];
	if (k)
		assert_int_equal(params_set_text(&opts, k, v, why, sizeof(why)), 0);
	struct env *e;
	assert_int_equal(env_make(&e, id, &opts), 0);
	params_release(&opts);
	struct tabular_model m;
	assert_int_equal(env_model(e, &m), 0);
	env_free(e);
	return m;
}

/*
 * Two states. s0: a0 -> s1 reward 1; a1 -> terminated with reward 5 (landing
 * on s0, which must not be bootstrapped). s1: a0 -> s0 reward 0; a1 -> s1.
 */
static struct tabular_model tiny(void)
{
	struct tabular_model m;
	struct tm_builder b;
	tm_begin(&b, &m, 2, 2);
	tm_add(&b, 1.0, 1, 1.0, 0);
	tm_next(&b);
	tm_add(&b, 1.0, 0, 5.0, 1);
	tm_next(&b);
	tm_add(&b, 1.0, 0, 0.0, 0);
	tm_next(&b);
	tm_add(&b, 1.0, 1, 0.0, 0);
	tm_next(&b);
	m.initial[0] = 0.25;
	m.initial[1] = 0.75;
	return m;
}

static void test_dp__hand_solved(void **state)
{
	(void)state;
	struct tabular_model m = tiny();
	double V[2];
	int pi[2];
	/* gamma 0.5: V1 = V0 / 2, V0 = max(1 + V1 / 2, 5) = 5 (10 if the terminal bootstrapped) */
	assert_int_equal(value_iteration(&m, 0.5, 1e-13, V, pi), 0);
	assert_true(fabs(V[0] - 5) < 1e-12 && fabs(V[1] - 2.5) < 1e-12);
	assert_int_equal(pi[0], 1);
	assert_int_equal(pi[1], 0);
	assert_true(fabs(start_value(&m, V) - (0.25 * 5 + 0.75 * 2.5)) < 1e-12);
	/* policy (a0, a0): V0 = 1 + V1 / 2, V1 = V0 / 2, so V0 = 4/3, V1 = 2/3 */
	int p0[2] = { 0, 0 };
	assert_int_equal(policy_evaluation(&m, p0, 0.5, 1e-14, V), 0);
	assert_true(fabs(V[0] - 4.0 / 3) < 1e-12 && fabs(V[1] - 2.0 / 3) < 1e-12);
	/* gamma 1, policy (a1, a1): s1 loops at reward 0 forever, value 0 */
	int p1[2] = { 1, 1 };
	assert_int_equal(policy_evaluation(&m, p1, 1.0, 1e-14, V), 0);
	assert_true(V[0] == 5 && V[1] == 0);
	/* gamma 1, policy (a0, a0): reward 1 every two steps forever: no convergence */
	assert_int_equal(policy_evaluation(&m, p0, 1.0, 1e-9, V), -1);
	/* bad arguments */
	int bad[2] = { 0, 2 };
	assert_int_equal(policy_evaluation(&m, bad, 0.5, 1e-9, V), -1);
	assert_int_equal(value_iteration(&m, 1.5, 1e-9, V, NULL), -1);
	assert_int_equal(value_iteration(&m, 0.5, 0, V, NULL), -1);
	tabular_model_release(&m);
}

static void test_dp__cliffwalking(void **state)
{
	(void)state;
	struct tabular_model m = model_of("CliffWalking-v1", NULL, NULL);
	double V[48], Vp[48];
	int pi[48];
	assert_int_equal(value_iteration(&m, 1.0, 1e-12, V, pi), 0);
	/* the shortest path along the cliff: up, 11 times right, down */
	assert_true(start_value(&m, V) == -13);
	assert_true(V[36] == -13 && V[24] == -12 && V[35] == -1);
	assert_int_equal(pi[36], 0);
	for (int s = 24; s < 35; s++)
		assert_int_equal(pi[s], 1);
	assert_int_equal(pi[35], 2);
	assert_int_equal(policy_evaluation(&m, pi, 1.0, 1e-12, Vp), 0);
	assert_true(Vp[36] == -13);
	/* walking right from the start falls off the cliff forever: no convergence at gamma 1 */
	int right[48];
	for (int s = 0; s < 48; s++)
		right[s] = 1;
	assert_int_equal(policy_evaluation(&m, right, 1.0, 1e-9, Vp), -1);
	tabular_model_release(&m);

	/* slippery: the safe path is longer, the value lower */
	m = model_of("CliffWalkingSlippery-v1", NULL, NULL);
	assert_int_equal(value_iteration(&m, 1.0, 1e-10, V, NULL), 0);
	assert_true(start_value(&m, V) < -13);
	tabular_model_release(&m);
}

/* Exact values of a policy by an LU solve of (I - gamma P) V = r (GSL); -1 if singular. */
static int exact_values(const struct tabular_model *m, const int *pi, double gamma, double *V)
{
	int n = m->nS;
	gsl_matrix *A = gsl_matrix_calloc((size_t)n, (size_t)n);
	gsl_vector *r = gsl_vector_calloc((size_t)n), *x = gsl_vector_alloc((size_t)n);
	gsl_permutation *perm = gsl_permutation_alloc((size_t)n);
	for (int s = 0; s < n; s++) {
		gsl_matrix_set(A, (size_t)s, (size_t)s, 1.0);
		int sa = s * m->nA + pi[s];
		for (int i = m->start[sa]; i < m->start[sa + 1]; i++) {
			gsl_vector_set(r, (size_t)s, gsl_vector_get(r, (size_t)s) + m->prob[i] * m->reward[i]);
			if (!m->terminated[i])
				gsl_matrix_set(A, (size_t)s, (size_t)m->next[i],
					       gsl_matrix_get(A, (size_t)s, (size_t)m->next[i]) -
						       gamma * m->prob[i]);
		}
	}
	int sign, rc = -1;
	gsl_linalg_LU_decomp(A, perm, &sign);
	double pivot = INFINITY;
	for (int s = 0; s < n; s++)
		pivot = fmin(pivot, fabs(gsl_matrix_get(A, (size_t)s, (size_t)s)));
	if (pivot > 1e-12 && !gsl_linalg_LU_solve(A, perm, r, x)) {
		for (int s = 0; s < n; s++)
			V[s] = gsl_vector_get(x, (size_t)s);
		rc = 0;
	}
	gsl_matrix_free(A);
	gsl_vector_free(r);
	gsl_vector_free(x);
	gsl_permutation_free(perm);
	return rc;
}

/*
 * Policy iteration with exact evaluation, from a proper policy (all "down":
 * every episode ends), switching an action only for a gain above 1e-12.
 * Returns the number of improvement rounds.
 */
static int policy_iteration(const struct tabular_model *m, double gamma, double *V, int *pi)
{
	for (int s = 0; s < m->nS; s++)
		pi[s] = 1;
	for (int round = 1; round < 100; round++) {
		assert_int_equal(exact_values(m, pi, gamma, V), 0);
		int changed = 0;
		for (int s = 0; s < m->nS; s++) {
			double cur = dp_q_value(m, V, gamma, s, pi[s]);
			for (int a = 0; a < m->nA; a++) {
				double q = dp_q_value(m, V, gamma, s, a);
				if (q > cur + 1e-12) {
					cur = q;
					pi[s] = a;
					changed = 1;
				}
			}
		}
		if (!changed)
			return round;
	}
	fail_msg("policy iteration did not stop");
	return -1;
}

static void test_dp__frozenlake(void **state)
{
	(void)state;
	const char *maps[] = { "4x4", "8x8" };
	for (int k = 0; k < 2; k++) {
		struct tabular_model m = model_of("FrozenLake-v1", "map_name", maps[k]);
		int n = m.nS, *pi_vi = xmalloc((size_t)n * sizeof(int)), *pi_pi = xmalloc((size_t)n * sizeof(int));
		double *V = xmalloc((size_t)n * sizeof(double)), *Vpi = xmalloc((size_t)n * sizeof(double)),
		       *Vev = xmalloc((size_t)n * sizeof(double));
		/* gamma 1: the largest probability of ever reaching G */
		assert_int_equal(value_iteration(&m, 1.0, 1e-15, V, pi_vi), 0);
		int rounds = policy_iteration(&m, 1.0, Vpi, pi_pi);
		assert_close_array("V (value iteration vs policy iteration)", V, Vpi, (size_t)n, 1e-9);
		/* the greedy policy of value iteration attains it */
		assert_int_equal(policy_evaluation(&m, pi_vi, 1.0, 1e-15, Vev), 0);
		assert_close_array("V (greedy policy)", Vev, Vpi, (size_t)n, 1e-9);
		double v = start_value(&m, V);
		print_message("FrozenLake %s slippery: optimal success probability %.12f (%d PI rounds)\n",
			      maps[k], v, rounds);
		if (k == 0) /* 14/17, the known optimum of the slippery 4x4 lake without a time limit */
			assert_true(fabs(v - 14.0 / 17.0) < 1e-9);
		else /* the slippery 8x8 lake can be crossed surely when time does not count */
			assert_true(fabs(v - 1.0) < 1e-9);
		/* gamma 0.9: value iteration against the exact values of its greedy policy */
		assert_int_equal(value_iteration(&m, 0.9, 1e-14, V, pi_vi), 0);
		assert_int_equal(exact_values(&m, pi_vi, 0.9, Vpi), 0);
		assert_close_array("V (gamma 0.9)", V, Vpi, (size_t)n, 1e-9);
		assert_int_equal(policy_evaluation(&m, pi_vi, 0.9, 1e-14, Vev), 0);
		assert_close_array("V (gamma 0.9, evaluation)", Vev, Vpi, (size_t)n, 1e-9);
		free(pi_vi);
		free(pi_pi);
		free(V);
		free(Vpi);
		free(Vev);
		tabular_model_release(&m);
	}
	/* deterministic 4x4: the goal is certain (gamma 1) and 6 steps away (gamma 0.9: 0.9^5) */
	struct tabular_model m = model_of("FrozenLake-v1", "is_slippery", "false");
	double V[16];
	assert_int_equal(value_iteration(&m, 1.0, 1e-12, V, NULL), 0);
	assert_true(start_value(&m, V) == 1.0);
	assert_int_equal(value_iteration(&m, 0.9, 1e-14, V, NULL), 0);
	assert_true(fabs(start_value(&m, V) - pow(0.9, 5)) < 1e-12);
	tabular_model_release(&m);
}

/*
 * Taxi at gamma 1: the optimal return from a start is 20 - (moves to the
 * passenger + 1 pickup + moves to the destination); the moves are shortest
 * paths on the walled grid, found here by breadth-first search.
 */
static int taxi_dist(int r0, int c0, int r1, int c1)
{
	/* walls between (r, c) and (r, c+1) from the map "|R: | : :G|" etc. */
	static const char *rows[5] = { "R: | : :G", " : | : : ", " : : : : ", " | : | : ", "Y| : |B: " };
	int dist[25], queue[25], head = 0, tail = 0;
	for (int i = 0; i < 25; i++)
		dist[i] = -1;
	dist[r0 * 5 + c0] = 0;
	queue[tail++] = r0 * 5 + c0;
	while (head < tail) {
		int cell = queue[head++], r = cell / 5, c = cell % 5;
		int nb[4][2] = { { r + 1, c }, { r - 1, c }, { r, c + 1 }, { r, c - 1 } };
		for (int k = 0; k < 4; k++) {
			int nr = nb[k][0], nc = nb[k][1];
			if (nr < 0 || nr > 4 || nc < 0 || nc > 4)
				continue;
			if (k == 2 && rows[r][2 * c + 1] == '|')
				continue;
			if (k == 3 && rows[r][2 * c - 1] == '|')
				continue;
			if (dist[nr * 5 + nc] < 0) {
				dist[nr * 5 + nc] = dist[cell] + 1;
				queue[tail++] = nr * 5 + nc;
			}
		}
	}
	return dist[r1 * 5 + c1];
}

static void test_dp__taxi(void **state)
{
	(void)state;
	static const int locs[4][2] = { { 0, 0 }, { 0, 4 }, { 4, 0 }, { 4, 3 } };
	struct tabular_model m = model_of("Taxi-v3", NULL, NULL);
	double V[500], want = 0;
	int pi[500];
	assert_int_equal(value_iteration(&m, 1.0, 1e-12, V, pi), 0);
	for (int s = 0; s < 500; s++) {
		int dest = s % 4, pass = s / 4 % 5, col = s / 20 % 5, row = s / 100;
		if (pass == 4 || pass == dest)
			continue;
		int moves = taxi_dist(row, col, locs[pass][0], locs[pass][1]) +
			    taxi_dist(locs[pass][0], locs[pass][1], locs[dest][0], locs[dest][1]);
		double ret = 20 - (moves + 1);
		assert_true(V[s] == ret);
		want += ret / 300;
	}
	double v = start_value(&m, V);
	print_message("Taxi-v3: optimal expected return %.12f\n", v);
	assert_true(fabs(v - want) < 1e-12);
	/* 7.93 = 2379/300 (Gymnasium's registration comment "optimum = 8.46" is not this) */
	assert_true(fabs(v - 2379.0 / 300) < 1e-12);
	double Vp[500];
	assert_int_equal(policy_evaluation(&m, pi, 1.0, 1e-12, Vp), 0);
	assert_true(fabs(start_value(&m, Vp) - v) < 1e-12);
	tabular_model_release(&m);

	/* rain makes it worse, never better */
	m = model_of("Taxi-v4", "is_rainy", "true");
	double Vr[500];
	assert_int_equal(value_iteration(&m, 1.0, 1e-10, Vr, NULL), 0);
	assert_true(start_value(&m, Vr) < v);
	tabular_model_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dp__hand_solved),
		cmocka_unit_test(test_dp__cliffwalking),
		cmocka_unit_test(test_dp__frozenlake),
		cmocka_unit_test(test_dp__taxi),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
