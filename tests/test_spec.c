/*
 * test_spec.c - experiment specs: parsing, sweep expansion, hyperparameter
 * precedence, the seed derivation (golden values computed independently with
 * Python's hashlib), stability of a cell's seeds and hash when other cells are
 * added, and every kind of bad input reported as file:line: key.
 */
#include "testutil.h"
#include <unistd.h>
#include "spec.h"

static char tmpdir[256];
static struct error_capture cap; /* error() messages of the test, from setup to teardown */
#define captured cap.msg

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_spec.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	error_capture_begin(&cap, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	error_capture_end(&cap);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd);
}

/* Writes text to <tmpdir>/<name>.cfg and returns the path (static buffer). */
static const char *write_spec(const char *name, const char *text)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/%s.cfg", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_spec__seed_derivation_golden(void **state)
{
	(void)state;
	/* python3: int.from_bytes(hashlib.sha256(s.encode()).digest()[:8], 'little') */
	assert_true(seed_derive(0, "FrozenLake-v1{\"a\":1}", "abc", 3, "env") == 5541671017072120166ULL);
	assert_true(seed_derive(12345, "CartPole-v1{}", "0123456789abcdef", 0, "learner") ==
		    8244615106632710340ULL);
	assert_true(seed_derive(0, "x", "y", 0, "env") != seed_derive(0, "x", "y", 0, "eval"));
}

#define BASE_SPEC \
	"seeds = 3;\nbudget = { steps = 1000; };\neval = { every = 500; episodes = 2; };\n"

static void test_spec__matrix_and_sweeps(void **state)
{
	(void)state;
	const char *p = write_spec("m1", BASE_SPEC
		"envs = ( { id = \"FrozenLake-v1\"; is_slippery = false; hparams = { gamma = 0.5; learning_rate = 0.3; }; },\n"
		"         { id = \"FrozenLake8x8-v1\"; budget = { episodes = 7; }; } );\n"
		"algorithms = ( { name = \"q\"; learner = \"q_learning\"; learning_rate = [0.1, 0.2]; epsilon = [0.1, 0.3]; },\n"
		"               { name = \"plain\"; learner = \"q_learning\"; } );\n");
	struct spec s;
	assert_int_equal(spec_load(&s, p), 0);
	assert_int_equal(s.ncells, 2 * 5 * 3);
	assert_int_equal(s.nconfigs, 5);
	assert_string_equal(s.name, "m1");
	/* order: env, config (sweep odometer, last key fastest), seed */
	assert_string_equal(s.cells[0].cell_id, "FrozenLake-v1(is_slippery=false)/q[learning_rate=0.1,epsilon=0.1]/seed=0");
	assert_string_equal(s.cells[3].config_name, "q[learning_rate=0.1,epsilon=0.3]");
	assert_string_equal(s.cells[6].config_name, "q[learning_rate=0.2,epsilon=0.1]");
	assert_string_equal(s.cells[12].config_name, "plain");
	/* precedence: env hparams over defaults, algorithm keys over env hparams */
	assert_true(params_float(&s.cells[0].hp, "learning_rate") == 0.1);
	assert_true(params_float(&s.cells[0].hp, "gamma") == 0.5);
	assert_true(params_float(&s.cells[12].hp, "learning_rate") == 0.3);
	assert_true(params_float(&s.cells[15 + 12].hp, "learning_rate") == 0.1); /* 8x8: no env hparams */
	/* budgets and eval */
	assert_true(s.cells[0].budget.steps == 1000);
	assert_true(s.cells[15].budget.episodes == 7 && s.cells[15].budget.steps == 0);
	assert_int_equal(s.cells[0].eval.max_episode_steps, 100);
	assert_int_equal(s.cells[15].eval.max_episode_steps, 200);
	/* seeds differ across seeds, streams and configs */
	assert_true(s.cells[0].env_seed != s.cells[1].env_seed);
	assert_true(s.cells[0].env_seed != s.cells[0].learner_seed);
	assert_true(s.cells[0].env_seed != s.cells[3].env_seed);
	/* config hash = SHA-256 of the canonical JSON */
	char h[65];
	sha256_hex(s.cells[0].config_json, strlen(s.cells[0].config_json), h);
	assert_string_equal(h, s.cells[0].config_hash);
	assert_non_null(strstr(s.cells[0].config_json, "\"is_slippery\":false"));
	spec_release(&s);
}

/* Adding cells (an env, a config, seeds) changes no other cell's seeds or hash. */
static void test_spec__stable_under_additions(void **state)
{
	(void)state;
	struct spec a, b;
	const char *pa = write_spec("st", "seeds = [1, 4];\nbudget = { steps = 100; };\n"
		"envs = ( { id = \"FrozenLake-v1\"; } );\n"
		"algorithms = ( { name = \"q\"; learner = \"q_learning\"; } );\n");
	assert_int_equal(spec_load(&a, pa), 0);
	const char *pb = write_spec("st", "seeds = [0, 1, 2, 3, 4];\nbudget = { steps = 100; };\n"
		"envs = ( { id = \"FrozenLake8x8-v1\"; }, { id = \"FrozenLake-v1\"; } );\n"
		"algorithms = ( { name = \"z\"; learner = \"sarsa\"; }, { name = \"q\"; learner = \"q_learning\"; } );\n");
	assert_int_equal(spec_load(&b, pb), 0);
	int matched = 0;
	for (int i = 0; i < a.ncells; i++)
		for (int j = 0; j < b.ncells; j++)
			if (!strcmp(a.cells[i].cell_id, b.cells[j].cell_id)) {
				assert_string_equal(a.cells[i].config_hash, b.cells[j].config_hash);
				assert_true(a.cells[i].env_seed == b.cells[j].env_seed);
				assert_true(a.cells[i].learner_seed == b.cells[j].learner_seed);
				assert_true(a.cells[i].eval_seed == b.cells[j].eval_seed);
				matched++;
			}
	assert_int_equal(matched, 2);
	spec_release(&a);
	spec_release(&b);
}

/* Each bad spec fails with "<file>:<line>: ..." naming the key. */
static void expect_bad(const char *text, int line, const char *needle)
{
	const char *p = write_spec("bad", text);
	struct spec s;
	captured[0] = '\0';
	assert_int_equal(spec_load(&s, p), -1);
	char want[600];
	snprintf(want, sizeof(want), "%s:%d:", p, line);
	if (!strstr(captured, want) || !strstr(captured, needle)) {
		print_error("message: %s\nwanted: %s ... %s\n", captured, want, needle);
		fail();
	}
	assert_null(strchr(captured, '\n'));
}

static void test_spec__bad_inputs(void **state)
{
	(void)state;
	const char *envs = "envs = ( { id = \"FrozenLake-v1\"; } );\n";
	const char *algs = "algorithms = ( { name = \"q\"; learner = \"q_learning\"; } );\n";
	char buf[2048];
	/* syntax error on line 2 */
	expect_bad("seeds = 3;\nbudget = { steps = ; };\n", 2, "syntax error");
	/* unknown environment, line 4 */
	snprintf(buf, sizeof(buf), BASE_SPEC "envs = ( { id = \"Nope-v0\"; } );\n%s", algs);
	expect_bad(buf, 4, "key 'id': unknown environment 'Nope-v0'");
	/* unknown env option */
	snprintf(buf, sizeof(buf), BASE_SPEC "envs = ( { id = \"FrozenLake-v1\";\n slippery = true; } );\n%s", algs);
	expect_bad(buf, 5, "key 'slippery': unknown option");
	/* bad option value */
	snprintf(buf, sizeof(buf), BASE_SPEC "envs = ( { id = \"FrozenLake-v1\"; map_name = \"3x3\"; } );\n%s", algs);
	expect_bad(buf, 4, "key 'map_name': must be one of 4x4|8x8");
	/* unknown learner */
	snprintf(buf, sizeof(buf), BASE_SPEC "%salgorithms = ( { name = \"q\";\n learner = \"qq\"; } );\n", envs);
	expect_bad(buf, 6, "key 'learner': unknown learner 'qq'");
	/* unknown hyperparameter */
	snprintf(buf, sizeof(buf), BASE_SPEC "%salgorithms = ( { name = \"q\"; learner = \"q_learning\";\n alpha = 0.1; } );\n", envs);
	expect_bad(buf, 6, "key 'alpha': unknown hyperparameter of learner 'q_learning'");
	/* out of range */
	snprintf(buf, sizeof(buf), BASE_SPEC "%salgorithms = ( { name = \"q\"; learner = \"q_learning\";\n\n learning_rate = 2.0; } );\n", envs);
	expect_bad(buf, 7, "key 'learning_rate': must be between 0 and 1, got 2");
	/* out of range inside a sweep */
	snprintf(buf, sizeof(buf), BASE_SPEC "%salgorithms = ( { name = \"q\"; learner = \"q_learning\"; gamma = [0.5, 1.5]; } );\n", envs);
	expect_bad(buf, 5, "key 'gamma': sweep value 2");
	/* wrong type */
	snprintf(buf, sizeof(buf), BASE_SPEC "%salgorithms = ( { name = \"q\"; learner = \"q_learning\"; epsilon = \"high\"; } );\n", envs);
	expect_bad(buf, 5, "key 'epsilon': must be a number");
	/* unknown top-level key */
	snprintf(buf, sizeof(buf), "seeds = 2;\nbudget = { steps = 10; };\nseedz = 3;\n%s%s", envs, algs);
	expect_bad(buf, 3, "key 'seedz': unknown key");
	/* missing budget */
	snprintf(buf, sizeof(buf), "seeds = 2;\n%s%s", envs, algs);
	expect_bad(buf, 2, "key 'budget': missing");
	/* both steps and episodes */
	snprintf(buf, sizeof(buf), "seeds = 2;\nbudget = { steps = 10; episodes = 3; };\n%s%s", envs, algs);
	expect_bad(buf, 2, "exactly one of steps or episodes");
	/* duplicate seed, duplicate config name, duplicate env */
	snprintf(buf, sizeof(buf), "seeds = [1, 2, 1];\nbudget = { steps = 10; };\n%s%s", envs, algs);
	expect_bad(buf, 1, "seed 1 is listed twice");
	snprintf(buf, sizeof(buf), BASE_SPEC "%salgorithms = ( { name = \"q\"; learner = \"q_learning\"; },\n { name = \"q\"; learner = \"sarsa\"; } );\n", envs);
	expect_bad(buf, 6, "configuration 'q' is defined twice");
	/* name with path characters, and differing from the file name */
	snprintf(buf, sizeof(buf), "name = \"../x\";\n" BASE_SPEC "%s%s", envs, algs);
	expect_bad(buf, 1, "key 'name'");
	snprintf(buf, sizeof(buf), "name = \"other\";\n" BASE_SPEC "%s%s", envs, algs);
	expect_bad(buf, 1, "differs from the file name");
	/* an oversized matrix is refused, not attempted */
	snprintf(buf, sizeof(buf), "seeds = 100000;\nbudget = { steps = 10; };\n%salgorithms = ( { name = \"q\"; learner = \"q_learning\"; gamma = [0.1, 0.2]; } );\n", envs);
	const char *p = write_spec("huge", buf);
	struct spec s;
	assert_int_equal(spec_load(&s, p), -1);
	assert_non_null(strstr(captured, "more than 100000"));
	/* a missing file */
	assert_int_equal(spec_load(&s, "/nonexistent/x.cfg"), -1);
	assert_non_null(strstr(captured, "/nonexistent/x.cfg"));
}

/* An algorithm's `envs` list restricts the environments it runs on. */
static void test_spec__algorithm_envs(void **state)
{
	(void)state;
	const char *p = write_spec("ae", "seeds = 2;\nbudget = { steps = 100; };\n"
		"envs = ( { id = \"FrozenLake-v1\"; }, { id = \"FrozenLake8x8-v1\"; }, { id = \"FrozenLake-v1\"; is_slippery = false; } );\n"
		"algorithms = ( { name = \"q\"; learner = \"q_learning\"; },\n"
		"  { name = \"s\"; learner = \"sarsa\"; envs = [\"FrozenLake8x8-v1\", \"FrozenLake-v1(is_slippery=false)\"]; } );\n");
	struct spec s;
	assert_int_equal(spec_load(&s, p), 0);
	assert_int_equal(s.ncells, 2 * (3 + 2));
	int sarsa = 0;
	for (int i = 0; i < s.ncells; i++)
		if (!strcmp(s.cells[i].config_name, "s")) {
			sarsa++;
			assert_string_not_equal(s.cells[i].env_label, "FrozenLake-v1");
		}
	assert_int_equal(sarsa, 4);
	spec_release(&s);
	expect_bad("seeds = 2;\nbudget = { steps = 100; };\nenvs = ( { id = \"FrozenLake-v1\"; } );\n"
		   "algorithms = ( { name = \"q\"; learner = \"q_learning\";\n envs = [\"CartPole-v1\"]; } );\n",
		   5, "key 'envs': 'CartPole-v1' is not one of the spec's environments");
}

/* libconfig 1.5 reads 3000000000 as -1294967296 and 10^20 as -1: overflow is reported, 64-bit values kept */
static void test_spec__large_literals(void **state)
{
	(void)state;
	const char *envs = "envs = ( { id = \"FrozenLake-v1\"; } );\n";
	char buf[2048];
	snprintf(buf, sizeof(buf), BASE_SPEC "%salgorithms = ( { name = \"q\"; learner = \"q_learning\";\n"
		 " epsilon_decay_steps = 100000000000000000000; } );\n", envs);
	expect_bad(buf, 6, "key 'epsilon_decay_steps': the number 100000000000000000000 is too large (it overflows 64 bits)");
	snprintf(buf, sizeof(buf), BASE_SPEC "%salgorithms = ( { name = \"q\"; learner = \"q_learning\";\n"
		 " initial_q = -1e400; } );\n", envs);
	expect_bad(buf, 6, "key 'initial_q': the number -1e400 is too large (it overflows a double)");
	snprintf(buf, sizeof(buf), BASE_SPEC "%salgorithms = ( { name = \"q\"; learner = \"q_learning\";\n"
		 " n = 3000000000; } );\n", envs);
	expect_bad(buf, 6, "key 'n': must be between 1 and 10000, got 3000000000");
	snprintf(buf, sizeof(buf), "seeds = [1, 99999999999999999999];\nbudget = { steps = 10; };\n%s", envs);
	expect_bad(buf, 1, "key 'seeds': the number 99999999999999999999 is too large");
	/* beyond 32 bits, within 64: the value itself, with or without L; digits in strings and comments untouched */
	snprintf(buf, sizeof(buf), "seed = 3000000000; // 99999999999999999999\nseeds = [4294967297, 5L];\n"
		 "description = \"99999999999999999999 # 1e400\";\nbudget = { steps = 10; };\n%s"
		 "algorithms = ( { name = \"q\"; learner = \"q_learning\"; epsilon_decay_steps = 600000000000; } );\n", envs);
	struct spec s;
	assert_int_equal(spec_load(&s, write_spec("big", buf)), 0);
	assert_true(s.seed == 3000000000ULL);
	assert_int_equal(s.ncells, 2);
	assert_true(s.cells[0].seed == 4294967297LL);
	assert_true(params_int(&s.cells[0].hp, "epsilon_decay_steps") == 600000000000LL);
	assert_string_equal(s.description, "99999999999999999999 # 1e400");
	spec_release(&s);
}

static void test_spec__names(void **state)
{
	(void)state;
	assert_true(valid_experiment_name("quickstart"));
	assert_true(valid_experiment_name("dqn_classic-v2.1"));
	assert_false(valid_experiment_name("../x"));
	assert_false(valid_experiment_name("a/b"));
	assert_false(valid_experiment_name(".hidden"));
	assert_false(valid_experiment_name(""));
	assert_false(valid_experiment_name("a b"));
	assert_false(valid_experiment_name("x;rm"));
}

/* The observations of 200 steps of slippery FrozenLake from a seed, always action 1, resetting at episode ends. */
static void env_stream(uint64_t seed, float *obs_out)
{
	struct env *e;
	assert_int_equal(env_make(&e, "FrozenLake-v1", NULL), 0);
	float obs[1];
	env_reset(e, &seed, obs);
	for (int t = 0; t < 200; t++) {
		double r;
		int term, trunc;
		env_step(e, 1, obs, &r, &term, &trunc);
		obs_out[t] = obs[0];
		if (term || trunc)
			env_reset(e, NULL, obs);
	}
	env_free(e);
}

/*
 * paired_seeds = true: every configuration of an environment gets the same env and eval seeds
 * for a seed value (so the same environment stream), different ones across seed values; learner
 * seeds stay per configuration; the configuration JSON says so. Off (the default), nothing changes.
 */
static void test_spec__paired_seeds(void **state)
{
	(void)state;
	const char *body = "seeds = [0, 1, 5];\nbudget = { steps = 100; };\neval = { every = 50; episodes = 2; };\n"
			   "envs = ( { id = \"FrozenLake-v1\"; }, { id = \"FrozenLake8x8-v1\"; } );\n"
			   "algorithms = ( { name = \"q\"; learner = \"q_learning\"; learning_rate = [0.1, 0.5]; },\n"
			   "               { name = \"s\"; learner = \"sarsa\"; } );\n";
	char text[2048];
	snprintf(text, sizeof(text), "paired_seeds = true;\n%s", body);
	struct spec p, u;
	assert_int_equal(spec_load(&p, write_spec("pa", text)), 0);
	assert_int_equal(spec_load(&u, write_spec("pa", body)), 0);
	assert_int_equal(p.ncells, 2 * 3 * 3);
	assert_true(p.paired_seeds && !u.paired_seeds);
	for (int i = 0; i < p.ncells; i++)
		for (int j = 0; j < p.ncells; j++) {
			const struct cell *a = &p.cells[i], *b = &p.cells[j];
			int same_env = !strcmp(a->env_label, b->env_label), same_seed = a->seed == b->seed;
			assert_true((a->env_seed == b->env_seed) == (same_env && same_seed));
			assert_true((a->eval_seed == b->eval_seed) == (same_env && same_seed));
			assert_true((a->learner_seed == b->learner_seed) == (i == j));
		}
	/* the documented derivation: "paired" in place of the algorithm hash */
	assert_true(p.cells[0].env_seed == seed_derive(0, p.cells[0].env_key, "paired", 0, "env"));
	assert_true(p.cells[0].eval_seed == seed_derive(0, p.cells[0].env_key, "paired", 0, "eval"));
	assert_true(p.cells[0].learner_seed == u.cells[0].learner_seed);
	/* identical environment streams across configurations, different across seed values */
	float s0[200], s1[200], s2[200];
	env_stream(p.cells[0].env_seed, s0); /* q[learning_rate=0.1], seed 0 */
	env_stream(p.cells[3].env_seed, s1); /* q[learning_rate=0.5], seed 0 */
	env_stream(p.cells[1].env_seed, s2); /* q[learning_rate=0.1], seed 1 */
	assert_string_equal(p.cells[3].config_name, "q[learning_rate=0.5]");
	assert_true(p.cells[3].seed == 0 && p.cells[1].seed == 1);
	assert_memory_equal(s0, s1, sizeof(s0));
	assert_true(memcmp(s0, s2, sizeof(s0)) != 0);
	/* unpaired: streams differ across configurations */
	env_stream(u.cells[3].env_seed, s1);
	env_stream(u.cells[0].env_seed, s0);
	assert_true(memcmp(s0, s1, sizeof(s0)) != 0);
	/* recorded in the configuration only when on: unpaired hashes are those of before the key existed */
	assert_non_null(strstr(p.cells[0].config_json, ",\"paired_seeds\":true}"));
	assert_null(strstr(u.cells[0].config_json, "paired"));
	assert_string_not_equal(p.cells[0].config_hash, u.cells[0].config_hash);
	spec_release(&p);
	spec_release(&u);
	expect_bad("paired_seeds = 1;\n" BASE_SPEC "envs = ( { id = \"FrozenLake-v1\"; } );\n"
		   "algorithms = ( { name = \"q\"; learner = \"q_learning\"; } );\n", 1, "paired_seeds");
}

/* label: display only (no hash or seed moves), placeholders expanded per variant, bad ones refused. */
static void test_spec__labels(void **state)
{
	(void)state;
	const char *body = "seeds = 2;\nbudget = { steps = 100; };\nenvs = ( { id = \"FrozenLake-v1\"; } );\n";
	char text[2048];
	snprintf(text, sizeof(text), "%salgorithms = ( { name = \"q\"; learner = \"q_learning\"; learning_rate = [0.1, 0.5];\n"
		 "  epsilon = [0.1, 0.3]; label = \"{name}: a={learning_rate}, e={epsilon}\"; },\n"
		 "  { name = \"s\"; learner = \"sarsa\"; label = \"SARSA\"; } );\n", body);
	struct spec l, n;
	assert_int_equal(spec_load(&l, write_spec("lb", text)), 0);
	snprintf(text, sizeof(text), "%salgorithms = ( { name = \"q\"; learner = \"q_learning\"; learning_rate = [0.1, 0.5];\n"
		 "  epsilon = [0.1, 0.3]; },\n  { name = \"s\"; learner = \"sarsa\"; } );\n", body);
	assert_int_equal(spec_load(&n, write_spec("lb", text)), 0);
	assert_int_equal(l.ncells, 5 * 2);
	assert_string_equal(l.cells[0].config_name, "q[learning_rate=0.1,epsilon=0.1]");
	assert_string_equal(l.cells[0].label, "q: a=0.1, e=0.1");
	assert_string_equal(l.cells[2].label, "q: a=0.1, e=0.3");
	assert_string_equal(l.cells[6].label, "q: a=0.5, e=0.3");
	assert_string_equal(l.cells[8].label, "SARSA");
	assert_null(n.cells[0].label);
	for (int i = 0; i < l.ncells; i++) {
		assert_string_equal(l.cells[i].config_hash, n.cells[i].config_hash);
		assert_true(l.cells[i].env_seed == n.cells[i].env_seed && l.cells[i].learner_seed == n.cells[i].learner_seed);
	}
	spec_release(&l);
	spec_release(&n);
	expect_bad("seeds = 1;\nbudget = { steps = 100; };\nenvs = ( { id = \"FrozenLake-v1\"; } );\n"
		   "algorithms = ( { name = \"q\"; learner = \"q_learning\"; learning_rate = [0.1, 0.5];\n"
		   "  label = \"q {gamma}\"; } );\n", 5, "'{gamma}' is not {name} or a swept key");
	expect_bad("seeds = 1;\nbudget = { steps = 100; };\nenvs = ( { id = \"FrozenLake-v1\"; } );\n"
		   "algorithms = ( { name = \"q\"; learner = \"q_learning\"; learning_rate = [0.1, 0.5];\n"
		   "  label = \"same\"; } );\n", 5, "also the label or name of configuration");
	expect_bad("seeds = 1;\nbudget = { steps = 100; };\nenvs = ( { id = \"FrozenLake-v1\"; } );\n"
		   "algorithms = ( { name = \"q\"; learner = \"q_learning\"; label = \"x {name\"; } );\n", 4, "without '}'");
	expect_bad("seeds = 1;\nbudget = { steps = 100; };\nenvs = ( { id = \"FrozenLake-v1\"; } );\n"
		   "algorithms = ( { name = \"q\"; learner = \"q_learning\"; label = 3; } );\n", 4, "non-empty string");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec__seed_derivation_golden),
		cmocka_unit_test(test_spec__matrix_and_sweeps),
		cmocka_unit_test(test_spec__stable_under_additions),
		cmocka_unit_test(test_spec__bad_inputs),
		cmocka_unit_test(test_spec__algorithm_envs),
		cmocka_unit_test(test_spec__large_literals),
		cmocka_unit_test(test_spec__names),
		cmocka_unit_test(test_spec__paired_seeds),
		cmocka_unit_test(test_spec__labels),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
