/*
 * bench_matrix.c - `harness bench --only matrix`: wall time of a whole
 * matrix (the pipeline's local backend: process per cell, HDF5 and SQLite
 * writes included) with -j 1 and
 * -j <cores>, on a temporary results directory: 2 envs x 2 configs x 8 seeds
 * of tabular Q-learning, 200k env steps per cell.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench.h"
#include "pipeline.h"
#include "util.h"

static const char spec_text[] =
	"name = \"benchmatrix\";\n"
	"seeds = 8;\n"
	"budget = { steps = 200000; };\n"
	"eval = { every = 50000; episodes = 20; };\n"
	"envs = ( { id = \"FrozenLake-v1\"; }, { id = \"FrozenLake8x8-v1\"; } );\n"
	"algorithms = ( { name = \"q\"; learner = \"q_learning\"; learning_rate = [0.05, 0.2]; } );\n";

/* The whole pipeline in this process (pipeline.h), as `harness run --quiet --no-plot` runs it. */
static double run_matrix(const char *spec_path, const char *results, int jobs)
{
	double t0 = now_seconds();
	int rc = pipeline_run_local(spec_path, results, jobs, 1);
	return rc ? -1 : now_seconds() - t0;
}

void bench_matrix(double seconds)
{
	(void)seconds;
	char dir[] = "/tmp/harness-bench.XXXXXX";
	if (!mkdtemp(dir)) {
		error("bench matrix: cannot create a temporary directory");
		return;
	}
	char *spec = xstrfmt("%s/benchmatrix.cfg", dir);
	if (write_file_atomic(spec, spec_text, sizeof(spec_text) - 1)) {
		free(spec);
		return;
	}
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	const int cells = 32;
	const double steps = 32 * 200000.0;
	printf("\nmatrix wall time (32 cells = 2 envs x 2 configs x 8 seeds, 200k steps each, process per cell):\n");
	for (int pass = 0; pass < 2; pass++) {
		int jobs = pass ? (int)cores : 1;
		char *res = xstrfmt("%s/results-j%d", dir, jobs);
		double t = run_matrix(spec, res, jobs);
		if (t < 0)
			printf("  -j %-3d failed\n", jobs);
		else
			printf("  -j %-3d %8.2f s   %7.1f cells/s   %6.2f M env steps/s (incl. evaluation, storage)\n",
			       jobs, t, cells / t, steps / t / 1e6);
		free(res);
		if (cores == 1)
			break;
	}
	char *cmd = xstrfmt("rm -rf '%s'", dir);
	if (system(cmd)) {
		/* nothing to do */
	}
	free(cmd);
	free(spec);
}
