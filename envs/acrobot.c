/*
 * acrobot.c - Acrobot-v1, as Gymnasium's
 * gymnasium/envs/classic_control/acrobot.py (Sutton 1996; the "book"
 * dynamics, no torque noise).
 *
 * Contract: the state (theta1, theta2, dtheta1, dtheta2) is float64. A step
 * applies torque -1, 0 or +1 (actions 0, 1, 2) through one classical RK4 step
 * of dt = 0.2 over Gymnasium's _dsdt, every expression in Gymnasium's order
 * (Python and C associate + - * / alike; x**2 is x * x); then both angles are
 * wrapped into [-pi, pi] by adding or subtracting 2 pi, and the velocities are
 * clipped to [-4 pi, 4 pi] and [-9 pi, 9 pi]. Given the same sin/cos values
 * the float64 state is Gymnasium's bit for bit; we call the C library's sin
 * and cos, which numpy's differ from on AVX-512 CPUs (see cartpole.c).
 * Observation: float32 of [cos t1, sin t1, cos t2, sin t2, dt1, dt2], each
 * cosine and sine computed in float64 from the float64 state and then rounded,
 * as Gymnasium's numpy code does. Terminated when
 * -cos(t1) - cos(t2 + t1) > 1; reward -1 per step and 0 on the terminating one.
 * Reset: each variable uniform in [-0.1, 0.1) from the env's generator, then
 * rounded to float32 and held so (Gymnasium keeps the reset state as a float32
 * array; its first step promotes it to float64). The reset observation is here
 * the float32 rounding of cos/sin computed in float64 from those float32
 * values; Gymnasium's numpy evaluates cos/sin of a float32 array in float32
 * arithmetic, which can differ in the last bit. set_state takes float64 values
 * and keeps them as given (what Gymnasium does when its state is assigned).
 */
#include "env.h"

#include <math.h>
#include <stdio.h>

/* Gymnasium's class constants. */
static const double dt = 0.2;
static const double m1 = 1.0, m2 = 1.0;   /* link masses */
static const double l1 = 1.0;             /* length of link 1 */
static const double lc1 = 0.5, lc2 = 0.5; /* positions of the centres of mass */
static const double I1 = 1.0, I2 = 1.0;   /* moments of inertia */
static const double g = 9.8;
#define MAX_VEL_1 (4 * M_PI)
#define MAX_VEL_2 (9 * M_PI)
static const double torques[3] = { -1.0, 0.0, 1.0 };

struct acrobot {
	double s[4]; /* theta1, theta2, dtheta1, dtheta2 */
};

/* Gymnasium's _dsdt ("book"): derivative of s under torque a. */
static void dsdt(const double s[4], double a, double out[4])
{
	double theta1 = s[0], theta2 = s[1], dtheta1 = s[2], dtheta2 = s[3];
	double cos2 = cos(theta2), sin2 = sin(theta2);
	double d1 = m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * cos2) + I1 + I2;
	double d2 = m2 * (lc2 * lc2 + l1 * lc2 * cos2) + I2;
	double phi2 = m2 * lc2 * g * cos(theta1 + theta2 - M_PI / 2.0);
	double phi1 = -m2 * l1 * lc2 * (dtheta2 * dtheta2) * sin2 -
		      2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin2 +
		      (m1 * lc1 + m2 * l1) * g * cos(theta1 - M_PI / 2) + phi2;
	double ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * sin2 - phi2) /
			  (m2 * (lc2 * lc2) + I2 - (d2 * d2) / d1);
	double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
	out[0] = dtheta1;
	out[1] = dtheta2;
	out[2] = ddtheta1;
	out[3] = ddtheta2;
}

/* Gymnasium's rk4 over t = [0, dt]: one step. */
static void rk4(const double y0[4], double a, double y1[4])
{
	double k1[4], k2[4], k3[4], k4[4], y[4];
	const double h = dt - 0, h2 = h / 2.0;
	dsdt(y0, a, k1);
	for (int j = 0; j < 4; j++)
		y[j] = y0[j] + h2 * k1[j];
	dsdt(y, a, k2);
	for (int j = 0; j < 4; j++)
		y[j] = y0[j] + h2 * k2[j];
	dsdt(y, a, k3);
	for (int j = 0; j < 4; j++)
		y[j] = y0[j] + h * k3[j];
	dsdt(y, a, k4);
	for (int j = 0; j < 4; j++)
		y1[j] = y0[j] + h / 6.0 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
}

static double wrap(double x, double m, double M)
{
	double diff = M - m;
	while (x > M)
		x = x - diff;
	while (x < m)
		x = x + diff;
	return x;
}

static double bound(double x, double m, double M)
{
	x = x < m ? m : x; /* Python's max(x, m) */
	return M < x ? M : x; /* min(., M) */
}

/* Writes the observation; returns Gymnasium's terminal test. */
static int observe(const struct acrobot *ac, float *obs)
{
	double c0 = cos(ac->s[0]), s0 = sin(ac->s[0]);
	double c1 = cos(ac->s[1]), s1 = sin(ac->s[1]);
	obs[0] = (float)c0;
	obs[1] = (float)s0;
	obs[2] = (float)c1;
	obs[3] = (float)s1;
	obs[4] = (float)ac->s[2];
	obs[5] = (float)ac->s[3];
	return -c0 - cos(ac->s[1] + ac->s[0]) > 1.0;
}

static int acrobot_configure(const struct params *o, struct env_info *info, char *why, size_t n)
{
	(void)o;
	(void)why;
	(void)n;
	const float high[6] = { 1, 1, 1, 1, (float)MAX_VEL_1, (float)MAX_VEL_2 };
	info->obs_kind = SPACE_BOX;
	info->obs_dim = 6;
	info->obs_n = 0;
	for (int i = 0; i < 6; i++) {
		info->obs_high[i] = high[i];
		info->obs_low[i] = -high[i];
	}
	info->n_actions = 3;
	info->state_dim = 4;
	return 0;
}

static int acrobot_init(void *state, const struct params *o)
{
	(void)state;
	(void)o;
	return 0;
}

static void acrobot_reset(void *state, struct rng *rng, float *obs)
{
	struct acrobot *ac = state;
	for (int i = 0; i < 4; i++)
		ac->s[i] = (double)(float)rng_uniform_range(rng, -0.1, 0.1);
	observe(ac, obs);
}

static void acrobot_step(void *state, struct rng *rng, int action, float *obs, double *reward,
			 int *terminated)
{
	struct acrobot *ac = state;
	(void)rng;
	double ns[4];
	rk4(ac->s, torques[action], ns);
	ns[0] = wrap(ns[0], -M_PI, M_PI);
	ns[1] = wrap(ns[1], -M_PI, M_PI);
	ns[2] = bound(ns[2], -MAX_VEL_1, MAX_VEL_1);
	ns[3] = bound(ns[3], -MAX_VEL_2, MAX_VEL_2);
	for (int i = 0; i < 4; i++)
		ac->s[i] = ns[i];
	int done = observe(ac, obs);
	*terminated = done;
	*reward = done ? 0.0 : -1.0;
}

static int acrobot_get_state(const void *state, double *vals)
{
	const struct acrobot *ac = state;
	for (int i = 0; i < 4; i++)
		vals[i] = ac->s[i];
	return 4;
}

static int acrobot_set_state(void *state, const double *vals, int n, float *obs, char *why,
			     size_t wn)
{
	struct acrobot *ac = state;
	(void)n;
	for (int i = 0; i < 4; i++) {
		if (!isfinite(vals[i])) {
			snprintf(why, wn, "state value %d is not finite (%g)", i, vals[i]);
			return -1;
		}
	}
	for (int i = 0; i < 4; i++)
		ac->s[i] = vals[i];
	observe(ac, obs);
	return 0;
}

const struct env_vtable acrobot_vtable = {
	.name = "acrobot",
	.options = NULL,
	.state_size = sizeof(struct acrobot),
	.configure = acrobot_configure,
	.init = acrobot_init,
	.reset = acrobot_reset,
	.step = acrobot_step,
	.get_state = acrobot_get_state,
	.set_state = acrobot_set_state,
};
