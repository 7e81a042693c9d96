/*
 * test_dqn_atari.c - the DQN learner's Atari conventions, driven directly
 * with a synthetic transition stream (no environment, no Python):
 *   - normalize_images: a learner fed raw bytes (0..255, uint8 storage) and
 *     normalize_images = true gives bit-identical actions and Q-values to one
 *     fed observation / 255 as float32 without it; without the flag the raw
 *     bytes give different values (the flag does something);
 *   - clip_reward: rewards r with clip_reward = true train exactly as sign(r)
 *     without it, and differently from r without it;
 *   - the nature_dqn preset on (4, 84, 84) observations: conv outputs 20x20,
 *     9x9, 7x7, the parameter count of Mnih et al.'s network, a finite update;
 *   - memory: 100k transitions of (4, 84, 84) uint8 frames are accepted and
 *     kept as bytes (28224 per observation); the same as float32 frames
 *     (4 bytes each, 22.6 GB) is refused by check().
 */
#include "testutil.h"
#include "dqn.h"
#include "dqn_net.h"

static struct env_info image_info(int C, int H, int W, enum obs_dtype dt, int n_actions)
{
	struct env_info e;
	memset(&e, 0, sizeof(e));
	e.obs_kind = SPACE_BOX;
	e.obs_rank = 3;
	e.obs_shape[0] = C, e.obs_shape[1] = H, e.obs_shape[2] = W;
	e.obs_dim = C * H * W;
	e.obs_dtype = dt;
	e.obs_bounds_uniform = 1;
	e.obs_low[0] = 0, e.obs_high[0] = 255;
	e.n_actions = n_actions;
	return e;
}

struct learner {
	const struct learner_vtable *vt;
	struct params hp;
	void *ln;
};

static void learner_make(struct learner *L, const char *preset, const struct env_info *e,
			 const char *const kv[][2], size_t n)
{
	const struct learner_spec *spec = learner_lookup(preset);
	assert_non_null(spec);
	char why[256];
	learner_params_init(spec, &L->hp);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(params_set_text(&L->hp, kv[i][0], kv[i][1], why, sizeof(why)), 0);
	L->vt = spec->vt;
	if (L->vt->check(&L->hp, e, why, sizeof(why)))
		fail_msg("check: %s", why);
	L->ln = L->vt->create(&L->hp, e, 5);
}

static void learner_free(struct learner *L)
{
	L->vt->free(L->ln);
	params_release(&L->hp);
}

static const char *const small_net[][2] = {
	{ "conv", "4,4,2" }, { "hidden", "16" }, { "learning_starts", "20" }, { "train_freq", "2" },
	{ "batch_size", "8" }, { "buffer_size", "500" }, { "target_update_interval", "30" },
	{ "learning_rate", "1e-3" },
};

/*
 * Feeds the same 300 transitions of random bytes to learners a and b (b sees
 * every observation divided by 255 when b_div, and sign(reward) when b_sign);
 * returns how many of the actions and probe Q-values differ bit for bit.
 */
static int stream_differences(struct learner *a, struct learner *b, int dim, int b_div, int b_sign)
{
	struct rng r;
	rng_seed(&r, 11);
	float *o = xcalloc((size_t)dim, sizeof(float)), *no = xcalloc((size_t)dim, sizeof(float));
	float *ob = xcalloc((size_t)dim, sizeof(float)), *nob = xcalloc((size_t)dim, sizeof(float));
	float qa[4], qb[4];
	char why[256];
	int diff = 0;
	for (int i = 0; i < dim; i++)
		o[i] = (float)rng_below(&r, 256);
	for (int t = 0; t < 300; t++) {
		for (int i = 0; i < dim; i++) {
			no[i] = (float)rng_below(&r, 256);
			ob[i] = b_div ? o[i] / 255.0f : o[i];
			nob[i] = b_div ? no[i] / 255.0f : no[i];
		}
		double rew = (double)rng_below(&r, 7) - 3.0; /* -3 .. 3 */
		double rb = b_sign ? (rew > 0) - (rew < 0) : rew;
		int term = rng_below(&r, 20) == 0;
		diff += a->vt->act(a->ln, o) != b->vt->act(b->ln, ob);
		assert_int_equal(a->vt->observe(a->ln, o, 1, rew, no, term, 0, why, sizeof(why)), 0);
		assert_int_equal(b->vt->observe(b->ln, ob, 1, rb, nob, term, 0, why, sizeof(why)), 0);
		dqn_q_values(a->ln, no, qa);
		dqn_q_values(b->ln, nob, qb);
		diff += memcmp(qa, qb, sizeof(qa)) != 0;
		memcpy(o, no, (size_t)dim * sizeof(float));
	}
	assert_true(dqn_updates(a->ln) > 100);
	free(o), free(no), free(ob), free(nob);
	return diff;
}

static void test_dqn_atari__normalize_images(void **state)
{
	(void)state;
	struct env_info u8 = image_info(2, 10, 10, OBS_UINT8, 4),
			f32 = image_info(2, 10, 10, OBS_FLOAT32, 4);
	assert_int_equal(dqn_replay_storage(&u8), REPLAY_OBS_U8);
	const char *kv[ARRAY_SIZE(small_net) + 1][2];
	memcpy(kv, small_net, sizeof(small_net));
	kv[ARRAY_SIZE(small_net)][0] = "normalize_images";
	kv[ARRAY_SIZE(small_net)][1] = "true";
	struct learner a, b, c;
	learner_make(&a, "dqn", &u8, kv, ARRAY_SIZE(kv));
	learner_make(&b, "dqn", &f32, small_net, ARRAY_SIZE(small_net));
	assert_int_equal(stream_differences(&a, &b, u8.obs_dim, 1, 0), 0);
	learner_free(&a);
	learner_free(&b);
	/* raw bytes without the flag: another network input, other values */
	learner_make(&a, "dqn", &u8, kv, ARRAY_SIZE(kv));
	learner_make(&c, "dqn", &u8, small_net, ARRAY_SIZE(small_net));
	assert_true(stream_differences(&a, &c, u8.obs_dim, 0, 0) > 100);
	learner_free(&a);
	learner_free(&c);
}

static void test_dqn_atari__clip_reward(void **state)
{
	(void)state;
	struct env_info e = image_info(2, 10, 10, OBS_UINT8, 4);
	const char *kv[ARRAY_SIZE(small_net) + 1][2];
	memcpy(kv, small_net, sizeof(small_net));
	kv[ARRAY_SIZE(small_net)][0] = "clip_reward";
	kv[ARRAY_SIZE(small_net)][1] = "true";
	struct learner a, b;
	learner_make(&a, "dqn", &e, kv, ARRAY_SIZE(kv));
	learner_make(&b, "dqn", &e, small_net, ARRAY_SIZE(small_net));
	assert_int_equal(stream_differences(&a, &b, e.obs_dim, 0, 1), 0);
	learner_free(&a);
	learner_free(&b);
	learner_make(&a, "dqn", &e, kv, ARRAY_SIZE(kv));
	learner_make(&b, "dqn", &e, small_net, ARRAY_SIZE(small_net));
	assert_true(stream_differences(&a, &b, e.obs_dim, 0, 0) > 100);
	learner_free(&a);
	learner_free(&b);
}

static void test_dqn_atari__nature_network(void **state)
{
	(void)state;
	struct env_info e = image_info(4, 84, 84, OBS_UINT8, 6);
	const char *const kv[][2] = { { "buffer_size", "200" }, { "learning_starts", "40" } };
	struct learner L;
	learner_make(&L, "nature_dqn", &e, kv, ARRAY_SIZE(kv));
	const struct mlp *m = dqn_network(L.ln);
	assert_int_equal(m->n_conv, 3);
	static const int out[3][3] = { { 32, 20, 20 }, { 64, 9, 9 }, { 64, 7, 7 } };
	for (int i = 0; i < 3; i++) {
		assert_int_equal(m->conv[i].s.F, out[i][0]);
		assert_int_equal(m->conv[i].s.Ho, out[i][1]);
		assert_int_equal(m->conv[i].s.Wo, out[i][2]);
	}
	/* (32*4*64 + 32) + (64*32*16 + 64) + (64*64*9 + 64) + (3136 + 1)*512 + (512 + 1)*6 */
	assert_int_equal((long long)m->n_params, 1687206);
	/* a few updates on frames of random bytes stay finite */
	struct rng r;
	rng_seed(&r, 3);
	float *o = xcalloc((size_t)e.obs_dim, sizeof(float)), *no = xcalloc((size_t)e.obs_dim, sizeof(float));
	char why[256];
	for (int t = 0; t < 80; t++) {
		for (int i = 0; i < e.obs_dim; i++)
			no[i] = (float)rng_below(&r, 256);
		int a = L.vt->act(L.ln, o);
		assert_int_equal(L.vt->observe(L.ln, o, a, (double)rng_below(&r, 3) - 1, no, 0, 0, why,
					       sizeof(why)), 0);
		memcpy(o, no, (size_t)e.obs_dim * sizeof(float));
	}
	assert_int_equal(dqn_updates(L.ln), 10); /* steps 44, 48, ..., 80 */
	float q[6];
	dqn_q_values(L.ln, o, q);
	for (int j = 0; j < 6; j++)
		assert_true(isfinite(q[j]));
	free(o), free(no);
	learner_free(&L);
}

static void test_dqn_atari__replay_memory(void **state)
{
	(void)state;
	struct env_info u8 = image_info(4, 84, 84, OBS_UINT8, 6),
			f32 = image_info(4, 84, 84, OBS_FLOAT32, 6);
	assert_int_equal(replay_row_bytes(dqn_replay_storage(&u8), u8.obs_dim), 28224);
	const struct learner_spec *spec = learner_lookup("nature_dqn");
	struct params hp;
	char why[256];
	learner_params_init(spec, &hp);
	assert_int_equal(params_int(&hp, "buffer_size"), 100000);
	if (spec->vt->check(&hp, &u8, why, sizeof(why)))
		fail_msg("100k uint8 Atari transitions refused: %s", why);
	assert_int_not_equal(spec->vt->check(&hp, &f32, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "replay memory"));
	params_release(&hp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dqn_atari__normalize_images),
		cmocka_unit_test(test_dqn_atari__clip_reward),
		cmocka_unit_test(test_dqn_atari__nature_network),
		cmocka_unit_test(test_dqn_atari__replay_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
