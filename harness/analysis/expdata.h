/*
 * expdata.h - the results of one experiment gathered for figures and
 * tables, from a selection (store.h: exactly the cells of the current spec,
 * each at one code version), grouped by environment and algorithm
 * configuration in the spec's order, with each run's learning curve and final
 * score, and the normalisation of each environment (normalize.h).
 *
 * Learning curves: x is env steps and y the mean greedy evaluation return
 * when every drawn run has evaluations; otherwise x is the episode and y the
 * training return. `smooth` > 1 replaces y by its trailing moving average
 * over that many points (per run, before any statistic across runs).
 * Final score: runs.final_return (mean return of the last evaluation, or of
 * the last 10 training episodes).
 *
 * Failed runs (e.g. diverged) are never dropped: they count in every
 * statistic with their score at failure -- their last evaluation (or last
 * training episodes), carried forward to the end of the curve; a failed run
 * with no score at all counts as the lowest final score of its environment.
 * Cells with no usable run (error, running, not run, other code version) are
 * not drawn and are counted: every group knows its cells, its drawn runs and
 * its failed ones, and labels say n.
 * Algorithm index = position of first appearance in cell order: the stable
 * colour of figures.
 */
#ifndef EXPDATA_H
#define EXPDATA_H

#include "normalize.h"
#include "store.h"

struct exp_run {
	double *x, *y; /* (n) */
	long long n;
	double final, norm_final; /* norm_final: NAN if the env cannot be normalised */
	double auc;               /* runs.auc: mean evaluation return over the run (NAN without evaluations) */
	long long seed;           /* the cell's seed value (pairs runs of paired seeds) */
	int failed;               /* counted with its score at failure */
	int other_version;        /* from another code version (--other-versions) */
};

struct exp_group { /* one (environment, algorithm) */
	struct exp_run *runs;
	int nruns;   /* drawn: complete and failed */
	int ncells;  /* cells of the spec */
	int nfailed, nother;
};

struct exp_env {
	char *label;
	char *config_json; /* of its first cell: id, options, eval cap */
	struct env_norm norm;
	int norm_ok;
};

struct expdata {
	struct exp_env *envs;
	int nenvs;
	char **algos;
	char **display; /* (nalgos) the spec's label of the configuration (spec.h), or its name */
	char **labels;  /* (nalgos) "display (n=...)": what legends show */
	int nalgos;
	struct exp_group *groups; /* (nenvs, nalgos): groups[e * nalgos + a] */
	int use_eval;
	int nfailed, nother;      /* over all groups */
};

/* -1 after error() (no run to draw at all, or a run file unreadable). */
int expdata_load(struct expdata *d, const struct selection *sel, int smooth);
/*
 * Fills every env's normalisation (random scores cached in the store) and
 * each run's norm_final. An env whose normalisation fails is warned about and
 * left out (norm_ok 0); -1 is reserved for errors that stop everything.
 */
int expdata_normalize(struct expdata *d, struct store *db, const char *source_hash);
void expdata_release(struct expdata *d);
/* (Re)makes d->labels from d->display and the groups' counts (after expdata_select too). */
void expdata_make_labels(struct expdata *d);
/* "n=5" or "n=4 of 5, 1 failed" for a group (appended to sb). */
void exp_group_n(const struct exp_group *g, struct strbuf *sb);

static inline struct exp_group *exp_group(const struct expdata *d, int e, int a)
{
	return &d->groups[e * d->nalgos + a];
}

#endif
