/*
 * bench_minatar.c - `harness bench --only minatar`: the MinAtar benchmark's
 * costs on one core (OpenBLAS single-threaded), for every game built in:
 *
 *   - game frames/s: minatar_act + render of the raw game (random actions,
 *     sticky 0.1, reset at episode end), and env steps/s through env_step
 *     (which also writes the (C, 10, 10) float32 observation);
 *   - the minatar_dqn update (batch 32, buffer filled with 5000 random
 *     transitions): ms per update, MFLOP per update (2 flops per
 *     multiply-add: forward of the online and target networks on the batch,
 *     backward dW of every layer and dX of all but the conv input), GFLOP/s
 *     and its share of the sgemm 1024^3 peak; speed-up over the reference's
 *     3.05 ms (MinAtar's examples/dqn.py, PyTorch, one thread, 2-core EPYC);
 *   - the training loop's steps/s past the warm-up (act + env step + observe
 *     + one update) and the projected wall time of one 5M-frame run
 *     (5000 random frames, then one update per frame).
 * Times are this thread's CPU time (other processes cannot inflate them).
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "util.h"
#include "dqn.h"
#include "env.h"
#include "minatar.h"

#define REFERENCE_MS 3.05
#define FRAMES 5000000.0
#define WARMUP 5000

static double game_rate(const struct minatar_game *g, double seconds)
{
	struct minatar m;
	if (minatar_init(&m, g, 0.1, 1))
		return 0;
	uint8_t grid[MINATAR_GRID * MINATAR_GRID * MINATAR_MAX_CHANNELS];
	struct rng act;
	rng_seed(&act, 1);
	minatar_seed32(&m, 0);
	minatar_reset(&m);
	long long n = 0;
	double t0 = bench_cpu_seconds(), t;
	do {
		for (int i = 0; i < 16384; i++) {
			int r, term;
			minatar_act(&m, (int)rng_below(&act, 6), &r, &term);
			minatar_render(&m, grid);
			if (term)
				minatar_reset(&m);
		}
		n += 16384;
		t = bench_cpu_seconds() - t0;
	} while (t < seconds);
	minatar_release(&m);
	return (double)n / t;
}

struct loop {
	struct env *env;
	const struct learner_vtable *vt;
	void *ln;
	float *obs, *next;
};

static int loop_run(struct loop *L, long steps)
{
	char why[256];
	for (long i = 0; i < steps; i++) {
		int a = L->vt->act(L->ln, L->obs), te, tr;
		double r;
		if (env_step(L->env, a, L->next, &r, &te, &tr))
			return -1;
		if (L->vt->observe(L->ln, L->obs, a, r, L->next, te, tr, why, sizeof(why)))
			return error("bench: %s", why);
		if (te || tr)
			env_reset(L->env, NULL, L->obs);
		else
			memcpy(L->obs, L->next, (size_t)L->env->info.obs_dim * sizeof(float));
	}
	return 0;
}

static void bench_game(const struct minatar_game *g, double seconds, double peak)
{
	char id[64], why[256];
	snprintf(id, sizeof(id), "MinAtar/%s-v0", g->id);
	double frames = game_rate(g, seconds);

	struct loop L = { 0 };
	if (env_make(&L.env, id, NULL))
		return;
	size_t dim = (size_t)L.env->info.obs_dim;
	L.obs = xcalloc(dim, sizeof(float));
	L.next = xcalloc(dim, sizeof(float));
	/* env steps/s through the generic layer */
	struct rng act;
	rng_seed(&act, 2);
	uint64_t seed = 0;
	env_reset(L.env, &seed, L.obs);
	long long n = 0;
	double t0 = bench_cpu_seconds(), t;
	do {
		for (int i = 0; i < 16384; i++) {
			int te, tr;
			double r;
			env_step(L.env, (int)rng_below(&act, 6), L.obs, &r, &te, &tr);
			if (te || tr)
				env_reset(L.env, NULL, L.obs);
		}
		n += 16384;
		t = bench_cpu_seconds() - t0;
	} while (t < seconds);
	double steps = (double)n / t;

	const struct learner_spec *spec = learner_lookup("minatar_dqn");
	struct params hp;
	learner_params_init(spec, &hp);
	L.vt = spec->vt;
	if (L.vt->check(&hp, &L.env->info, why, sizeof(why)))
		BUG("bench_minatar: %s", why);
	L.ln = L.vt->create(&hp, &L.env->info, 1);
	env_reset(L.env, &seed, L.obs);
	t0 = bench_cpu_seconds();
	if (loop_run(&L, WARMUP))
		goto out;
	double warm_s = (bench_cpu_seconds() - t0) / WARMUP;

	double upd_s = bench_update_seconds(L.ln, 50, seconds);
	if (upd_s < 0)
		goto out;

	long loop_steps = 0;
	t0 = bench_cpu_seconds();
	do {
		if (loop_run(&L, 100))
			goto out;
		loop_steps += 100;
		t = bench_cpu_seconds() - t0;
	} while (t < seconds);
	double step_s = t / loop_steps;

	const struct mlp *m = dqn_network(L.ln);
	double flops = 2.0 * 32 * (2 * mlp_macs_per_row(m) + mlp_backward_macs_per_row(m));
	double wall = WARMUP * warm_s + (FRAMES - WARMUP) * step_s;
	printf("  %-14s %10.2fM %10.2fM %8.3f %7.1f %7.1f %6.0f%% %6.1fx %9.0f %7.2f h\n", g->id,
	       frames / 1e6, steps / 1e6, upd_s * 1e3, flops / 1e6, flops / upd_s / 1e9,
	       100 * flops / upd_s / 1e9 / peak, REFERENCE_MS / (upd_s * 1e3), 1 / step_s,
	       wall / 3600);
out:
	L.vt->free(L.ln);
	params_release(&hp);
	free(L.obs);
	free(L.next);
	env_free(L.env);
}

void bench_minatar(double seconds)
{
	openblas_set_num_threads(1);
	double peak = bench_sgemm_peak(seconds < 1 ? seconds : 1);
	printf("minatar: games (random actions, sticky 0.1) and the minatar_dqn learner (batch 32, "
	       "one update per frame), single thread, CPU time\n");
	printf("  OpenBLAS kernels: %s; sgemm 1024^3 peak %.1f GFLOP/s; reference update %.2f ms "
	       "(MinAtar examples/dqn.py, PyTorch, one thread)\n",
	       openblas_get_corename(), peak, REFERENCE_MS);
	printf("  %-14s %11s %11s %8s %7s %7s %7s %7s %9s %9s\n", "game", "frames/s", "env step/s",
	       "ms/upd", "MFLOP", "GFLOP/s", "of peak", "vs ref", "train st/s", "5M frames");
	if (!minatar_games_len)
		printf("  (no MinAtar game built in)\n");
	for (int i = 0; i < minatar_games_len; i++)
		bench_game(minatar_games[i], seconds, peak);
}
