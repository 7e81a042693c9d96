/*
 * plan.h - pieces of planning a run shared by the local scheduler (run.c) and
 * the Slurm submission (slurm.c): which cells `--only PATTERN` selects, and
 * whether a complete cell's run file is still usable.
 *
 * Selection: a pattern selects a cell when it equals the cell id exactly
 * (cell ids contain '[' and ']', which a glob would read as a bracket
 * expression) or, as a glob (fnmatch(3), '*' also crossing '/'), matches it.
 * Several patterns select the union. A pattern that selects no cell is an
 * error (a typo must not silently run nothing).
 *
 * Recovery: a complete cell whose run file is missing, unreadable, crashes the
 * HDF5 library (read in a child process) or no longer hashes to the recorded
 * results hash is run again, with one line saying so; it never makes the
 * whole experiment refuse to run.
 */
#ifndef PLAN_H
#define PLAN_H

#include <stddef.h>
#include "spec.h"

/*
 * mask[i] = 1 for the cells of s that some pattern selects (all cells when
 * n == 0). 0, or -1 after error() naming a pattern that selects nothing.
 */
int plan_select(const struct spec *s, char *const *patterns, int n, unsigned char *mask);

/*
 * 0 when the file at path exists and hashes to want; 1 when it is not
 * usable, with the reason in why (one line, no "error:" printed).
 */
int plan_check_run_file(const char *path, const char *want, char *why, size_t n);

/*
 * The progress line's ETA, from env steps: steps still budgeted (cells with a
 * steps budget: their budget; cells with an episode budget: the mean steps of
 * the episode-budget cells finished so far) less those the running cells have
 * done, at the rate so far. Negative when it cannot be told yet (episode
 * budgets and none finished, or no rate).
 */
struct plan_eta {
	long long step_budget_left; /* budgets of steps-budget cells not finished */
	int ep_cells_left;          /* episode-budget cells not finished */
	int ep_cells_done;          /* episode-budget cells finished */
	long long ep_steps_done;    /* their steps */
};
/* A cell leaves the plan: finished after `steps` steps, or skipped (steps < 0). */
void plan_eta_done(struct plan_eta *e, const struct cell *c, long long steps);
double plan_eta_seconds(const struct plan_eta *e, long long running_steps, double steps_per_second);

#endif
