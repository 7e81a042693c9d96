/*
 * bench_timing.c - the measuring loops the benchmark sections share
 * (bench.h): this thread's CPU time, uniform-random env steps per second,
 * and the time of one DQN update.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "bench.h"
#include "dqn.h"
#include "env.h"
#include "util.h"

/* CPU time of this thread: the figures are per core, and other processes would otherwise steal wall time. */
double bench_cpu_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

double bench_random_steps(struct env *e, int chunk, double seconds)
{
	struct rng act;
	rng_seed(&act, 1);
	uint64_t seed = 0;
	float *obs = xcalloc((size_t)e->info.obs_dim, sizeof(float));
	double r, best = 0;
	int te, tr;
	if (env_reset(e, &seed, obs))
		goto out;
	for (int w = 0; w < 5; w++) {
		long long n = 0;
		double t0 = now_seconds(), t;
		do {
			for (int i = 0; i < chunk; i++) {
				if (env_step(e, (int)rng_below(&act, (uint64_t)e->info.n_actions), obs, &r,
					     &te, &tr))
					goto out;
				if ((te || tr) && env_reset(e, NULL, obs))
					goto out;
			}
			n += chunk;
			t = now_seconds() - t0;
		} while (t < seconds / 5);
		best = (double)n / t > best ? (double)n / t : best;
	}
out:
	free(obs);
	return best > 0 ? best : -1;
}

double bench_update_seconds(void *dqn, int chunk, double seconds)
{
	char why[256];
	long long ups = 0;
	double t0 = bench_cpu_seconds(), t;
	do {
		if (dqn_train(dqn, chunk, why, sizeof(why)))
			return error("bench: %s", why);
		ups += chunk;
		t = bench_cpu_seconds() - t0;
	} while (t < seconds);
	return t / (double)ups;
}
