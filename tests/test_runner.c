/*
 * test_runner.c - the training loop's evaluation schedule: an evaluation at
 * step 0, every eval.every env steps, and after the last training step, so the
 * final evaluation judges the policy the run ends with. A budget smaller than
 * `every` (1000 with every 5000) gets evaluations at 0 and 1000, not the step-0
 * one as final; a budget that is not a multiple (12000 with 5000) is judged at
 * 12000; a multiple (10000) is evaluated once at its end, not twice; an episode
 * budget ends with an evaluation at its last step. run_final_return is the mean
 * of that last evaluation. A training episode of an environment without a time
 * limit under an episode budget is bounded: the run fails at 10^6 steps.
 */
#include "testutil.h"
#include <unistd.h>
#include "runner.h"
#include "spec.h"

static char dir[256], path[512];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_runner.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/final_eval.cfg", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("name = \"final_eval\";\n"
	      "seeds = 1;\n"
	      "budget = { steps = 1000; };\n"
	      "eval = { every = 5000; episodes = 3; };\n"
	      "envs = (\n"
	      "  { id = \"FrozenLake-v1\"; },\n"
	      "  { id = \"FrozenLake-v1\"; is_slippery = false; budget = { steps = 12000; }; },\n"
	      "  { id = \"FrozenLake-v1\"; map_name = \"8x8\"; budget = { steps = 10000; }; },\n"
	      "  { id = \"Taxi-v3\"; budget = { episodes = 7; }; eval = { every = 100; episodes = 2; }; },\n"
	      "  { id = \"CliffWalking-v1\"; budget = { episodes = 1; }; }\n"
	      ");\n"
	      "algorithms = ( { name = \"q\"; learner = \"q_learning\"; envs = [\"FrozenLake-v1\", \"Taxi-v3\"]; },\n"
	      "  { name = \"stuck\"; learner = \"q_learning\"; envs = [\"CliffWalking-v1\"]; learning_rate = 0.0;\n"
	      "    epsilon = 0.0; epsilon_min = 0.0; tie_break = \"first\"; } );\n", f);
	assert_int_equal(fclose(f), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

/* Runs cell i of the spec and checks its evaluation steps are want[0..n-1]. */
static void check_schedule(int i, const long long *want, int n)
{
	struct spec s;
	assert_int_equal(spec_load(&s, path), 0);
	assert_true(i < s.ncells);
	struct run_result r;
	assert_int_equal(runner_run(&s.cells[i], &r, NULL, NULL), 0);
	assert_false(r.failed);
	if (n < 0) { /* episode budget: the steps are not known in advance */
		assert_int_equal(r.n_episodes, 7);
		assert_true(r.n_evals >= 2);
		assert_int_equal(r.eval_step[0], 0);
		assert_int_equal(r.eval_step[r.n_evals - 1], r.total_steps);
		for (long long k = 1; k + 1 < r.n_evals; k++)
			assert_int_equal(r.eval_step[k], 100 * k);
		assert_true(r.eval_step[r.n_evals - 2] < r.total_steps);
	} else {
		assert_int_equal(r.n_evals, n);
		for (int k = 0; k < n; k++)
			assert_int_equal(r.eval_step[k], want[k]);
		assert_int_equal(r.total_steps, want[n - 1]);
	}
	/* "final" is the last evaluation */
	double sum = 0;
	for (int e = 0; e < r.eval_episodes; e++)
		sum += r.eval_returns[(r.n_evals - 1) * r.eval_episodes + e];
	assert_true(run_final_return(&r) == sum / r.eval_episodes);
	run_result_release(&r);
	spec_release(&s);
}

static void test_runner__budget_below_every_is_evaluated_at_its_end(void **state)
{
	(void)state;
	static const long long want[] = { 0, 1000 };
	check_schedule(0, want, 2);
}

static void test_runner__budget_not_a_multiple_is_evaluated_at_its_end(void **state)
{
	(void)state;
	static const long long want[] = { 0, 5000, 10000, 12000 };
	check_schedule(1, want, 4);
}

static void test_runner__budget_a_multiple_is_evaluated_once_at_its_end(void **state)
{
	(void)state;
	static const long long want[] = { 0, 5000, 10000 };
	check_schedule(2, want, 3);
}

static void test_runner__episode_budget_ends_with_an_evaluation(void **state)
{
	(void)state;
	check_schedule(3, NULL, -1);
}

/* CliffWalking has no time limit; a greedy learner that never moves (always "up" at the top wall) */
static void test_runner__runaway_episode_without_time_limit_fails(void **state)
{
	(void)state;
	struct spec s;
	assert_int_equal(spec_load(&s, path), 0);
	assert_int_equal(s.ncells, 5);
	struct run_result r;
	assert_int_equal(runner_run(&s.cells[4], &r, NULL, NULL), 0);
	assert_true(r.failed);
	assert_int_equal(r.total_steps, RUNNER_MAX_UNLIMITED_EPISODE);
	assert_int_equal(r.n_episodes, 0);
	assert_non_null(strstr(r.error, "ran 1000000 steps without terminating"));
	assert_non_null(strstr(r.error, "CliffWalking-v1"));
	run_result_release(&r);
	spec_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runner__budget_below_every_is_evaluated_at_its_end),
		cmocka_unit_test(test_runner__budget_not_a_multiple_is_evaluated_at_its_end),
		cmocka_unit_test(test_runner__budget_a_multiple_is_evaluated_once_at_its_end),
		cmocka_unit_test(test_runner__episode_budget_ends_with_an_evaluation),
		cmocka_unit_test(test_runner__runaway_episode_without_time_limit_fails),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
