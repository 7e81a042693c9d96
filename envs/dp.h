/*
 * dp.h - dynamic programming over a tabular environment's transition model
 * (struct tabular_model, env.h): optimal values by value iteration, the value
 * of a fixed policy, and the expected value of the start distribution.
 *
 * Semantics: V(s) = max_a sum_i p_i * (r_i + gamma * V(next_i) * !terminated_i)
 * over the transitions i of (s, a): a terminated transition contributes its
 * reward only, whatever the value of the state it lands in. There is no time
 * limit: with gamma = 1 on FrozenLake, V(s) is the largest probability of
 * ever reaching the goal; on CliffWalking and Taxi, the best expected return
 * (every improper policy there costs -1 per step, so the values are finite).
 *
 * Both iterations sweep the states in order, updating in place (Gauss-Seidel),
 * from V = 0, and stop at the first sweep whose largest change is below tol
 * (the error left can be larger: ~17 tol on the slippery 4x4 FrozenLake at
 * gamma 1, where value iteration from 0 approaches 14/17 from below).
 * They fail (error(), -1) for gamma outside [0, 1], tol <= 0, or no
 * convergence within DP_MAX_SWEEPS sweeps (e.g. gamma = 1 and a policy that
 * loops forever collecting nonzero rewards). Starting from 0 makes gamma = 1
 * work for policies that never end in FrozenLake-like models (value 0 for
 * the endless part), where an exact linear solve would be singular.
 */
#ifndef DP_H
#define DP_H

#include "env.h"

#define DP_MAX_SWEEPS 100000

/* Q(s, a) under V (see above). */
double dp_q_value(const struct tabular_model *m, const double *V, double gamma, int s, int a);

/*
 * Optimal values V (nS) and, if policy is not NULL, a greedy policy (nS): the
 * first action whose Q is largest under the final V. 0 or -1.
 */
int value_iteration(const struct tabular_model *m, double gamma, double tol, double *V,
		    int *policy);

/* Values V (nS) of the deterministic policy (nS actions). 0 or -1. */
int policy_evaluation(const struct tabular_model *m, const int *policy, double gamma, double tol,
		      double *V);

/* sum_s initial[s] * V[s]. */
double start_value(const struct tabular_model *m, const double *V);

#endif
