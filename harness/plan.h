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

#endif
