/*
 * dqn_toy.h - the small environments of the DQN learner's unit tests
 * (test_dqn.c, test_dqn_rainbow.c), defined through the env_vtable interface
 * (not registered), and a runner with Gymnasium's time-limit loop.
 */
#ifndef DQN_TOY_H
#define DQN_TOY_H

#include "testutil.h"
#include "dqn.h"

/* ---- environments ---- */

#define CORRIDOR_N 8
#define CORRIDOR_LIMIT 30

enum toy_kind { CORRIDOR, ONE_STEP_TERMINATED, ONE_STEP_TRUNCATED, HUGE_REWARD };

struct toy {
	enum toy_kind kind;
	int pos;
};

static const struct param_def toy_options[] = { PARAM_END };

static inline int toy_configure(const struct params *o, struct env_info *info, char *why, size_t n)
{
	(void)o, (void)why, (void)n;
	info->obs_kind = SPACE_BOX;
	info->obs_dim = 2;
	info->n_actions = 2;
	return 0;
}

static inline int toy_init(void *state, const struct params *o)
{
	(void)state, (void)o;
	return 0;
}

static inline void toy_obs(const struct toy *t, float *obs)
{
	obs[0] = (float)t->pos / (CORRIDOR_N - 1);
	obs[1] = 1.0f - obs[0];
}

static inline void toy_reset(void *state, struct rng *rng, float *obs)
{
	(void)rng;
	struct toy *t = state;
	t->pos = 0;
	toy_obs(t, obs);
}

/*
 * Corridor: action 1 moves right, 0 left; reaching the last cell pays 1 and
 * terminates; pushing left at the wall pays 0.002 (a distractor worth less
 * than the goal within the time limit). One-step kinds: reward 1, stay.
 */
static inline void toy_step(void *state, struct rng *rng, int action, float *obs, double *reward,
		     int *terminated)
{
	(void)rng;
	struct toy *t = state;
	*reward = 0;
	*terminated = 0;
	if (t->kind == CORRIDOR) {
		if (action == 1) {
			t->pos++;
		} else if (t->pos == 0) {
			*reward = 0.002;
		} else {
			t->pos--;
		}
		if (t->pos == CORRIDOR_N - 1) {
			*reward = 1;
			*terminated = 1;
		}
	} else {
		*reward = t->kind == HUGE_REWARD ? 1e39 : 1.0;
		*terminated = t->kind == ONE_STEP_TERMINATED;
	}
	toy_obs(t, obs);
}

static const struct env_vtable toy_vtable = {
	.name = "toy",
	.options = toy_options,
	.state_size = sizeof(struct toy),
	.configure = toy_configure,
	.init = toy_init,
	.reset = toy_reset,
	.step = toy_step,
};

/* Gymnasium's loop with a time limit: one-step kinds are cut after 1 step. */
struct runner {
	struct toy env;
	const struct learner_vtable *vt;
	void *ln;
	float obs[2];
	int t, limit;
};

static inline int run_steps(struct runner *R, long steps, char *why, size_t n)
{
	for (long i = 0; i < steps; i++) {
		float next[2];
		double rew;
		int term, trunc, a = R->vt->act(R->ln, R->obs);
		toy_vtable.step(&R->env, NULL, a, next, &rew, &term);
		trunc = ++R->t >= R->limit;
		if (R->vt->observe(R->ln, R->obs, a, rew, next, term, trunc, why, n))
			return -1;
		if (term || trunc) {
			toy_vtable.reset(&R->env, NULL, R->obs);
			R->t = 0;
		} else {
			memcpy(R->obs, next, sizeof(next));
		}
	}
	return 0;
}

/* Greedy episode: return and length. */
static inline double greedy_episode(struct runner *R, int *len)
{
	struct toy e = { .kind = R->env.kind };
	float obs[2];
	double ret = 0;
	toy_vtable.reset(&e, NULL, obs);
	for (*len = 0; *len < R->limit;) {
		double rew;
		int term;
		toy_vtable.step(&e, NULL, R->vt->act_greedy(R->ln, obs, NULL), obs, &rew, &term);
		ret += rew;
		++*len;
		if (term)
			break;
	}
	return ret;
}

static inline void make_learner(struct runner *R, const char *preset, enum toy_kind kind,
			 const char *const kv[][2], int nkv, uint64_t seed)
{
	const struct learner_spec *spec = learner_lookup(preset);
	assert_non_null(spec);
	struct params hp;
	learner_params_init(spec, &hp);
	char why[256];
	for (int i = 0; i < nkv; i++)
		if (params_set_text(&hp, kv[i][0], kv[i][1], why, sizeof(why))) {
			print_error("%s: %s\n", kv[i][0], why);
			fail();
		}
	struct env_info info;
	memset(&info, 0, sizeof(info));
	assert_int_equal(toy_vtable.configure(NULL, &info, why, sizeof(why)), 0);
	assert_int_equal(spec->vt->check(&hp, &info, why, sizeof(why)), 0);
	memset(R, 0, sizeof(*R));
	R->env.kind = kind;
	R->vt = spec->vt;
	R->ln = spec->vt->create(&hp, &info, seed);
	R->limit = kind == CORRIDOR ? CORRIDOR_LIMIT : 1;
	toy_vtable.reset(&R->env, NULL, R->obs);
	params_release(&hp);
}

#endif
