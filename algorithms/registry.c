/*
 * registry.c - every learner name a spec can use: an implementation and the
 * hyperparameter overrides that make the preset. One line each.
 */
#include "learner.h"

extern const struct learner_vtable tabular_vtable;

const struct learner_spec learner_registry[] = {
	{ "q_learning", &tabular_vtable, "update=q_learning",
	  "tabular Q-learning, epsilon-greedy (Watkins 1989; Sutton & Barto 6.5)" },
};

const int learner_registry_len = (int)(sizeof(learner_registry) / sizeof(learner_registry[0]));
