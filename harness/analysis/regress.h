/*
 * regress.h - the two sides of `harness regress` (regress.c reads them) and
 * the comparison of them (regress_report.c: rows, tests, the terminal table
 * and the Markdown report).
 */
#ifndef REGRESS_H
#define REGRESS_H

#include <stddef.h>
#include "provenance.h"
#include "spec.h"

struct cellres {
	const char *cell_id; /* the spec cell's own (borrowed: never truncated) */
	char config_hash[65];
	char content_hash[65];
	char learner[64];
	char blas_core[64];
	char cpu_model[128];
	double final_return, auc;
	int portable; /* ran with plain-C kernels: bit-stable across CPU types */
	int present;  /* complete or failed: compared */
	char status[16]; /* of the newest run: complete, failed, error, running; "" none */
	char error[160];
};

struct side {
	char label[128];       /* "94e4ca0" or "working tree" */
	char commit[64];       /* full hash, or "" for the working tree */
	struct cellres *cells; /* one per spec cell, in spec order */
	int reused;            /* cells at the other side's code version: its results, not run again */
};

/*
 * Compares base and head cell by cell and per (environment, configuration),
 * prints the table and writes the Markdown report to report_path. which: bit 0
 * tests the final return, bit 1 the AUC (--metric-of final | auc; default
 * both). Returns 0 (nothing regressed), 1 (something regressed, a cell was
 * lost, or with strict a bit-identity expectation broke) or 2 (error).
 */
/*
 * Reads one side from the store at root: for each cell of s its run at the
 * git commit (clean builds; its run of this configuration, or the newest of
 * the cell id when the commit hashes it differently), or with commit NULL
 * this binary's (at the cell's code version when by_code_version, matched by
 * config hash). 0, or -1 after error().
 */
int regress_load_side(const char *root, const struct spec *s, const char *commit, int by_code_version,
		      struct cellres *cells);
/* experiments/baselines/NAME.json: written from cells (atomically), read into cells (label: its commit). */
int regress_write_baseline(const struct spec *s, const struct cellres *cells, const struct provenance *p);
int regress_read_baseline(const struct spec *s, struct cellres *cells, char *label, size_t ln);

int regress_compare_sides(const struct spec *s, const struct side *base, const struct side *head,
			  int strict, int which, const char *report_path);

#endif
