/*
 * score.h - which number summarises a run ("--metric-of"), for tables,
 * aggregate figures, compare and regress:
 *
 *   final    runs.final_return: the mean return of the last evaluation (or of
 *            the last 10 training episodes for runs without evaluations); the default
 *   auc      runs.auc: the mean evaluation return over every evaluation of the
 *            run (area under the learning curve per step)
 *   last:K   the mean of the last K points of the learning curve
 *   best     the best point of the learning curve
 *
 * The learning curve is the one figures draw (expdata.h): mean greedy
 * evaluation return per evaluation, or the training return per episode
 * smoothed over 10 episodes for runs without evaluations (and over --smooth
 * points when plot is given it).
 */
#ifndef SCORE_H
#define SCORE_H

#include "expdata.h"

enum score_kind { SCORE_FINAL, SCORE_AUC, SCORE_LAST, SCORE_BEST };

struct score {
	enum score_kind kind;
	int k; /* SCORE_LAST: points averaged */
};

/* The default: final. */
void score_init(struct score *sc);
/* Parses "final", "auc", "last:K" (1 <= K <= 1000000) or "best"; 0, or -1 (no error printed). */
int score_parse(const char *s, struct score *sc);
/* "final", "auc", "last:5", "best" (caller frees). */
char *score_key(const struct score *sc);
/* Plain words: "final return (mean of the last evaluation)" ... (caller frees). */
char *score_words(const struct score *sc, int use_eval);
/* The score of one run. */
double score_of(const struct exp_run *r, const struct score *sc);
/* Replaces every run's `final` by its score (call before expdata_normalize). */
void expdata_score(struct expdata *d, const struct score *sc);

#endif
