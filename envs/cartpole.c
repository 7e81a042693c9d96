/*
 * cartpole.c - CartPole-v1 / CartPole-v0, as Gymnasium's
 * gymnasium/envs/classic_control/cartpole.py (Barto, Sutton & Anderson 1983).
 *
 * Contract: the state (x, x_dot, theta, theta_dot) is float64, the observation
 * its float32 rounding. One explicit Euler step of tau = 0.02 s that uses the
 * old velocities; every expression is evaluated in Gymnasium's order (Python
 * and C associate + - * / alike; Gymnasium's np.square(v) is v * v), so given
 * the same sin/cos values the float64 state is Gymnasium's bit for bit (see
 * "sin and cos" below). Terminated when
 * |x| > 2.4 or |theta| > 12 degrees (strict). Reward 1 on every step, the last
 * included; with sutton_barto_reward, 0 per step and -1 on the terminating one.
 * Reset: each state variable uniform in [-0.05, 0.05) from the env's generator
 * (Gymnasium's numpy stream is not reproduced). Actions: 0 push left, 1 right.
 *
 * sin and cos: we call the C library's (glibc's are accurate to within a
 * fraction of an ulp, the same on every machine). numpy uses them too, except
 * on CPUs with AVX-512, where it evaluates np.sin/np.cos with Intel's SVML,
 * whose results differ in the last bit for many arguments; the dynamics grow
 * such a bit into a visibly different episode within a few hundred steps.
 * tests/test_classic.c checks both: bit-exact replays of Gymnasium's reference
 * (made on an AVX-512 machine) with numpy's sin/cos values substituted, and
 * one-step agreement to 1e-12 with the C library's.
 */
#include "env.h"

#include <math.h>
#include <stdio.h>

static const struct param_def cartpole_options[] = {
	{ "sutton_barto_reward", PARAM_BOOL, "false", 0, 0, NULL,
	  "reward 0 per step and -1 on termination (Sutton & Barto's original)" },
	PARAM_END
};

/* Gymnasium's constants, combined as its __init__ combines them. */
static const double gravity = 9.8;
static const double masspole = 0.1;
static const double total_mass = 0.1 + 1.0;  /* masspole + masscart (1.0) */
static const double length = 0.5;             /* half the pole's length */
static const double polemass_length = 0.1 * 0.5;
static const double force_mag = 10.0;
static const double tau = 0.02;
static const double theta_threshold = 12 * 2 * M_PI / 360;
static const double x_threshold = 2.4;

struct cartpole {
	double s[4]; /* x, x_dot, theta, theta_dot */
	int sutton_barto;
};

static void observe(const struct cartpole *c, float *obs)
{
	for (int i = 0; i < 4; i++)
		obs[i] = (float)c->s[i];
}

static int cartpole_configure(const struct params *o, struct env_info *info, char *why, size_t n)
{
	(void)o;
	(void)why;
	(void)n;
	info->obs_kind = SPACE_BOX;
	info->obs_dim = 4;
	info->obs_n = 0;
	/* Gymnasium: high = float32([2 * x_threshold, inf, 2 * theta_threshold, inf]), low = -high */
	const float high[4] = { (float)(x_threshold * 2), INFINITY, (float)(theta_threshold * 2),
				INFINITY };
	for (int i = 0; i < 4; i++) {
		info->obs_high[i] = high[i];
		info->obs_low[i] = -high[i];
	}
	info->n_actions = 2;
	info->state_dim = 4;
	return 0;
}

static int cartpole_init(void *state, const struct params *o)
{
	struct cartpole *c = state;
	c->sutton_barto = params_bool(o, "sutton_barto_reward");
	return 0;
}

static void cartpole_reset(void *state, struct rng *rng, float *obs)
{
	struct cartpole *c = state;
	for (int i = 0; i < 4; i++)
		c->s[i] = rng_uniform_range(rng, -0.05, 0.05);
	observe(c, obs);
}

static void cartpole_step(void *state, struct rng *rng, int action, float *obs, double *reward,
			  int *terminated)
{
	struct cartpole *c = state;
	(void)rng;
	double x = c->s[0], x_dot = c->s[1], theta = c->s[2], theta_dot = c->s[3];
	double force = action == 1 ? force_mag : -force_mag;
	double costheta = cos(theta);
	double sintheta = sin(theta);
	double temp = (force + polemass_length * (theta_dot * theta_dot) * sintheta) / total_mass;
	double thetaacc = (gravity * sintheta - costheta * temp) /
			  (length * (4.0 / 3.0 - masspole * (costheta * costheta) / total_mass));
	double xacc = temp - polemass_length * thetaacc * costheta / total_mass;

	c->s[0] = x + tau * x_dot;
	c->s[1] = x_dot + tau * xacc;
	c->s[2] = theta + tau * theta_dot;
	c->s[3] = theta_dot + tau * thetaacc;
	observe(c, obs);

	int done = c->s[0] < -x_threshold || c->s[0] > x_threshold ||
		   c->s[2] < -theta_threshold || c->s[2] > theta_threshold;
	*terminated = done;
	if (c->sutton_barto)
		*reward = done ? -1.0 : 0.0;
	else
		*reward = 1.0;
}

static int cartpole_get_state(const void *state, double *vals)
{
	const struct cartpole *c = state;
	for (int i = 0; i < 4; i++)
		vals[i] = c->s[i];
	return 4;
}

static int cartpole_set_state(void *state, const double *vals, int n, float *obs, char *why,
			      size_t wn)
{
	struct cartpole *c = state;
	(void)n;
	for (int i = 0; i < 4; i++) {
		if (!isfinite(vals[i])) {
			snprintf(why, wn, "state value %d is not finite (%g)", i, vals[i]);
			return -1;
		}
	}
	for (int i = 0; i < 4; i++)
		c->s[i] = vals[i];
	observe(c, obs);
	return 0;
}

const struct env_vtable cartpole_vtable = {
	.name = "cartpole",
	.options = cartpole_options,
	.state_size = sizeof(struct cartpole),
	.configure = cartpole_configure,
	.init = cartpole_init,
	.reset = cartpole_reset,
	.step = cartpole_step,
	.get_state = cartpole_get_state,
	.set_state = cartpole_set_state,
};
