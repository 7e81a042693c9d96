/*
 * commands.h - the subcommands of `harness`. Each takes the arguments after
 * its name (argv[0] is the subcommand) and returns the process exit status.
 * Every command answers --help.
 */
#ifndef COMMANDS_H
#define COMMANDS_H

int cmd_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_envs(int argc, char **argv);
int cmd_env(int argc, char **argv);
int cmd_learners(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_regress(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_baseline(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_collect(int argc, char **argv);
int cmd_run_cell(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_prune(int argc, char **argv);

/* wants_help() is in options.h. */
#include "options.h"

#endif
