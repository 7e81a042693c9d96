/*
 * test_frozenlake.c - FrozenLake against Gymnasium's own transition models and
 * trajectories (tests/data, copied from ../shared/reference).
 */
#include "testutil.h"
#include "env.h"
#include "toytext.h"

/* Compares our model with model_<name>.json's P (parsed by a tiny scanner). */
static void check_model_file(const char *file, const char *id, const char *opt_k, const char *opt_v)
{
	size_t len;
	char *json = read_file(test_data_path(file), &len);
	assert_non_null(json);
	const struct env_spec *spec = env_lookup(id);
	assert_non_null(spec);
	struct params opts;
	env_options_init(spec, &opts);
	char why[256];
	if (opt_k)
		assert_int_equal(params_set_text(&opts, opt_k, opt_v, why, sizeof(why)), 0);
	struct env *e;
	assert_int_equal(env_make(&e, id, &opts), 0);
	struct tabular_model m;
	assert_int_equal(env_model(e, &m), 0);

	/* "P": [[[[prob, next, reward, terminated], ...] per a] per s] */
	char *p = strstr(json, "\"P\":");
	assert_non_null(p);
	p += 4;
	int s = 0, a = 0, k = 0, depth = 0, mismatches = 0;
	while (*p) {
		if (*p == '[') {
			depth++;
			if (depth == 4) {
				double prob, rew;
				int next;
				char term[8];
				assert_int_equal(sscanf(p, "[%lf, %d, %lf, %5[a-zA-Z]", &prob, &next, &rew, term), 4);
				int idx = m.start[s * m.nA + a] + k;
				assert_true(idx < m.start[s * m.nA + a + 1]);
				if (m.prob[idx] != prob || m.next[idx] != next || m.reward[idx] != rew ||
				    m.terminated[idx] != (term[0] == 't')) {
					if (mismatches++ < 5)
						print_error("P[%d][%d][%d]: got (%.17g,%d,%g,%d) want (%.17g,%d,%g,%s)\n",
							    s, a, k, m.prob[idx], m.next[idx], m.reward[idx],
							    m.terminated[idx], prob, next, rew, term);
				}
				k++;
			}
		} else if (*p == ']') {
			if (depth == 3) {
				assert_int_equal(m.start[s * m.nA + a] + k, m.start[s * m.nA + a + 1]);
				a++;
				k = 0;
			} else if (depth == 2) {
				assert_int_equal(a, m.nA);
				s++;
				a = 0;
			} else if (depth == 1) {
				break;
			}
			depth--;
		}
		p++;
	}
	assert_int_equal(s, m.nS);
	assert_int_equal(mismatches, 0);
	tabular_model_release(&m);
	env_free(e);
	params_release(&opts);
	free(json);
}

static void test_frozenlake__model_slippery(void **state)
{
	(void)state;
	check_model_file("model_FrozenLake-v1_4x4_slippery.json", "FrozenLake-v1", NULL, NULL);
}

static void test_frozenlake__model_noslip(void **state)
{
	(void)state;
	check_model_file("model_FrozenLake-v1_4x4_noslip.json", "FrozenLake-v1", "is_slippery", "false");
}

/* Replays traj_FrozenLake-v1_4x4_noslip.csv: every observation, reward and flag. */
static void test_frozenlake__trajectory_noslip(void **state)
{
	(void)state;
	FILE *f = fopen(test_data_path("traj_FrozenLake-v1_4x4_noslip.csv"), "r");
	assert_non_null(f);
	char line[512];
	assert_non_null(fgets(line, sizeof(line), f)); /* header */
	struct params opts;
	env_options_init(env_lookup("FrozenLake-v1"), &opts);
	char why[128];
	assert_int_equal(params_set_text(&opts, "is_slippery", "false", why, sizeof(why)), 0);
	struct env *e;
	assert_int_equal(env_make(&e, "FrozenLake-v1", &opts), 0);
	int rows = 0, truncations = 0, terminations = 0;
	while (fgets(line, sizeof(line), f)) {
		int ep, t, action, obs, term, trunc;
		double reward;
		assert_int_equal(sscanf(line, "%d,%d,%d,%d,%lf,%d,%d", &ep, &t, &action, &obs, &reward,
					&term, &trunc), 7);
		float o;
		if (t == 0) {
			env_reset(e, NULL, &o);
			double s = obs;
			assert_int_equal(env_set_state(e, &s, 1, &o), 0);
		} else {
			double r;
			int te, tr;
			assert_int_equal(env_step(e, action, &o, &r, &te, &tr), 0);
			assert_int_equal((int)o, obs);
			assert_true(r == reward);
			assert_int_equal(te, term);
			assert_int_equal(tr, trunc);
			truncations += tr;
			terminations += te;
		}
		rows++;
	}
	fclose(f);
	assert_true(rows > 100);
	assert_int_equal(truncations, 1);
	assert_int_equal(terminations, 2);
	env_free(e);
	params_release(&opts);
}

/* Slippery moves: the empirical next-state frequencies match the model. */
static void test_frozenlake__slippery_frequencies(void **state)
{
	(void)state;
	struct env *e;
	assert_int_equal(env_make(&e, "FrozenLake-v1", NULL), 0);
	int counts[16] = {0};
	const int n = 60000;
	uint64_t seed = 42;
	float o;
	env_reset(e, &seed, &o);
	for (int i = 0; i < n; i++) {
		double s0 = 6, r; /* centre cell, action down: left 5, down 10, right 7 */
		int te, tr;
		assert_int_equal(env_set_state(e, &s0, 1, &o), 0);
		assert_int_equal(env_step(e, 1, &o, &r, &te, &tr), 0);
		counts[(int)o]++;
	}
	assert_int_equal(counts[5] + counts[10] + counts[7], n);
	for (int s = 5; s <= 10; s += (s == 5 ? 2 : 3)) {
		double p = counts[s] / (double)n;
		/* 1/3 each; 5 standard deviations is 0.0096 */
		assert_true(fabs(p - 1.0 / 3.0) < 0.0096);
	}
	env_free(e);
}

/* Same seed, same trajectory; step after the end and invalid actions refused. */
static void test_frozenlake__seeding_and_misuse(void **state)
{
	(void)state;
	struct env *a, *b;
	assert_int_equal(env_make(&a, "FrozenLake8x8-v1", NULL), 0);
	assert_int_equal(env_make(&b, "FrozenLake8x8-v1", NULL), 0);
	assert_int_equal(a->info.obs_n, 64);
	assert_int_equal(a->max_episode_steps, 200);
	float oa, ob;
	double ra, rb;
	int ta, tb, ua, ub;
	assert_int_equal(env_step(a, 0, &oa, &ra, &ta, &ua), -1); /* before reset */
	uint64_t seed = 7;
	env_reset(a, &seed, &oa);
	env_reset(b, &seed, &ob);
	assert_int_equal(env_step(a, 4, &oa, &ra, &ta, &ua), -1);
	assert_int_equal(env_step(a, -1, &oa, &ra, &ta, &ua), -1);
	int steps = 0, differ = 0;
	for (;;) {
		int act = steps % 4;
		assert_int_equal(env_step(a, act, &oa, &ra, &ta, &ua), 0);
		assert_int_equal(env_step(b, act, &ob, &rb, &tb, &ub), 0);
		differ |= oa != ob || ra != rb || ta != tb || ua != ub;
		steps++;
		if (ta || ua)
			break;
	}
	assert_false(differ);
	assert_int_equal(env_step(a, 0, &oa, &ra, &ta, &ua), -1); /* after the end */
	env_free(a);
	env_free(b);
}

static void test_frozenlake__bad_options(void **state)
{
	(void)state;
	const struct env_spec *spec = env_lookup("FrozenLake-v1");
	struct params opts;
	struct env_info info;
	char why[256];
	env_options_init(spec, &opts);
	assert_int_equal(params_set_text(&opts, "map_name", "5x5", why, sizeof(why)), -1);
	assert_non_null(strstr(why, "4x4|8x8"));
	assert_int_equal(params_set_text(&opts, "desc", "SFF/FG", why, sizeof(why)), 0);
	assert_int_equal(env_describe(spec, &opts, &info, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "row 2"));
	assert_int_equal(params_set_text(&opts, "desc", "SFX/FFG", why, sizeof(why)), 0);
	assert_int_equal(env_describe(spec, &opts, &info, why, sizeof(why)), -1);
	assert_int_equal(params_set_text(&opts, "desc", "SFH/FFG", why, sizeof(why)), 0);
	assert_int_equal(env_describe(spec, &opts, &info, why, sizeof(why)), 0);
	assert_int_equal(info.obs_n, 6);
	params_release(&opts);
	assert_null(env_lookup("FrozenLake-v9"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frozenlake__model_slippery),
		cmocka_unit_test(test_frozenlake__model_noslip),
		cmocka_unit_test(test_frozenlake__trajectory_noslip),
		cmocka_unit_test(test_frozenlake__slippery_frequencies),
		cmocka_unit_test(test_frozenlake__seeding_and_misuse),
		cmocka_unit_test(test_frozenlake__bad_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
