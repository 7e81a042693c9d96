/*
 * labels.h - what figures call configurations, and drawing a subset:
 *
 *   (what a configuration is called is expdata.h's display: the spec's `label`, or its name)
 *   short_labels   "C1", "C2", ... when some label does not fit the room a figure
 *                  has for it; key_table() then lists "C1 = label" under the figure
 *   expdata_select keeps only some configurations and environments
 */
#ifndef LABELS_H
#define LABELS_H

#include "expdata.h"
#include "gnuplot.h"

/* Frees the n strings of labels and the array (short_labels' result). */
void labels_free(char **labels, int n);

/* Labels that fit avail_in inches at font_pt: names themselves, or C1..Cn (*keyed = 1). Caller frees (labels_free). */
char **short_labels(const char *const *names, int n, double avail_in, double font_pt, int *keyed);
/* Height in inches of the key table of n entries at font_pt. */
double key_table_inches(int n, double font_pt);
/* `set label` lines "C<i> = name" from bottom_in inches above the figure's bottom edge, upward (labels 100+i). */
void key_table(struct strbuf *b, const char *const *names, int n, const struct fig_style *st, double bottom_in);
void key_table_unset(struct strbuf *b, int n);

/*
 * gnuplot_quote of s cut to width inches in the middle ("dqn[double=fa…ized=true]"): legends keep
 * both ends, where sweep names differ. Caller frees.
 */
char *quote_fit_middle(const char *s, double width, double font_pt);

/* Keeps configurations with keep_algo[a] and environments with keep_env[e] (display and labels follow). */
void expdata_select(struct expdata *d, const int *keep_algo, const int *keep_env);

#endif
