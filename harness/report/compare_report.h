/*
 * compare_report.h - the report of `harness compare` (cmd_compare.c
 * computes it): a list of comparisons "B against A", each with one row per
 * environment and one aggregate row over the environments that can be
 * normalised, written as a terminal table, Markdown and LaTeX files and a
 * figure of the mean differences with their intervals (one panel per
 * environment, gnuplot).
 */
#ifndef COMPARE_REPORT_H
#define COMPARE_REPORT_H

#include "compare_stats.h"
#include "plot.h"

struct cmp_comparison {
	char *a, *b;   /* what A and B are called: configuration labels, or "KEY=value" for a factor */
	char *id;      /* what is compared, for the bootstrap seed: the configuration names (labels are display only) */
	char *factor;  /* NULL, or the swept key whose main effect this is */
	int ntuples;   /* (A, B) configuration pairs averaged (1 unless a factor) */
};

enum cmp_verdict { VERDICT_NONE = 0, VERDICT_B = 1, VERDICT_A = -1 };

struct cmp_row {
	int comp;              /* index in comparisons */
	int env;               /* environment index, or -1: aggregate of normalised scores */
	int valid;             /* both sides have runs */
	int nstrata, paired, identical;
	struct cmp_result r;
	double p_t_adj, p_rank_adj; /* Holm-adjusted (NAN when there is no such test) */
	double mdd;            /* smallest mean difference detectable at alpha / m, power 1 - beta */
	enum cmp_verdict verdict;
	int failed_a, failed_b;   /* failed runs of A / B (counted, with their score at failure) */
	int missing_a, missing_b; /* cells of A / B with no usable run (error, not run, ...: left out) */
};

struct cmp_report {
	const char *experiment;
	char *score_key, *score_words;
	char **envs;           /* (nenvs) labels */
	int nenvs;
	char *agg_envs;        /* "2 of 3 environments: a, b" or NULL when there is no aggregate row */
	struct cmp_comparison *comps;
	int ncomps;
	struct cmp_row *rows;
	int nrows;
	int resamples, paired, nfamily, nrank_family;
	double level, alpha, beta;
	int min_n;             /* fewest runs of any side of any row */
};

#define CMP_FEW_RUNS 10 /* below this many runs a side, every output warns */

/* Writes <outdir>/<tag>.md, .tex and the figure <tag>.png|pdf (unless !o->png && !o->pdf); prints the table. */
int compare_report_write(const struct cmp_report *rep, const char *outdir, const char *tag,
			 const struct plot_opts *o);

#endif
