/*
 * aggfig.h - the figures over normalised final scores (see plot.h):
 * aggregate metrics with interval estimates, performance profiles and the
 * probability of improvement, in the style of rliable.
 */
#ifndef AGGFIG_H
#define AGGFIG_H

#include "expdata.h"
#include "plot.h"

/* Draws aggregate, profile and (with two algorithms or more) poi. 0, 1 if skipped, -1 on error. */
int aggfig_draw(const struct expdata *d, const char *figdir, const struct plot_opts *o);

/*
 * The environments usable for aggregates: normalisable, every algorithm with
 * runs. envs receives their indices (caller allocates nenvs); returns how many.
 */
int aggfig_envs(const struct expdata *d, int *envs);

#endif
