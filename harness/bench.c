/*
 * bench.c - `harness bench`: runs every benchmark section (see bench.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "commands.h"
#include "util.h"

int cmd_bench(int argc, char **argv)
{
	double seconds = 1.0;
	const char *only = NULL;
	if (wants_help(argc, argv)) {
		printf("usage: harness bench [--seconds S] [--only envs|tabular|matrix|dqn|gym]\n\n"
		       "Prints throughput figures: env steps/s, learner updates/s, matrix wall time.\n"
		       "Single-threaded; each figure is measured for about S seconds (default 1).\n");
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
			if (parse_double(argv[++i], &seconds) || seconds <= 0)
				die("error: --seconds: '%s' is not a positive number", argv[i]);
		} else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
			only = argv[++i];
		} else {
			die("error: bench: unknown argument '%s'", argv[i]);
		}
	}
	static const struct {
		const char *name;
		void (*fn)(double);
	} sections[] = {
		{ "envs", bench_envs },
		{ "tabular", bench_tabular },
		{ "matrix", bench_matrix },
		{ "dqn", bench_dqn },
		{ "gym", bench_gym },
	};
	size_t known = 0;
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		known += only && !strcmp(only, sections[i].name);
	if (only && !known)
		die("error: bench: --only '%s' is not one of envs, tabular, matrix, dqn, gym", only);
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		if (!only || !strcmp(only, sections[i].name))
			sections[i].fn(seconds);
	return 0;
}
