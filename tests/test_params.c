/*
 * test_params.c - parameter tables: the range `harness learners` and
 * `harness envs` print (param_range_text) is exactly what validation
 * accepts, for every numeric hyperparameter of every registered learner and
 * every option of every environment, probed at and next to both ends and at 0;
 * overflowing numbers in text are reported as overflow.
 */
#include "testutil.h"
#include "learner.h"
#include "env.h"
#include "params.h"

/* What the printed range says about v: "[a, b]", "(a, b]", "... except 0". */
static int text_accepts(const char *range, double v)
{
	char lo_c, hi_c;
	char lo_s[40], hi_s[40];
	int used = 0;
	assert_int_equal(sscanf(range, "%c%39[^,], %39[^])]%c%n", &lo_c, lo_s, hi_s, &hi_c, &used), 4);
	double lo = strtod(lo_s, NULL), hi = strtod(hi_s, NULL);
	assert_true(lo_c == '[' || lo_c == '(');
	assert_true(hi_c == ']' || hi_c == ')');
	int except0 = !strcmp(range + used, " except 0");
	assert_true(except0 || range[used] == '\0');
	return (lo_c == '[' ? v >= lo : v > lo) && (hi_c == ']' ? v <= hi : v < hi) && !(except0 && v == 0);
}

static int probe(struct params *p, const struct param_def *d, double v)
{
	char why[256];
	if (d->type == PARAM_FLOAT)
		return params_set_float(p, d->name, v, why, sizeof(why)) == 0;
	if (d->type == PARAM_INT)
		return params_set_int(p, d->name, (long long)v, why, sizeof(why)) == 0;
	long long one = (long long)v;
	return params_set_list(p, d->name, &one, 1, why, sizeof(why)) == 0;
}

static int check_table(struct params *p, const char *owner)
{
	int checked = 0;
	for (int i = 0; i < p->n; i++) {
		const struct param_def *d = &p->defs[i];
		if (d->type != PARAM_INT && d->type != PARAM_FLOAT && d->type != PARAM_INT_LIST)
			continue;
		char range[96];
		param_range_text(d, range, sizeof(range));
		double vals[16];
		int nv = 0;
		vals[nv++] = 0;
		vals[nv++] = 1;
		vals[nv++] = -1;
		for (int end = 0; end < 2; end++) {
			double b = end ? d->max : d->min;
			if (isinf(b) || fabs(b) > 1e15)
				continue;
			vals[nv++] = b;
			if (d->type == PARAM_FLOAT) {
				vals[nv++] = nextafter(b, -INFINITY);
				vals[nv++] = nextafter(b, INFINITY);
			} else {
				vals[nv++] = b - 1;
				vals[nv++] = b + 1;
			}
		}
		for (int k = 0; k < nv; k++) {
			struct params q;
			params_copy(&q, p);
			int got = probe(&q, d, vals[k]), want = text_accepts(range, vals[k]);
			params_release(&q);
			if (got != want) {
				print_error("%s '%s' range %s: %.17g %s by validation\n", owner, d->name, range,
					    vals[k], got ? "accepted" : "refused");
				fail();
			}
		}
		checked++;
	}
	return checked;
}

static void test_params__printed_range_is_validation(void **state)
{
	(void)state;
	int n = 0;
	for (int i = 0; i < learner_registry_len; i++) {
		struct params hp;
		learner_params_init(&learner_registry[i], &hp);
		n += check_table(&hp, learner_registry[i].name);
		params_release(&hp);
	}
	for (int i = 0; i < env_registry_len; i++) {
		struct params o;
		env_options_init(&env_registry[i], &o);
		n += check_table(&o, env_registry[i].id);
		params_release(&o);
	}
	assert_true(n > 50);
}

/* The open and refused ends this file exists for: tau, learning_rate_power, gradient_steps. */
static void test_params__known_ranges(void **state)
{
	(void)state;
	char range[96];
	const struct param_def *tau = param_find(learner_lookup("dqn")->vt->params, "tau");
	param_range_text(tau, range, sizeof(range));
	assert_string_equal(range, "(0, 1]");
	const struct param_def *pw = param_find(learner_lookup("q_learning")->vt->params, "learning_rate_power");
	param_range_text(pw, range, sizeof(range));
	assert_string_equal(range, "(0.5, 1]");
	const struct param_def *gs = param_find(learner_lookup("dqn")->vt->params, "gradient_steps");
	param_range_text(gs, range, sizeof(range));
	assert_string_equal(range, "[-1, 1000000] except 0");
	const struct param_def *lr = param_find(learner_lookup("q_learning")->vt->params, "learning_rate");
	param_range_text(lr, range, sizeof(range));
	assert_string_equal(range, "[0, 1]");
}

static void test_params__overflow_in_text(void **state)
{
	(void)state;
	struct params hp;
	char why[256];
	learner_params_init(learner_lookup("dqn"), &hp);
	assert_int_equal(params_set_text(&hp, "buffer_size", "100000000000000000000", why, sizeof(why)), -1);
	assert_string_equal(why, "the number 100000000000000000000 is too large (it overflows 64 bits)");
	assert_int_equal(params_set_text(&hp, "buffer_size", "3000000000", why, sizeof(why)), -1);
	assert_string_equal(why, "must be between 1 and 1000000000, got 3000000000");
	assert_int_equal(params_set_text(&hp, "max_grad_norm", "1e400", why, sizeof(why)), -1);
	assert_string_equal(why, "the number 1e400 is too large (it overflows a double)");
	assert_int_equal(params_set_text(&hp, "hidden", "64,99999999999999999999", why, sizeof(why)), -1);
	assert_string_equal(why, "the number 99999999999999999999 is too large (it overflows 64 bits)");
	assert_int_equal(params_set_text(&hp, "buffer_size", "12x", why, sizeof(why)), -1);
	assert_string_equal(why, "must be an int, got 12x");
	params_release(&hp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params__printed_range_is_validation),
		cmocka_unit_test(test_params__known_ranges),
		cmocka_unit_test(test_params__overflow_in_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
