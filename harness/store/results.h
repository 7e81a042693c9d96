/*
 * results.h - where results live on disk:
 *   <root>/harness.db                     the SQLite database (all experiments)
 *   <root>/<NAME>/runs/<cell>-<hash>.h5   one HDF5 file per run
 *   <root>/<NAME>/figures/                figures (PNG and PDF)
 * <root> is --results DIR, else $HARNESS_RESULTS, else ./results.
 */
#ifndef RESULTS_H
#define RESULTS_H

#include "spec.h"

const char *results_root(const char *option);
/* The run file of a cell at a code version (relative to nothing: a full path). */
char *results_run_path(const char *root, const char *experiment, const struct cell *c,
		       const char *source_hash);
char *results_db_path(const char *root);
/* Creates <root>/<NAME>/runs and checks it is writable; 0 or -1 after error(). */
int results_prepare(const char *root, const char *experiment);

/*
 * Temporary run files (runs/.tmp-*, holder.h) whose holder holder_check()s
 * dead: removes them (remove = 1) or prints one line each; returns how many.
 * Those of live holders, and of holders it cannot check (another host), stay.
 */
int results_stale_tmp(const char *root, const char *experiment, int remove);

#endif
