/*
 * compare_select.h - what `harness compare` compares (cmd_compare.c): the
 * (A, B) configuration pairs of each comparison, from two names or labels,
 * every pair, or the levels of a swept key (configuration names look like
 * "base[k1=v1,k2=v2]", spec.h): a factor's comparison pairs every
 * configuration at the key's first level with the one that differs from it
 * only in that key.
 */
#ifndef COMPARE_SELECT_H
#define COMPARE_SELECT_H

#include "compare_report.h"
#include "expdata.h"

/* (A, B) configuration indices of a comparison: one, or one per level of the other swept keys. */
struct tuples {
	int *a, *b;
	int n;
};

void cmp_tuple_push(struct tuples *t, int a, int b);
/* Appends a comparison (takes a, b, factor and id; id NULL: "a|b"). */
void cmp_add_comp(struct cmp_report *rep, struct tuples **tl, char *a, char *b, char *factor, struct tuples t,
		  char *id);
/* Every swept key of the configuration names, in order of first appearance (caller frees). */
int cmp_swept_keys(const struct expdata *d, char ***keys);
/* The comparisons of factor key: each of its levels against the first. 0, or -1 after error(). */
int cmp_factor_comps(const struct expdata *d, const char *key, struct cmp_report *rep, struct tuples **tl);
/* The configuration named (or labelled) name, or -1 after error(). */
int cmp_algo_index(const struct expdata *d, const char *name);

/* compare_run.c: fills rep's rows for the comparisons tl (Holm families, verdicts); 1 when some row differs. */
int cmp_compute(const struct expdata *d, const struct tuples *tl, struct cmp_report *rep);
/* 1 when every environment's runs were made with paired_seeds = true. */
int cmp_all_paired(const struct expdata *d);

#endif
