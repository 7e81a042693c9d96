/*
 * main.c - the `harness` command: dispatches to a subcommand.
 */
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "suggest.h"
#include "util.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} commands[] = {
	{ "run", cmd_run, "run an experiment's matrix (resumes what is missing)" },
	{ "list", cmd_list, "list experiments and their runs in the database" },
	{ "show", cmd_show, "show one run's provenance and summary" },
	{ "export", cmd_export, "export an experiment's runs as CSV" },
	{ "plot", cmd_plot, "draw an experiment's figures with gnuplot" },
	{ "envs", cmd_envs, "list the environments" },
	{ "env", cmd_env, "replay actions in an environment, or compute optimal values" },
	{ "learners", cmd_learners, "list the learners and their hyperparameters" },
	{ "compare", cmd_compare, "does configuration B beat A? differences, tests and verdicts per environment" },
	{ "regress", cmd_regress, "compare an experiment's results at two code versions" },
	{ "baseline", cmd_baseline, "write an experiment's baseline (experiments/baselines/NAME.json)" },
	{ "bench", cmd_bench, "measure throughput" },
	{ "version", cmd_version, "print the code version this binary was built from" },
	{ "status", cmd_status, "count an experiment's cells: pending, running, done, failed" },
	{ "collect", cmd_collect, "record a Slurm run's cells in the database, draw the figures" },
	{ "verify", cmd_verify, "re-hash every complete run's file and compare with the database" },
	{ "prune", cmd_prune, "remove an experiment's runs that are of no cell of its spec" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: harness <command> [options]\n\n"
		     "A reproducible reinforcement-learning benchmark harness.\n\ncommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\n'harness <command> --help' describes each command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "run-cell")) /* hidden: what a Slurm array task runs */
		return cmd_run_cell(argc - 1, argv + 1);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	const char *names[ARRAY_SIZE(commands) + 1] = { NULL };
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		names[i] = commands[i].name;
	error("unknown command '%s' (%ssee 'harness --help')", argv[1], suggest_word(argv[1], names));
	return 2;
}
