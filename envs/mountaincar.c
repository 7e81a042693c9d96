/*
 * mountaincar.c - MountainCar-v0, as Gymnasium's
 * gymnasium/envs/classic_control/mountain_car.py (Moore 1990).
 *
 * Contract: the state (position, velocity) is float64, the observation its
 * float32 rounding. Per step, in Gymnasium's order:
 *   v += (a - 1) * 0.001 + cos(3 p) * (-0.0025);  v = clip(v, -0.07, 0.07)
 *   p += v;  p = clip(p, -1.2, 0.6);  if p == -1.2 and v < 0: v = 0
 * Terminated when p >= 0.5 and v >= goal_velocity. Reward -1 on every step.
 * Gymnasium computes cos with Python's math.cos (the C library's), as here.
 * Reset: position uniform in [-0.6, -0.4) from the env's generator, velocity 0.
 * Actions: 0 accelerate left, 1 none, 2 right. Option goal_velocity is
 * Gymnasium's make argument of the same name.
 */
#include "env.h"

#include <math.h>
#include <stdio.h>

static const struct param_def mountaincar_options[] = {
	{ "goal_velocity", PARAM_FLOAT, "0", -INFINITY, INFINITY, NULL,
	  "the episode terminates at position >= 0.5 with velocity >= this" },
	PARAM_END
};

static const double min_position = -1.2;
static const double max_position = 0.6;
static const double max_speed = 0.07;
static const double goal_position = 0.5;
static const double force = 0.001;
static const double gravity = 0.0025;

struct mountaincar {
	double p, v;
	double goal_velocity;
};

static int mountaincar_configure(const struct params *o, struct env_info *info, char *why,
				 size_t n)
{
	(void)o;
	(void)why;
	(void)n;
	info->obs_kind = SPACE_BOX;
	info->obs_dim = 2;
	info->obs_n = 0;
	info->obs_low[0] = (float)min_position;
	info->obs_low[1] = (float)-max_speed;
	info->obs_high[0] = (float)max_position;
	info->obs_high[1] = (float)max_speed;
	info->n_actions = 3;
	info->state_dim = 2;
	return 0;
}

static int mountaincar_init(void *state, const struct params *o)
{
	struct mountaincar *m = state;
	m->goal_velocity = params_float(o, "goal_velocity");
	return 0;
}

static void mountaincar_reset(void *state, struct rng *rng, float *obs)
{
	struct mountaincar *m = state;
	m->p = rng_uniform_range(rng, -0.6, -0.4);
	m->v = 0.0;
	obs[0] = (float)m->p;
	obs[1] = (float)m->v;
}

static void mountaincar_step(void *state, struct rng *rng, int action, float *obs,
			     double *reward, int *terminated)
{
	struct mountaincar *m = state;
	(void)rng;
	double p = m->p;
	double v = m->v + ((double)(action - 1) * force + cos(3 * p) * (-gravity));
	v = v < -max_speed ? -max_speed : v > max_speed ? max_speed : v;
	p = p + v;
	p = p < min_position ? min_position : p > max_position ? max_position : p;
	if (p == min_position && v < 0)
		v = 0.0;
	m->p = p;
	m->v = v;
	obs[0] = (float)p;
	obs[1] = (float)v;
	*terminated = p >= goal_position && v >= m->goal_velocity;
	*reward = -1.0;
}

static int mountaincar_get_state(const void *state, double *vals)
{
	const struct mountaincar *m = state;
	vals[0] = m->p;
	vals[1] = m->v;
	return 2;
}

static int mountaincar_set_state(void *state, const double *vals, int n, float *obs, char *why,
				 size_t wn)
{
	struct mountaincar *m = state;
	(void)n;
	for (int i = 0; i < 2; i++) {
		if (!isfinite(vals[i])) {
			snprintf(why, wn, "state value %d is not finite (%g)", i, vals[i]);
			return -1;
		}
	}
	m->p = vals[0];
	m->v = vals[1];
	obs[0] = (float)m->p;
	obs[1] = (float)m->v;
	return 0;
}

const struct env_vtable mountaincar_vtable = {
	.name = "mountaincar",
	.options = mountaincar_options,
	.state_size = sizeof(struct mountaincar),
	.configure = mountaincar_configure,
	.init = mountaincar_init,
	.reset = mountaincar_reset,
	.step = mountaincar_step,
	.get_state = mountaincar_get_state,
	.set_state = mountaincar_set_state,
};
