/*
 * store.c - see store.h: opening a results root, run records and the one
 * query over runs, experiments, the random-score cache. The selection rule is
 * in store_select.c, run files in h5store.c.
 */
#include "store.h"

#include <errno.h>
#include <math.h>
#include <hdf5.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "rundb_impl.h"
#include "results.h"
#include "rundb.h"

struct store {
	char *root;
	struct rundb *db;
	sqlite3 *h;
	int readonly;
};

const char *store_root_of(const char *option)
{
	return results_root(option);
}

int store_open(struct store **out, const char *root_opt, enum store_mode mode)
{
	const char *root = results_root(root_opt);
	char *path = results_db_path(root);
	struct store *s = xcalloc(1, sizeof(*s));
	s->root = xstrdup(root);
	s->readonly = mode == STORE_READ;
	int rc = -1;
	if (s->readonly && access(path, F_OK))
		error("no database at '%s' (run an experiment first, or give --results DIR)", path);
	else if (!s->readonly && mkdir_p(root, 0755))
		;
	else if (!rundb_open_mode(&s->db, path, s->readonly))
		rc = 0;
	free(path);
	if (rc) {
		store_close(s);
		return -1;
	}
	s->h = rundb_handle(s->db);
	*out = s;
	return 0;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	rundb_close(s->db);
	free(s->root);
	free(s);
}

const char *store_root(const struct store *s)
{
	return s->root;
}

int store_readonly(const struct store *s)
{
	return s->readonly;
}

struct rundb *store_rundb(struct store *s)
{
	return s->db; /* read-only: rundb_find only (rundb_claim refuses) */
}

const char *store_cell_code_version(const struct cell *c, const struct provenance *p)
{
	return c->code_version[0] ? c->code_version : p->source_hash;
}

static const char *const status_names[] = { "running", "complete", "failed", "error" };

const char *run_status_name(enum run_status s)
{
	return (unsigned)s < ARRAY_SIZE(status_names) ? status_names[s] : "unknown";
}

static int db_fail(struct store *s, const char *what)
{
	return error("database '%s/harness.db': %s: %s", s->root, what, sqlite3_errmsg(s->h));
}

static sqlite3_stmt *prepare(struct store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->h, sql, -1, &st, NULL) != SQLITE_OK) {
		db_fail(s, "cannot query");
		return NULL;
	}
	return st;
}

static char *text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return xstrdup(t ? (const char *)t : "");
}

static double real(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

/* --- run records --- */

#define F(name, kind) { #name, kind, offsetof(struct run_rec, name), 1 }
const struct run_field run_fields[] = {
	F(id, 1), F(experiment, 0), F(cell_id, 0), F(cell_index, 1), F(env_id, 0), F(env_label, 0),
	F(config_name, 0), F(learner, 0), F(seed, 1), F(config_hash, 0), F(config_json, 0),
	F(env_seed, 0), F(learner_seed, 0), F(eval_seed, 0), F(git_commit, 0), F(git_dirty, 1),
	F(source_hash, 0), F(compiler, 0), F(cflags, 0), F(blas, 0), F(blas_core, 0), F(cpu_model, 0),
	F(host, 0), F(pid, 1), F(started_at, 0), F(finished_at, 0), F(wall_seconds, 2), F(status, 3),
	F(error, 0), F(final_return, 2), F(auc, 2), F(total_steps, 1), F(episodes, 1),
	{ "h5_path", 0, offsetof(struct run_rec, h5_stored), 1 }, F(content_hash, 0),
	{ "python_versions", 0, offsetof(struct run_rec, python_versions), 5 },
};
#undef F
const int n_run_fields = (int)ARRAY_SIZE(run_fields);

void run_field_text(const struct run_rec *r, const struct run_field *f, struct strbuf *out)
{
	const char *base = (const char *)r;
	switch (f->kind) {
	case 0:
		strbuf_addstr(out, *(char *const *)(base + f->offset));
		break;
	case 1:
		strbuf_addf(out, "%lld", *(const long long *)(base + f->offset));
		break;
	case 2: {
		double v = *(const double *)(base + f->offset);
		if (!isnan(v))
			strbuf_add_double(out, v);
		break;
	}
	default:
		strbuf_addstr(out, run_status_name(*(const enum run_status *)(base + f->offset)));
	}
}

/* The columns read into a run_rec, in run_fields order ('' for those newer than the database). */
static void select_columns(struct store *s, struct strbuf *sb)
{
	int version = rundb_schema_version(s->db);
	strbuf_addstr(sb, "SELECT ");
	for (int i = 0; i < n_run_fields; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", version >= run_fields[i].since ? run_fields[i].name : "''");
	strbuf_addstr(sb, " FROM runs r");
}

static void rec_from_row(struct store *s, sqlite3_stmt *st, struct run_rec *r)
{
	memset(r, 0, sizeof(*r));
	char *base = (char *)r;
	for (int i = 0; i < n_run_fields; i++) {
		const struct run_field *f = &run_fields[i];
		if (f->kind == 0) {
			*(char **)(base + f->offset) = text(st, i);
		} else if (f->kind == 1) {
			*(long long *)(base + f->offset) = sqlite3_column_int64(st, i);
		} else if (f->kind == 2) {
			*(double *)(base + f->offset) = real(st, i);
		} else {
			const char *t = (const char *)sqlite3_column_text(st, i);
			enum run_status v = RUN_ERROR;
			for (size_t k = 0; t && k < ARRAY_SIZE(status_names); k++)
				if (!strcmp(t, status_names[k]))
					v = (enum run_status)k;
			*(enum run_status *)(base + f->offset) = v;
		}
	}
	r->h5_path = r->h5_stored[0] ? rundb_resolve(s->db, r->experiment, r->h5_stored) : xstrdup("");
}

void store_lib_versions(char *out, size_t n)
{
	unsigned maj, min, rel;
	H5get_libversion(&maj, &min, &rel);
	snprintf(out, n, "HDF5 %u.%u.%u; SQLite %s", maj, min, rel, sqlite3_libversion());
}

int store_run_held(struct store *s, const struct run_rec *r)
{
	if (r->status != RUN_RUNNING)
		return 0;
	if (rundb_schema_version(s->db) < 4)
		return 1; /* no lease recorded: counted as held, as before leases */
	struct run_row row;
	memset(&row, 0, sizeof(row));
	snprintf(row.status, sizeof(row.status), "running");
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->h, "SELECT holder, lease_until FROM runs WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
		return 1;
	sqlite3_bind_int64(st, 1, r->id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *h = (const char *)sqlite3_column_text(st, 0);
		snprintf(row.holder, sizeof(row.holder), "%s", h ? h : "");
		row.lease_until = sqlite3_column_type(st, 1) == SQLITE_NULL ? 0 : sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
	return rundb_row_held(&row);
}

void run_rec_release(struct run_rec *r)
{
	char *base = (char *)r;
	for (int i = 0; i < n_run_fields; i++)
		if (run_fields[i].kind == 0)
			free(*(char **)(base + run_fields[i].offset));
	free(r->h5_path);
	memset(r, 0, sizeof(*r));
}

void run_list_release(struct run_list *l)
{
	for (int i = 0; i < l->n; i++)
		run_rec_release(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void bind_opt(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

int store_query(struct store *s, const struct run_filter *f, enum store_select_mode mode, struct run_list *out)
{
	memset(out, 0, sizeof(*out));
	struct strbuf sql = {0};
	select_columns(s, &sql);
	const char *where =
		" WHERE (?1 IS NULL OR experiment = ?1) AND (?2 IS NULL OR cell_id = ?2)"
		" AND (?3 IS NULL OR config_hash = ?3) AND (?4 IS NULL OR source_hash = ?4)"
		" AND (?5 IS NULL OR substr(git_commit, 1, length(?5)) = ?5) AND (?6 = 0 OR git_dirty = 0)"
		" AND (?7 = 0 OR ((1 << (CASE status WHEN 'running' THEN 0 WHEN 'complete' THEN 1"
		" WHEN 'failed' THEN 2 ELSE 3 END)) & ?7) <> 0)";
	strbuf_addstr(&sql, where);
	if (mode == SELECT_NEWEST_PER_CELL)
		strbuf_addstr(&sql, " AND id = (SELECT id FROM runs r2 WHERE r2.experiment = r.experiment"
				    " AND r2.cell_id = r.cell_id ORDER BY r2.started_at DESC, r2.id DESC LIMIT 1)"
				    " ORDER BY cell_index, id");
	else if (mode == SELECT_NEWEST)
		strbuf_addstr(&sql, " ORDER BY finished_at DESC, id DESC LIMIT 1");
	else
		strbuf_addstr(&sql, " ORDER BY id");
	sqlite3_stmt *st = prepare(s, sql.buf);
	strbuf_release(&sql);
	if (!st)
		return -1;
	bind_opt(st, 1, f->experiment);
	bind_opt(st, 2, f->cell_id);
	bind_opt(st, 3, f->config_hash);
	bind_opt(st, 4, f->source_hash);
	bind_opt(st, 5, f->commit);
	sqlite3_bind_int(st, 6, f->commit && f->clean);
	sqlite3_bind_int(st, 7, (int)f->statuses);
	int step, alloc = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == alloc) {
			alloc = alloc ? 2 * alloc : 8;
			out->v = xrealloc(out->v, (size_t)alloc * sizeof(*out->v));
		}
		rec_from_row(s, st, &out->v[out->n++]);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		run_list_release(out);
		return db_fail(s, "cannot read runs");
	}
	return 0;
}

int store_newest(struct store *s, const struct run_filter *f, struct run_rec *out)
{
	struct run_list l;
	if (store_query(s, f, SELECT_NEWEST, &l))
		return -1;
	if (!l.n) {
		free(l.v);
		return 0;
	}
	*out = l.v[0];
	free(l.v);
	return 1;
}

int store_get_run(struct store *s, long long id, struct run_rec *out)
{
	struct strbuf sql = {0};
	select_columns(s, &sql);
	strbuf_addstr(&sql, " WHERE id = ?1");
	sqlite3_stmt *st = prepare(s, sql.buf);
	strbuf_release(&sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int step = sqlite3_step(st), rc = 0;
	if (step == SQLITE_ROW) {
		rec_from_row(s, st, out);
		rc = 1;
	} else if (step != SQLITE_DONE) {
		rc = db_fail(s, "cannot read runs");
	}
	sqlite3_finalize(st);
	return rc;
}

/* --- experiments --- */

void exp_rec_release(struct exp_rec *e)
{
	free(e->name);
	free(e->description);
	free(e->spec_path);
	free(e->spec_sha256);
	free(e->created_at);
	free(e->updated_at);
	memset(e, 0, sizeof(*e));
}

static const char exp_sql[] =
	"SELECT e.name, e.description, e.spec_path, e.spec_sha256, e.created_at, e.updated_at, e.cells,"
	" (SELECT count(*) FROM runs r WHERE r.experiment = e.name AND r.status = 'running'),"
	" (SELECT count(*) FROM runs r WHERE r.experiment = e.name AND r.status = 'complete'),"
	" (SELECT count(*) FROM runs r WHERE r.experiment = e.name AND r.status = 'failed'),"
	" (SELECT count(*) FROM runs r WHERE r.experiment = e.name AND r.status = 'error')"
	" FROM experiments e WHERE ?1 IS NULL OR e.name = ?1 ORDER BY e.name";

static void exp_from_row(sqlite3_stmt *st, struct exp_rec *e)
{
	e->name = text(st, 0);
	e->description = text(st, 1);
	e->spec_path = text(st, 2);
	e->spec_sha256 = text(st, 3);
	e->created_at = text(st, 4);
	e->updated_at = text(st, 5);
	e->cells = sqlite3_column_int64(st, 6);
	for (int k = 0; k < 4; k++)
		e->n[k] = sqlite3_column_int64(st, 7 + k);
}

int store_experiments(struct store *s, struct exp_rec **out, int *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = prepare(s, exp_sql);
	if (!st)
		return -1;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xrealloc(*out, (size_t)(*n + 1) * sizeof(**out));
		exp_from_row(st, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : db_fail(s, "cannot read experiments");
}

int store_experiment(struct store *s, const char *name, struct exp_rec *out)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *st = prepare(s, exp_sql);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	int step = sqlite3_step(st), rc = 0;
	if (step == SQLITE_ROW) {
		exp_from_row(st, out);
		rc = 1;
	} else if (step != SQLITE_DONE) {
		rc = db_fail(s, "cannot read experiments");
	}
	sqlite3_finalize(st);
	return rc;
}

int store_experiment_known(struct store *s, const char *name, struct exp_rec *out)
{
	int found = store_experiment(s, name, out);
	if (found == 0)
		return error("unknown experiment '%s' in '%s' (see 'harness list --results %s')", name, s->root,
			     s->root);
	return found < 0 ? -1 : 0;
}

int store_put_experiment(struct store *s, const struct spec *spec)
{
	char *abs = realpath(spec->path, NULL);
	if (!abs)
		return error("cannot resolve the path of '%s': %s", spec->path, strerror(errno));
	struct exp_rec e;
	int found = store_experiment(s, spec->name, &e), rc = -1;
	struct stat st_old, st_new;
	if (found < 0)
		goto out;
	/* another file, still there (a spec that moved is the same experiment) */
	if (found && e.spec_path[0] == '/' && strcmp(e.spec_path, abs) && !stat(e.spec_path, &st_old) &&
	    !stat(abs, &st_new) && (st_old.st_dev != st_new.st_dev || st_old.st_ino != st_new.st_ino)) {
		error("experiment '%s' in '%s' was recorded from the spec file '%s', not '%s': rename this "
		      "spec (its name is the experiment's), or use another --results DIR", spec->name, s->root,
		      e.spec_path, abs);
		goto out;
	}
	struct spec copy = *spec;
	copy.path = abs;
	rc = rundb_put_experiment(s->db, &copy);
	/* the spec as run, archived with its results: readers of a copied directory use it */
	size_t len;
	char *text = rc ? NULL : read_file(abs, &len);
	char *arch = xstrfmt("%s/%s/%s.cfg", s->root, spec->name, spec->name);
	char *dir = xstrfmt("%s/%s", s->root, spec->name);
	if (!rc && (!text || mkdir_p(dir, 0755) || write_file_atomic(arch, text, len)))
		rc = -1;
	free(text);
	free(arch);
	free(dir);
out:
	if (found > 0)
		exp_rec_release(&e);
	free(abs);
	return rc;
}

int store_load_spec(struct store *s, const char *name, const char *spec_opt, int portable, struct spec *out)
{
	struct exp_rec e;
	if (store_experiment_known(s, name, &e))
		return -1;
	char *path = xstrdup(spec_opt ? spec_opt : e.spec_path);
	int rc = 0;
	if (!spec_opt && access(path, R_OK)) {
		/* moved, or results copied elsewhere: the copy archived with the results */
		char *arch = xstrfmt("%s/%s/%s.cfg", s->root, name, name);
		if (!access(arch, R_OK)) {
			warning("experiment '%s': its spec file '%s' cannot be read here: using the copy archived "
				"with its results, '%s'", name, path, arch);
			free(path);
			path = arch;
		} else {
			free(arch);
		}
	}
	if (!spec_opt && access(path, R_OK)) {
		rc = error("experiment '%s': its spec file '%s' cannot be read (%s): give --spec FILE", name,
			   path, strerror(errno));
	} else if (spec_load_opts(out, path, portable)) {
		rc = -1;
	} else if (strcmp(out->name, name)) {
		rc = error("spec '%s' is experiment '%s', not '%s'", path, out->name, name);
		spec_release(out);
	}
	free(path);
	exp_rec_release(&e);
	return rc;
}

/* --- random-score cache --- */

static void bind_key(sqlite3_stmt *st, const struct random_key *k)
{
	sqlite3_bind_text(st, 1, k->env_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, k->env_options, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, k->episodes);
	sqlite3_bind_int64(st, 4, k->seed);
	sqlite3_bind_int(st, 5, k->max_steps);
	sqlite3_bind_text(st, 6, k->source_hash, -1, SQLITE_TRANSIENT);
}

int store_random_get(struct store *s, const struct random_key *k, double *mean)
{
	sqlite3_stmt *st = prepare(s, "SELECT mean_return FROM random_scores WHERE env_id = ?1 AND env_options = ?2"
				      " AND episodes = ?3 AND seed = ?4 AND max_steps = ?5 AND source_hash = ?6");
	if (!st)
		return -1;
	bind_key(st, k);
	int rc = sqlite3_step(st), found = rc == SQLITE_ROW;
	if (found)
		*mean = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	if (!found && rc != SQLITE_DONE)
		return db_fail(s, "cannot read random scores");
	return found;
}

int store_random_put(struct store *s, const struct random_key *k, double mean)
{
	if (s->readonly)
		return 0;
	char now[32];
	iso_time_now(now);
	sqlite3_stmt *st = prepare(s, "INSERT OR REPLACE INTO random_scores (env_id, env_options, episodes, seed,"
				      " max_steps, source_hash, mean_return, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	if (!st)
		return -1;
	bind_key(st, k);
	sqlite3_bind_double(st, 7, mean);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(s, "cannot record a random score");
	sqlite3_finalize(st);
	return rc;
}

/* --- removing rows (prune) --- */

int store_delete_runs(struct store *s, const long long *ids, int n)
{
	if (s->readonly)
		BUG("delete on a read-only store");
	if (sqlite3_exec(s->h, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, "cannot begin");
	sqlite3_stmt *st = prepare(s, "DELETE FROM runs WHERE id = ?1");
	int rc = st ? 0 : -1;
	for (int i = 0; !rc && i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, ids[i]);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_fail(s, "cannot remove runs");
	}
	sqlite3_finalize(st);
	if (rc || sqlite3_exec(s->h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_exec(s->h, "ROLLBACK", NULL, NULL, NULL);
		return rc ? rc : db_fail(s, "cannot commit");
	}
	return 0;
}
