/*
 * dqn_params.h - inside the DQN learner (dqn.c, dqn_params.c): its
 * hyperparameter table, the spec-time check, and the output head a
 * configuration asks for.
 */
#ifndef DQN_PARAMS_H
#define DQN_PARAMS_H

#include <stddef.h>
#include "distributional.h"
#include "learner.h"

extern const struct param_def dqn_params[];
/* 0, or -1 with why: what the configuration cannot do on env (memory bounds included). */
int dqn_check(const struct params *hp, const struct env_info *env, char *why, size_t n);
/* rainbow: the head (DIST_NONE, DIST_C51, DIST_QR) and its atoms (or quantiles) per action. */
enum dist_kind dqn_head_kind(const struct params *hp);
int dqn_head_atoms(const struct params *hp);

#endif
