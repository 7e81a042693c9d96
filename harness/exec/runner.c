/*
 * runner.c - see runner.h.
 */
#include "runner.h"
#include "pyenv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void push_episode(struct run_result *r, double ret, long long len, long long end,
			 int terminated, double wall)
{
	if (r->n_episodes == r->cap_ep) {
		r->cap_ep = r->cap_ep ? 2 * r->cap_ep : 256;
		r->ep_return = xrealloc(r->ep_return, (size_t)r->cap_ep * sizeof(double));
		r->ep_length = xrealloc(r->ep_length, (size_t)r->cap_ep * sizeof(long long));
		r->ep_end_step = xrealloc(r->ep_end_step, (size_t)r->cap_ep * sizeof(long long));
		r->ep_terminated = xrealloc(r->ep_terminated, (size_t)r->cap_ep);
		r->ep_wall = xrealloc(r->ep_wall, (size_t)r->cap_ep * sizeof(double));
	}
	long long i = r->n_episodes++;
	r->ep_return[i] = ret;
	r->ep_length[i] = len;
	r->ep_end_step[i] = end;
	r->ep_terminated[i] = (unsigned char)!!terminated;
	r->ep_wall[i] = wall;
}

/* One evaluation: eval_episodes greedy episodes on the evaluation env. */
static int evaluate(const struct cell *c, struct run_result *r, const struct learner_vtable *vt,
		    void *learner, struct env *env, struct rng *tie_rng, int *first_reset,
		    long long step)
{
	if (r->n_evals == r->cap_ev) {
		r->cap_ev = r->cap_ev ? 2 * r->cap_ev : 64;
		r->eval_step = xrealloc(r->eval_step, (size_t)r->cap_ev * sizeof(long long));
		r->eval_returns = xrealloc(r->eval_returns, (size_t)r->cap_ev * r->eval_episodes * sizeof(double));
		r->eval_lengths = xrealloc(r->eval_lengths, (size_t)r->cap_ev * r->eval_episodes * sizeof(long long));
		r->eval_wall = xrealloc(r->eval_wall, (size_t)r->cap_ev * sizeof(double));
	}
	double t0 = now_seconds();
	long long k = r->n_evals;
	float *obs = xcalloc((size_t)env->info.obs_dim, sizeof(float));
	int rc = -1;
	for (int ep = 0; ep < r->eval_episodes; ep++) {
		if (env_reset(env, *first_reset ? &c->eval_seed : NULL, obs))
			goto out;
		*first_reset = 0;
		double ret = 0;
		long long len = 0;
		for (;;) {
			int a = vt->act_greedy(learner, obs, tie_rng);
			double rew;
			int term, trunc;
			if (env_step(env, a, obs, &rew, &term, &trunc))
				goto out;
			ret += rew;
			len++;
			if (term || trunc || len >= c->eval.max_episode_steps)
				break;
		}
		r->eval_returns[k * r->eval_episodes + ep] = ret;
		r->eval_lengths[k * r->eval_episodes + ep] = len;
	}
	r->eval_step[k] = step;
	r->eval_wall[k] = now_seconds() - t0;
	r->n_evals++;
	rc = 0;
out:
	free(obs);
	return rc;
}

int runner_run(const struct cell *c, struct run_result *r, progress_fn progress, void *ctx)
{
	memset(r, 0, sizeof(*r));
	pyenv_embed_here(); /* this process steps the environments (a worker) */
	struct env *env = NULL, *eval_env = NULL;
	void *learner = NULL;
	float *obs = NULL, *next = NULL; /* (obs_dim) each */
	const struct learner_vtable *vt = c->learner->vt;
	int rc = -1;
	double t_start = now_seconds();

	if (env_make(&env, c->env->id, &c->env_opts))
		goto out;
	if (c->eval.every && env_make(&eval_env, c->env->id, &c->env_opts))
		goto out;
	char why[512];
	if (vt->check && vt->check(&c->hp, &env->info, why, sizeof(why))) {
		error("'%s' cannot run on '%s': %s", c->learner->name, c->env_label, why);
		goto out;
	}
	learner = vt->create(&c->hp, &env->info, c->learner_seed);
	if (!learner) {
		error("cannot create learner '%s'", c->learner->name);
		goto out;
	}
	r->eval_episodes = c->eval.every ? c->eval.episodes : 0;
	struct rng tie_rng;
	uint64_t sm = c->eval_seed;
	rng_seed(&tie_rng, splitmix64_next(&sm));
	int first_eval_reset = 1;

	obs = xcalloc((size_t)env->info.obs_dim, sizeof(float));
	next = xcalloc((size_t)env->info.obs_dim, sizeof(float));
	if (env_reset(env, &c->env_seed, obs))
		goto out;
	long long steps = 0, ep_len = 0;
	double ep_ret = 0, ep_t0 = now_seconds(), last_progress = ep_t0;
	if (c->eval.every && evaluate(c, r, vt, learner, eval_env, &tie_rng, &first_eval_reset, 0))
		goto out;
	for (;;) {
		if (c->budget.steps && steps >= c->budget.steps)
			break;
		if (c->budget.episodes && r->n_episodes >= c->budget.episodes)
			break;
		int a = vt->act(learner, obs);
		double rew;
		int term, trunc;
		if (env_step(env, a, next, &rew, &term, &trunc))
			goto out; /* reported: an invalid action, or the environment's own error */
		steps++;
		ep_len++;
		ep_ret += rew;
		/* an episode budget on an environment without a time limit: a runaway episode ends the run */
		if (c->budget.episodes && !env->max_episode_steps && !term && !trunc &&
		    ep_len >= RUNNER_MAX_UNLIMITED_EPISODE) {
			snprintf(r->error, sizeof(r->error),
				 "training episode %lld ran %d steps without terminating ('%s' has no time limit; "
				 "give a steps budget, or a learner that reaches an end)",
				 r->n_episodes + 1, RUNNER_MAX_UNLIMITED_EPISODE, c->env_label);
			r->failed = 1;
			break;
		}
		if (vt->observe(learner, obs, a, rew, next, term, trunc, r->error, sizeof(r->error))) {
			r->failed = 1;
			break;
		}
		if (term || trunc) {
			double now = now_seconds();
			push_episode(r, ep_ret, ep_len, steps, term, now - ep_t0);
			ep_ret = 0;
			ep_len = 0;
			ep_t0 = now;
			if (env_reset(env, NULL, obs))
				goto out;
		} else {
			memcpy(obs, next, sizeof(float) * (size_t)env->info.obs_dim);
		}
		if (c->eval.every && steps % c->eval.every == 0 &&
		    evaluate(c, r, vt, learner, eval_env, &tie_rng, &first_eval_reset, steps))
			goto out;
		if (progress && (steps & 1023) == 0) {
			double now = now_seconds();
			if (now - last_progress > 0.2) {
				progress(ctx, steps);
				last_progress = now;
			}
		}
	}
	/* the final evaluation: after the last training step, unless one just ran there */
	if (c->eval.every && !r->failed && r->eval_step[r->n_evals - 1] != steps &&
	    evaluate(c, r, vt, learner, eval_env, &tie_rng, &first_eval_reset, steps))
		goto out;
	r->total_steps = steps;
	if (vt->checkpoint)
		vt->checkpoint(learner, &r->ck);
	if (progress)
		progress(ctx, steps);
	rc = 0;
out:
	r->wall_seconds = now_seconds() - t_start;
	if (learner)
		vt->free(learner);
	free(obs);
	free(next);
	env_free(env);
	env_free(eval_env);
	return rc;
}

void run_result_release(struct run_result *r)
{
	free(r->ep_return);
	free(r->ep_length);
	free(r->ep_end_step);
	free(r->ep_terminated);
	free(r->ep_wall);
	free(r->eval_step);
	free(r->eval_returns);
	free(r->eval_lengths);
	free(r->eval_wall);
	checkpoint_release(&r->ck);
	memset(r, 0, sizeof(*r));
}

double run_final_return(const struct run_result *r)
{
	double sum = 0;
	if (r->n_evals && r->eval_episodes) {
		const double *last = r->eval_returns + (r->n_evals - 1) * r->eval_episodes;
		for (int i = 0; i < r->eval_episodes; i++)
			sum += last[i];
		return sum / r->eval_episodes;
	}
	long long n = r->n_episodes < 10 ? r->n_episodes : 10;
	if (!n)
		return NAN;
	for (long long i = r->n_episodes - n; i < r->n_episodes; i++)
		sum += r->ep_return[i];
	return sum / (double)n;
}

double run_auc(const struct run_result *r)
{
	if (!r->n_evals || !r->eval_episodes)
		return NAN;
	double sum = 0;
	for (long long k = 0; k < r->n_evals * r->eval_episodes; k++)
		sum += r->eval_returns[k];
	return sum / (double)(r->n_evals * r->eval_episodes);
}
