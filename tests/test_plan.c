/*
 * test_plan.c - planning pieces shared by the local and Slurm backends
 * (harness/spec/plan.h): --only selects by exact cell id (ids hold '[' and ']',
 * which a glob alone would not match) or glob, several patterns give the union,
 * a pattern selecting nothing is an error; the progress ETA comes from env
 * steps budgeted and done (episode budgets estimated from finished cells), not
 * from cell counts; a missing run file is reported unusable with its reason.
 */
#include "testutil.h"
#include <unistd.h>
#include "plan.h"
#include "spec.h"

static char dir[256], path[512];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_plan.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/plan.cfg", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("name = \"plan\"; seeds = 2; budget = { steps = 1000; };\n"
	      "envs = ( { id = \"FrozenLake-v1\"; }, { id = \"Taxi-v3\"; budget = { episodes = 10; }; } );\n"
	      "algorithms = ( { name = \"q\"; learner = \"q_learning\"; learning_rate = [0.1, 0.5]; } );\n", f);
	assert_int_equal(fclose(f), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

static int count(const unsigned char *m, int n)
{
	int k = 0;
	for (int i = 0; i < n; i++)
		k += m[i];
	return k;
}

static void test_plan__only_selects_ids_and_globs(void **state)
{
	(void)state;
	struct spec s;
	assert_int_equal(spec_load(&s, path), 0);
	assert_int_equal(s.ncells, 8);
	unsigned char m[8];
	assert_int_equal(plan_select(&s, NULL, 0, m), 0);
	assert_int_equal(count(m, 8), 8);
	char *exact[] = { "FrozenLake-v1/q[learning_rate=0.5]/seed=1" };
	assert_int_equal(plan_select(&s, exact, 1, m), 0);
	assert_int_equal(count(m, 8), 1);
	for (int i = 0; i < 8; i++)
		assert_int_equal(m[i], !strcmp(s.cells[i].cell_id, exact[0]));
	char *globs[] = { "Taxi-v3/*", "*/seed=0" };
	assert_int_equal(plan_select(&s, globs, 2, m), 0);
	assert_int_equal(count(m, 8), 6); /* 4 Taxi + 2 FrozenLake seed 0 */
	char *none[] = { "*/seed=0", "CartPole-v1/*" };
	assert_int_equal(plan_select(&s, none, 2, m), -1);
	spec_release(&s);
}

static void test_plan__eta_from_steps(void **state)
{
	(void)state;
	struct spec s;
	assert_int_equal(spec_load(&s, path), 0);
	struct plan_eta e = { 0 };
	for (int i = 0; i < s.ncells; i++) {
		if (s.cells[i].budget.steps)
			e.step_budget_left += s.cells[i].budget.steps;
		else
			e.ep_cells_left++;
	}
	assert_int_equal(e.step_budget_left, 4000);
	assert_int_equal(e.ep_cells_left, 4);
	/* episode budgets and none finished: unknown */
	assert_true(plan_eta_seconds(&e, 0, 100) < 0);
	/* an episode cell finished after 600 steps: the other three are estimated at 600 each */
	plan_eta_done(&e, &s.cells[4], 600);
	assert_true(fabs(plan_eta_seconds(&e, 0, 100) - (4000 + 3 * 600) / 100.0) < 1e-9);
	/* running cells' steps count as done; a skipped steps cell leaves the budget */
	assert_true(fabs(plan_eta_seconds(&e, 800, 100) - (4000 + 1800 - 800) / 100.0) < 1e-9);
	plan_eta_done(&e, &s.cells[0], -1);
	assert_true(fabs(plan_eta_seconds(&e, 0, 50) - (3000 + 1800) / 50.0) < 1e-9);
	/* not from cell counts: one long cell left weighs as its steps */
	struct plan_eta one = { .step_budget_left = 1000000 };
	assert_true(fabs(plan_eta_seconds(&one, 250000, 1000) - 750) < 1e-9);
	assert_true(plan_eta_seconds(&one, 0, 0) < 0);
	assert_true(plan_eta_seconds(&one, 2000000, 1000) == 0);
	spec_release(&s);
}

static void test_plan__missing_run_file_is_unusable(void **state)
{
	(void)state;
	char why[800], p[600];
	snprintf(p, sizeof(p), "%s/nope.h5", dir);
	assert_int_equal(plan_check_run_file(p, "00", why, sizeof(why)), 1);
	assert_non_null(strstr(why, "is missing"));
	assert_non_null(strstr(why, "nope.h5"));
	FILE *f = fopen(p, "w");
	fputs("not hdf5", f);
	fclose(f);
	assert_int_equal(plan_check_run_file(p, "00", why, sizeof(why)), 1);
	assert_non_null(strstr(why, "nope.h5"));
	unlink(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan__only_selects_ids_and_globs),
		cmocka_unit_test(test_plan__eta_from_steps),
		cmocka_unit_test(test_plan__missing_run_file_is_unusable),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
