/*
 * regress.h - the two sides of `harness regress` (regress.c reads them) and
 * the comparison of them (regress_report.c: rows, tests, the terminal table
 * and the Markdown report).
 */
#ifndef REGRESS_H
#define REGRESS_H

#include "spec.h"

struct cellres {
	char cell_id[512];
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
int regress_compare_sides(const struct spec *s, const struct side *base, const struct side *head,
			  int strict, int which, const char *report_path);

#endif
