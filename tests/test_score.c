/*
 * test_score.c - the scores of a run (harness/analysis/score.c, --metric-of): parsing,
 * and each score of a hand-made learning curve.
 */
#include "testutil.h"
#include "score.h"

static void test_score__parse(void **state)
{
	(void)state;
	struct score s;
	assert_int_equal(score_parse("final", &s), 0);
	assert_int_equal(s.kind, SCORE_FINAL);
	assert_int_equal(score_parse("auc", &s), 0);
	assert_int_equal(s.kind, SCORE_AUC);
	assert_int_equal(score_parse("best", &s), 0);
	assert_int_equal(s.kind, SCORE_BEST);
	assert_int_equal(score_parse("last:3", &s), 0);
	assert_true(s.kind == SCORE_LAST && s.k == 3);
	char *k = score_key(&s);
	assert_string_equal(k, "last:3");
	free(k);
	const char *bad[] = { "", "last", "last:", "last:0", "last:-2", "last:x", "Final", "mean", "last:3x" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(score_parse(bad[i], &s), -1);
}

static void test_score__of_a_curve(void **state)
{
	(void)state;
	double x[] = { 0, 10, 20, 30, 40 }, y[] = { -5, 2, 9, 4, 6 };
	struct exp_run r = { x, y, 5, 6.5, NAN, 4.25, 0 };
	struct score s;
	score_parse("final", &s);
	assert_true(score_of(&r, &s) == 6.5); /* runs.final_return as stored */
	score_parse("auc", &s);
	assert_true(score_of(&r, &s) == 4.25); /* runs.auc as stored */
	score_parse("best", &s);
	assert_true(score_of(&r, &s) == 9);
	score_parse("last:2", &s);
	assert_true(score_of(&r, &s) == 5);     /* (4 + 6) / 2 */
	score_parse("last:100", &s);
	assert_true(score_of(&r, &s) == 3.2);   /* every point: 16 / 5 */
	struct exp_run empty = { NULL, NULL, 0, NAN, NAN, NAN, 0 };
	assert_true(isnan(score_of(&empty, &s)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_score__parse),
		cmocka_unit_test(test_score__of_a_curve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
