/*
 * cmd_stubs.c - TEMPORARY: commands not written yet answer with an error.
 * Each is replaced by its real file as the work lands; this file then goes.
 */
#include "commands.h"
#include "util.h"
#include "bench.h"

#define NOT_YET(fn) int fn(int argc, char **argv) { (void)argc; return error("'%s' is not implemented yet", argv[0]) ? 2 : 2; }
