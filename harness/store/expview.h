/*
 * expview.h - what a read command (list, export, plot, prune) shows of one
 * experiment: the results store opened read-only (prune: writable), the
 * experiment's current spec (--spec FILE, else the file the database
 * recorded) and its selection (store.h's rule: the spec's cells, each at one
 * code version), with what is not complete said on stderr.
 */
#ifndef EXPVIEW_H
#define EXPVIEW_H

#include "store.h"

struct exp_view {
	struct store *store;
	struct spec spec;
	struct selection sel;
	struct provenance prov;
	int have_spec, have_sel;
};

struct exp_view_opts {
	const char *results, *spec, *commit;
	int other_versions, writable, quiet;
};

/* 0, or -1 after error() (bad name, unknown experiment, unreadable spec, database). */
int exp_view_open(struct exp_view *v, const char *name, const struct exp_view_opts *o);
void exp_view_close(struct exp_view *v);

#endif
