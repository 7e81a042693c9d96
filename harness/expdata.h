/*
 * expdata.h - the results of one experiment gathered for figures and
 * tables: the newest complete run of every cell (optionally only runs made
 * at a git commit), grouped by environment and algorithm configuration in
 * the spec's order, with each run's learning curve and final score, and the
 * normalisation of each environment (normalize.h).
 *
 * Learning curves: x is env steps and y the mean greedy evaluation return
 * when every run has evaluations; otherwise x is the episode and y the
 * training return. `smooth` > 1 replaces y by its trailing moving average
 * over that many points (per run, before any statistic across runs).
 * Final score: runs.final_return (mean return of the last evaluation, or of
 * the last 10 training episodes). Algorithm index = position of first
 * appearance in cell order: the stable colour of figures.
 */
#ifndef EXPDATA_H
#define EXPDATA_H

#include "normalize.h"

struct sqlite3;

struct exp_run {
	double *x, *y; /* (n) */
	long long n;
	double final, norm_final; /* norm_final: NAN if the env cannot be normalised */
	double auc;               /* runs.auc: mean evaluation return over the run (NAN without evaluations) */
	long long seed;           /* the cell's seed value (pairs runs of paired seeds) */
};

struct exp_group { /* one (environment, algorithm) */
	struct exp_run *runs;
	int nruns;
};

struct exp_env {
	char *label;
	char *config_json; /* of its first run: id, options, eval cap */
	struct env_norm norm;
	int norm_ok;
};

struct expdata {
	struct exp_env *envs;
	int nenvs;
	char **algos;
	int nalgos;
	struct exp_group *groups; /* (nenvs, nalgos): groups[e * nalgos + a] */
	int use_eval;
};

int expdata_load(struct expdata *d, struct sqlite3 *db, const char *experiment, const char *only_commit,
		 int smooth);
/*
 * Fills every env's normalisation (random scores cached in db) and each run's
 * norm_final. An env whose normalisation fails is warned about and left out
 * (norm_ok 0); -1 is reserved for errors that stop everything (none yet).
 */
int expdata_normalize(struct expdata *d, struct sqlite3 *db, const char *source_hash);
void expdata_release(struct expdata *d);

static inline struct exp_group *exp_group(const struct expdata *d, int e, int a)
{
	return &d->groups[e * d->nalgos + a];
}

#endif
