/*
 * gnuplot.h - writing and running gnuplot scripts safely, and the one look of
 * every figure: cairo terminals (PNG and PDF drawn by the same script, so
 * they look the same), sizes in inches for one-column (3.5 in) and
 * two-column (7 in) papers, fonts in points, and a stable colour and dash
 * per algorithm from the colour-blind-safe Okabe-Ito palette.
 *
 * Safety: user text (environment and configuration names) only ever reaches
 * a script through gnuplot_quote(), as an octal-escaped string, and every
 * text is drawn `noenhanced`; data files get it only through
 * gnuplot_comment(). No name can end a string, start a command, expand a
 * macro (@) or run a shell command (`...` or system()).
 */
#ifndef GNUPLOT_H
#define GNUPLOT_H

#include "util.h"

/* Quotes s as a gnuplot double-quoted string, all but safe bytes octal-escaped (control characters as spaces). */
char *gnuplot_quote(const char *s);
/* Appends s to a data file as the rest of a '#' comment line (control characters as spaces). */
void gnuplot_comment(struct strbuf *sb, const char *s);

struct fig_style {
	double width, height; /* inches */
	double font_pt;       /* in the PDF; the PNG is scaled to look the same */
	int png, pdf;         /* formats to draw */
};
/* Width w inches: height from aspect (height / width), font 8 pt below 5 in, else 9 pt. */
void fig_style_init(struct fig_style *st, double width, double aspect, int png, int pdf);

/* Okabe-Ito colour and dash type of algorithm i (stable across an experiment's figures). */
const char *algo_colour(int i);
int algo_dash(int i);

/*
 * Writes <dir>/<base>.gp: a common preamble, then for each format its
 * terminal, `set output '<dir>/<base>.<fmt>'`, body, `unset output`; runs
 * gnuplot on it. body must reset what it changes (it is run once per format).
 * 0, or -1 after error().
 */
int gnuplot_figure(const char *dir, const char *base, const struct fig_style *st, const char *body);

/* A "nice" tic step for a range: 1, 2 or 5 times a power of ten, about range/3. */
double nice_step(double range);

/* s cut to at most max characters (UTF-8 aware), ending with an ellipsis when cut (caller frees). */
char *fit_label(const char *s, int max);
/* gnuplot_quote of s cut to fit width inches at font_pt (fit_label), for titles and key entries. */
char *gnuplot_quote_fit(const char *s, double width, double font_pt);
/* The smallest 1, 2 or 5 times a power of ten that is >= range / ntics. */
double nice_step_ceil(double range, double ntics);

/*
 * File-name form of a label: [A-Za-z0-9._-] kept, anything else '_', '_' put
 * before a leading '.', "_env" after the name of an experiment-wide figure
 * (curves, aggregate, profile, poi). Caller frees.
 */
char *slug(const char *s);

#endif
