/*
 * regress_cells.h - the per-cell side of `harness regress --base REV`: which
 * cells the commit's binary would run at the same code version as this one
 * (they need not run again: the same code version gives the same results,
 * README "What re-runs"), and running only the others with that binary.
 */
#ifndef REGRESS_CELLS_H
#define REGRESS_CELLS_H

#include "spec.h"

/*
 * Asks bin for the code version and config hash (prefix) of every cell of the
 * spec (`bin run SPEC --list`); same[i] = 1 where both equal this binary's
 * (s->cells[i]). Returns the number of cells bin gave a code version for (0
 * for a binary older than per-cell code versions: then nothing is the same).
 */
int regress_same_code(const char *bin, const char *spec_path, const struct spec *s, int *same);

/*
 * Runs the cells idx[0..n-1] with bin, at most jobs at once (`bin run-cell
 * SPEC --index I --results ROOT`), then records them in ROOT's database
 * (`bin collect SPEC --results ROOT --no-plot`). Output goes to log. 0, or -1
 * after error() (a failed run is a result, not an error).
 */
int regress_run_cells(const char *bin, const char *spec_path, const char *root, const int *idx, int n,
		      int jobs, const char *log);

#endif
