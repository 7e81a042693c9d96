/*
 * bench_dqn.c - `harness bench --only dqn`: throughput of the DQN family on
 * one core (OpenBLAS single-threaded).
 *
 * For each preset (dqn, double_dqn, per, nstep, dqn_all, and the Rainbow
 * parts c51, qrdqn, noisy_dqn, rainbow at their default head sizes: 51
 * atoms, 200 quantiles) and hidden sizes 64x64 and 256x256, with batch 64 and one gradient update per env step
 * (train_freq 1, gradient_steps 1), on CartPole-v1 when registered (else a
 * synthetic 4-dim observation stream):
 *   - env steps/s of the whole loop act -> env step -> observe (+ update),
 *   - updates/s of the update alone (dqn_train on a filled buffer),
 *   - the GFLOP/s that update achieves, counting 2 flops per multiply-add of
 *     the matrix products (forward rows: B online + B target, + B online on
 *     next_obs for Double DQN; backward: dW of every layer, dX of all but the
 *     first), against the machine's single-threaded sgemm 1024^3 rate. The
 *     heads' own work (softmax, projection, the QR loss's n^2 pairs per
 *     sample) and the noisy layers' effective weights are not counted as
 *     flops: they show as a lower share of the peak.
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "util.h"
#include "dqn.h"
#include "env.h"

#define BENCH_BATCH 64

double bench_sgemm_peak(double seconds)
{
	const int n = 1024;
	float *a = xmalloc((size_t)n * n * 4), *b = xmalloc((size_t)n * n * 4),
	      *c = xmalloc((size_t)n * n * 4);
	struct rng r;
	rng_seed(&r, 1);
	for (size_t i = 0; i < (size_t)n * n; i++) {
		a[i] = (float)rng_uniform(&r);
		b[i] = (float)rng_uniform(&r);
	}
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
	/* the best of single products: the machine's rate when nothing disturbs it */
	double best = 1e30, start = bench_cpu_seconds();
	int reps = 0;
	do {
		double t0 = bench_cpu_seconds();
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
		double t = bench_cpu_seconds() - t0;
		if (t < best)
			best = t;
		reps++;
	} while (bench_cpu_seconds() - start < seconds || reps < 5);
	free(a);
	free(b);
	free(c);
	return 2.0 * n * n * n / best / 1e9;
}

/* A stand-in environment when CartPole-v1 is not registered: 4 random floats, 200-step episodes. */
struct synth {
	struct rng r;
	int t;
};

static void synth_obs(struct synth *s, float *obs)
{
	for (int i = 0; i < 4; i++)
		obs[i] = (float)rng_uniform_range(&s->r, -1, 1);
}

struct loop {
	struct env *env;
	struct synth syn;
	float obs[ENV_MAX_OBS], next[ENV_MAX_OBS];
	const struct learner_vtable *vt;
	void *ln;
	uint64_t episode;
};

static void loop_reset(struct loop *L)
{
	uint64_t seed = L->episode++;
	if (L->env) {
		env_reset(L->env, &seed, L->obs);
	} else {
		L->syn.t = 0;
		synth_obs(&L->syn, L->obs);
	}
}

/* steps of act -> step -> observe; returns -1 on a learner failure. */
static int loop_run(struct loop *L, long steps)
{
	char why[256];
	for (long i = 0; i < steps; i++) {
		int a = L->vt->act(L->ln, L->obs), term, trunc;
		double rew;
		if (L->env) {
			if (env_step(L->env, a, L->next, &rew, &term, &trunc))
				return -1;
		} else {
			synth_obs(&L->syn, L->next);
			rew = 1;
			term = 0;
			trunc = ++L->syn.t >= 200;
		}
		if (L->vt->observe(L->ln, L->obs, a, rew, L->next, term, trunc, why, sizeof(why)))
			return error("bench: %s", why);
		if (term || trunc)
			loop_reset(L);
		else
			memcpy(L->obs, L->next, sizeof(L->obs));
	}
	return 0;
}

static void bench_one(const char *preset, const char *hidden, double seconds, double peak,
		      const char *env_id)
{
	const struct learner_spec *spec = learner_lookup(preset);
	if (!spec) {
		printf("  %-11s %-8s (not registered)\n", preset, hidden);
		return;
	}
	struct params hp;
	learner_params_init(spec, &hp);
	char why[256], batch[16];
	snprintf(batch, sizeof(batch), "%d", BENCH_BATCH);
	const char *kv[][2] = {
		{ "hidden", hidden }, { "batch_size", batch }, { "train_freq", "1" },
		{ "gradient_steps", "1" }, { "learning_starts", "1000" }, { "buffer_size", "100000" },
		{ "target_update_interval", "1000" }, { "epsilon_schedule", "constant" },
		{ "epsilon", "0.1" }, { "learning_rate", "1e-4" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(kv); i++)
		if (params_set_text(&hp, kv[i][0], kv[i][1], why, sizeof(why)))
			BUG("bench_dqn: %s: %s", kv[i][0], why);

	struct loop L = { 0 };
	struct env_info info;
	if (env_id) {
		if (env_make(&L.env, env_id, NULL))
			return;
		info = L.env->info;
	} else {
		memset(&info, 0, sizeof(info));
		info.obs_kind = SPACE_BOX;
		info.obs_dim = 4;
		info.n_actions = 2;
		rng_seed(&L.syn.r, 7);
	}
	L.vt = spec->vt;
	if (L.vt->check(&hp, &info, why, sizeof(why)))
		BUG("bench_dqn: %s", why);
	L.ln = L.vt->create(&hp, &info, 1);
	loop_reset(&L);

	/* warm up: fill past learning_starts, then some updates */
	if (loop_run(&L, 1500))
		goto out;
	long steps = 0, chunk = 200;
	double t0 = bench_cpu_seconds(), t;
	do {
		if (loop_run(&L, chunk))
			goto out;
		steps += chunk;
		t = bench_cpu_seconds() - t0;
	} while (t < seconds);
	double steps_s = steps / t;

	double upd_s = bench_update_seconds(L.ln, 100, seconds);
	if (upd_s < 0)
		goto out;
	double ups_s = 1 / upd_s;

	const struct mlp *m = dqn_network(L.ln);
	int dbl = params_bool(&hp, "double");
	double flops = 2.0 * BENCH_BATCH *
		       ((2 + dbl) * mlp_macs_per_row(m) + mlp_backward_macs_per_row(m));
	printf("  %-11s %-8s %10.0f %11.0f %9.2f %8.1f %6.0f%%\n", preset, hidden, steps_s, ups_s,
	       flops / 1e6, ups_s * flops / 1e9, 100 * ups_s * flops / 1e9 / peak);
out:
	L.vt->free(L.ln);
	env_free(L.env);
	params_release(&hp);
}

void bench_dqn(double seconds)
{
	openblas_set_num_threads(1);
	const char *env_id = env_lookup("CartPole-v1") ? "CartPole-v1" : NULL;
	double peak = bench_sgemm_peak(seconds < 1 ? seconds : 1);
	printf("dqn: batch %d, one update per env step, %s, single thread\n", BENCH_BATCH,
	       env_id ? env_id : "synthetic 4-dim observations (CartPole-v1 not registered)");
	const char *forced = getenv("OPENBLAS_CORETYPE");
	printf("  OpenBLAS kernels: %s (%s)\n", openblas_get_corename(),
	       forced ? "OPENBLAS_CORETYPE from the environment" : "OpenBLAS's choice for this CPU");
	printf("  sgemm 1024x1024x1024: %.1f GFLOP/s (best single product: the reference peak)\n"
	       "  times are this thread's CPU time\n", peak);
	printf("  %-11s %-8s %10s %11s %9s %8s %7s\n", "preset", "hidden", "env step/s",
	       "updates/s", "MFLOP/upd", "GFLOP/s", "of peak");
	static const char *presets[] = { "dqn", "double_dqn", "per", "nstep", "dqn_all",
					 "c51", "qrdqn", "noisy_dqn", "rainbow" };
	static const char *sizes[] = { "64,64", "256,256" };
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++)
		for (size_t p = 0; p < ARRAY_SIZE(presets); p++)
			bench_one(presets[p], sizes[s], seconds, peak, env_id);
}
