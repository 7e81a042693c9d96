/*
 * bench_gym.c - `harness bench --only gym`: the Gymnasium bridge's overhead.
 * For each Gymnasium id, steps/s through env_step (embedded CPython, random
 * actions, reset at episode end, best of five windows) against a plain
 * Python loop over env.step in the project's virtual environment (the same
 * protocol, envs/python/harness_gym.py loop-rate), and the ratio of their
 * times per step (goal: at most 1.3).
 */
#include <stdio.h>
#include <stdlib.h>
#include "bench.h"
#include "util.h"
#include "env.h"
#include "pyenv.h"

static double bridge_rate(const char *id, double seconds)
{
	struct env *e;
	if (env_make(&e, id, NULL))
		return -1;
	double r = bench_random_steps(e, 256, seconds);
	env_free(e);
	return r;
}

void bench_gym(double seconds)
{
	static const char *const ids[] = { "CartPole-v1", "Acrobot-v1", "LunarLander-v3" };
	printf("Gymnasium bridge, single core: env_step through embedded CPython against a plain "
	       "Python loop (best of 5 windows)\n");
	printf("  %-22s %14s %14s %12s\n", "gymnasium id", "harness st/s", "python st/s",
	       "time ratio");
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		char id[128];
		snprintf(id, sizeof(id), "gym:%s", ids[i]);
		double h = bridge_rate(id, seconds), p = pyenv_loop_rate(ids[i], seconds);
		if (h < 0 || p < 0) {
			printf("  %-22s (not available: %s)\n", ids[i],
			       h < 0 ? "the bridge failed" : "the Python loop failed");
			continue;
		}
		printf("  %-22s %14.0f %14.0f %11.3fx\n", ids[i], h, p, p / h);
	}
}
