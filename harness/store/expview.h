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

/*
 * The options that choose what a read command shows (README: the selection
 * rule), for a command's option table (options.h): --spec, --commit,
 * --other-versions into the exp_view_opts at v.
 */
#define OPT_SELECTION(v)                                                                                   \
	OPT_STRING(0, "spec", &(v)->spec, "FILE", "the experiment's spec (default: the one the database recorded)"), \
	OPT_STRING(0, "commit", &(v)->commit, "REV", "the runs made at this git commit (a prefix of its hash)"),  \
	OPT_BOOL(0, "other-versions", &(v)->other_versions,                                                \
		 "cells with no run at the chosen code version use their newest run\n"                    \
		 "at another one (labelled as such)")

/* 0, or -1 after error() (bad name, unknown experiment, unreadable spec, database). */
int exp_view_open(struct exp_view *v, const char *name, const struct exp_view_opts *o);
void exp_view_close(struct exp_view *v);

#endif
