/*
 * cmd_verify.c - `harness verify [NAME]`: re-hashes the HDF5 file of every
 * complete run (of experiment NAME, or of all experiments) and compares it
 * with the results hash recorded in the database.
 *
 * Contract: read-only (the database is opened as by the other read commands,
 * files only read, each in a child process: a file that crashes the HDF5
 * library is one bad run, not a crash of verify). Prints one line per run
 * that does not verify (missing, unreadable or changed file) and a closing
 * count. Exit status 0
 * when every complete run verifies, 1 when one does not, 2 on bad input or a
 * database error. Temporary files (.tmp-*) of harness processes that are gone
 * are reported too (they are harmless, and the next run removes them).
 */
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "h5store.h"
#include "results.h"
#include "rundb.h"
#include "spec.h"

static void verify_help(void)
{
	printf("usage: harness verify [NAME] [--results DIR]\n\n"
	       "Re-reads the HDF5 file of every complete run (of experiment NAME, or of all)\n"
	       "and checks that its results hash equals the content_hash in the database.\n"
	       "Prints each run that does not verify, and stale temporary files.\n\n"
	       "exit status: 0 all verify, 1 some run does not, 2 bad input or error\n\n"
	       "example:\n  harness verify quickstart\n");
}


int cmd_verify(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		verify_help();
		return 0;
	}
	const char *name = NULL, *results = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--results") && i + 1 < argc) {
			results = argv[++i];
		} else if (argv[i][0] == '-' || name) {
			error("verify: unexpected argument '%s' (see 'harness verify --help')", argv[i]);
			return 2;
		} else {
			name = argv[i];
		}
	}
	if (name && !valid_experiment_name(name)) {
		error("experiment name '%s' is not valid (letters, digits, _ . -)", name);
		return 2;
	}
	const char *root = results_root(results);
	char *dbpath = results_db_path(root);
	struct rundb *db = NULL;
	if (access(dbpath, F_OK)) {
		error("no database at '%s' (run an experiment first, or give --results DIR)", dbpath);
		free(dbpath);
		return 2;
	}
	int rc = 2;
	if (rundb_open(&db, dbpath)) {
		free(dbpath);
		return 2;
	}
	sqlite3 *h = rundb_handle(db);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(h, "SELECT id, experiment, cell_id, h5_path, content_hash FROM runs"
			       " WHERE status = 'complete' AND (?1 IS NULL OR experiment = ?1) ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK) {
		error("database '%s': %s", dbpath, sqlite3_errmsg(h));
		goto out;
	}
	if (name)
		sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	long long checked = 0, bad = 0;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *cell = (const char *)sqlite3_column_text(st, 2);
		const char *path = (const char *)sqlite3_column_text(st, 3);
		const char *want = (const char *)sqlite3_column_text(st, 4);
		char got[65] = "";
		checked++;
		if (!path || !want || h5_content_hash_isolated(path, got)) {
			printf("unreadable\t%lld\t%s\t%s\n", (long long)sqlite3_column_int64(st, 0),
			       cell ? cell : "", path ? path : "");
			bad++;
		} else if (strcmp(got, want)) {
			printf("mismatch\t%lld\t%s\t%s\n", (long long)sqlite3_column_int64(st, 0), cell ? cell : "",
			       path);
			bad++;
		}
	}
	if (step != SQLITE_DONE) {
		error("database '%s': %s", dbpath, sqlite3_errmsg(h));
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	long long stale = 0;
	if (sqlite3_prepare_v2(h, "SELECT name FROM experiments WHERE ?1 IS NULL OR name = ?1", -1, &st,
			       NULL) == SQLITE_OK) {
		if (name)
			sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *e = (const char *)sqlite3_column_text(st, 0);
			if (e && valid_experiment_name(e))
				stale += results_stale_tmp(root, e, 0);
		}
	}
	printf("verify: %lld complete runs checked, %lld ok, %lld do not verify, %lld stale temporary files\n",
	       checked, checked - bad, bad, stale);
	rc = bad ? 1 : 0;
out:
	sqlite3_finalize(st);
	rundb_close(db);
	free(dbpath);
	return rc;
}
