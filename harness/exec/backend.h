/*
 * backend.h - where the cells of a plan run: the interface every execution
 * backend implements (pipeline.h drives it), and the table of backends.
 *
 * A backend is one file defining one `const struct backend` and one line in
 * the table of pipeline.c (backend_find):
 *   backend_local.c   a pool of forked workers on this machine (at most -j at
 *                     once); records each cell in the database as it ends
 *   backend_slurm.c   one Slurm job array plus a dependent collect job; the
 *                     tasks leave record files (cellrun.h) that `harness
 *                     collect` (slurm_collect.c) records later
 *
 * Contract of execute: it runs (or submits) exactly the cells of p->todo
 * (p->ntodo of them, in matrix order), each as cell_run_to_file() does, and
 * sees that each one's outcome (outcome.h) reaches the database through
 * pipeline_claim()/pipeline_record(): at once (records_dir NULL) or later,
 * from the record files under records_dir, by a recorder step. It returns
 * the command's exit status: 0 all complete (or submitted), 1 some cell
 * failed, 2 error, 130 interrupted. It never re-decides which cells to skip:
 * the plan (pipeline_plan) is the one skip policy.
 */
#ifndef BACKEND_H
#define BACKEND_H

struct pipeline;

struct backend {
	const char *name;
	/*
	 * NULL for a backend that records outcomes as its cells end (then the
	 * pipeline opens the store for writing). Otherwise the directory of the
	 * record files a later recorder step reads (caller frees): the pipeline
	 * then only reads the database, and plans from those records too.
	 */
	char *(*records_dir)(const char *root, const char *experiment);
	/* Optional: checks before anything is planned or written; -1 after error(). */
	int (*prepare)(struct pipeline *p);
	int (*execute)(struct pipeline *p);
};

extern const struct backend backend_local;
extern const struct backend backend_slurm;

/* The backend named name, or NULL. */
const struct backend *backend_find(const char *name);

#endif
