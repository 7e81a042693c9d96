/*
 * pipeline.h - running an experiment as a library: spec -> plan -> backend
 * -> record. `harness run` (both backends), `regress` and `bench` call
 * pipeline_run(); `harness collect` is the recorder of the Slurm backend.
 *
 *   plan     pipeline_plan(): the cells --only selects, less those already
 *            done. The one skip policy, for every backend: a cell is done
 *            when its newest run at its code version is complete and its run
 *            file still hashes to the recorded results hash (a complete cell
 *            whose file is missing, corrupt or crashes libhdf5 - checked in a
 *            child process - is run again, with one line saying so), or
 *            failed and --retry-failed is not given; --force runs every
 *            selected cell. For a backend that records later, a record file
 *            not yet collected counts as the cell's newest run.
 *   execute  p->backend->execute(p) (backend.h)
 *   record   pipeline_claim() before a cell runs (a cell another process
 *            finished meanwhile is skipped, one it is running waited for),
 *            pipeline_record() of its outcome after: the only way an
 *            outcome reaches the database (rundb_finish).
 *   figures  drawn at the end unless --no-plot, by a backend that records
 *            at once (the Slurm collect job draws its own).
 */
#ifndef PIPELINE_H
#define PIPELINE_H

#include "backend.h"
#include "outcome.h"
#include "plan.h"
#include "provenance.h"
#include "rundb.h"
#include "spec.h"

struct store;
struct slurm_opts;

struct pipeline_opts {
	const char *results;      /* --results; NULL: $HARNESS_RESULTS or ./results */
	char *const *only;        /* --only patterns (nonly) */
	int nonly;
	int force, retry_failed, quiet, no_plot;
	int jobs;                 /* local: cells at once (>= 1) */
	const struct slurm_opts *slurm; /* slurm: sbatch options (slurm.h) */
};

struct pipeline {
	const struct spec *spec;
	const struct pipeline_opts *opts;
	const struct backend *backend;
	const char *root;
	struct provenance prov;
	struct store *store;      /* NULL: read-only backend and no database yet */
	struct rundb *db;         /* store_rundb(store), or NULL */
	/* the plan */
	unsigned char *selected;  /* (ncells) selected by --only */
	unsigned char *redo;      /* (ncells) complete but its run file unusable: claimed with force */
	int *todo;                /* (ntodo) matrix indices of the cells to run, ascending */
	int ntodo;
	int nskipped, nredo;      /* done; run again because their file is unusable */
	int nuncollected;         /* done by a record the database does not hold yet */
	struct plan_eta eta;      /* steps budgeted by the cells to run */
};

/* Runs spec's cells on backend b; the exit status (backend.h). */
int pipeline_run(const struct spec *spec, const struct pipeline_opts *o, const struct backend *b);

/*
 * The spec at spec_path run on the local backend into results with jobs
 * workers, no figures (what regress and bench run in process): the exit
 * status, 2 when the spec does not load.
 */
int pipeline_run_local(const char *spec_path, const char *results, int jobs, int quiet);

/*
 * The plan (above) for p->spec into p->todo, p->redo and the counts, from
 * p->db (may be NULL: nothing recorded) and, when records is not NULL, the
 * record files in that directory. 0, or -1 after error().
 */
int pipeline_plan(struct pipeline *p, const char *records);
void pipeline_release(struct pipeline *p);

/* Claims cell ci for this process (rundb_claim with the plan's force). */
enum claim_result pipeline_claim(struct pipeline *p, int ci, const char *h5_path, long long *row_id);
/* Records an outcome in the row claimed (rundb_finish); -1 after error(). */
int pipeline_record(struct rundb *db, long long row_id, const struct cell_outcome *o);

/* Draws the figures of spec from store (the selection report unless quiet): 0, or -1. */
int pipeline_figures(struct store *store, const struct spec *spec, const struct provenance *prov, int quiet);

#endif
