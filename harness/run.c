/*
 * run.c - `harness run SPEC`: the command's adapter. Parses the options,
 * loads the spec, prints the matrix (--list) or hands the experiment to the
 * pipeline (pipeline.h) on the local backend (backend_local.c: the fork
 * pool, progress, signals); `--backend slurm` goes to slurm_submit (slurm.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "pipeline.h"
#include "plan.h"
#include "slurm.h"
#include "suggest.h"

static int usage_error(const char *fmt, const char *arg)
{
	return usagef("run", fmt, arg);
}

/* Every option of `harness run` (both backends), for did-you-mean. */
static const char *const run_options[] = { "--jobs", "--results", "--force", "--retry-failed", "--only",
	"--list", "--no-plot", "--quiet", "--portable", "--backend", "--partition", "--time",
	"--cpus-per-task", "--array-limit", "--dry-run", "--help", NULL };

static void run_help(void)
{
	printf("usage: harness run SPEC [-j N] [--results DIR] [--force] [--retry-failed]\n"
	       "                        [--only PATTERN]... [--list] [--no-plot] [--quiet] [--portable]\n"
	       "       harness run SPEC --backend slurm [--partition P] [--time T] [--cpus-per-task N]\n"
	       "                        [--array-limit K] [--dry-run] [--results DIR] [--force]\n"
	       "                        [--retry-failed] [--only PATTERN]... [--no-plot]\n\n"
	       "Runs the matrix of an experiment spec (experiments/NAME.cfg): environments x\n"
	       "algorithm configurations x seeds, each cell in its own process. Cells already\n"
	       "complete with the same configuration and code version are skipped, so re-running\n"
	       "the command resumes an interrupted experiment. Ends by drawing the figures.\n\n"
	       "options:\n"
	       "  -j, --jobs N      cells run at once (default: the number of cores)\n"
	       "  --results DIR     results root (default: $HARNESS_RESULTS or ./results)\n"
	       "  --force           re-run complete cells too\n"
	       "  --retry-failed    re-run cells whose run failed (e.g. diverged)\n"
	       "  --only PATTERN    only the cells whose id is PATTERN or matches it as a glob\n"
	       "                    ('CartPole-v1/*', '*/seed=3'); repeatable (the union)\n"
	       "  --list            print the matrix (cell ids, config hashes, seeds) and exit\n"
	       "  --no-plot         do not draw figures at the end\n"
	       "  --quiet           no progress display or log lines\n"
	       "  --portable        DQN-family learners use plain-C matrix kernels instead of OpenBLAS:\n"
	       "                    results bit-identical across CPU types (recorded as portable = true)\n"
	       "  --backend B       local (default) or slurm: submit the cells still to run as one\n"
	       "                    Slurm job array (one task per cell, or per chunk of cells beyond\n"
	       "                    the cluster's MaxArraySize) and a dependent job that records them\n"
	       "                    in the database ('harness collect') and draws the figures; scripts\n"
	       "                    and logs in <results>/<NAME>/slurm/; follow with 'harness status NAME'.\n"
	       "                    The repository (bin/harness), the spec and the results directory\n"
	       "                    must be on a filesystem every node shares, at the same paths\n"
	       "  --partition P, --time T, --cpus-per-task N (default 1)\n"
	       "                    passed to sbatch (slurm backend)\n"
	       "  --array-limit K   at most K array tasks at once (sbatch --array=...%%K)\n"
	       "  --dry-run         print the scripts and sbatch commands, submit nothing\n\n"
	       "exit status: 0 all cells complete, 1 some cell failed, 2 bad input or error,\n"
	       "130 interrupted (run the same command again to resume)\n\n"
	       "examples:\n  harness run experiments/quickstart.cfg -j 2\n"
	       "  harness run experiments/quickstart.cfg --backend slurm --partition short --time 10:00\n");
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
		printf("%s\t%.16s\t%llu\t%llu\t%llu\t%s\n", c->cell_id, c->config_hash,
		       (unsigned long long)c->env_seed, (unsigned long long)c->learner_seed,
		       (unsigned long long)c->eval_seed, c->code_version);
	}
}

int cmd_run(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		run_help();
		return 0;
	}
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], "--backend") && !strcmp(argv[i + 1], "slurm"))
			return slurm_submit(argc, argv);
	const char *spec_path = NULL, *results_opt = NULL;
	long long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	int force = 0, retry = 0, list = 0, no_plot = 0, quiet = 0, portable = 0, nonly = 0;
	char **only = xcalloc((size_t)argc, sizeof(char *));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) {
			if (i + 1 >= argc)
				return free(only), usage_error("%s needs a number", a);
			if (parse_ll(argv[++i], &jobs) || jobs < 1 || jobs > 1024)
				return free(only), usage_error("-j: '%s' is not a number of jobs between 1 and 1024", argv[i]);
		} else if (!strncmp(a, "-j", 2) && a[2]) {
			if (parse_ll(a + 2, &jobs) || jobs < 1 || jobs > 1024)
				return free(only), usage_error("-j: '%s' is not a number of jobs between 1 and 1024", a + 2);
		} else if (!strcmp(a, "--results")) {
			if (i + 1 >= argc)
				return free(only), usage_error("%s needs a directory", a);
			results_opt = argv[++i];
		} else if (!strcmp(a, "--backend")) {
			if (i + 1 >= argc || strcmp(argv[i + 1], "local"))
				return free(only), usage_error("--backend: '%s' is not local or slurm", i + 1 < argc ? argv[i + 1] : "");
			i++;
		} else if (!strcmp(a, "--force")) {
			force = 1;
		} else if (!strcmp(a, "--retry-failed")) {
			retry = 1;
		} else if (!strcmp(a, "--only") || !strncmp(a, "--only=", 7)) {
			if (!a[6] && i + 1 >= argc) {
				return free(only), usage_error("%s needs a cell id or a glob", a);
			}
			only[nonly++] = a[6] ? (char *)a + 7 : argv[++i];
		} else if (!strcmp(a, "--list")) {
			list = 1;
		} else if (!strcmp(a, "--no-plot")) {
			no_plot = 1;
		} else if (!strcmp(a, "--quiet")) {
			quiet = 1;
		} else if (!strcmp(a, "--portable")) {
			portable = 1;
		} else if (a[0] == '-') {
			free(only);
			error("unknown option '%s' (%ssee 'harness run --help')", a, suggest_word(a, run_options));
			return 2;
		} else if (spec_path) {
			return free(only), usage_error("unexpected argument '%s'", a);
		} else {
			spec_path = a;
		}
	}
	if (!spec_path) {
		return free(only), usage_error("%s", "missing SPEC, e.g. experiments/quickstart.cfg");
	}
	if (jobs < 1)
		jobs = 1;

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
