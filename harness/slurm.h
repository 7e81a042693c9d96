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
 *   submission                             key=value: the last submission (see below)
 *   records/<run file name>.rec            one per cell run (cellrun.h)
 *   logs/                                  the jobs' output
 * A record is deleted when its cell is submitted again, so a record present
 * is the outcome of the latest run of its cell at that code version.
 */
#ifndef SLURM_H
#define SLURM_H

/* harness run SPEC --backend slurm ...: argv as cmd_run received it. */
int slurm_submit(int argc, char **argv);

/* The last submission of an experiment (<root>/<NAME>/slurm/submission). */
struct slurm_submission {
	char stamp[64];
	char spec[4096];
	char array_job[64];   /* "" when only a collect job was submitted */
	char collect_job[64];
	char cells_file[4096];
	long long tasks, per_task, ncells;
};
/* 1 read, 0 none, -1 unreadable (after error()). */
int slurm_submission_read(const char *root, const char *experiment, struct slurm_submission *s);

/* <root>/<NAME>/slurm (caller frees). */
char *slurm_dir(const char *root, const char *experiment);

/*
 * Runs argv (execvp) with stdout captured into *out (caller frees; may be
 * NULL to discard), stderr passed through, killed after timeout seconds.
 * Returns the exit status, or -1 after error() if it could not run.
 */
int slurm_capture(char *const argv[], double timeout, char **out);
/* The same, with stderr discarded when quiet. */
int slurm_capture_q(char *const argv[], double timeout, char **out, int quiet);

/*
 * States of the jobs still in Slurm's queue: calls cb once per job or array
 * task as squeue -r lists it ("123_4" RUNNING). 0, or -1 when squeue failed.
 */
typedef void (*slurm_job_cb)(void *ctx, const char *job, const char *state);
int slurm_queue(const char *jobs, slurm_job_cb cb, void *ctx);

#endif
