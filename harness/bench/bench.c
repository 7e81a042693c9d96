/*
 * bench.c - `harness bench`: runs every benchmark section (see bench.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "commands.h"
#include "options.h"
#include "util.h"

static const char *const bench_lines[] = { "bench [--seconds S] [--only envs|tabular|matrix|dqn|minatar|gym|atari]", NULL };
static const struct usage bench_usage = {
	"bench", bench_lines,
	"Prints throughput figures: env steps/s, learner updates/s, matrix wall time.\n"
	"Single-threaded; each figure is measured for about S seconds.",
	NULL
};

int cmd_bench(int argc, char **argv)
{
	double seconds = 1.0;
	const char *only = NULL;
	struct option opts[] = {
		OPT_DOUBLE(0, "seconds", &seconds, "S", 1e-3, 1e6, "1", "measuring time of each figure"),
		OPT_STRING_DEF(0, "only", &only, "SECTION", "every section",
			       "one section: envs, tabular, matrix, dqn, minatar, gym or atari"),
		OPT_END(),
	};
	argc = parse_options(argc, argv, opts, &bench_usage, 0);
	if (argc < 0)
		return opt_exit_status(argc);
	if (argc)
		return usagef("bench", "unexpected argument '%s'", argv[0]);
	static const struct {
		const char *name;
		void (*fn)(double);
	} sections[] = {
		{ "envs", bench_envs },
		{ "tabular", bench_tabular },
		{ "matrix", bench_matrix },
		{ "dqn", bench_dqn },
		{ "minatar", bench_minatar },
		{ "gym", bench_gym },
		{ "atari", bench_atari },
	};
	size_t known = 0;
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		known += only && !strcmp(only, sections[i].name);
	if (only && !known)
		return usagef("bench", "--only: '%s' is not one of envs, tabular, matrix, dqn, minatar, gym, atari", only);
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		if (!only || !strcmp(only, sections[i].name))
			sections[i].fn(seconds);
	return 0;
}
