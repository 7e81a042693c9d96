/*
 * cmd_slurm.c - the adapters of the Slurm backend's commands besides
 * submission (slurm.c): each parses its options (option tables, options.h)
 * and calls the library.
 *   harness run-cell SPEC --index I   (hidden) one array task's cell: its HDF5
 *                                      file and its record (slurm_task.c)
 *   harness collect SPEC              records -> run rows (slurm_collect.c: the
 *                                      Slurm backend's recorder), then the figures
 *   harness status NAME               pending / running / done / failed cells
 *                                      (slurm_status.c)
 * See slurm.h for the files, cellrun.h for the record.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "options.h"
#include "results.h"
#include "slurm.h"

/* --- run-cell --- */

static int valid_tag(const char *t)
{
	if (!*t || strlen(t) > 40)
		return 0;
	for (; *t; t++)
		if (!((*t >= '0' && *t <= '9') || *t == '_'))
			return 0;
	return 1;
}

static const char *const run_cell_lines[] = {
	"run-cell SPEC --index I [--results DIR] [--spec-sha256 HEX] [--tag JOB_TASK] [--portable]", NULL
};
static const struct usage run_cell_usage = {
	"run-cell", run_cell_lines,
	"Runs cell I of the matrix (0-based, as 'harness run SPEC --list' orders it) and\n"
	"writes its HDF5 file and a record file under <results>/<NAME>/slurm/records/;\n"
	"never the database ('harness collect' records it). What a Slurm array task runs.",
	"exit status: 0 complete, 1 the run failed, 2 error"
};

static int check_tag(const struct option *opt, const char *v)
{
	if (!valid_tag(v)) {
		usagef("run-cell", "--tag: '%s' is not JOB_TASK digits", v);
		return -1;
	}
	*(const char **)opt->value = v;
	return 0;
}

int cmd_run_cell(int argc, char **argv)
{
	const char *results_opt = NULL, *sha = NULL, *tag = NULL;
	long long index = -1;
	int portable = 0;
	struct option opts[] = {
		OPT_INT(0, "index", &index, "I", 0, LLONG_MAX, NULL, "the cell's index in the matrix"),
		OPT_STRING_DEF(0, "results", &results_opt, "DIR", "$HARNESS_RESULTS or ./results", "results root"),
		OPT_STRING(0, "spec-sha256", &sha, "HEX", "refuse to run if the spec's SHA-256 differs"),
		OPT_CALLBACK(0, "tag", &tag, "JOB_TASK", "the Slurm task, in the record's name", check_tag),
		OPT_BOOL(0, "portable", &portable, "plain-C matrix kernels (as 'harness run --portable')"),
		OPT_END(),
	};
	argc = parse_options(argc, argv, opts, &run_cell_usage, 0);
	if (argc < 0)
		return opt_exit_status(argc);
	if (argc > 1)
		return usagef("run-cell", "unexpected argument '%s'", argv[1]);
	if (!argc || index < 0)
		return usagef("run-cell", "needs SPEC and --index I");
	const char *spec_path = argv[0];
	return slurm_run_cell(spec_path, index, results_opt, sha, tag, portable);
}

/* --- collect: the recorder of the Slurm backend (slurm_collect.c) --- */

static const char *const collect_lines[] = {
	"collect SPEC [--results DIR] [--no-plot] [--portable]\n"
	"                        [--cells FILE --per K --array-job ID]", NULL
};
static const struct usage collect_usage = {
	"collect", collect_lines,
	"Records in the database the cells that Slurm array tasks ran (their record files\n"
	"under <results>/<NAME>/slurm/records/), claiming and finishing each run row as a\n"
	"local run does, then draws the figures. The only step of the Slurm backend that\n"
	"writes the database; 'harness run --backend slurm' submits it as a job that\n"
	"depends on the array. With --cells (the submission's cells file), a cell of the\n"
	"array whose task left no record is recorded as error, with Slurm's task state.",
	"exit status: 0 every collected cell complete, 1 some failed or error, 2 error"
};

int cmd_collect(int argc, char **argv)
{
	const char *results_opt = NULL, *cells = NULL, *job = NULL;
	long long per = 1;
	int no_plot = 0, portable = 0;
	struct option opts[] = {
		OPT_STRING_DEF(0, "results", &results_opt, "DIR", "$HARNESS_RESULTS or ./results", "results root"),
		OPT_BOOL(0, "no-plot", &no_plot, "do not draw figures"),
		OPT_BOOL(0, "portable", &portable, "the spec was submitted with --portable"),
		OPT_STRING(0, "cells", &cells, "FILE", "the submission's cells file"),
		OPT_INT(0, "per", &per, "K", 1, LLONG_MAX, "1", "cells per array task"),
		OPT_STRING(0, "array-job", &job, "ID", "the Slurm array job (for the states of tasks)"),
		OPT_END(),
	};
	argc = parse_options(argc, argv, opts, &collect_usage, 0);
	if (argc < 0)
		return opt_exit_status(argc);
	if (argc > 1)
		return usagef("collect", "unexpected argument '%s'", argv[1]);
	if (!argc)
		return usagef("collect", "missing SPEC");
	const char *spec_path = argv[0];
	struct spec spec;
	if (spec_load_opts(&spec, spec_path, portable))
		return 2;
	int rc = slurm_collect(&spec, results_root(results_opt), cells, per, job, no_plot);
	spec_release(&spec);
	return rc;
}

/* --- status --- */

static const char *const status_lines[] = { "status NAME [--results DIR] [--spec SPEC] [--cells]", NULL };
static const struct usage status_usage = {
	"status", status_lines,
	"Counts the cells of experiment NAME at this code version as pending (queued in\n"
	"Slurm, or not run), running, done or failed (failed runs and harness errors,\n"
	"listed with their messages), from the database, the Slurm records not collected\n"
	"yet and Slurm's queue. The spec is --spec, else the last Slurm submission's, else\n"
	"the one the database recorded, else experiments/NAME.cfg.",
	NULL
};

int cmd_status(int argc, char **argv)
{
	const char *results_opt = NULL, *spec_opt = NULL;
	int per_cell = 0;
	struct option opts[] = {
		OPT_STRING_DEF(0, "results", &results_opt, "DIR", "$HARNESS_RESULTS or ./results", "results root"),
		OPT_STRING(0, "spec", &spec_opt, "SPEC", "the experiment's spec file"),
		OPT_BOOL(0, "cells", &per_cell, "one line per cell: state, cell id, detail"),
		OPT_END(),
	};
	argc = parse_options(argc, argv, opts, &status_usage, 0);
	if (argc < 0)
		return opt_exit_status(argc);
	if (argc > 1)
		return usagef("status", "unexpected argument '%s'", argv[1]);
	if (!argc)
		return usagef("status", "missing NAME");
	const char *name = argv[0];
	if (!valid_experiment_name(name)) {
		error("experiment name '%s' is not valid", name);
		return 2;
	}
	return slurm_status(name, results_opt, spec_opt, per_cell);
}
