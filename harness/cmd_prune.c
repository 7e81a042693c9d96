/*
 * cmd_prune.c - `harness prune NAME [--dry-run] [--spec FILE] [--results DIR]`:
 * removes from the database the runs of experiment NAME that are of no cell
 * of its current spec at any code version (removed configurations, changed
 * hyperparameters, fewer seeds, renamed algorithms), and their run files,
 * and run files no row knows. The rows go in one transaction; files after it
 * (a file an interrupted prune leaves is one no row knows: verify reports it,
 * the next prune removes it). --dry-run prints what would go. Runs of the
 * spec's cells at other code versions are kept.
 */
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "expview.h"
#include "store.h"

int cmd_prune(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		printf("usage: harness prune NAME [--dry-run] [--spec FILE] [--results DIR]\n\n"
		       "Removes the runs of experiment NAME that are of no cell of its current spec (the\n"
		       "file the database recorded, or --spec FILE) at any code version, with their run\n"
		       "files, and run files no database row knows. Figures never show such runs; prune\n"
		       "removes them for good. Runs of the spec's cells at other code versions are kept.\n\n"
		       "  --dry-run   print what would be removed, remove nothing\n\n"
		       "example:\n  harness prune quickstart --dry-run\n");
		return 0;
	}
	struct exp_view_opts o = { .quiet = 1 };
	const char *name = NULL;
	int dry = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if ((!strcmp(a, "--results") || !strcmp(a, "--spec")) && i + 1 < argc) {
			*(!strcmp(a, "--results") ? &o.results : &o.spec) = argv[++i];
		} else if (!strcmp(a, "--dry-run")) {
			dry = 1;
		} else if (a[0] == '-' || name) {
			error("prune: unexpected argument '%s' (see 'harness prune --help')", a);
			return 2;
		} else {
			name = a;
		}
	}
	if (!name) {
		error("prune: give one experiment NAME");
		return 2;
	}
	o.writable = !dry;
	struct exp_view v;
	if (exp_view_open(&v, name, &o))
		return 2;
	int n = store_prune(v.store, &v.spec, dry);
	if (n >= 0)
		printf("prune: %s: %d %s\n", name, n, dry ? "to remove (dry run)" : "removed");
	exp_view_close(&v);
	return n < 0 ? 2 : 0;
}
