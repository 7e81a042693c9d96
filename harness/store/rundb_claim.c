/*
 * rundb_claim.c - claims as leases, finishing and abandoning a run row (see
 * rundb.h for the lease design): the writes of a run's life in the database.
 */
#include "rundb.h"
#include "rundb_impl.h"
#include "holder.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int rundb_lease_seconds(void)
{
	const char *e = getenv("HARNESS_LEASE_SECONDS");
	long long v;
	if (e && *e && !parse_ll(e, &v) && v >= 1 && v <= 7 * 86400)
		return (int)v;
	return RUNDB_LEASE_SECONDS;
}

int rundb_row_held(const struct run_row *row)
{
	if (strcmp(row->status, "running"))
		return 0;
	struct holder h;
	if (!holder_parse(row->holder, &h)) {
		enum holder_state hs = holder_check(&h);
		if (hs != HOLDER_UNKNOWN)
			return hs == HOLDER_ALIVE;
	}
	return row->lease_until > (double)time(NULL);
}

static char *u64str(uint64_t v)
{
	return xstrfmt("%llu", (unsigned long long)v);
}

static enum claim_result claim_locked(struct rundb *db, const char *experiment, const struct cell *c,
				      const struct provenance *p, const char *h5_path, int force,
				      int retry_failed, long long *row_id);

enum claim_result rundb_claim(struct rundb *db, const char *experiment, const struct cell *c,
			      const struct provenance *p, const char *h5_path, int force,
			      int retry_failed, long long *row_id)
{
	if (db->readonly)
		BUG("claim on a read-only database");
	char *rel = rundb_rel_run_path(experiment, h5_path);
	h5_path = rel;
	enum claim_result result = claim_locked(db, experiment, c, p, h5_path, force, retry_failed, row_id);
	free(rel);
	return result;
}

static enum claim_result claim_locked(struct rundb *db, const char *experiment, const struct cell *c,
				      const struct provenance *p, const char *h5_path, int force,
				      int retry_failed, long long *row_id)
{
	if (rundb__exec(db, "BEGIN IMMEDIATE"))
		return CLAIM_ERROR;
	char *me = holder_format(holder_self());
	struct run_row row;
	int found = rundb__find(db, experiment, c, c->code_version, &row);
	if (found < 0)
		goto fail;
	char now[32];
	iso_time_now(now);
	double lease_until = (double)time(NULL) + rundb_lease_seconds();
	sqlite3_stmt *st;
	if (found) {
		*row_id = row.id;
		int done = !strcmp(row.status, "complete") || (!strcmp(row.status, "failed") && !retry_failed);
		if (done && !force) {
			rundb__exec(db, "COMMIT");
			free(me);
			return CLAIM_DONE;
		}
		if (!strcmp(row.status, "running") && strcmp(row.holder, me) && rundb_row_held(&row)) {
			rundb__exec(db, "COMMIT");
			free(me);
			return CLAIM_BUSY;
		}
		st = rundb__prepare(db, "UPDATE runs SET status = 'running', pid = ?2, host = ?3, started_at = ?4,"
				 " finished_at = NULL, wall_seconds = NULL, error = NULL, final_return = NULL,"
				 " auc = NULL, total_steps = NULL, episodes = NULL, content_hash = NULL,"
				 " h5_path = ?5, git_commit = ?6, git_dirty = ?7, holder = ?8, lease_until = ?9,"
				 " python_versions = ?10 WHERE id = ?1");
		if (!st)
			goto fail;
		sqlite3_bind_text(st, 8, me, -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(st, 9, lease_until);
		sqlite3_bind_text(st, 10, p->python_versions, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 1, row.id);
		sqlite3_bind_int64(st, 2, (long long)getpid());
		sqlite3_bind_text(st, 3, p->host, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, h5_path, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 6, p->git_commit, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 7, p->git_dirty);
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			rundb__error(db, "cannot claim a run");
			goto fail;
		}
	} else {
		st = rundb__prepare(db,
			"INSERT INTO runs (experiment, cell_id, cell_index, env_id, env_label, config_name,"
			" learner, seed, config_hash, config_json, env_seed, learner_seed, eval_seed,"
			" git_commit, git_dirty, source_hash, compiler, cflags, blas, blas_core, cpu_model,"
			" host, pid, started_at, status, h5_path, holder, lease_until, python_versions)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
			" ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, 'running', ?25, ?26, ?27, ?28)");
		if (!st)
			goto fail;
		char *s1 = u64str(c->env_seed), *s2 = u64str(c->learner_seed), *s3 = u64str(c->eval_seed);
		sqlite3_bind_text(st, 1, experiment, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, c->cell_id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 3, c->index);
		sqlite3_bind_text(st, 4, c->env->id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, c->env_label, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 6, c->config_name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 7, c->learner->name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 8, c->seed);
		sqlite3_bind_text(st, 9, c->config_hash, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 10, c->config_json, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 11, s1, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 12, s2, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 13, s3, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 14, p->git_commit, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 15, p->git_dirty);
		sqlite3_bind_text(st, 16, c->code_version, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 17, p->compiler, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 18, p->cflags, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 19, p->blas, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 20, p->blas_core, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 21, p->cpu_model, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 22, p->host, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 23, (long long)getpid());
		sqlite3_bind_text(st, 24, now, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 25, h5_path, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 26, me, -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(st, 27, lease_until);
		sqlite3_bind_text(st, 28, p->python_versions, -1, SQLITE_TRANSIENT);
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		free(s1);
		free(s2);
		free(s3);
		if (rc != SQLITE_DONE) {
			rundb__error(db, "cannot record a run");
			goto fail;
		}
		*row_id = sqlite3_last_insert_rowid(db->db);
	}
	if (rundb__exec(db, "COMMIT"))
		goto fail;
	free(me);
	return CLAIM_OK;
fail:
	rundb__exec(db, "ROLLBACK");
	free(me);
	return CLAIM_ERROR;
}

int rundb_renew(struct rundb *db)
{
	char *me = holder_format(holder_self());
	sqlite3_stmt *st = rundb__prepare(db, "UPDATE runs SET lease_until = ?2 WHERE holder = ?1 AND status = 'running'");
	if (!st) {
		free(me);
		return -1;
	}
	sqlite3_bind_text(st, 1, me, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 2, (double)time(NULL) + rundb_lease_seconds());
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : rundb__error(db, "cannot renew the leases of running cells");
	sqlite3_finalize(st);
	free(me);
	return rc;
}

int rundb_finish(struct rundb *db, long long row_id, const struct run_summary *s)
{
	char now[32];
	iso_time_now(now);
	sqlite3_stmt *st = rundb__prepare(db,
		"UPDATE runs SET status = ?2, error = ?3, finished_at = ?4, wall_seconds = ?5,"
		" final_return = ?6, auc = ?7, total_steps = ?8, episodes = ?9, content_hash = ?10,"
		" lease_until = NULL WHERE id = ?1 AND holder = ?11");
	if (!st)
		return -1;
	char *me = holder_format(holder_self());
	sqlite3_bind_int64(st, 1, row_id);
	sqlite3_bind_text(st, 2, s->status, -1, SQLITE_TRANSIENT);
	if (s->error && *s->error)
		sqlite3_bind_text(st, 3, s->error, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 5, s->wall_seconds);
	if (s->final_return == s->final_return)
		sqlite3_bind_double(st, 6, s->final_return);
	if (s->auc == s->auc)
		sqlite3_bind_double(st, 7, s->auc);
	sqlite3_bind_int64(st, 8, s->total_steps);
	sqlite3_bind_int64(st, 9, s->episodes);
	if (s->content_hash)
		sqlite3_bind_text(st, 10, s->content_hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 11, me, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : rundb__error(db, "cannot record a run's end");
	if (!rc && sqlite3_changes(db->db) == 0)
		rc = error("run %lld was taken over by another process (its lease had expired: was this one "
			   "stopped for longer than HARNESS_LEASE_SECONDS?): its result is not recorded", row_id);
	sqlite3_finalize(st);
	free(me);
	return rc;
}

int rundb_abandon(struct rundb *db, long long row_id, const char *why)
{
	struct run_summary s = { .status = "error", .error = why };
	s.final_return = s.auc = __builtin_nan("");
	return rundb_finish(db, row_id, &s);
}
