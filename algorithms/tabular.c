/*
 * tabular.c - the tabular learners over one Q-table (float64, nS x nA):
 * Q-learning, SARSA, Expected SARSA, and n-step SARSA / n-step Expected
 * SARSA (Sutton & Barto, 2nd ed., 6.4, 6.5, 6.6, 7.2). The update rule
 * (`update`) and the backup length (`n`) are the only differences; the
 * registry's presets name the combinations.
 *
 * The n-step target of the oldest pending pair (S_k, A_k), with the
 * rewards R_{k+1} .. R_{k+m} seen since (m <= n), is
 *   G = R_{k+1} + g R_{k+2} + ... + g^(m-1) R_{k+m} [+ g^m B(S_{k+m})]
 * (summed from the newest reward back, Horner-style), where the bootstrap
 * term B is present unless the episode terminated:
 *   q_learning      B(s) = max_a Q(s, a)                     (n must be 1)
 *   sarsa           B(s) = Q(s, A') with A' the next action, drawn from the
 *                   training policy at s
 *   expected_sarsa  B(s) = sum_a pi(a|s) Q(s, a)
 *                        = eps/nA * sum_a Q(s, a) + (1 - eps) * max_a Q(s, a)
 *                   with eps the epsilon of the step taken from s (the
 *                   greedy mass goes to the maximal value whatever the
 *                   tie-break, so the expectation does not depend on it).
 * Q(S_k, A_k) += alpha * (G - Q(S_k, A_k)).
 *
 * Step order (as the book's boxes): observe() of a transition first draws
 * A' when the rule needs it (sarsa), from the Q-table as it is before the
 * update; then updates the pair that has n rewards (m = n), reading B at
 * update time. SARSA caches A' and the next act() returns it, so the action
 * executed is the one the update used. Q-learning and Expected SARSA draw
 * the next action in act(), after the update.
 *
 * Episode ends: after `terminated` every pending pair is updated, oldest
 * first, with m < n rewards and no bootstrap; after `truncated` (time limit,
 * not terminal) every pending pair is updated oldest first with a bootstrap
 * from the last state, B read afresh before each update (as the book's loop
 * would over the following steps). For sarsa B uses an A' drawn from the
 * training policy at the last state (one draw for the whole flush, never
 * executed): the sampled on-policy estimate, as an un-truncated episode
 * would have used; expected_sarsa uses the expectation. After either end
 * nothing is cached; the next act() draws afresh.
 *
 * Exploration: epsilon-greedy on the learner's own generator; the action of
 * step k (k transitions observed so far) uses epsilon_at(k): draw u, explore
 * if u < eps (uniform action), else greedy; ties among maximal actions are
 * broken uniformly at random from the same generator (tie_break = random)
 * or by the lowest index (tie_break = first). act_greedy() breaks ties from
 * the caller's generator and changes nothing in the learner.
 *
 * Step size: learning_rate_schedule = constant uses alpha = learning_rate;
 * visits uses alpha = learning_rate / N(s,a)^learning_rate_power, N(s,a)
 * counting the updates of (s,a) including this one (power in (0.5, 1]: the
 * Robbins-Monro conditions; learning_rate = 1, power = 1 is the sample mean).
 *
 * Protocol: act(s) then observe(s, a, ...) for every step. A cached A' is
 * only returned for the state it was drawn in; if the caller abandons an
 * episode without an end flag, pending n-step pairs stay in the window.
 */
#include "tabular.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { RULE_Q, RULE_SARSA, RULE_EXPECTED };

static const struct param_def tabular_params[] = {
	{ "update", PARAM_STRING, "q_learning", 0, 0, "q_learning|sarsa|expected_sarsa",
	  "bootstrap: max (Q-learning), next action (SARSA), policy expectation (Expected SARSA)" },
	{ "n", PARAM_INT, "1", 1, 10000, NULL,
	  "rewards per backup (n-step; 1 = one-step; q_learning needs 1)" },
	{ "learning_rate", PARAM_FLOAT, "0.1", 0, 1, NULL,
	  "step size alpha (visits: alpha at the first visit)" },
	{ "learning_rate_schedule", PARAM_STRING, "constant", 0, 0, "constant|visits",
	  "constant alpha, or alpha = learning_rate / N(s,a)^learning_rate_power" },
	{ "learning_rate_power", PARAM_FLOAT, "1", 0.5, 1, NULL,
	  "visits: exponent of N(s,a)", PARAM_MIN_OPEN },
	{ "gamma", PARAM_FLOAT, "0.99", 0, 1, NULL, "discount factor" },
	EPSILON_PARAMS,
	{ "initial_q", PARAM_FLOAT, "0", -1e9, 1e9, NULL, "initial value of every Q(s,a) (optimism)" },
	{ "tie_break", PARAM_STRING, "random", 0, 0, "random|first",
	  "greedy action among equal Q-values: random (seeded) or lowest index" },
	PARAM_END
};

struct tabular {
	int nS, nA;
	double *q;         /* (nS, nA) */
	uint64_t *visits;  /* (nS, nA) updates per pair; NULL with a constant step size */
	int rule, n;
	double lr, lr_power, gamma;
	int tie_random;
	struct epsilon_schedule eps;
	struct rng rng;
	long long steps;   /* transitions observed = index of the next step */
	/* n-step window: `pending` (S, A, R) not yet updated, oldest at win[head] */
	int *win_s, *win_a; /* (n) */
	double *win_r;      /* (n) */
	int head, pending;
	int cached, cached_state; /* sarsa: A' for cached_state, or cached = -1 */
};

static int tabular_check(const struct params *hp, const struct env_info *env, char *why, size_t n)
{
	if (env->obs_kind != SPACE_DISCRETE) {
		snprintf(why, n, "needs a discrete observation space (a tabular environment)");
		return -1;
	}
	if ((long long)env->obs_n * env->n_actions > 100000000LL) {
		snprintf(why, n, "the Q-table would have %lld entries, more than 1e8",
			 (long long)env->obs_n * env->n_actions);
		return -1;
	}
	if (!strcmp(params_str(hp, "update"), "q_learning") && params_int(hp, "n") != 1) {
		snprintf(why, n, "'n': n-step Q-learning is not implemented (update=q_learning needs n=1, got %lld)",
			 params_int(hp, "n"));
		return -1;
	}
	return 0;
}

static void *tabular_create(const struct params *hp, const struct env_info *env, uint64_t seed)
{
	struct tabular *t = xcalloc(1, sizeof(*t));
	t->nS = env->obs_n;
	t->nA = env->n_actions;
	size_t nq = (size_t)t->nS * t->nA;
	t->q = xmalloc(nq * sizeof(double));
	double q0 = params_float(hp, "initial_q");
	for (size_t i = 0; i < nq; i++)
		t->q[i] = q0;
	const char *u = params_str(hp, "update");
	t->rule = !strcmp(u, "sarsa") ? RULE_SARSA : !strcmp(u, "expected_sarsa") ? RULE_EXPECTED : RULE_Q;
	t->n = (int)params_int(hp, "n");
	t->lr = params_float(hp, "learning_rate");
	t->lr_power = params_float(hp, "learning_rate_power");
	if (!strcmp(params_str(hp, "learning_rate_schedule"), "visits"))
		t->visits = xcalloc(nq, sizeof(uint64_t));
	t->gamma = params_float(hp, "gamma");
	t->tie_random = !strcmp(params_str(hp, "tie_break"), "random");
	epsilon_schedule_init(&t->eps, hp);
	rng_seed(&t->rng, seed);
	t->win_s = xmalloc((size_t)t->n * sizeof(int));
	t->win_a = xmalloc((size_t)t->n * sizeof(int));
	t->win_r = xmalloc((size_t)t->n * sizeof(double));
	t->cached = -1;
	return t;
}

double *tabular_q(void *self)
{
	return ((struct tabular *)self)->q;
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

static double row_max(const double *row, int nA)
{
	double m = row[0];
	for (int a = 1; a < nA; a++)
		if (row[a] > m)
			m = row[a];
	return m;
}

static int state_of(const float *obs)
{
	return (int)obs[0];
}

/* The training policy's action in s for step t->steps (epsilon-greedy). */
static int behave(struct tabular *t, int s)
{
	double eps = epsilon_at(&t->eps, t->steps);
	if (rng_uniform(&t->rng) < eps)
		return (int)rng_below(&t->rng, (uint64_t)t->nA);
	return greedy(t, t->q + (size_t)s * t->nA, &t->rng);
}

static int tabular_act(void *self, const float *obs)
{
	struct tabular *t = self;
	int s = state_of(obs), c = t->cached;
	t->cached = -1;
	if (c >= 0 && t->cached_state == s)
		return c;
	return behave(t, s);
}

static int tabular_act_greedy(void *self, const float *obs, struct rng *rng)
{
	struct tabular *t = self;
	return greedy(t, t->q + (size_t)state_of(obs) * t->nA, rng);
}

/* B(s): the bootstrap value of the rule (a2: sarsa's next action). */
static double bootstrap(const struct tabular *t, int s, int a2)
{
	const double *row = t->q + (size_t)s * t->nA;
	switch (t->rule) {
	case RULE_SARSA:
		return row[a2];
	case RULE_EXPECTED: {
		double eps = epsilon_at(&t->eps, t->steps), sum = 0;
		for (int a = 0; a < t->nA; a++)
			sum += row[a];
		return eps / t->nA * sum + (1 - eps) * row_max(row, t->nA);
	}
	default:
		return row_max(row, t->nA);
	}
}

/*
 * Updates the oldest pending pair from the pending rewards, plus
 * gamma^pending * B(s_boot, a2) when boot; pops it. 0, or -1 on divergence.
 */
static int update_oldest(struct tabular *t, int boot, int s_boot, int a2, char *why, size_t n)
{
	double g = boot ? bootstrap(t, s_boot, a2) : 0.0;
	for (int i = t->pending - 1; i >= 0; i--)
		g = t->win_r[(t->head + i) % t->n] + t->gamma * g;
	int s = t->win_s[t->head], a = t->win_a[t->head];
	size_t k = (size_t)s * t->nA + a;
	double alpha = t->lr;
	if (t->visits) {
		double v = (double)++t->visits[k];
		alpha = t->lr_power == 1.0 ? t->lr / v : t->lr / pow(v, t->lr_power);
	}
	t->q[k] += alpha * (g - t->q[k]);
	t->head = (t->head + 1) % t->n;
	t->pending--;
	if (!isfinite(t->q[k])) {
		snprintf(why, n, "diverged at step %lld: Q(%d, %d) is %g (target %g)", t->steps, s, a,
			 t->q[k], g);
		return -1;
	}
	return 0;
}

static int tabular_observe(void *self, const float *obs, int action, double reward,
			   const float *next_obs, int terminated, int truncated, char *why, size_t n)
{
	struct tabular *t = self;
	int s = state_of(obs), s2 = terminated ? 0 : state_of(next_obs), a2 = -1;
	if (s < 0 || s >= t->nS || s2 < 0 || s2 >= t->nS || action < 0 || action >= t->nA) {
		snprintf(why, n, "transition (%d, %d) -> %d is outside the %d x %d Q-table", s, action,
			 s2, t->nS, t->nA);
		return -1;
	}
	t->steps++;
	int w = (t->head + t->pending) % t->n;
	t->win_s[w] = s;
	t->win_a[w] = action;
	t->win_r[w] = reward;
	t->pending++;
	t->cached = -1;
	if (t->rule == RULE_SARSA && !terminated) {
		a2 = behave(t, s2);
		if (!truncated) {
			t->cached = a2;
			t->cached_state = s2;
		}
	}
	if (!terminated && !truncated)
		return t->pending == t->n ? update_oldest(t, 1, s2, a2, why, n) : 0;
	while (t->pending)
		if (update_oldest(t, !terminated, s2, a2, why, n))
			return -1;
	t->head = 0;
	return 0;
}

static void tabular_free(void *self)
{
	struct tabular *t = self;
	if (!t)
		return;
	free(t->q);
	free(t->visits);
	free(t->win_s);
	free(t->win_a);
	free(t->win_r);
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
