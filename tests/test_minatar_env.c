/*
 * test_minatar_env.c - the registered MinAtar/<Game>-v0/-v1 environments
 * (envs/minatar_env.c) against MinAtar 1.0.15's reference trajectories
 * (tests/data/minatar) through the generic env interface: the (C, 10, 10)
 * observation is the reference state transposed, rewards and terminated
 * flags match, truncated is never set, a reset without a seed continues the
 * stream; -v1 actions map through the minimal set; seeds of 2^32 and more
 * are RandomState([lo, hi]); the observation space is described as bool.
 * Every game in minatar_games[] is covered; ids of games not built in
 * refuse to be made with a reason.
 */
#include "testutil.h"
#include "env.h"
#include "minatar.h"
#include "util.h"

static int hexval(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

/* Unpacks the reference hex (packbits of (10, 10, C), MSB first) into bits. */
static void unhex(const char *hex, uint8_t *bits, int cells)
{
	for (int i = 0; i < cells; i++) {
		int byte = hexval(hex[2 * (i / 8)]) << 4 | hexval(hex[2 * (i / 8) + 1]);
		bits[i] = (uint8_t)((byte >> (7 - i % 8)) & 1);
	}
}

static const char *env_id_of(const struct minatar_game *g, int v, char *buf, size_t n)
{
	snprintf(buf, n, "MinAtar/%s-v%d", g->id, v);
	return buf;
}

/* Replays one reference file through env_make/env_reset/env_step; returns mismatching rows. */
static int replay_env(const char *path, const struct minatar_game *g, uint64_t seed)
{
	char id[64];
	struct env *e;
	assert_int_equal(env_make(&e, env_id_of(g, 0, id, sizeof(id)), NULL), 0);
	assert_int_equal(e->info.obs_rank, 3);
	assert_int_equal(e->info.obs_shape[0], g->channels);
	assert_int_equal(e->info.obs_dim, g->channels * 100);
	assert_int_equal(e->info.obs_dtype, OBS_BOOL);
	assert_int_equal(e->info.n_actions, 6);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	const int C = g->channels, cells = 100 * C;
	float *obs = xcalloc((size_t)cells, sizeof(float));
	uint8_t bits[1000];
	char line[1024];
	int bad = 0, rows = 0, episodes = 0;
	assert_non_null(fgets(line, sizeof(line), f));
	while (fgets(line, sizeof(line), f)) {
		int ep, t, action, taken, reward, term;
		char state[256];
		assert_int_equal(sscanf(line, "%d,%d,%d,%d,%d,%d,%255s", &ep, &t, &action, &taken,
					&reward, &term, state), 7);
		double r = 0;
		int te = 0, tr = 0;
		if (t == 0)
			assert_int_equal(env_reset(e, episodes++ ? NULL : &seed, obs), 0);
		else
			assert_int_equal(env_step(e, action, obs, &r, &te, &tr), 0);
		unhex(state, bits, cells);
		int same = r == reward && te == term && tr == 0;
		for (int y = 0; y < 10 && same; y++)
			for (int x = 0; x < 10; x++)
				for (int c = 0; c < C; c++)
					same &= obs[(c * 10 + y) * 10 + x] == (float)bits[(y * 10 + x) * C + c];
		rows++;
		if (!same && bad++ < 3)
			print_error("%s: episode %d t %d: reward %g/%d terminated %d/%d truncated %d\n",
				    path, ep, t, r, reward, te, term, tr);
	}
	fclose(f);
	free(obs);
	env_free(e);
	if (!bad)
		print_message("%s: %d rows through the env interface match\n", path, rows);
	return bad;
}

static void test_minatar_env__reference_trajectories(void **unused)
{
	(void)unused;
	int files = 0;
	for (int gi = 0; gi < minatar_games_len; gi++)
		for (int s = 0; s < 2; s++) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/minatar/traj_%s_seed%d_random.csv",
				 test_data_dir(), minatar_games[gi]->name, s);
			assert_int_equal(replay_env(path, minatar_games[gi], (uint64_t)s), 0);
			files++;
		}
	assert_true(files >= 2 * minatar_games_len);
	assert_true(minatar_games_len >= 1); /* something was replayed */
}

/* -v1 action i is -v0 action minimal_actions[i], frame for frame. */
static void test_minatar_env__minimal_actions(void **unused)
{
	(void)unused;
	for (int gi = 0; gi < minatar_games_len; gi++) {
		const struct minatar_game *g = minatar_games[gi];
		char id0[64], id1[64];
		struct env *a, *b;
		assert_int_equal(env_make(&a, env_id_of(g, 0, id0, sizeof(id0)), NULL), 0);
		assert_int_equal(env_make(&b, env_id_of(g, 1, id1, sizeof(id1)), NULL), 0);
		assert_int_equal(b->info.n_actions, g->n_minimal);
		size_t n = (size_t)a->info.obs_dim;
		float *oa = xcalloc(n, 4), *ob = xcalloc(n, 4);
		uint64_t seed = 3;
		env_reset(a, &seed, oa);
		env_reset(b, &seed, ob);
		struct rng r;
		rng_seed(&r, 9);
		int diff = 0;
		for (int t = 0; t < 3000; t++) {
			int i = (int)rng_below(&r, (uint64_t)g->n_minimal), ta, tb, ua, ub;
			double ra, rb;
			assert_int_equal(env_step(a, g->minimal_actions[i], oa, &ra, &ta, &ua), 0);
			assert_int_equal(env_step(b, i, ob, &rb, &tb, &ub), 0);
			assert_memory_equal(oa, ob, n * 4);
			assert_true(ra == rb && ta == tb && ua == 0 && ub == 0);
			if (ta) {
				env_reset(a, NULL, oa);
				env_reset(b, NULL, ob);
			}
			diff += t > 0;
		}
		assert_int_equal(env_step(b, g->n_minimal, ob, &(double){ 0 }, &(int){ 0 }, &(int){ 0 }), -1);
		free(oa), free(ob);
		env_free(a);
		env_free(b);
	}
}

/* Seeds >= 2^32 are RandomState([lo, hi]); below, RandomState(S); options reach the game. */
static void test_minatar_env__seeds_and_options(void **unused)
{
	(void)unused;
	if (minatar_games_len < 1)
		fail_msg("no MinAtar game built in");
	const struct minatar_game *g = minatar_games[0];
	char id[64];
	uint64_t seeds[2] = { 12345, ((uint64_t)7 << 32) | 99 };
	for (int k = 0; k < 2; k++) {
		struct env *e;
		assert_int_equal(env_make(&e, env_id_of(g, 0, id, sizeof(id)), NULL), 0);
		struct minatar m;
		assert_int_equal(minatar_init(&m, g, 0.1, 1), 0);
		if (k)
			minatar_seed64(&m, seeds[k]);
		else
			minatar_seed32(&m, (uint32_t)seeds[k]);
		size_t n = (size_t)e->info.obs_dim;
		float *obs = xcalloc(n, 4);
		uint8_t grid[1000];
		env_reset(e, &seeds[k], obs);
		minatar_reset(&m);
		for (int t = 0; t < 500; t++) {
			int a = t % 6, te, tr, rm, tm;
			double r;
			env_step(e, a, obs, &r, &te, &tr);
			minatar_act(&m, a, &rm, &tm);
			minatar_render(&m, grid);
			for (int p = 0; p < 100; p++)
				for (int c = 0; c < g->channels; c++)
					assert_true(obs[c * 100 + p] == grid[p * g->channels + c]);
			assert_true(r == rm && te == tm);
			if (te) {
				env_reset(e, NULL, obs);
				minatar_reset(&m);
			}
		}
		free(obs);
		minatar_release(&m);
		env_free(e);
	}
	/* sticky_action_prob = 1: action 0 forever (last_action starts at 0) */
	struct params opts;
	const struct env_spec *spec = env_lookup(env_id_of(g, 0, id, sizeof(id)));
	env_options_init(spec, &opts);
	char why[256];
	assert_int_equal(params_set_float(&opts, "sticky_action_prob", 1.0, why, sizeof(why)), 0);
	struct env *e, *z;
	assert_int_equal(env_make(&e, id, &opts), 0);
	assert_int_equal(env_make(&z, id, &opts), 0);
	size_t n = (size_t)e->info.obs_dim;
	float *o1 = xcalloc(n, 4), *o2 = xcalloc(n, 4);
	uint64_t s = 1;
	env_reset(e, &s, o1);
	env_reset(z, &s, o2);
	for (int t = 0; t < 50; t++) {
		double r;
		int te, tr;
		env_step(e, 1 + t % 5, o1, &r, &te, &tr);
		env_step(z, 0, o2, &r, &te, &tr);
		assert_memory_equal(o1, o2, n * 4);
		if (te)
			break;
	}
	free(o1), free(o2);
	env_free(e);
	env_free(z);
	params_release(&opts);
	char text[128];
	struct env_info info;
	env_options_init(spec, &opts);
	assert_int_equal(env_describe(spec, &opts, &info, why, sizeof(why)), 0);
	env_info_obs_text(&info, text, sizeof(text));
	char want[64];
	snprintf(want, sizeof(want), "Box(%d, 10, 10, bool)", g->channels);
	assert_string_equal(text, want);
	params_release(&opts);
}

/* Ids of games missing from minatar_games[] are listed and refused with a reason. */
static void test_minatar_env__unbuilt_games_refused(void **unused)
{
	(void)unused;
	int ids = 0;
	for (int i = 0; i < env_registry_len; i++) {
		const struct env_spec *spec = &env_registry[i];
		if (strncmp(spec->id, "MinAtar/", 8))
			continue;
		ids++;
		assert_int_equal(spec->max_episode_steps, 0);
		struct params opts;
		struct env_info info;
		char why[256];
		env_options_init(spec, &opts);
		int built = 0;
		for (int g = 0; g < minatar_games_len; g++) {
			char a[64], b[64];
			if (!strcmp(spec->id, env_id_of(minatar_games[g], 0, a, sizeof(a))) ||
			    !strcmp(spec->id, env_id_of(minatar_games[g], 1, b, sizeof(b))))
				built = 1;
		}
		assert_int_equal(env_describe(spec, &opts, &info, why, sizeof(why)), built ? 0 : -1);
		if (!built)
			assert_non_null(strstr(why, "not built"));
		params_release(&opts);
	}
	assert_int_equal(ids, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minatar_env__reference_trajectories),
		cmocka_unit_test(test_minatar_env__minimal_actions),
		cmocka_unit_test(test_minatar_env__seeds_and_options),
		cmocka_unit_test(test_minatar_env__unbuilt_games_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
