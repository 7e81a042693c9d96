/*
 * bench_envs.c - `harness bench --only envs`: raw single-core step
 * throughput of every registered environment through env_step (the generic
 * layer with its checks and time limit, as gymnasium.make wraps an env),
 * uniformly random actions from a struct rng, reset (no seed) at every
 * episode end, each for about `seconds` of wall time, reporting the best of
 * five windows (other processes on the machine only ever slow a window
 * down). For the classic-control
 * environments, the ratio to Gymnasium's pure-Python figures measured on this
 * kind of machine (shared/reference/README.md): CartPole-v1 81,000 steps/s,
 * MountainCar-v0 40,000, Acrobot-v1 16,500.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "util.h"
#include "env.h"

static const struct {
	const char *id;
	double steps_per_s;
} gymnasium_figures[] = {
	{ "CartPole-v1", 81000 },
	{ "MountainCar-v0", 40000 },
	{ "Acrobot-v1", 16500 },
};

/*
 * Steps per second of env `id`: the best of 5 windows of seconds/5 each (the
 * least disturbed by other processes); *mean_len: steps per episode.
 */
static double bench_one(const char *id, double seconds, double *mean_len)
{
	struct env *e;
	if (env_make(&e, id, NULL))
		return -1; /* e.g. a MinAtar game not built in: reported, not fatal */
	struct rng act;
	rng_seed(&act, 1);
	uint64_t seed = 0, n_actions = (uint64_t)e->info.n_actions;
	float *obs = xcalloc((size_t)e->info.obs_dim, sizeof(float));
	double r, best = 0;
	int te, tr;
	long long total = 0, ends = 0;
	env_reset(e, &seed, obs);
	for (int w = 0; w < 5; w++) {
		long long n = 0;
		double t0 = now_seconds(), t;
		do {
			for (int i = 0; i < 16384; i++) {
				if (env_step(e, (int)rng_below(&act, n_actions), obs, &r, &te, &tr))
					die("bench: env_step failed on '%s'", id);
				if (te || tr) {
					env_reset(e, NULL, obs);
					ends++;
				}
			}
			n += 16384;
			t = now_seconds() - t0;
		} while (t < seconds / 5);
		best = (double)n / t > best ? (double)n / t : best;
		total += n;
	}
	env_free(e);
	free(obs);
	*mean_len = ends ? (double)total / (double)ends : (double)total;
	return best;
}

void bench_envs(double seconds)
{
	printf("environments, single core, random actions, reset at episode end (env_step; best of "
	       "5 windows):\n");
	printf("  %-24s %14s %9s %9s %12s %9s\n", "env", "steps/s", "ns/step", "ep. len", "Gymnasium",
	       "speedup");
	for (int i = 0; i < env_registry_len; i++) {
		const char *id = env_registry[i].id;
		double len;
		double rate = bench_one(id, seconds, &len);
		if (rate < 0) {
			printf("  %-24s (cannot make it: see the error above)\n", id);
			continue;
		}
		printf("  %-24s %14.0f %9.1f %9.1f", id, rate, 1e9 / rate, len);
		for (size_t k = 0; k < ARRAY_SIZE(gymnasium_figures); k++)
			if (!strcmp(gymnasium_figures[k].id, id))
				printf(" %12.0f %8.0fx", gymnasium_figures[k].steps_per_s,
				       rate / gymnasium_figures[k].steps_per_s);
		printf("\n");
		fflush(stdout);
	}
}
