/*
 * cmd_verify.c - `harness verify [NAME]`: re-hashes the HDF5 file of every
 * complete or failed run (of experiment NAME, or of all experiments) and
 * compares it with the results hash recorded in the database; reports run
 * files on disk that no row of the database knows.
 *
 * Contract: read-only (the store is opened STORE_READ: a read-only mount or
 * a user with read permission only can audit; files only read, each in a
 * child process: a file that crashes the HDF5 library is one bad run, not a
 * crash of verify). Paths are resolved against the results root given, so a
 * copied or moved results directory audits its own files. Prints one line
 * per run that does not verify (missing, unreadable or changed file), one per
 * unknown file, and a closing count. Exit status 0 when every run verifies and
 * no file is unknown, 1 otherwise, 2 on bad input (an experiment the database
 * does not know is an error) or a database error. Temporary files (.tmp-*) of
 * harness processes that are gone are reported too (they are harmless, and
 * the next run removes them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "results.h"
#include "store.h"

static const char *const verify_lines[] = { "verify [NAME] [--results DIR]", NULL };
static const struct usage verify_usage = {
	"verify", verify_lines,
	"Re-reads the HDF5 file of every complete and failed run (of experiment NAME, or of\n"
	"all) and checks that its results hash equals the content_hash in the database;\n"
	"lists run files no database row knows, and stale temporary files. Read-only.",
	"exit status: 0 all verify, 1 some run does not or a file is unknown, 2 bad input or error\n\n"
	"example:\n  harness verify quickstart"
};

static void print_unknown(void *ctx, const char *path)
{
	(void)ctx;
	printf("unknown\t-\t-\t%s\n", printable(path));
}

int cmd_verify(int argc, char **argv)
{
	const char *results = NULL;
	struct option opts[] = {
		OPT_STRING_DEF(0, "results", &results, "DIR", "$HARNESS_RESULTS or ./results", "results root"),
		OPT_END(),
	};
	argc = parse_options(argc, argv, opts, &verify_usage, 0);
	if (argc < 0)
		return opt_exit_status(argc);
	if (argc > 1)
		return usagef("verify", "unexpected argument '%s'", argv[1]);
	const char *name = argc ? argv[0] : NULL;
	if (name && !valid_experiment_name(name)) {
		error("experiment name '%s' is not valid (letters, digits, _ . -)", name);
		return 2;
	}
	struct store *st;
	if (store_open(&st, results, STORE_READ))
		return 2;
	int rc = 2, nexp = 0;
	struct exp_rec *exps = NULL;
	struct run_list runs = { 0 };
	if (store_experiments(st, &exps, &nexp))
		goto out;
	if (name) {
		int known = 0;
		for (int i = 0; i < nexp; i++)
			known |= !strcmp(exps[i].name, name);
		if (!known) {
			error("unknown experiment '%s' in '%s' (see 'harness list --results %s')", name, store_root(st),
			      store_root(st));
			goto out;
		}
	}
	struct run_filter f = { .experiment = name, .statuses = RUN_DONE_MASK };
	if (store_query(st, &f, SELECT_ALL, &runs))
		goto out;
	long long checked = 0, bad = 0, unknown = 0, stale = 0;
	for (int i = 0; i < runs.n; i++) {
		const struct run_rec *r = &runs.v[i];
		char got[65] = "";
		checked++;
		if (!r->h5_path[0] || !r->content_hash[0] || store_hash_file(r->h5_path, 1, got)) {
			printf("unreadable\t%lld\t%s\t%s\n", r->id, printable(r->cell_id), printable(r->h5_path));
			bad++;
		} else if (strcmp(got, r->content_hash)) {
			printf("mismatch\t%lld\t%s\t%s\n", r->id, printable(r->cell_id), printable(r->h5_path));
			bad++;
		}
	}
	for (int i = 0; i < nexp; i++) {
		if (name && strcmp(exps[i].name, name))
			continue;
		if (!valid_experiment_name(exps[i].name))
			continue;
		int u = store_unknown_files(st, exps[i].name, print_unknown, NULL);
		if (u < 0)
			goto out;
		unknown += u;
		stale += results_stale_tmp(store_root(st), exps[i].name, 0);
	}
	printf("verify: %lld runs checked, %lld ok, %lld do not verify, %lld files no run knows, "
	       "%lld stale temporary files\n", checked, checked - bad, bad, unknown, stale);
	rc = bad || unknown ? 1 : 0;
out:
	run_list_release(&runs);
	for (int i = 0; i < nexp; i++)
		exp_rec_release(&exps[i]);
	free(exps);
	store_close(st);
	return rc;
}
