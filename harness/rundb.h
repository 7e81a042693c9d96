/*
 * rundb.h - the SQLite database of experiments and runs (results/harness.db):
 * the writer half of the results store (store.h), used by the commands that
 * record runs (run, collect) through store_rundb(). Readers use store.h.
 *
 * WAL mode, a busy timeout, every change in a transaction, prepared
 * statements only, schema version in PRAGMA user_version with migrations
 * applied in order at open. Several `harness run` processes may share one
 * database: a cell is claimed in a BEGIN IMMEDIATE transaction, and a cell
 * that another live process on this host is running is left to it.
 *
 * Run status: running (claimed, in flight or its process died), complete
 * (its HDF5 file is in place and its results hash recorded), failed (the run
 * itself failed, e.g. diverged: deterministic, kept), error (the harness could
 * not finish it: I/O error, crash, interrupt: re-run on resume).
 */
#ifndef RUNDB_H
#define RUNDB_H

#include "provenance.h"
#include "spec.h"

struct rundb;

/* 3: runs.h5_path is relative to the results root ("<NAME>/runs/<file>.h5") */
#define RUNDB_SCHEMA_VERSION 3

int rundb_open(struct rundb **db, const char *path);
/*
 * readonly: SQLITE_OPEN_READONLY, never migrated (an older schema is read as
 * it is; a newer one is refused, saying so); falls back to immutable=1 where
 * a WAL database cannot be opened read-only (read-only directory).
 */
int rundb_open_mode(struct rundb **db, const char *path, int readonly);
int rundb_schema_version(const struct rundb *db);
int rundb_readonly(const struct rundb *db);

/*
 * A run file's path as stored: "<experiment>/runs/<file>" (from a path ending
 * in that, as run files of any earlier schema do; caller frees), and back: the
 * path under this database's results root.
 */
char *rundb_rel_run_path(const char *experiment, const char *path);
char *rundb_resolve(const struct rundb *db, const char *experiment, const char *stored);
void rundb_close(struct rundb *db);

int rundb_put_experiment(struct rundb *db, const struct spec *s);

/* The row of a cell at this code version, if any; h5_path resolved under the root. */
struct run_row {
	long long id;
	char status[16];
	long long pid;
	char host[128];
	char h5_path[1024];
	char content_hash[65];
	char error[512];
	double final_return, auc;
	long long total_steps, episodes;
	double wall_seconds;
};
/* 1 found, 0 not found, -1 error. */
int rundb_find(struct rundb *db, const char *experiment, const struct cell *c,
	       const char *source_hash, struct run_row *row);

enum claim_result { CLAIM_ERROR = -1, CLAIM_OK = 0, CLAIM_DONE = 1, CLAIM_BUSY = 2 };
/*
 * Claims a cell for this process (status running). CLAIM_DONE when it is
 * complete (or failed, unless retry_failed) and not forced; CLAIM_BUSY when a
 * live process on this host is running it. *row_id gets the row's id.
 */
enum claim_result rundb_claim(struct rundb *db, const char *experiment, const struct cell *c,
			      const struct provenance *p, const char *h5_path, int force,
			      int retry_failed, long long *row_id);

struct run_summary {
	const char *status; /* complete | failed | error */
	const char *error;
	double wall_seconds;
	double final_return, auc;
	long long total_steps, episodes;
	const char *content_hash; /* NULL when no file */
};
int rundb_finish(struct rundb *db, long long row_id, const struct run_summary *s);

/* Marks rows of this process still 'running' as error (interrupted). */
int rundb_abandon(struct rundb *db, long long row_id, const char *why);

/* The raw handle, for the read-only commands (list, show, export, plot). */
struct sqlite3 *rundb_handle(struct rundb *db);

#endif
