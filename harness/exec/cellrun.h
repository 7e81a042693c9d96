/*
 * cellrun.h - runs one cell to its stored result, the part shared by the local
 * scheduler's child process (run.c) and a Slurm array task (`harness
 * run-cell`, slurm.c): runner_run, then h5_write_run (temporary name, fsync,
 * rename), then h5_content_hash of the file in place. Also the per-cell record
 * file a Slurm task leaves for the collect step, which alone writes SQLite.
 *
 * The outcome (outcome.h) is a value, never an error return, so every caller
 * records every cell.
 *
 * Record file (key=value lines, UTF-8, one value per line, every value
 * escaped by outcome_escape), written with write_file_atomic:
 *   format=harness-cell-record-v1
 *   experiment, cell_index, cell_id, config_hash, h5_path, the provenance of
 *   the process that ran it (source_hash, git_commit, git_dirty, compiler,
 *   cflags, blas, blas_core, cpu_model, host, python_versions), started_at, finished_at,
 *   slurm_job, then the outcome as outcome_encode writes it (status,
 *   content_hash, final_return, auc, wall_seconds, total_steps, episodes,
 *   error). The reader takes the keys in any order and ignores unknown ones.
 */
#ifndef CELLRUN_H
#define CELLRUN_H

#include "outcome.h"
#include "provenance.h"
#include "runner.h"
#include "spec.h"

/*
 * Runs c and stores it at path (through tmp). BLAS single-threaded. Error
 * messages reported meanwhile are captured into o->error instead of lost.
 */
void cell_run_to_file(const char *experiment, const struct cell *c, const struct provenance *p,
		      const char *path, const char *tmp, progress_fn progress, void *ctx,
		      struct cell_outcome *o);

struct cell_record {
	char experiment[256];
	long long cell_index;
	char cell_id[1024];
	char config_hash[65];
	struct cell_outcome out;
	char h5_path[1024];
	struct provenance prov; /* of the process that ran the cell */
	char started_at[32], finished_at[32];
	char slurm_job[64];
};

/* Serialises r (the format above) and writes it to path atomically. */
int cell_record_write(const char *path, const struct cell_record *r);
/* Reads a record; -1 (after error()) if it is unreadable or incomplete. */
int cell_record_read(const char *path, struct cell_record *r);

/* The record file of a run file: <dir>/<basename of h5_path without .h5>.rec (caller frees). */
char *cell_record_path(const char *dir, const char *h5_path);

#endif
