/*
 * store.h - the results store: the one owner of a results root and of every
 * read of what it holds.
 *
 *   <root>/harness.db                      SQLite: experiments, runs, random_scores
 *   <root>/<NAME>/runs/<cell>-<hash>.h5     one HDF5 file per run
 *
 * Only the store's files (store*.c and its private parts rundb.c, h5store.c,
 * results.c) include <sqlite3.h> or <hdf5.h>; `make lint` checks it. The
 * writers of runs (run, collect) claim and finish rows through rundb.h, which
 * store_rundb() hands out; everything that reads goes through this header.
 *
 * Invariants:
 * - Paths of run files are stored relative to the root ("<NAME>/runs/<file>")
 *   and resolved against the root the store was opened with, so a results
 *   directory can be moved, copied or archived, and every command works from
 *   any working directory. Spec paths are stored absolute.
 * - A store opened STORE_READ never writes: the database is opened read-only
 *   (immutable where its directory is not writable), never migrated; a schema
 *   newer than this harness is refused with a message saying so. The
 *   random-score cache is then computed but not stored.
 * - A run record owns its strings; none is truncated.
 * - Which runs an experiment shows is answered in one place,
 *   store_select_spec(): exactly the cells of the current spec (matched by
 *   config hash), each at one code version (see there).
 */
#ifndef STORE_H
#define STORE_H

#include <stdio.h>
#include "provenance.h"
#include "spec.h"

struct store;
struct rundb;

enum store_mode { STORE_READ, STORE_WRITE };

/*
 * root: --results DIR, or NULL for $HARNESS_RESULTS or ./results.
 * STORE_READ needs an existing database; STORE_WRITE creates root and the
 * database and migrates an older schema. 0, or -1 after error().
 */
int store_open(struct store **s, const char *root, enum store_mode mode);
void store_close(struct store *s);
const char *store_root(const struct store *s);
int store_readonly(const struct store *s);
struct rundb *store_rundb(struct store *s);

/* The root of a results option (NULL: $HARNESS_RESULTS or ./results). */
const char *store_root_of(const char *option);

/*
 * A cell's current code version: the source hash deciding whether it re-runs
 * and which of its runs are shown. Today the binary's (provenance).
 */
const char *store_cell_code_version(const struct cell *c, const struct provenance *p);

enum run_status { RUN_RUNNING, RUN_COMPLETE, RUN_FAILED, RUN_ERROR };
const char *run_status_name(enum run_status s);

/* One row of runs; every string owned (never NULL: "" when unset). */
struct run_rec {
	long long id, cell_index, seed, git_dirty, pid, total_steps, episodes;
	enum run_status status;
	double final_return, auc, wall_seconds; /* NAN when unset */
	char *experiment, *cell_id, *env_id, *env_label, *config_name, *learner, *config_hash,
	     *config_json, *env_seed, *learner_seed, *eval_seed, *git_commit, *source_hash, *compiler,
	     *cflags, *blas, *blas_core, *cpu_model, *host, *started_at, *finished_at, *error,
	     *h5_stored, *content_hash, *python_versions;
	char *h5_path; /* h5_stored resolved under the root */
};
void run_rec_release(struct run_rec *r);
/* "HDF5 1.10.8; SQLite 3.40.1": the versions of the libraries the store links (for code versions). */
void store_lib_versions(char *out, size_t n);
/* 1 when r is running and its holder is alive or its lease unexpired (rundb.h's lease rule). */
int store_run_held(struct store *s, const struct run_rec *r);

/* Run-record fields by column name, for `show` and `export` (NULL: no such column). */
struct run_field {
	const char *name;
	int kind; /* 0 string, 1 integer, 2 real, 3 status */
	size_t offset;
	int since; /* the schema version that added the column (older databases read it as "") */
};
extern const struct run_field run_fields[];
extern const int n_run_fields;
/* The field's value as text ("" for unset reals; shortest round-trip form for reals). */
void run_field_text(const struct run_rec *r, const struct run_field *f, struct strbuf *out);

struct run_list {
	struct run_rec *v;
	int n;
};
void run_list_release(struct run_list *l);

/* The query: rows matching every given (non-NULL) field, newest first. */
struct run_filter {
	const char *experiment, *cell_id, *config_hash, *source_hash;
	const char *commit; /* a prefix of git_commit */
	int clean;          /* with commit: only runs of a clean tree (git_dirty = 0) */
	unsigned statuses;  /* bitmask of 1 << enum run_status; 0: any */
};
#define RUN_DONE_MASK ((1u << RUN_COMPLETE) | (1u << RUN_FAILED))

enum store_select_mode {
	SELECT_ALL,             /* every row, in id order (verify, prune, status) */
	SELECT_NEWEST,          /* only the newest row (limit 1) */
	SELECT_NEWEST_PER_CELL  /* the newest row of each cell_id, in cell order (list) */
};
int store_query(struct store *s, const struct run_filter *f, enum store_select_mode mode,
		struct run_list *out);
/* The newest matching row: 1 found (*out filled), 0 none, -1 error. */
int store_newest(struct store *s, const struct run_filter *f, struct run_rec *out);
/* Run `id`: 1 found, 0 none, -1 error. */
int store_get_run(struct store *s, long long id, struct run_rec *out);

/* Experiments. */
struct exp_rec {
	char *name, *description, *spec_path, *spec_sha256, *created_at, *updated_at;
	long long cells;
	long long n[4]; /* runs by enum run_status */
};
void exp_rec_release(struct exp_rec *e);
/* 1 found, 0 none (no error printed), -1 error. */
int store_experiment(struct store *s, const char *name, struct exp_rec *out);
/* Every experiment, by name; *n of them (caller releases each and frees). */
int store_experiments(struct store *s, struct exp_rec **out, int *n);
/* store_experiment, and an error naming the experiment when there is none (a typo). */
int store_experiment_known(struct store *s, const char *name, struct exp_rec *out);
/*
 * Records the spec as its experiment's (its absolute path) and archives a
 * copy of it as <root>/<NAME>/<NAME>.cfg. Refuses (one line) a spec file
 * whose experiment name was recorded from another spec file that still exists.
 */
int store_put_experiment(struct store *s, const struct spec *spec);
/*
 * The current spec of an experiment: spec_opt if given, else the file the
 * database recorded for it, else (moved, or results copied to another
 * machine) the copy archived with the results, saying so. -1 after error().
 */
int store_load_spec(struct store *s, const char *name, const char *spec_opt, int portable,
		    struct spec *out);

/* Cached random-policy scores (normalize.h): 1 found, 0 not, -1 error; put is a no-op read-only. */
struct random_key {
	const char *env_id, *env_options, *source_hash;
	int episodes, max_steps;
	long long seed;
};
int store_random_get(struct store *s, const struct random_key *k, double *mean);
int store_random_put(struct store *s, const struct random_key *k, double mean);

/*
 * Series of a run file, by name: one row each of h5store.c's size table
 * (episodes/return, eval/step, eval/returns, ...). Read as doubles, (rows,
 * cols) with cols 1 for 1-D; the file's schema_version is checked (a newer one
 * is refused, saying so). -1 after error().
 */
int store_read_series(const char *path, const char *name, double **data, long long dims[2]);
/* The results hash of a run file (isolated: in a child process, for files of others). */
int store_hash_file(const char *path, int isolated, char out[65]);

/*
 * The selection rule, in one place. For each cell of the spec: its runs with
 * the cell's id and config hash, at one code version -- the cell's current
 * one (store_cell_code_version), or with `commit` the runs of that git commit
 * (a prefix) -- newest first. A cell with no such run but a complete or
 * failed one at another code version is CELL_OTHER_VERSION; only with
 * other_versions is that run used (labelled other_version). Runs of the
 * experiment that match no cell of the spec (removed configurations, changed
 * hyperparameters, fewer seeds, renamed algorithms) are never selected.
 */
enum cell_state { CELL_COMPLETE, CELL_FAILED, CELL_ERROR, CELL_RUNNING, CELL_NOT_RUN, CELL_OTHER_VERSION };
struct cell_pick {
	enum cell_state state;
	int other_version; /* rec is at another code version (other_versions) */
	int has_rec;
	struct run_rec rec;
};
struct select_opts {
	const char *commit;
	int other_versions;
	const struct provenance *prov;
};
struct selection {
	const struct spec *spec;
	struct cell_pick *cells; /* (spec->ncells) */
	int n[6];                /* cells by enum cell_state */
	int n_other_used;        /* cells shown from another code version */
	int stale_rows;          /* rows of the experiment matching no cell of the spec */
};
int store_select_spec(struct store *s, const struct spec *spec, const struct select_opts *o,
		      struct selection *sel);
void selection_release(struct selection *sel);
/* 1 if the cell's run is drawn: complete or failed (a failed run counts with its score at failure). */
int cell_pick_drawn(const struct cell_pick *p);
/*
 * The summary line of a group of cells, e.g. "3 of 10 seeds complete; 2 failed:
 * diverged at step 140; 5 not run" (first..first+n-1 of the spec).
 */
void selection_describe(const struct selection *sel, int first, int n, struct strbuf *out);
/* Says on f what is not complete: one line per (environment, configuration) that is not. */
void selection_report(const struct selection *sel, FILE *f);

/*
 * Rows of the experiment that are of no cell of spec (*stale), and rows of its
 * cells at another code version than the cell's current one (*other_versions;
 * counted only with prov).
 */
int store_count_outside(struct store *s, const struct spec *spec, const struct provenance *prov,
			long long *other_versions, long long *stale);
/*
 * Files under <root>/<NAME>/runs/ that no row of the database names
 * (temporary files aside): cb(path) for each; returns how many.
 */
int store_unknown_files(struct store *s, const char *experiment, void (*cb)(void *, const char *), void *ctx);
/*
 * Removes the rows of an experiment that match no cell of spec at any code
 * version (and their run files), in one transaction; with dry_run only prints
 * them. Prints one line per row. Returns rows removed (or to remove), -1 on error.
 */
int store_prune(struct store *s, const struct spec *spec, int dry_run);
/* Removes rows by id in one transaction (prune's database half). */
int store_delete_runs(struct store *s, const long long *ids, int n);

#endif
