/*
 * rundb.h - the SQLite database of experiments and runs (results/harness.db):
 * the writer half of the results store (store.h), used by the commands that
 * record runs (run, collect) through store_rundb(). Readers use store.h.
 *
 * WAL mode, a busy timeout, every change in a transaction, prepared
 * statements only, schema version in PRAGMA user_version with migrations
 * applied in order at open. Several `harness run` processes may share one
 * database: a cell is claimed in a BEGIN IMMEDIATE transaction, and a cell
 * that another live process (on any host) is running is left to it.
 *
 * Claims are leases. A running row records its holder (holder.h: boot id,
 * procfs, pid, start time, host) and lease_until (Unix seconds). The holder
 * renews the lease of all its running rows (rundb_renew) at least every
 * lease/4; a claim lasts rundb_lease_seconds() ($HARNESS_LEASE_SECONDS, else
 * RUNDB_LEASE_SECONDS) without one. A running row is held (never taken over)
 * while its holder is alive: checked directly on the same boot and procfs
 * (a dead holder or a reused pid frees the row at once, lease or not), and
 * elsewhere (another host, container or boot) while its lease has not
 * expired, by this host's clock (hosts sharing a database keep their clocks
 * within a fraction of the lease, e.g. by NTP). A process finishes only rows
 * it still holds: one whose lease expired and was taken over gets an error,
 * not a silent overwrite.
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

/* 3: runs.h5_path is relative to the results root ("<NAME>/runs/<file>.h5"); 4: leases; 5: python_versions */
#define RUNDB_SCHEMA_VERSION 5
#define RUNDB_LEASE_SECONDS 600

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

enum claim_result { CLAIM_ERROR = -1, CLAIM_OK = 0, CLAIM_DONE = 1, CLAIM_BUSY = 2 };
/*
 * Claims a cell for this process (status running). CLAIM_DONE when it is
 * complete (or failed, unless retry_failed) and not forced; CLAIM_BUSY when
 * another holder holds it (rundb_row_held). *row_id gets the row's id.
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

/* Renews the lease of every running row this process holds. */
int rundb_renew(struct rundb *db);
/* The lease, in seconds: $HARNESS_LEASE_SECONDS (1 to 604800) or RUNDB_LEASE_SECONDS. */
int rundb_lease_seconds(void);

/* Marks rows of this process still 'running' as error (interrupted). */
int rundb_abandon(struct rundb *db, long long row_id, const char *why);

/* The raw handle, for the read-only commands (list, show, export, plot). */
struct sqlite3 *rundb_handle(struct rundb *db);

#endif
