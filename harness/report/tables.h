/*
 * tables.h - the final-performance table of an experiment, in Markdown
 * (<tabdir>/final.md) and LaTeX booktabs (<tabdir>/final.tex): one row per
 * environment, one column per algorithm, each entry the metric (IQM by
 * default, or mean or median) of the runs' final returns across seeds with
 * its 95% bootstrap interval; the best entry of a row in bold, entries whose
 * interval overlaps the best's marked with a dagger (explained in a footnote
 * line). A last row gives the aggregate metric of normalised scores over the
 * environments that can be normalised (stratified bootstrap). Names are
 * escaped for each format.
 */
#ifndef TABLES_H
#define TABLES_H

#include "expdata.h"
#include "plot.h"

int tables_write(const struct expdata *d, const char *tabdir, const struct plot_opts *o);

/* s escaped for a Markdown table cell / for LaTeX text (caller frees); control characters become spaces. */
char *md_escape(const char *s);
char *tex_escape(const char *s);

#endif
