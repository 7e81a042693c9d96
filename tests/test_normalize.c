/*
 * test_normalize.c - score normalisation: optimal references on models solved
 * by hand, the random-policy score against the exact expected return of the
 * uniform policy, the normalisation formula, and the database cache
 * (schema version 2, a stored value is read back instead of re-measured).
 */
#include <sqlite3.h>
#include <unistd.h>
#include "testutil.h"
#include "normalize.h"
#include "rundb.h"
#include "store.h"

static struct env *make(const char *id, const char *k, const char *v)
{
	const struct env_spec *spec = env_lookup(id);
	assert_non_null(spec);
	struct params opts;
	env_options_init(spec, &opts);
	char why[256];
	if (k)
		assert_int_equal(params_set_text(&opts, k, v, why, sizeof(why)), 0);
	struct env *e;
	assert_int_equal(env_make(&e, id, &opts), 0);
	params_release(&opts);
	return e;
}

static void test_normalize__optimal_reference(void **state)
{
	(void)state;
	/* deterministic 4x4 FrozenLake: the goal is 6 moves from the start (3 down, 3 right), so
	 * the best return within h steps is 0 for h < 6 and 1 from h = 6 */
	struct env *e = make("FrozenLake-v1", "is_slippery", "false");
	double v;
	assert_int_equal(norm_optimal_value(e, 5, &v), 0);
	assert_true(v == 0);
	assert_int_equal(norm_optimal_value(e, 6, &v), 0);
	assert_true(fabs(v - 1) < 1e-12);
	assert_int_equal(norm_optimal_value(e, 100, &v), 0);
	assert_true(fabs(v - 1) < 1e-12);
	env_free(e);
	/* CliffWalking (no time limit): the shortest safe path is 13 steps at -1 (Sutton & Barto 6.6) */
	e = make("CliffWalking-v1", NULL, NULL);
	assert_int_equal(norm_optimal_value(e, 0, &v), 0);
	assert_true(fabs(v + 13) < 1e-6);
	env_free(e);
	/* slippery 4x4 with the 100-step limit: below the no-limit optimum 14/17, above the threshold 0.7 */
	e = make("FrozenLake-v1", NULL, NULL);
	assert_int_equal(norm_optimal_value(e, 100, &v), 0);
	assert_true(v < 14.0 / 17 && v > 0.7);
	env_free(e);
	/* CartPole has no model */
	e = make("CartPole-v1", NULL, NULL);
	assert_int_equal(norm_optimal_value(e, 500, &v), -1);
	env_free(e);
}

static void test_normalize__random_score_matches_exact(void **state)
{
	(void)state;
	/*
	 * The exact expected return of the uniform-random policy on deterministic
	 * 4x4 FrozenLake within 100 steps, by backward induction over the model
	 * averaging (not maximising) over actions; the harness's Monte Carlo
	 * estimate over 4000 episodes must lie within 4 standard errors of it
	 * (returns are 0 or 1: SE = sqrt(p (1 - p) / 4000)).
	 */
	struct env *e = make("FrozenLake-v1", "is_slippery", "false");
	struct tabular_model m;
	assert_int_equal(env_model(e, &m), 0);
	double V[16] = {0}, P[16];
	for (int h = 0; h < 100; h++) {
		memcpy(P, V, sizeof(V));
		for (int s = 0; s < m.nS; s++) {
			double q = 0;
			for (int a = 0; a < m.nA; a++)
				for (int i = m.start[s * m.nA + a]; i < m.start[s * m.nA + a + 1]; i++)
					q += m.prob[i] * (m.reward[i] + (m.terminated[i] ? 0 : P[m.next[i]])) / m.nA;
			V[s] = q;
		}
	}
	double p = 0;
	for (int s = 0; s < m.nS; s++)
		p += m.initial[s] * V[s];
	tabular_model_release(&m);
	double mc, mc2;
	assert_int_equal(norm_random_score("FrozenLake-v1", &e->opts, 100, 4000, 42, &mc), 0);
	double se = sqrt(p * (1 - p) / 4000);
	assert_true(p > 0.001 && p < 0.1);
	assert_true(fabs(mc - p) < 4 * se);
	/* determinism: same seed, same score; another seed, another estimate */
	assert_int_equal(norm_random_score("FrozenLake-v1", &e->opts, 100, 4000, 42, &mc2), 0);
	assert_true(mc == mc2);
	assert_int_equal(norm_random_score("FrozenLake-v1", &e->opts, 100, 4000, 43, &mc2), 0);
	assert_true(mc != mc2);
	env_free(e);
	/* CliffWalking with a 50-step cap: every step costs at least -1, so the mean is <= -50
	 * unless an episode reaches the goal first (impossible in fewer than 13 steps) */
	struct env *c = make("CliffWalking-v1", NULL, NULL);
	assert_int_equal(norm_random_score("CliffWalking-v1", &c->opts, 50, 20, 1, &mc), 0);
	assert_true(mc <= -50);
	env_free(c);
}

static void test_normalize__formula(void **state)
{
	(void)state;
	struct env_norm n = { .random = 0.1, .reference = 0.9 };
	assert_true(fabs(norm_score(&n, 0.5) - 0.5) < 1e-12);  /* (0.5 - 0.1) / 0.8 */
	assert_true(fabs(norm_score(&n, 0.9) - 1) < 1e-12);
	assert_true(fabs(norm_score(&n, 0.1)) < 1e-12);
	n = (struct env_norm){ .random = -200, .reference = -13 };
	assert_true(fabs(norm_score(&n, -106.5) - 0.5) < 1e-12); /* (-106.5 + 200) / 187 */
	n.reference = NAN;
	assert_true(isnan(norm_score(&n, 1)));
	n.reference = n.random;
	assert_true(isnan(norm_score(&n, 1)));
}

static void test_normalize__cached_in_database(void **state)
{
	(void)state;
	char root[] = "/tmp/test_normalize.XXXXXX";
	assert_non_null(mkdtemp(root));
	char *path = xstrfmt("%s/harness.db", root);
	struct store *db;
	assert_int_equal(store_open(&db, root, STORE_WRITE), 0);
	sqlite3 *h = rundb_handle(store_rundb(db));
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), RUNDB_SCHEMA_VERSION);
	assert_true(RUNDB_SCHEMA_VERSION >= 2);
	sqlite3_finalize(st);
	const char *cfg = "{\"env\":{\"id\":\"FrozenLake-v1\",\"options\":{\"map_name\":\"4x4\",\"is_slippery\":false}},"
			  "\"eval\":{\"every\":100,\"episodes\":5,\"max_episode_steps\":100}}";
	struct env_norm a, b, c;
	assert_int_equal(norm_env(db, cfg, "code1", &a), 0);
	assert_int_equal(a.cached, 0);
	assert_string_equal(a.reference_kind, "optimal");
	assert_true(fabs(a.reference - 1) < 1e-12);
	/* the same measurement as norm_random_score with the documented episodes and seed */
	struct env *e = make("FrozenLake-v1", "is_slippery", "false");
	double direct;
	assert_int_equal(norm_random_score("FrozenLake-v1", &e->opts, 100, NORM_RANDOM_EPISODES,
					   NORM_RANDOM_SEED, &direct), 0);
	env_free(e);
	assert_true(a.random == direct);
	assert_int_equal(norm_env(db, cfg, "code1", &b), 0);
	assert_int_equal(b.cached, 1);
	assert_true(b.random == a.random);
	/* the value is read from the table: change it there and it is what comes back */
	assert_int_equal(sqlite3_exec(h, "UPDATE random_scores SET mean_return = 0.25", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(norm_env(db, cfg, "code1", &c), 0);
	assert_true(c.cached && c.random == 0.25);
	/* another code version measures again */
	assert_int_equal(norm_env(db, cfg, "code2", &c), 0);
	assert_true(!c.cached && c.random == a.random);
	/* CartPole: the registry's threshold */
	const char *cp = "{\"env\":{\"id\":\"CartPole-v1\",\"options\":{}},\"eval\":{\"max_episode_steps\":500}}";
	assert_int_equal(norm_env(db, cp, "code1", &c), 0);
	assert_string_equal(c.reference_kind, "threshold");
	assert_true(c.reference == 475 && c.random > 5 && c.random < 60);
	store_close(db);
	/* read-only: the cache is read, a measurement is not stored */
	assert_int_equal(store_open(&db, root, STORE_READ), 0);
	assert_int_equal(norm_env(db, cfg, "code1", &c), 0);
	assert_true(c.cached && c.random == 0.25);
	assert_int_equal(norm_env(db, cfg, "code3", &c), 0);
	assert_true(!c.cached && c.random == a.random);
	assert_int_equal(norm_env(db, cfg, "code3", &c), 0);
	assert_int_equal(c.cached, 0);
	store_close(db);
	unlink(path);
	char *wal = xstrfmt("%s-wal", path), *shm = xstrfmt("%s-shm", path);
	unlink(wal);
	unlink(shm);
	rmdir(root);
	free(wal);
	free(shm);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize__optimal_reference),
		cmocka_unit_test(test_normalize__random_score_matches_exact),
		cmocka_unit_test(test_normalize__formula),
		cmocka_unit_test(test_normalize__cached_in_database),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
