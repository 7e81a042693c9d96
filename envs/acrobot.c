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
 * and keeps them as given (what Gymnasium does when its state is assigned),
 * refusing values beyond +-1e6 (on which the angle wrapping would never end).
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

/*
 * Gymnasium's _dsdt ("book") in two halves. Its first two outputs are the
 * velocities themselves, so the angles of every RK4 stage are known one
 * stage early; the sines and cosines of a stage (the slow part) are therefore
 * computed while the CPU is still dividing in the previous stage. The
 * arithmetic is Gymnasium's, operation for operation.
 */
struct dsdt_trig {
	double cos2, sin2; /* cos, sin of theta2 */
	double cos12;      /* cos(theta1 + theta2 - pi/2) */
	double cos1;       /* cos(theta1 - pi/2) */
};

struct acrobot {
	double s[4];         /* theta1, theta2, dtheta1, dtheta2 */
	struct dsdt_trig t;  /* of s, for the next step's first stage (kept by observe_with) */
};

static inline void dsdt_trig(double theta1, double theta2, struct dsdt_trig *t)
{
	t->cos2 = cos(theta2);
	t->sin2 = sin(theta2);
	t->cos12 = cos(theta1 + theta2 - M_PI / 2.0);
	t->cos1 = cos(theta1 - M_PI / 2);
}

/* The accelerations (ddtheta1, ddtheta2) under torque a. */
static inline void dsdt_acc(const struct dsdt_trig *t, double dtheta1, double dtheta2, double a,
			    double *dd1, double *dd2)
{
	double cos2 = t->cos2, sin2 = t->sin2;
	double d1 = m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * cos2) + I1 + I2;
	double d2 = m2 * (lc2 * lc2 + l1 * lc2 * cos2) + I2;
	double phi2 = m2 * lc2 * g * t->cos12;
	double phi1 = -m2 * l1 * lc2 * (dtheta2 * dtheta2) * sin2 -
		      2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin2 +
		      (m1 * lc1 + m2 * l1) * g * t->cos1 + phi2;
	double ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * sin2 - phi2) /
			  (m2 * (lc2 * lc2) + I2 - (d2 * d2) / d1);
	double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
	*dd1 = ddtheta1;
	*dd2 = ddtheta2;
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

/*
 * Writes the observation from the state and c0, s0, c1, s1 = cos/sin of
 * s[0] and s[1], and keeps the trigonometry of the next step's first stage
 * (computed here, it overlaps the last divisions of the step). Returns
 * Gymnasium's terminal test -cos(s0) - cos(s1 + s0) > 1: as cos(.) >= -1,
 * the sum exceeds 1 only if cos(s0) < 0 (rounding is monotone), so the second
 * cosine is computed only then, the same answer bit for bit.
 */
static int observe_with(struct acrobot *ac, double c0, double s0, double c1, double s1,
			float *obs)
{
	ac->t.cos2 = c1;
	ac->t.sin2 = s1;
	ac->t.cos12 = cos(ac->s[0] + ac->s[1] - M_PI / 2.0);
	ac->t.cos1 = cos(ac->s[0] - M_PI / 2);
	obs[0] = (float)c0;
	obs[1] = (float)s0;
	obs[2] = (float)c1;
	obs[3] = (float)s1;
	obs[4] = (float)ac->s[2];
	obs[5] = (float)ac->s[3];
	return c0 < 0 && -c0 - cos(ac->s[1] + ac->s[0]) > 1.0;
}

static int observe(struct acrobot *ac, float *obs)
{
	return observe_with(ac, cos(ac->s[0]), sin(ac->s[0]), cos(ac->s[1]), sin(ac->s[1]), obs);
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

/*
 * One step: Gymnasium's rk4 over t = [0, dt] (k1 at y0, k2 at y0 + dt/2 k1,
 * k3 at y0 + dt/2 k2, k4 at y0 + dt k3, y0 + dt/6 (k1 + 2 k2 + 2 k3 + k4)),
 * then wrap and bound. The angle components of k1..k4 are the stage
 * velocities v1..v4, so each stage's trigonometry is issued right after the
 * accelerations it does not depend on (see dsdt_trig).
 */
static void acrobot_step(void *state, struct rng *rng, int action, float *obs, double *reward,
			 int *terminated)
{
	struct acrobot *ac = state;
	(void)rng;
	const double *y0 = ac->s, a = torques[action];
	const double h = dt - 0, h2 = h / 2.0;
	struct dsdt_trig t2, t3, t4;
	double a1[2], a2[2], a3[2], a4[2]; /* ddtheta1, ddtheta2 of each stage */

	dsdt_acc(&ac->t, y0[2], y0[3], a, &a1[0], &a1[1]);
	/* stage 2 at y0 + h2 k1: its angles need only v1 = y0's velocities */
	dsdt_trig(y0[0] + h2 * y0[2], y0[1] + h2 * y0[3], &t2);
	double v2[2] = { y0[2] + h2 * a1[0], y0[3] + h2 * a1[1] };
	dsdt_acc(&t2, v2[0], v2[1], a, &a2[0], &a2[1]);
	dsdt_trig(y0[0] + h2 * v2[0], y0[1] + h2 * v2[1], &t3);
	double v3[2] = { y0[2] + h2 * a2[0], y0[3] + h2 * a2[1] };
	dsdt_acc(&t3, v3[0], v3[1], a, &a3[0], &a3[1]);
	dsdt_trig(y0[0] + h * v3[0], y0[1] + h * v3[1], &t4);
	double v4[2] = { y0[2] + h * a3[0], y0[3] + h * a3[1] };
	dsdt_acc(&t4, v4[0], v4[1], a, &a4[0], &a4[1]);

	double ns[4];
	ns[0] = y0[0] + h / 6.0 * (y0[2] + 2 * v2[0] + 2 * v3[0] + v4[0]);
	ns[1] = y0[1] + h / 6.0 * (y0[3] + 2 * v2[1] + 2 * v3[1] + v4[1]);
	ns[2] = y0[2] + h / 6.0 * (a1[0] + 2 * a2[0] + 2 * a3[0] + a4[0]);
	ns[3] = y0[3] + h / 6.0 * (a1[1] + 2 * a2[1] + 2 * a3[1] + a4[1]);
	ns[0] = wrap(ns[0], -M_PI, M_PI);
	ns[1] = wrap(ns[1], -M_PI, M_PI);
	ns[2] = bound(ns[2], -MAX_VEL_1, MAX_VEL_1);
	ns[3] = bound(ns[3], -MAX_VEL_2, MAX_VEL_2);
	double c0 = cos(ns[0]), s0 = sin(ns[0]), c1 = cos(ns[1]), s1 = sin(ns[1]);
	for (int i = 0; i < 4; i++)
		ac->s[i] = ns[i];
	int done = observe_with(ac, c0, s0, c1, s1, obs);
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
		/* Gymnasium takes any value, and its angle wrapping then loops for ever on huge ones */
		if (!(fabs(vals[i]) <= 1e6)) {
			snprintf(why, wn, "state value %d must be finite and within [-1e6, 1e6], got %g", i,
				 vals[i]);
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
