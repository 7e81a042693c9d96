/*
 * cmd_slurm.c - the adapters of the Slurm backend's commands besides
 * submission (slurm.c): each parses its options and calls the library.
 *   harness run-cell SPEC --index I   (hidden) one array task's cell: its HDF5
 *                                      file and its record (slurm_task.c)
 *   harness collect SPEC              records -> run rows (slurm_collect.c: the
 *                                      Slurm backend's recorder), then the figures
 *   harness status NAME               pending / running / done / failed cells
 *                                      (slurm_status.c)
 * See slurm.h for the files, cellrun.h for the record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "results.h"
#include "slurm.h"

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
	return usagef(cmd, fmt, arg);
}

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

int cmd_run_cell(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		printf("usage: harness run-cell SPEC --index I [--results DIR] [--spec-sha256 HEX] [--tag JOB_TASK]\n"
		       "                        [--portable]\n\n"
		       "Runs cell I of the matrix (0-based, as 'harness run SPEC --list' orders it) and\n"
		       "writes its HDF5 file and a record file under <results>/<NAME>/slurm/records/;\n"
		       "never the database ('harness collect' records it). What a Slurm array task runs.\n"
		       "exit status: 0 complete, 1 the run failed, 2 error\n");
		return 0;
	}
	const char *spec_path = NULL, *results_opt = NULL, *sha = NULL, *tag = NULL;
	long long index = -1;
	int portable = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--portable")) {
			portable = 1;
		} else if (!strcmp(a, "--index") || !strcmp(a, "--results") || !strcmp(a, "--spec-sha256") ||
		    !strcmp(a, "--tag")) {
			if (i + 1 >= argc)
				return usage_error("run-cell", "%s needs a value", a);
			const char *v = argv[++i];
			if (!strcmp(a, "--index") && (parse_ll(v, &index) || index < 0))
				return usage_error("run-cell", "--index: '%s' is not a cell index", v);
			if (!strcmp(a, "--results"))
				results_opt = v;
			if (!strcmp(a, "--spec-sha256"))
				sha = v;
			if (!strcmp(a, "--tag")) {
				if (!valid_tag(v))
					return usage_error("run-cell", "--tag: '%s' is not JOB_TASK digits", v);
				tag = v;
			}
		} else if (a[0] == '-') {
			return usage_error("run-cell", "unknown option '%s'", a);
		} else if (spec_path) {
			return usage_error("run-cell", "unexpected argument '%s'", a);
		} else {
			spec_path = a;
		}
	}
	if (!spec_path || index < 0)
		return usage_error("run-cell", "%s", "needs SPEC and --index I");
	return slurm_run_cell(spec_path, index, results_opt, sha, tag, portable);
}

/* --- collect: the recorder of the Slurm backend (slurm_collect.c) --- */

static void collect_help(void)
{
	printf("usage: harness collect SPEC [--results DIR] [--no-plot] [--portable]\n"
	       "                        [--cells FILE --per K --array-job ID]\n\n"
	       "Records in the database the cells that Slurm array tasks ran (their record files\n"
	       "under <results>/<NAME>/slurm/records/), claiming and finishing each run row as a\n"
	       "local run does, then draws the figures. The only step of the Slurm backend that\n"
	       "writes the database; 'harness run --backend slurm' submits it as a job that\n"
	       "depends on the array. With --cells (the submission's cells file), a cell of the\n"
	       "array whose task left no record is recorded as error, with Slurm's task state.\n\n"
	       "exit status: 0 every collected cell complete, 1 some failed or error, 2 error\n");
}

int cmd_collect(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		collect_help();
		return 0;
	}
	const char *spec_path = NULL, *results_opt = NULL, *cells = NULL, *job = NULL;
	long long per = 1;
	int no_plot = 0, portable = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--results") || !strcmp(a, "--cells") || !strcmp(a, "--per") ||
		    !strcmp(a, "--array-job")) {
			if (i + 1 >= argc)
				return usage_error("collect", "%s needs a value", a);
			const char *v = argv[++i];
			if (!strcmp(a, "--results"))
				results_opt = v;
			else if (!strcmp(a, "--cells"))
				cells = v;
			else if (!strcmp(a, "--array-job"))
				job = v;
			else if (parse_ll(v, &per) || per < 1)
				return usage_error("collect", "--per: '%s' is not a positive number", v);
		} else if (!strcmp(a, "--no-plot")) {
			no_plot = 1;
		} else if (!strcmp(a, "--portable")) {
			portable = 1;
		} else if (a[0] == '-') {
			return usage_error("collect", "unknown option '%s'", a);
		} else if (spec_path) {
			return usage_error("collect", "unexpected argument '%s'", a);
		} else {
			spec_path = a;
		}
	}
	if (!spec_path)
		return usage_error("collect", "%s", "missing SPEC");
	struct spec spec;
	if (spec_load_opts(&spec, spec_path, portable))
		return 2;
	int rc = slurm_collect(&spec, results_root(results_opt), cells, per, job, no_plot);
	spec_release(&spec);
	return rc;
}

/* --- status --- */

static void status_help(void)
{
	printf("usage: harness status NAME [--results DIR] [--spec SPEC] [--cells]\n\n"
	       "Counts the cells of experiment NAME at this code version as pending (queued in\n"
	       "Slurm, or not run), running, done or failed (failed runs and harness errors,\n"
	       "listed with their messages), from the database, the Slurm records not collected\n"
	       "yet and Slurm's queue. The spec is --spec, else the last Slurm submission's, else\n"
	       "the one the database recorded, else experiments/NAME.cfg.\n\n"
	       "options:\n"
	       "  --cells   one line per cell: state, cell id, detail\n");
}

int cmd_status(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		status_help();
		return 0;
	}
	const char *name = NULL, *results_opt = NULL, *spec_opt = NULL;
	int per_cell = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--results") || !strcmp(a, "--spec")) {
			if (i + 1 >= argc)
				return usage_error("status", "%s needs a value", a);
			*(!strcmp(a, "--results") ? &results_opt : &spec_opt) = argv[++i];
		} else if (!strcmp(a, "--cells")) {
			per_cell = 1;
		} else if (a[0] == '-') {
			return usage_error("status", "unknown option '%s'", a);
		} else if (name) {
			return usage_error("status", "unexpected argument '%s'", a);
		} else {
			name = a;
		}
	}
	if (!name)
		return usage_error("status", "%s", "missing NAME");
	if (!valid_experiment_name(name)) {
		error("experiment name '%s' is not valid", name);
		return 2;
	}
	return slurm_status(name, results_opt, spec_opt, per_cell);
}
