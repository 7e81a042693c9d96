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

static int usage_error(const char *fmt, const char *arg)
{
	return usagef("run", fmt, arg);
}

static int parse_opts(int argc, char **argv, struct slurm_opts *o)
{
	o->cpus = "1";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **val = NULL;
		if (!strcmp(a, "--backend")) {
			i++; /* checked by cmd_run */
			continue;
		} else if (!strcmp(a, "--results")) {
			val = &o->results;
		} else if (!strcmp(a, "--partition")) {
			val = &o->partition;
		} else if (!strcmp(a, "--time")) {
			val = &o->time;
		} else if (!strcmp(a, "--cpus-per-task")) {
			val = &o->cpus;
		} else if (!strcmp(a, "--array-limit")) {
			if (i + 1 >= argc || parse_ll(argv[i + 1], &o->array_limit) || o->array_limit < 1)
				return usage_error("--array-limit needs a positive number%s", "");
			i++;
			continue;
		} else if (!strcmp(a, "--dry-run")) {
			o->dry_run = 1;
			continue;
		} else if (!strcmp(a, "--force")) {
			o->force = 1;
			continue;
		} else if (!strcmp(a, "--retry-failed")) {
			o->retry_failed = 1;
			continue;
		} else if (!strcmp(a, "--no-plot")) {
			o->no_plot = 1;
			continue;
		} else if (!strcmp(a, "--portable")) {
			o->portable = 1;
			continue;
		} else if (!strcmp(a, "--quiet")) {
			continue;
		} else if (!strcmp(a, "--only") || !strncmp(a, "--only=", 7)) {
			if (!a[6] && i + 1 >= argc)
				return usage_error("%s needs a cell id or a glob", a);
			o->only[o->nonly++] = a[6] ? (char *)a + 7 : argv[++i];
			continue;
		} else if (!strcmp(a, "-j") || !strcmp(a, "--jobs") || !strcmp(a, "--list") ||
			   !strncmp(a, "-j", 2)) {
			return usage_error("'%s' does not apply to --backend slurm", a);
		} else if (a[0] == '-') {
			static const char *const opts[] = { "--backend", "--results", "--partition", "--time",
				"--cpus-per-task", "--array-limit", "--dry-run", "--force", "--retry-failed", "--no-plot",
				"--portable", "--quiet", "--only", "--help", NULL };
			error("unknown option '%s' (%ssee 'harness run --help')", a, suggest_word(a, opts));
			return 2;
		} else if (o->spec_path) {
			return usage_error("unexpected argument '%s'", a);
		} else {
			o->spec_path = a;
			continue;
		}
		if (i + 1 >= argc)
			return usage_error("%s needs a value", a);
		*val = argv[++i];
		if (val != &o->results && !plain_value(*val))
			return usage_error("'%s' is not a plain Slurm option value", *val);
	}
	long long c;
	if (parse_ll(o->cpus, &c) || c < 1)
		return usage_error("--cpus-per-task: '%s' is not a positive number", o->cpus);
	if (!o->spec_path)
		return usage_error("%s", "missing SPEC, e.g. experiments/quickstart.cfg");
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
