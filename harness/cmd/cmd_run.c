/*
 * run.c - `harness run SPEC`: the command's adapter. Parses the options,
 * loads the spec, prints the matrix (--list) or hands the experiment to the
 * pipeline (pipeline.h) on the local backend (backend_local.c: the fork
 * pool, progress, signals); `--backend slurm` goes to slurm_submit (slurm.c).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "options.h"
#include "pipeline.h"
#include "plan.h"
#include "slurm.h"
#include "suggest.h"

static const char *const run_usage_lines[] = {
	"run SPEC [-j N] [--results DIR] [--force] [--retry-failed] [--only PATTERN]...\n"
	"                 [--list] [--no-plot] [--quiet] [--portable]",
	"run SPEC --backend slurm [--partition P] [--time T] [--cpus-per-task N]\n"
	"                 [--array-limit K] [--dry-run] [--results DIR] [--force]\n"
	"                 [--retry-failed] [--only PATTERN]... [--no-plot]",
	NULL
};
static const struct usage run_usage = {
	"run", run_usage_lines,
	"Runs the matrix of an experiment spec (experiments/NAME.cfg): environments x\n"
	"algorithm configurations x seeds, each cell in its own process. Cells already\n"
	"complete with the same configuration and code version are skipped, so re-running\n"
	"the command resumes an interrupted experiment. Ends by drawing the figures.",
	"exit status: 0 all cells complete, 1 some cell failed, 2 bad input or error,\n"
	"130 interrupted (run the same command again to resume)\n\n"
	"examples:\n  harness run experiments/quickstart.cfg -j 2\n"
	"  harness run experiments/quickstart.cfg --backend slurm --partition short --time 10:00"
};

/* What `harness run` is given; the slurm entries are parsed again by slurm.c. */
struct run_args {
	const char *results, *backend, *partition, *time, *cpus;
	long long jobs, array_limit;
	int force, retry, list, no_plot, quiet, portable, dry_run;
	struct string_list only;
};

#define RUN_OPTIONS(a) \
	OPT_INT('j', "jobs", &(a)->jobs, "N", 1, 1024, "the number of cores", "cells run at once"), \
	OPT_STRING_DEF(0, "results", &(a)->results, "DIR", "$HARNESS_RESULTS or ./results", "results root"), \
	OPT_BOOL(0, "force", &(a)->force, "re-run complete cells too"), \
	OPT_BOOL(0, "retry-failed", &(a)->retry, "re-run cells whose run failed (e.g. diverged)"), \
	OPT_STRING_LIST(0, "only", &(a)->only, "PATTERN", \
			"only the cells whose id is PATTERN or matches it as a glob\n" \
			"('CartPole-v1/*', '*/seed=3'); repeatable (the union)"), \
	OPT_BOOL(0, "list", &(a)->list, "print the matrix (cell ids, config hashes, seeds) and exit"), \
	OPT_BOOL(0, "no-plot", &(a)->no_plot, "do not draw figures at the end"), \
	OPT_BOOL(0, "quiet", &(a)->quiet, "no progress display or log lines"), \
	OPT_BOOL(0, "portable", &(a)->portable, \
		 "DQN-family learners use plain-C matrix kernels instead of OpenBLAS:\n" \
		 "results bit-identical across CPU types (recorded as portable = true)"), \
	OPT_STRING_DEF(0, "backend", &(a)->backend, "B", "local", \
		       "local or slurm: submit the cells still to run as one\n" \
		       "Slurm job array (one task per cell, or per chunk of cells beyond\n" \
		       "the cluster's MaxArraySize) and a dependent job that records them\n" \
		       "in the database ('harness collect') and draws the figures; scripts\n" \
		       "and logs in <results>/<NAME>/slurm/; follow with 'harness status NAME'.\n" \
		       "The repository (bin/harness), the spec and the results directory\n" \
		       "must be on a filesystem every node shares, at the same paths"), \
	OPT_GROUP("slurm backend options (passed to sbatch):"), \
	OPT_STRING(0, "partition", &(a)->partition, "P", "the partition"), \
	OPT_STRING(0, "time", &(a)->time, "T", "the time limit of a task"), \
	OPT_STRING_DEF(0, "cpus-per-task", &(a)->cpus, "N", "1", "cores of a task"), \
	OPT_INT(0, "array-limit", &(a)->array_limit, "K", 1, LLONG_MAX, NULL, \
		"at most K array tasks at once (sbatch --array=...%K)"), \
	OPT_BOOL(0, "dry-run", &(a)->dry_run, "print the scripts and sbatch commands, submit nothing"), \
	OPT_END()

/* The backend named by argv ("local" when none), before any parsing. */
static const char *backend_of(int argc, char **argv)
{
	const char *b = "local";
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--backend") && i + 1 < argc)
			b = argv[++i];
		else if (!strncmp(argv[i], "--backend=", 10))
			b = argv[i] + 10;
	}
	return b;
}

static void list_matrix(const struct spec *s, const unsigned char *mask)
{
	printf("# %s: %d cells over %d environments, %d configurations, %d seeds\n", s->name, s->ncells,
	       s->nenvs, s->nconfigs, s->nseeds);
	printf("cell_id\tconfig_hash\tenv_seed\tlearner_seed\teval_seed\tcode_version\n");
	for (int i = 0; i < s->ncells; i++) {
		const struct cell *c = &s->cells[i];
		if (!mask[i])
			continue;
		printf("%s\t%.16s\t%llu\t%llu\t%llu\t%s\n", printable(c->cell_id), c->config_hash,
		       (unsigned long long)c->env_seed, (unsigned long long)c->learner_seed,
		       (unsigned long long)c->eval_seed, c->code_version);
	}
}

int cmd_run(int argc, char **argv)
{
	const char *backend = backend_of(argc, argv);
	if (!strcmp(backend, "slurm") && !wants_help(argc, argv))
		return slurm_submit(argc, argv);
	struct run_args ra = { .jobs = sysconf(_SC_NPROCESSORS_ONLN), .backend = "local" };
	struct option opts[] = { RUN_OPTIONS(&ra) };
	argc = parse_options(argc, argv, opts, &run_usage, 0);
	if (argc < 0)
		return string_list_release(&ra.only), opt_exit_status(argc);
	const char *bad = strcmp(ra.backend, "local") ? "--backend" : ra.partition ? "--partition"
		: ra.time ? "--time" : ra.cpus ? "--cpus-per-task" : ra.array_limit ? "--array-limit"
		: ra.dry_run ? "--dry-run" : NULL;
	if (bad && !strcmp(bad, "--backend"))
		return string_list_release(&ra.only),
		       usagef("run", "--backend: '%s' is not local or slurm", ra.backend);
	if (bad)
		return string_list_release(&ra.only), usagef("run", "'%s' applies to --backend slurm only", bad);
	if (argc != 1)
		return string_list_release(&ra.only),
		       argc ? usagef("run", "unexpected argument '%s'", argv[1])
			    : usagef("run", "missing SPEC, e.g. experiments/quickstart.cfg");
	const char *spec_path = argv[0], *results_opt = ra.results;
	long long jobs = ra.jobs < 1 ? 1 : ra.jobs;
	int force = ra.force, retry = ra.retry, list = ra.list, no_plot = ra.no_plot, quiet = ra.quiet;
	int portable = ra.portable, nonly = ra.only.nr;
	char **only = (char **)ra.only.items; /* freed below as before */

	struct spec spec;
	if (spec_load_opts(&spec, spec_path, portable)) {
		free(only);
		return 2;
	}
	int rc = 0;
	if (list) {
		unsigned char *selected = xcalloc((size_t)spec.ncells + 1, 1);
		rc = plan_select(&spec, only, nonly, selected) ? 2 : 0;
		if (!rc)
			list_matrix(&spec, selected);
		free(selected);
	} else {
		struct pipeline_opts po = { .results = results_opt, .only = only, .nonly = nonly, .force = force,
					    .retry_failed = retry, .quiet = quiet, .no_plot = no_plot,
					    .jobs = (int)jobs };
		rc = pipeline_run(&spec, &po, &backend_local);
	}
	free(only);
	spec_release(&spec);
	return rc;
}
