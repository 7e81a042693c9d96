/*
 * slurm.h - the Slurm backend: `harness run SPEC --backend slurm` submits the
 * cells still to run as one job array plus a dependent collect job.
 *
 * Only the collect step writes SQLite (unsafe with concurrent writers on a
 * network filesystem). An array task runs cells with `harness run-cell`
 * (cellrun.h), each writing its own HDF5 file and a record file under
 * <root>/<NAME>/slurm/records/; `harness collect` turns records into run
 * rows (claim + finish, as a local run does) and draws the figures.
 *
 * Files under <root>/<NAME>/slurm/ (every path in them absolute):
 *   array-<stamp>.sh, collect-<stamp>.sh   the batch scripts submitted
 *   cells-<stamp>.txt                      the matrix indices to run, one a line;
 *                                          array task t runs lines t*per .. t*per+per-1
 *   submission                             key=value: the last submission (slurmctl.h)
 *   records/<run file name>.rec            one per cell run (cellrun.h)
 *   logs/                                  the jobs' output
 *   bin/harness-<sha256 of its bytes>      the binary the jobs run: a copy of the
 *                                          submitting one, so rebuilding bin/harness
 *                                          while jobs are queued changes nothing
 * A record is deleted when its cell is submitted again, so a record present
 * is the outcome of the latest run of its cell at that code version.
 */
#ifndef SLURM_H
#define SLURM_H

#include "slurmctl.h"
#include "spec.h"

/* The options of `harness run SPEC --backend slurm` (the backend's, backend_slurm.c). */
struct slurm_opts {
	const char *spec_path, *results, *partition, *time, *cpus;
	long long array_limit;
	int dry_run, force, retry_failed, no_plot, portable;
	char **only;  /* --only patterns (nonly of them; argv strings) */
	int nonly;
};

/* Records the record files of spec's cells (slurm_collect.c, `harness collect`); the exit status. */
int slurm_collect(const struct spec *spec, const char *root, const char *cells, long long per, const char *job,
		  int no_plot);
/* The record file of cell c at source_hash; its run file's path in *h5_path if not NULL (caller frees). */
char *slurm_record_path(const char *root, const struct spec *s, const struct cell *c, const char *source_hash,
			char **h5_path);
/* Reads a submission's cells file: pos[cell] = its line (0-based); other entries untouched. */
int slurm_read_cells(const char *path, const struct spec *s, long long *pos);

/*
 * One array task's cell (`harness run-cell`, slurm_task.c): cell index of the
 * spec run to its file and its record; never the database. sha: the spec's
 * SHA-256 at submission (NULL: unchecked); tag: JOB_TASK (NULL: none). The
 * exit status: 0 complete, 1 failed, 2 error.
 */
int slurm_run_cell(const char *spec_path, long long index, const char *results_opt, const char *sha,
		   const char *tag, int portable);
/* `harness status NAME` (slurm_status.c); the exit status. */
int slurm_status(const char *name, const char *results_opt, const char *spec_opt, int per_cell);

/* harness run SPEC --backend slurm ...: argv as cmd_run received it. */
int slurm_submit(int argc, char **argv);

#endif
