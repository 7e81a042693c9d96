/*
 * dqn.h - the deep Q-learning family (dqn.c): one implementation whose
 * hyperparameters compose Double DQN, prioritized replay, n-step returns,
 * a dueling head and hard or Polyak target updates. The learner itself is
 * dqn_vtable (learner.h); these accessors serve tests and benchmarks.
 */
#ifndef DQN_H
#define DQN_H

#include <stddef.h>
#include "learner.h"
#include "mlp.h"

extern const struct learner_vtable dqn_vtable;

/* Q-values (n_actions) of one environment observation, as act_greedy sees them. */
void dqn_q_values(void *self, const float *obs, float *q);
/* Runs n gradient updates now from the replay buffer; 0, or -1 with a reason. */
int dqn_train(void *self, int n, char *why, size_t wn);
long long dqn_updates(const void *self);
/* The online network (parameters, shapes). */
const struct mlp *dqn_network(const void *self);
/* The target network. */
const struct mlp *dqn_target_network(const void *self);

#endif
