/*
 * slurm.c - `harness run SPEC --backend slurm`: the command's adapter.
 * Parses the options of the Slurm backend, loads the spec and hands the
 * experiment to the pipeline (pipeline.h) on the Slurm backend
 * (backend_slurm.c: scripts and sbatch). The plan is the pipeline's, as for a
 * local run: complete cells are skipped, failed ones only with
 * --retry-failed, a cell whose uncollected record says complete is done too.
 */
#include "slurm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include "options.h"
#include "commands.h"
#include "pipeline.h"
#include "spec.h"
#include "suggest.h"

/* Values that go into #SBATCH lines: no spaces, quotes or newlines. */
static int plain_value(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      strchr("_.,:-+", *s)))
			return 0;
	return 1;
}

static const struct usage slurm_usage = { "run", NULL, NULL, NULL }; /* help: run.c's table */

static int not_for_slurm(const struct option *opt, const char *v)
{
	(void)v;
	usagef("run", "'--%s' does not apply to --backend slurm", opt->long_name);
	return -1;
}

static int parse_opts(int argc, char **argv, struct slurm_opts *o)
{
	const char *backend = NULL;
	int quiet = 0;
	struct string_list only = { 0 };
	o->cpus = "1";
	struct option opts[] = {
		OPT_STRING(0, "backend", &backend, "B", NULL), /* checked by cmd_run */
		OPT_STRING(0, "results", &o->results, "DIR", NULL),
		OPT_STRING(0, "partition", &o->partition, "P", NULL),
		OPT_STRING(0, "time", &o->time, "T", NULL),
		OPT_STRING(0, "cpus-per-task", &o->cpus, "N", NULL),
		OPT_INT(0, "array-limit", &o->array_limit, "K", 1, LLONG_MAX, NULL, NULL),
		OPT_BOOL(0, "dry-run", &o->dry_run, NULL),
		OPT_BOOL(0, "force", &o->force, NULL),
		OPT_BOOL(0, "retry-failed", &o->retry_failed, NULL),
		OPT_BOOL(0, "no-plot", &o->no_plot, NULL),
		OPT_BOOL(0, "portable", &o->portable, NULL),
		OPT_BOOL(0, "quiet", &quiet, NULL),
		OPT_STRING_LIST(0, "only", &only, "PATTERN", NULL),
		OPT_CALLBACK('j', "jobs", NULL, "N", NULL, not_for_slurm),
		OPT_CALLBACK_F(0, "list", NULL, NULL, NULL, not_for_slurm, OPT_NOARG),
		OPT_END(),
	};
	argc = parse_options(argc, argv, opts, &slurm_usage, 0);
	for (int i = 0; argc >= 0 && i < only.nr; i++)
		o->only[o->nonly++] = (char *)only.items[i];
	string_list_release(&only);
	if (argc < 0)
		return -1;
	const char *const plain[][2] = { { "--partition", o->partition }, { "--time", o->time },
					 { "--cpus-per-task", o->cpus } };
	for (size_t i = 0; i < ARRAY_SIZE(plain); i++)
		if (plain[i][1] && !plain_value(plain[i][1]))
			return usagef("run", "%s: '%s' is not a plain Slurm option value", plain[i][0], plain[i][1]);
	long long c;
	if (parse_ll(o->cpus, &c) || c < 1)
		return usagef("run", "--cpus-per-task: '%s' is not a positive number", o->cpus);
	if (argc > 1)
		return usagef("run", "unexpected argument '%s'", argv[1]);
	if (!argc)
		return usagef("run", "missing SPEC, e.g. experiments/quickstart.cfg");
	o->spec_path = argv[0];
	return 0;
}

int slurm_submit(int argc, char **argv)
{
	struct slurm_opts o;
	memset(&o, 0, sizeof(o));
	o.only = xcalloc((size_t)argc, sizeof(char *));
	if (parse_opts(argc, argv, &o)) {
		free(o.only);
		return 2;
	}
	struct spec spec;
	if (spec_load_opts(&spec, o.spec_path, o.portable)) {
		free(o.only);
		return 2;
	}
	struct pipeline_opts po = { .results = o.results, .only = o.only, .nonly = o.nonly, .force = o.force,
				    .retry_failed = o.retry_failed, .no_plot = o.no_plot, .slurm = &o };
	int rc = pipeline_run(&spec, &po, &backend_slurm);
	free(o.only);
	spec_release(&spec);
	return rc;
}
