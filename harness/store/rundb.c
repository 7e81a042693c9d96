/*
 * rundb.c - see rundb.h: opening (read-only snapshots, migrations), the
 * experiments table and finding a cell's row. Claims, leases and finishing a
 * run are rundb_claim.c's.
 */
#include "rundb.h"
#include "rundb_impl.h"
#include "holder.h"

#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>


/* Migrations: entry i brings the schema from version i to i+1. */
#define MIGRATE_RELATIVE_PATHS "-- relativize_paths"
static int relativize_paths(struct rundb *db);
static const char *const migrations[] = {
	"CREATE TABLE experiments ("
	"  name TEXT PRIMARY KEY,"
	"  description TEXT NOT NULL,"
	"  spec_path TEXT NOT NULL,"
	"  spec_sha256 TEXT NOT NULL,"
	"  cells INTEGER NOT NULL,"
	"  created_at TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL);"
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY,"
	"  experiment TEXT NOT NULL,"
	"  cell_id TEXT NOT NULL,"
	"  cell_index INTEGER NOT NULL,"
	"  env_id TEXT NOT NULL,"
	"  env_label TEXT NOT NULL,"
	"  config_name TEXT NOT NULL,"
	"  learner TEXT NOT NULL,"
	"  seed INTEGER NOT NULL,"
	"  config_hash TEXT NOT NULL,"
	"  config_json TEXT NOT NULL,"
	"  env_seed TEXT NOT NULL,"
	"  learner_seed TEXT NOT NULL,"
	"  eval_seed TEXT NOT NULL,"
	"  git_commit TEXT NOT NULL,"
	"  git_dirty INTEGER NOT NULL,"
	"  source_hash TEXT NOT NULL,"
	"  compiler TEXT NOT NULL,"
	"  cflags TEXT NOT NULL,"
	"  blas TEXT NOT NULL,"
	"  blas_core TEXT NOT NULL,"
	"  cpu_model TEXT NOT NULL,"
	"  host TEXT NOT NULL,"
	"  pid INTEGER,"
	"  started_at TEXT,"
	"  finished_at TEXT,"
	"  wall_seconds REAL,"
	"  status TEXT NOT NULL CHECK (status IN ('running','complete','failed','error')),"
	"  error TEXT,"
	"  final_return REAL,"
	"  auc REAL,"
	"  total_steps INTEGER,"
	"  episodes INTEGER,"
	"  h5_path TEXT NOT NULL,"
	"  content_hash TEXT,"
	"  UNIQUE (experiment, cell_id, config_hash, source_hash));"
	"CREATE INDEX runs_by_experiment ON runs (experiment, status);",
	/* 2: random-policy scores for normalisation (normalize.h), keyed by what determines them */
	"CREATE TABLE random_scores (env_id TEXT NOT NULL, env_options TEXT NOT NULL, episodes INTEGER NOT NULL,"
	"  seed INTEGER NOT NULL, max_steps INTEGER NOT NULL, source_hash TEXT NOT NULL, mean_return REAL NOT NULL,"
	"  created_at TEXT NOT NULL, PRIMARY KEY (env_id, env_options, episodes, seed, max_steps, source_hash));",
	/* runs.h5_path relative to the results root: rewritten in C (relativize_paths), whatever its index */
	MIGRATE_RELATIVE_PATHS,
	/* 4: claims as leases (rundb.h): who holds a running row, and until when without a heartbeat */
	"ALTER TABLE runs ADD COLUMN holder TEXT;"
	"ALTER TABLE runs ADD COLUMN lease_until REAL;",
	/* 5: the Python, Gymnasium and package versions of a Python environment's run ("" otherwise) */
	"ALTER TABLE runs ADD COLUMN python_versions TEXT NOT NULL DEFAULT '';",
};

int rundb__error(struct rundb *db, const char *what)
{
	return error("database '%s': %s: %s", db->path, what, sqlite3_errmsg(db->db));
}

int rundb__exec(struct rundb *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int r = error("database '%s': %s", db->path, msg ? msg : "error");
		sqlite3_free(msg);
		return r;
	}
	return 0;
}

sqlite3_stmt *rundb__prepare(struct rundb *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rundb__error(db, "prepare");
		return NULL;
	}
	return st;
}

char *rundb_rel_run_path(const char *experiment, const char *path)
{
	size_t n = strlen(experiment);
	if (!strncmp(path, experiment, n) && !strncmp(path + n, "/runs/", 6))
		return xstrdup(path);
	char *needle = xstrfmt("/%s/runs/", experiment);
	const char *last = NULL;
	for (const char *p = strstr(path, needle); p; p = strstr(p + 1, needle))
		last = p;
	free(needle);
	return xstrdup(last ? last + 1 : path);
}

char *rundb_resolve(const struct rundb *db, const char *experiment, const char *stored)
{
	char *rel = rundb_rel_run_path(experiment, stored);
	char *path = rel[0] == '/' ? xstrdup(rel) : xstrfmt("%s/%s", db->root, rel);
	free(rel);
	return path;
}

/* Migration 3: every runs.h5_path from the path the run saw to <NAME>/runs/<file>. */
static int relativize_paths(struct rundb *db)
{
	sqlite3_stmt *st = rundb__prepare(db, "SELECT id, experiment, h5_path FROM runs");
	sqlite3_stmt *up = rundb__prepare(db, "UPDATE runs SET h5_path = ?2 WHERE id = ?1");
	int rc = st && up ? 0 : -1, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *e = (const char *)sqlite3_column_text(st, 1);
		const char *p = (const char *)sqlite3_column_text(st, 2);
		char *rel = rundb_rel_run_path(e ? e : "", p ? p : "");
		sqlite3_reset(up);
		sqlite3_bind_int64(up, 1, sqlite3_column_int64(st, 0));
		sqlite3_bind_text(up, 2, rel, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(up) != SQLITE_DONE)
			rc = rundb__error(db, "cannot migrate run paths");
		free(rel);
	}
	if (!rc && step != SQLITE_DONE)
		rc = rundb__error(db, "cannot migrate run paths");
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	return rc;
}

static int migrate(struct rundb *db)
{
	if (rundb__exec(db, "BEGIN IMMEDIATE"))
		return -1;
	sqlite3_stmt *st = rundb__prepare(db, "PRAGMA user_version");
	int version = 0;
	if (!st)
		goto fail;
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > (int)ARRAY_SIZE(migrations)) {
		error("database '%s' has schema version %d, newer than this harness (%d)", db->path,
		      version, (int)ARRAY_SIZE(migrations));
		goto fail;
	}
	for (int v = version; v < (int)ARRAY_SIZE(migrations); v++) {
		if (!strcmp(migrations[v], MIGRATE_RELATIVE_PATHS) ? relativize_paths(db) : rundb__exec(db, migrations[v]))
			goto fail;
		char sql[64];
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (rundb__exec(db, sql))
			goto fail;
	}
	return rundb__exec(db, "COMMIT");
fail:
	rundb__exec(db, "ROLLBACK");
	return -1;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? xstrfmt("%.*s", (int)(slash - path), path) : xstrdup(".");
}

/* A file: URI of path (RFC 3986 percent-escapes), with a query. */
static char *file_uri(const char *path, const char *query)
{
	struct strbuf sb = {0};
	strbuf_addstr(&sb, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/-._~", *p))
			strbuf_add(&sb, p, 1);
		else
			strbuf_addf(&sb, "%%%02X", *p);
	}
	strbuf_addf(&sb, "?%s", query);
	return strbuf_detach(&sb);
}

static int copy_file(const char *from, const char *to)
{
	size_t len;
	char *data = read_file(from, &len);
	if (!data)
		return -1;
	FILE *f = fopen(to, "wb");
	int rc = f && fwrite(data, 1, len, f) == len ? 0 : -1;
	if (f && fclose(f))
		rc = -1;
	free(data);
	return rc ? error("cannot copy '%s' to '%s': %s", from, to, strerror(errno)) : 0;
}

static int try_open_ro(struct rundb *db, const char *path, const char *query)
{
	if (db->db) {
		sqlite3_close(db->db);
		db->db = NULL;
	}
	char *uri = file_uri(path, query);
	int rc = sqlite3_open_v2(uri, &db->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	free(uri);
	if (rc != SQLITE_OK)
		return -1;
	sqlite3_busy_timeout(db->db, 120000);
	sqlite3_stmt *st = NULL;
	rc = sqlite3_prepare_v2(db->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	     sqlite3_step(st) == SQLITE_ROW ? 0 : -1;
	if (!rc)
		db->version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc;
}

/*
 * Read-only: mode=ro first. A WAL database in a directory this process
 * cannot write (a read-only mount, another user's results) cannot be opened
 * that way when its -shm file is missing or read-only. Then: without WAL
 * content it is opened immutable (exact: all of it is in the main file);
 * with WAL content (a writer that did not checkpoint), database and WAL are
 * copied into a private temporary directory and read there, so no committed
 * run is missed.
 */
static int open_readonly(struct rundb *db)
{
	int rc = try_open_ro(db, db->path, "mode=ro");
	if (rc) {
		char *wal = xstrfmt("%s-wal", db->path);
		struct stat st;
		int has_wal = !stat(wal, &st) && st.st_size > 0;
		if (!has_wal) {
			rc = try_open_ro(db, db->path, "immutable=1");
		} else {
			const char *tmp = getenv("TMPDIR");
			char *dir = xstrfmt("%s/harness-db-XXXXXX", tmp && *tmp ? tmp : "/tmp");
			if (mkdtemp(dir)) {
				db->snapshot = dir;
				char *copy = xstrfmt("%s/harness.db", dir), *cwal = xstrfmt("%s/harness.db-wal", dir);
				if (!copy_file(db->path, copy) && !copy_file(wal, cwal))
					rc = try_open_ro(db, copy, "mode=ro");
				free(copy);
				free(cwal);
			} else {
				free(dir);
			}
		}
		free(wal);
	}
	if (rc)
		return error("cannot open database '%s' read-only: %s", db->path,
			     db->db ? sqlite3_errmsg(db->db) : strerror(errno));
	if (db->version > (int)ARRAY_SIZE(migrations))
		return error("database '%s' has schema version %d, newer than this harness (%d): "
			     "read it with a newer harness", db->path, db->version, (int)ARRAY_SIZE(migrations));
	return 0;
}

static int open_readwrite(struct rundb *db)
{
	const char *path = db->path;
	if (sqlite3_open_v2(path, &db->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		return error("cannot open database '%s': %s", path, db->db ? sqlite3_errmsg(db->db) : "out of memory");
	sqlite3_busy_timeout(db->db, 120000);
	/*
	 * Switching a new database to WAL needs an exclusive lock, and SQLite
	 * answers SQLITE_BUSY at once (no busy handler) while another process
	 * is creating the same database: retry for as long as the busy timeout.
	 */
	for (int attempt = 0;; attempt++) {
		sqlite3_stmt *st = rundb__prepare(db, "PRAGMA journal_mode=WAL");
		int rc = st ? sqlite3_step(st) : SQLITE_ERROR;
		sqlite3_finalize(st);
		if (rc == SQLITE_ROW)
			break;
		if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && attempt < 2400) {
			usleep(50000);
			continue;
		}
		return st ? rundb__error(db, "cannot switch to WAL mode") : -1;
	}
	if (rundb__exec(db, "PRAGMA synchronous=FULL") || rundb__exec(db, "PRAGMA foreign_keys=ON") || migrate(db))
		return -1;
	db->version = (int)ARRAY_SIZE(migrations);
	return 0;
}

int rundb_open_mode(struct rundb **out, const char *path, int readonly)
{
	struct rundb *db = xcalloc(1, sizeof(*db));
	db->path = xstrdup(path);
	db->root = dir_of(path);
	db->readonly = readonly;
	if (readonly ? open_readonly(db) : open_readwrite(db)) {
		rundb_close(db);
		return -1;
	}
	*out = db;
	return 0;
}

int rundb_open(struct rundb **out, const char *path)
{
	return rundb_open_mode(out, path, 0);
}

int rundb_schema_version(const struct rundb *db)
{
	return db->version;
}

int rundb_readonly(const struct rundb *db)
{
	return db->readonly;
}

void rundb_close(struct rundb *db)
{
	if (!db)
		return;
	sqlite3_close(db->db);
	if (db->snapshot) {
		static const char *const files[] = { "harness.db", "harness.db-wal", "harness.db-shm" };
		for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
			char *f = xstrfmt("%s/%s", db->snapshot, files[i]);
			unlink(f);
			free(f);
		}
		rmdir(db->snapshot);
		free(db->snapshot);
	}
	free(db->path);
	free(db->root);
	free(db);
}

struct sqlite3 *rundb_handle(struct rundb *db)
{
	return db->db;
}

int rundb_put_experiment(struct rundb *db, const struct spec *s)
{
	char now[32];
	iso_time_now(now);
	sqlite3_stmt *st = rundb__prepare(db,
		"INSERT INTO experiments (name, description, spec_path, spec_sha256, cells, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)"
		" ON CONFLICT(name) DO UPDATE SET description = ?2, spec_path = ?3, spec_sha256 = ?4,"
		" cells = ?5, updated_at = ?6");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, s->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, s->description, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, s->path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, s->spec_sha256, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, s->ncells);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : rundb__error(db, "cannot record the experiment");
	sqlite3_finalize(st);
	return rc;
}

static void copy_col(sqlite3_stmt *st, int i, char *dst, size_t n)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

int rundb__find(struct rundb *db, const char *experiment, const struct cell *c,
		       const char *source_hash, struct run_row *row)
{
	sqlite3_stmt *st = rundb__prepare(db,
		"SELECT id, status, pid, host, h5_path, content_hash, error, final_return, auc,"
		" total_steps, episodes, wall_seconds, holder, lease_until FROM runs"
		" WHERE experiment = ?1 AND cell_id = ?2 AND config_hash = ?3 AND source_hash = ?4");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, experiment, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, c->cell_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, c->config_hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, source_hash, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(row, 0, sizeof(*row));
		row->id = sqlite3_column_int64(st, 0);
		copy_col(st, 1, row->status, sizeof(row->status));
		row->pid = sqlite3_column_int64(st, 2);
		copy_col(st, 3, row->host, sizeof(row->host));
		char *path = rundb_resolve(db, experiment, (const char *)sqlite3_column_text(st, 4) ?
					   (const char *)sqlite3_column_text(st, 4) : "");
		snprintf(row->h5_path, sizeof(row->h5_path), "%s", path);
		free(path);
		copy_col(st, 5, row->content_hash, sizeof(row->content_hash));
		copy_col(st, 6, row->error, sizeof(row->error));
		row->final_return = sqlite3_column_double(st, 7);
		row->auc = sqlite3_column_double(st, 8);
		row->total_steps = sqlite3_column_int64(st, 9);
		row->episodes = sqlite3_column_int64(st, 10);
		row->wall_seconds = sqlite3_column_double(st, 11);
		copy_col(st, 12, row->holder, sizeof(row->holder));
		row->lease_until = sqlite3_column_double(st, 13);
		rc = 1;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = rundb__error(db, "cannot read runs");
	}
	sqlite3_finalize(st);
	return rc;
}

int rundb_find(struct rundb *db, const char *experiment, const struct cell *c,
	       const char *source_hash, struct run_row *row)
{
	return rundb__find(db, experiment, c, source_hash, row);
}

