/*
 * bench_tabular.c - `harness bench --only tabular`: updates per second of the
 * tabular learners (algorithms/tabular.c), single thread, for every update
 * rule preset on Taxi-v3 (FrozenLake8x8-v1 when Taxi is not registered):
 *   loop     act + env_step + observe, resetting at episode ends
 *   observe  observe() alone, replaying a recorded trajectory of 65536
 *            transitions (with its episode ends, the last one marked
 *            truncated) through a fresh learner
 * Exploration epsilon 0.1 constant, learning rate 0.1, gamma 0.99 (the
 * defaults). Figures are millions of transitions per second of wall time.
 */
#include <stdio.h>
#include <stdlib.h>
#include "bench.h"
#include "util.h"
#include "learner.h"

#define TRAJ 65536

struct traj {
	float obs[TRAJ], next[TRAJ];
	int action[TRAJ], term[TRAJ], trunc[TRAJ];
	double reward[TRAJ];
};

/* Runs act/step/observe for `seconds`; returns transitions per second. */
static double bench_loop(const struct learner_spec *spec, const struct params *hp, struct env *e,
			 double seconds, struct traj *rec)
{
	void *l = spec->vt->create(hp, &e->info, 1);
	uint64_t seed = 1;
	float o, o2;
	double r;
	int te, tr;
	char why[256];
	long long n = 0;
	env_reset(e, &seed, &o);
	double t0 = now_seconds(), t;
	do {
		for (int i = 0; i < 4096; i++, n++) {
			int a = spec->vt->act(l, &o);
			if (env_step(e, a, &o2, &r, &te, &tr))
				die("bench: env_step failed");
			if (rec && n < TRAJ) {
				rec->obs[n] = o;
				rec->next[n] = o2;
				rec->action[n] = a;
				rec->reward[n] = r;
				rec->term[n] = te;
				rec->trunc[n] = tr;
			}
			if (spec->vt->observe(l, &o, a, r, &o2, te, tr, why, sizeof(why)))
				die("bench: %s", why);
			o = o2;
			if (te || tr)
				env_reset(e, NULL, &o);
		}
		t = now_seconds() - t0;
	} while (t < seconds || (rec && n < TRAJ));
	spec->vt->free(l);
	return (double)n / t;
}

/* Replays the recorded transitions through observe() for `seconds`. */
static double bench_observe(const struct learner_spec *spec, const struct params *hp,
			    const struct env *e, double seconds, const struct traj *tj)
{
	void *l = spec->vt->create(hp, &e->info, 1);
	char why[256];
	long long n = 0;
	double t0 = now_seconds(), t;
	do {
		for (int i = 0; i < TRAJ; i++)
			if (spec->vt->observe(l, &tj->obs[i], tj->action[i], tj->reward[i], &tj->next[i],
					      tj->term[i], tj->trunc[i], why, sizeof(why)))
				die("bench: %s", why);
		n += TRAJ;
		t = now_seconds() - t0;
	} while (t < seconds);
	spec->vt->free(l);
	return (double)n / t;
}

void bench_tabular(double seconds)
{
	static const char *const presets[] = { "q_learning", "sarsa", "expected_sarsa", "nstep_sarsa",
					       "nstep_expected_sarsa" };
	const char *id = env_lookup("Taxi-v3") ? "Taxi-v3" : "FrozenLake8x8-v1";
	struct env *e;
	if (env_make(&e, id, NULL))
		die("bench: cannot make '%s'", id);
	struct traj *tj = xmalloc(sizeof(*tj));
	printf("tabular learners on %s (%d states x %d actions), M transitions/s:\n", id,
	       e->info.obs_n, e->info.n_actions);
	printf("  %-22s %14s %10s\n", "learner", "act+step+obs", "observe");
	for (size_t i = 0; i < ARRAY_SIZE(presets); i++) {
		const struct learner_spec *spec = learner_lookup(presets[i]);
		if (!spec)
			die("bench: no learner '%s'", presets[i]);
		struct params hp;
		learner_params_init(spec, &hp);
		double loop = bench_loop(spec, &hp, e, seconds, tj);
		tj->trunc[TRAJ - 1] = 1; /* each replay ends an episode: no window across passes */
		double obs = bench_observe(spec, &hp, e, seconds, tj);
		printf("  %-22s %14.2f %10.2f\n", presets[i], loop / 1e6, obs / 1e6);
		fflush(stdout);
		params_release(&hp);
	}
	free(tj);
	env_free(e);
}
