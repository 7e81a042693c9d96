/*
 * tabular.h - inspection of the tabular learners (algorithms/tabular.c).
 *
 * The learners themselves are used through tabular_vtable (learner.h) and the
 * presets of algorithms/registry.c. This header only exposes the Q-table, for
 * tests, benchmarks and exports.
 */
#ifndef TABULAR_H
#define TABULAR_H

#include "learner.h"

extern const struct learner_vtable tabular_vtable;

/*
 * The Q-table of a learner made by tabular_vtable.create: (nS, nA) row-major,
 * Q(s, a) at [s * nA + a], owned by the learner. Writable so that a test can
 * set up a table by hand; self must come from tabular_vtable.
 */
double *tabular_q(void *self);

#endif
