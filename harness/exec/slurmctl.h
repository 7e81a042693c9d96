/*
 * slurmctl.h - talking to Slurm and reading the backend's files: running
 * sbatch / squeue / scontrol with their output captured and a time limit,
 * the jobs still queued, and the last submission of an experiment. Slurm's
 * commands find their cluster as usual (slurm.conf, or $SLURM_CONF).
 */
#ifndef SLURMCTL_H
#define SLURMCTL_H

/* The last submission of an experiment (<root>/<NAME>/slurm/submission). */
struct slurm_submission {
	char stamp[64];
	char spec[4096];
	char array_job[64];   /* "" when only a collect job was submitted */
	char collect_job[64];
	char cells_file[4096];
	long long tasks, per_task, ncells;
	int portable;         /* submitted with --portable */
};
/* 1 read, 0 none, -1 unreadable (after error()). */
int slurm_submission_read(const char *root, const char *experiment, struct slurm_submission *s);

/* <root>/<NAME>/slurm (caller frees). */
char *slurm_dir(const char *root, const char *experiment);

/*
 * Runs a Slurm command (sbatch, squeue, scontrol) through proc_capture
 * (proc.h): stdout into *out (caller frees; out may be NULL to discard),
 * stderr passed through (discarded when quiet), killed after timeout
 * seconds. The exit status, or -1 after error() when it did not run to its
 * end (not found, timed out, killed).
 */
int slurm_run(char *const argv[], double timeout, char **out, int quiet);

/*
 * States of the jobs still in Slurm's queue: calls cb once per job or array
 * task as squeue -r lists it ("123_4" RUNNING), among this user's jobs; jobs
 * is a comma-separated list of job ids. 0, or -1 (after error()) when squeue
 * failed: then nothing can be said.
 */
typedef void (*slurm_job_cb)(void *ctx, const char *job, const char *state);
int slurm_queue(const char *jobs, slurm_job_cb cb, void *ctx);

#endif
