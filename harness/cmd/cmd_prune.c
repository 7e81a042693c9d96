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

static const char *const prune_lines[] = { "prune NAME [--dry-run] [--spec FILE] [--results DIR]", NULL };
static const struct usage prune_usage = {
	"prune", prune_lines,
	"Removes the runs of experiment NAME that are of no cell of its current spec (the\n"
	"file the database recorded, or --spec FILE) at any code version, with their run\n"
	"files, and run files no database row knows. Figures never show such runs; prune\n"
	"removes them for good. Runs of the spec's cells at other code versions are kept.",
	"example:\n  harness prune quickstart --dry-run"
};

int cmd_prune(int argc, char **argv)
{
	struct exp_view_opts o = { .quiet = 1 };
	int dry = 0;
	struct option opts[] = {
		OPT_BOOL(0, "dry-run", &dry, "print what would be removed, remove nothing"),
		OPT_STRING(0, "spec", &o.spec, "FILE", "the experiment's spec (default: the one the database recorded)"),
		OPT_STRING_DEF(0, "results", &o.results, "DIR", "$HARNESS_RESULTS or ./results", "results root"),
		OPT_END(),
	};
	argc = parse_options(argc, argv, opts, &prune_usage, 0);
	if (argc < 0)
		return opt_exit_status(argc);
	if (argc > 1)
		return usagef("prune", "unexpected argument '%s'", argv[1]);
	const char *name = argc ? argv[0] : NULL;
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
		printf("prune: %s: %d %s\n", printable(name), n, dry ? "to remove (dry run)" : "removed");
	exp_view_close(&v);
	return n < 0 ? 2 : 0;
}
