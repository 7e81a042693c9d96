/*
 * dp.c - see dp.h.
 */
#include "dp.h"

#include <math.h>
#include <string.h>

double dp_q_value(const struct tabular_model *m, const double *V, double gamma, int s, int a)
{
	int sa = s * m->nA + a;
	double q = 0;
	for (int i = m->start[sa]; i < m->start[sa + 1]; i++)
		q += m->prob[i] * (m->reward[i] + (m->terminated[i] ? 0.0 : gamma * V[m->next[i]]));
	return q;
}

static int check_args(double gamma, double tol, const char *what)
{
	if (!(gamma >= 0 && gamma <= 1))
		return error("%s: gamma must be in [0, 1], got %g", what, gamma);
	if (!(tol > 0))
		return error("%s: tol must be positive, got %g", what, tol);
	return 0;
}

int value_iteration(const struct tabular_model *m, double gamma, double tol, double *V,
		    int *policy)
{
	if (check_args(gamma, tol, "value iteration"))
		return -1;
	memset(V, 0, (size_t)m->nS * sizeof(double));
	long sweep;
	for (sweep = 0; sweep < DP_MAX_SWEEPS; sweep++) {
		double delta = 0;
		for (int s = 0; s < m->nS; s++) {
			double best = -INFINITY;
			for (int a = 0; a < m->nA; a++) {
				double q = dp_q_value(m, V, gamma, s, a);
				best = q > best ? q : best;
			}
			double d = fabs(best - V[s]);
			delta = d > delta ? d : delta;
			V[s] = best;
		}
		if (!(delta >= tol)) {
			if (delta != delta)
				return error("value iteration: the values are not numbers");
			break;
		}
	}
	if (sweep == DP_MAX_SWEEPS)
		return error("value iteration did not converge in %d sweeps (gamma %g)", DP_MAX_SWEEPS,
			     gamma);
	if (policy) {
		for (int s = 0; s < m->nS; s++) {
			double best = -INFINITY;
			policy[s] = 0;
			for (int a = 0; a < m->nA; a++) {
				double q = dp_q_value(m, V, gamma, s, a);
				if (q > best) {
					best = q;
					policy[s] = a;
				}
			}
		}
	}
	return 0;
}

int policy_evaluation(const struct tabular_model *m, const int *policy, double gamma, double tol,
		      double *V)
{
	if (check_args(gamma, tol, "policy evaluation"))
		return -1;
	for (int s = 0; s < m->nS; s++)
		if (policy[s] < 0 || policy[s] >= m->nA)
			return error("policy evaluation: action %d of state %d is not in [0, %d)",
				     policy[s], s, m->nA);
	memset(V, 0, (size_t)m->nS * sizeof(double));
	for (long sweep = 0; sweep < DP_MAX_SWEEPS; sweep++) {
		double delta = 0;
		for (int s = 0; s < m->nS; s++) {
			double v = dp_q_value(m, V, gamma, s, policy[s]);
			double d = fabs(v - V[s]);
			delta = d > delta ? d : delta;
			V[s] = v;
		}
		if (!(delta >= tol))
			return delta == delta ? 0 : error("policy evaluation: the values are not numbers");
	}
	return error("policy evaluation did not converge in %d sweeps (gamma %g: does the policy "
		     "loop forever?)", DP_MAX_SWEEPS, gamma);
}

double start_value(const struct tabular_model *m, const double *V)
{
	double v = 0;
	for (int s = 0; s < m->nS; s++)
		v += m->initial[s] * V[s];
	return v;
}
