/*
 * tabular.c - the tabular learners over one Q-table (float64, nS x nA).
 *
 * Q-learning: Q(s,a) += alpha * (r + gamma * max_a' Q(s',a') - Q(s,a)),
 * with no bootstrap term when the transition terminated and bootstrapping
 * from s' when it was truncated (Gymnasium's intent). Exploration is
 * epsilon-greedy on the learner's own generator: draw u, explore if u < eps
 * (uniform action), else greedy; ties among maximal actions are broken
 * uniformly at random from the same generator (tie_break = random) or by the
 * lowest index (tie_break = first).
 */
#include "learner.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct param_def tabular_params[] = {
	{ "update", PARAM_STRING, "q_learning", 0, 0, "q_learning", "the update rule" },
	{ "learning_rate", PARAM_FLOAT, "0.1", 0, 1, NULL, "step size alpha" },
	{ "gamma", PARAM_FLOAT, "0.99", 0, 1, NULL, "discount factor" },
	EPSILON_PARAMS,
	{ "initial_q", PARAM_FLOAT, "0", -1e9, 1e9, NULL, "initial value of every Q(s,a) (optimism)" },
	{ "tie_break", PARAM_STRING, "random", 0, 0, "random|first",
	  "greedy action among equal Q-values: random (seeded) or lowest index" },
	PARAM_END
};

struct tabular {
	int nS, nA;
	double *q; /* (nS, nA) */
	double alpha, gamma;
	int tie_random;
	struct epsilon_schedule eps;
	struct rng rng;
	long long steps;
};

static int tabular_check(const struct params *hp, const struct env_info *env, char *why, size_t n)
{
	(void)hp;
	if (env->obs_kind != SPACE_DISCRETE) {
		snprintf(why, n, "needs a discrete observation space (a tabular environment)");
		return -1;
	}
	if ((long long)env->obs_n * env->n_actions > 100000000LL) {
		snprintf(why, n, "the Q-table would have %lld entries, more than 1e8",
			 (long long)env->obs_n * env->n_actions);
		return -1;
	}
	return 0;
}

static void *tabular_create(const struct params *hp, const struct env_info *env, uint64_t seed)
{
	struct tabular *t = xcalloc(1, sizeof(*t));
	t->nS = env->obs_n;
	t->nA = env->n_actions;
	t->q = xmalloc((size_t)t->nS * t->nA * sizeof(double));
	double q0 = params_float(hp, "initial_q");
	for (long i = 0; i < (long)t->nS * t->nA; i++)
		t->q[i] = q0;
	t->alpha = params_float(hp, "learning_rate");
	t->gamma = params_float(hp, "gamma");
	t->tie_random = !strcmp(params_str(hp, "tie_break"), "random");
	epsilon_schedule_init(&t->eps, hp);
	rng_seed(&t->rng, seed);
	return t;
}

/* argmax of row with ties broken by tie_random (from rng) or lowest index. */
static int greedy(const struct tabular *t, const double *row, struct rng *rng)
{
	int best = 0, ties = 1;
	for (int a = 1; a < t->nA; a++) {
		if (row[a] > row[best]) {
			best = a;
			ties = 1;
		} else if (row[a] == row[best]) {
			ties++;
		}
	}
	if (ties == 1 || !t->tie_random)
		return best;
	int k = (int)rng_below(rng, (uint64_t)ties);
	for (int a = 0; a < t->nA; a++)
		if (row[a] == row[best] && k-- == 0)
			return a;
	BUG("tie-break fell through");
}

static int state_of(const float *obs)
{
	return (int)obs[0];
}

static int tabular_act(void *self, const float *obs)
{
	struct tabular *t = self;
	double eps = epsilon_at(&t->eps, t->steps);
	t->steps++;
	if (rng_uniform(&t->rng) < eps)
		return (int)rng_below(&t->rng, (uint64_t)t->nA);
	return greedy(t, t->q + (size_t)state_of(obs) * t->nA, &t->rng);
}

static int tabular_act_greedy(void *self, const float *obs, struct rng *rng)
{
	struct tabular *t = self;
	return greedy(t, t->q + (size_t)state_of(obs) * t->nA, rng);
}

static int tabular_observe(void *self, const float *obs, int action, double reward,
			   const float *next_obs, int terminated, int truncated, char *why, size_t n)
{
	struct tabular *t = self;
	(void)truncated;
	double *q = t->q + (size_t)state_of(obs) * t->nA + action;
	double target = reward;
	if (!terminated) {
		const double *next = t->q + (size_t)state_of(next_obs) * t->nA;
		double m = next[0];
		for (int a = 1; a < t->nA; a++)
			if (next[a] > m)
				m = next[a];
		target += t->gamma * m;
	}
	*q += t->alpha * (target - *q);
	if (!isfinite(*q)) {
		snprintf(why, n, "diverged at step %lld: Q-value is %g", t->steps, *q);
		return -1;
	}
	return 0;
}

static void tabular_free(void *self)
{
	struct tabular *t = self;
	if (!t)
		return;
	free(t->q);
	free(t);
}

const struct learner_vtable tabular_vtable = {
	.name = "tabular",
	.params = tabular_params,
	.check = tabular_check,
	.create = tabular_create,
	.act = tabular_act,
	.act_greedy = tabular_act_greedy,
	.observe = tabular_observe,
	.free = tabular_free,
};
