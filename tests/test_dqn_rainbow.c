/*
 * test_dqn_rainbow.c - the DQN learner's Rainbow branches end to end on the
 * toy environments of dqn_toy.h: the distributional heads (C51, QR) bootstrap
 * exactly where DQN does, noisy layers are not perturbed by greedy
 * evaluation, and a full Rainbow configuration runs on a conv network.
 */
#include "dqn_toy.h"

/*
 * rainbow: the distributional heads bootstrap exactly where DQN does. One-step
 * episodes (reward 1, gamma 0.9): Q -> 1 when they terminate, -> 10 when they
 * are truncated, with 1- and 3-step returns (the support shifts by gamma^k),
 * plain and with every extension (Double, PER, dueling per atom).
 */
static void test_dqn__distributional_bootstrap(void **state)
{
	(void)state;
	static const char *const heads[][3] = {
		{ "c51", "false", "false" }, { "qrdqn", "false", "false" }, { "c51", "true", "true" },
		{ "qrdqn", "true", "true" },
	};
	for (size_t h = 0; h < ARRAY_SIZE(heads); h++)
		for (int nstep = 1; nstep <= 3; nstep += 2)
			for (int trunc = 0; trunc < 2; trunc++) {
				const char *ns = nstep == 1 ? "1" : "3";
				const char *const hp[][2] = {
					{ "hidden", "16" }, { "learning_rate", "3e-3" }, { "batch_size", "32" },
					{ "buffer_size", "1000" }, { "learning_starts", "100" },
					{ "train_freq", "1" }, { "target_update_interval", "40" },
					{ "gamma", "0.9" }, { "v_min", "-2" }, { "v_max", "14" },
					{ "num_atoms", "33" }, { "num_quantiles", "8" }, { "n_step", ns },
					{ "double", heads[h][1] }, { "prioritized", heads[h][1] },
					{ "dueling", heads[h][2] }, { "per_beta_steps", "6000" },
				};
				struct runner R;
				char why[256];
				make_learner(&R, heads[h][0],
					     trunc ? ONE_STEP_TRUNCATED : ONE_STEP_TERMINATED, hp,
					     ARRAY_SIZE(hp), 3);
				assert_int_equal(run_steps(&R, 6000, why, sizeof(why)), 0);
				float q[2], obs[2] = { 0.0f, 1.0f };
				dqn_q_values(R.ln, obs, q);
				double want = trunc ? 10.0 : 1.0;
				for (int a = 0; a < 2; a++)
					if (fabs(q[a] - want) > 0.05 * want) {
						print_error("%s (all %s), n_step %d, %s: Q = %g, want %g\n",
							    heads[h][0], heads[h][1], nstep,
							    trunc ? "truncated" : "terminated", q[a], want);
						fail();
					}
				R.vt->free(R.ln);
			}
}

/*
 * rainbow: noisy layers. Greedy evaluation uses the mean weights and draws
 * nothing: a run with evaluations interleaved trains bit for bit as one
 * without; evaluations are repeatable; the acting policy (noise) differs
 * from the greedy one somewhere, while epsilon (1, constant) is ignored.
 */
static void test_dqn__noisy_evaluation_does_not_perturb(void **state)
{
	(void)state;
	static const char *const kv[][2] = {
		{ "hidden", "32,32" }, { "learning_rate", "1e-3" }, { "learning_starts", "300" },
		{ "train_freq", "1" }, { "target_update_interval", "100" }, { "buffer_size", "10000" },
		{ "epsilon_schedule", "constant" }, { "epsilon", "1" }, { "gamma", "0.95" },
	};
	float q[2][CORRIDOR_N * 2];
	for (int run = 0; run < 2; run++) {
		struct runner R;
		char why[256];
		make_learner(&R, "rainbow", CORRIDOR, kv, ARRAY_SIZE(kv), 5);
		for (int k = 0; k < 10; k++) {
			assert_int_equal(run_steps(&R, 150, why, sizeof(why)), 0);
			if (run == 1) {
				int len1, len2;
				double r1 = greedy_episode(&R, &len1), r2 = greedy_episode(&R, &len2);
				assert_true(r1 == r2 && len1 == len2);
			}
		}
		for (int s = 0; s < CORRIDOR_N; s++) {
			struct toy t = { CORRIDOR, s };
			float obs[2];
			toy_obs(&t, obs);
			dqn_q_values(R.ln, obs, q[run] + 2 * s);
		}
		/* epsilon 1 is ignored: on corridor states the trained noisy policy is the greedy one */
		int same = 0;
		for (int i = 0; i < 200; i++) {
			struct toy t = { CORRIDOR, i % CORRIDOR_N };
			float obs[2];
			toy_obs(&t, obs);
			same += R.vt->act_greedy(R.ln, obs, NULL) == R.vt->act(R.ln, obs);
		}
		assert_true(same > 190);
		R.vt->free(R.ln);
	}
	assert_memory_equal(q[0], q[1], sizeof(q[0]));
	/* a fresh network (small action gaps): the noise changes some actions; noisy_epsilon
	 * = true brings epsilon (1) back: about half the actions differ from the greedy one */
	for (int eps = 0; eps < 2; eps++) {
		const char *const kv2[][2] = { { "learning_starts", "0" },
					       { "noisy_epsilon", eps ? "true" : "false" },
					       { "epsilon_schedule", "constant" }, { "epsilon", "1" } };
		struct runner R;
		make_learner(&R, "noisy_dqn", CORRIDOR, kv2, ARRAY_SIZE(kv2), 9);
		struct rng g;
		rng_seed(&g, 3);
		int differs = 0;
		for (int i = 0; i < 400; i++) {
			float obs[2] = { (float)rng_uniform_range(&g, -3, 3),
					 (float)rng_uniform_range(&g, -3, 3) };
			differs += R.vt->act_greedy(R.ln, obs, NULL) != R.vt->act(R.ln, obs);
		}
		print_message("noisy, noisy_epsilon %d: %d of 400 acts differ from greedy\n", eps, differs);
		assert_true(eps ? differs > 150 && differs < 250 : differs > 4 && differs < 150);
		R.vt->free(R.ln);
	}
}

/*
 * rainbow: the heads and noisy layers compose with the conv network of the
 * minatar_dqn preset (MinAtar Breakout): training runs, a seed fixes every
 * bit, and the checkpoint holds the conv trunk, sigma and the head's
 * attributes together.
 */
static void test_dqn__rainbow_on_conv(void **state)
{
	(void)state;
	if (!env_lookup("MinAtar/Breakout-v0"))
		skip();
	static const char *const kv[][2] = {
		{ "head", "c51" }, { "noisy", "true" }, { "dueling", "true" }, { "double", "true" },
		{ "n_step", "3" }, { "prioritized", "true" }, { "learning_starts", "200" },
		{ "epsilon_decay_start", "200" }, { "buffer_size", "2000" }, { "hidden", "32" },
		{ "target_update_interval", "50" }, { "checkpoint", "true" },
	};
	const struct learner_spec *spec = learner_lookup("minatar_dqn");
	assert_non_null(spec);
	float q[2][16];
	for (int run = 0; run < 2; run++) {
		struct params hp;
		char why[256];
		learner_params_init(spec, &hp);
		for (size_t i = 0; i < ARRAY_SIZE(kv); i++)
			assert_int_equal(params_set_text(&hp, kv[i][0], kv[i][1], why, sizeof(why)), 0);
		struct env *e;
		assert_int_equal(env_make(&e, "MinAtar/Breakout-v0", NULL), 0);
		assert_int_equal(spec->vt->check(&hp, &e->info, why, sizeof(why)), 0);
		void *ln = spec->vt->create(&hp, &e->info, 21);
		assert_true(dqn_network(ln)->n_conv == 1);
		float *obs = calloc((size_t)e->info.obs_dim, sizeof(float)),
		      *next = calloc((size_t)e->info.obs_dim, sizeof(float));
		uint64_t s = 4;
		env_reset(e, &s, obs);
		for (int i = 0; i < 700; i++) {
			int a = spec->vt->act(ln, obs), te, tr;
			double r;
			assert_int_equal(env_step(e, a, next, &r, &te, &tr), 0);
			assert_int_equal(spec->vt->observe(ln, obs, a, r, next, te, tr, why, sizeof(why)), 0);
			if (te || tr)
				env_reset(e, NULL, obs);
			else
				memcpy(obs, next, (size_t)e->info.obs_dim * sizeof(float));
		}
		assert_true(dqn_updates(ln) > 400);
		int nA = e->info.n_actions;
		assert_true(nA <= 16);
		dqn_q_values(ln, obs, q[run]);
		for (int a = 0; a < nA; a++)
			assert_true(isfinite(q[run][a]) && q[run][a] >= -10 && q[run][a] <= 10);
		struct checkpoint ck = {0};
		spec->vt->checkpoint(ln, &ck);
		assert_non_null(checkpoint_find(&ck, "conv0/W"));
		assert_non_null(checkpoint_find(&ck, "layer1/sigma_W"));
		int head = 0;
		for (int i = 0; i < ck.n_attrs; i++)
			head += !strcmp(ck.attrs[i].name, "head") && !strcmp(ck.attrs[i].str, "c51");
		assert_int_equal(head, 1);
		checkpoint_release(&ck);
		spec->vt->free(ln);
		free(obs), free(next);
		env_free(e);
		params_release(&hp);
		if (run == 1)
			assert_memory_equal(q[0], q[1], (size_t)nA * sizeof(float));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dqn__distributional_bootstrap),
		cmocka_unit_test(test_dqn__noisy_evaluation_does_not_perturb),
		cmocka_unit_test(test_dqn__rainbow_on_conv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
