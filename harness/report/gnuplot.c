/*
 * gnuplot.c - see gnuplot.h.
 */
#include "gnuplot.h"
#include "proc.h"
#include "holder.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Okabe & Ito (2008), black last; yellow (#F0E442) left out: unreadable as a line on white. */
static const char *const palette[] = { "#0072B2", "#D55E00", "#009E73", "#CC79A7",
				       "#E69F00", "#56B4E9", "#000000" };

const char *algo_colour(int i)
{
	return palette[i % (int)ARRAY_SIZE(palette)];
}

int algo_dash(int i)
{
	/* 1 solid, 2 dashed, 3 short dashes, 4 dot-dash, 5 dot-dot-dash; offset from the colour cycle
	 * so that colour and dash repeat together only after 35 algorithms */
	return 1 + (i + i / (int)ARRAY_SIZE(palette)) % 5;
}

/*
 * A double-quoted string in which every byte but letters, digits, space and a
 * few safe punctuation marks is an octal escape: no backtick (run as a shell
 * command even inside double quotes), quote, backslash or @ appears raw.
 * (Single quotes with '' doubling are not enough: gnuplot 5.4 ends the string
 * at the second of two consecutive doubled quotes; tests/test_plot.c.)
 */
char *gnuplot_quote(const char *s)
{
	struct strbuf sb = {0};
	strbuf_addstr(&sb, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			strbuf_addstr(&sb, " ");
		else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			 strchr(" _.,:;=+-/()[]#%", *p))
			strbuf_add(&sb, p, 1);
		else
			strbuf_addf(&sb, "\\%03o", *p);
	}
	strbuf_addstr(&sb, "\"");
	return strbuf_detach(&sb);
}

void gnuplot_comment(struct strbuf *sb, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		strbuf_add(sb, *p < 0x20 || *p == 0x7f ? (const unsigned char *)" " : p, 1);
}

void fig_style_init(struct fig_style *st, double width, double aspect, int png, int pdf)
{
	st->width = width;
	st->height = width * aspect;
	st->font_pt = width < 5 ? 8 : 9;
	st->png = png;
	st->pdf = pdf;
}

double nice_step(double range)
{
	if (!(range > 0) || !isfinite(range))
		return 1;
	double raw = range / 3, mag = pow(10, floor(log10(raw))), n = raw / mag;
	return (n < 1.5 ? 1 : n < 3 ? 2 : n < 7 ? 5 : 10) * mag;
}

double nice_step_ceil(double range, double ntics)
{
	if (!(range > 0) || !isfinite(range))
		return 1;
	double raw = range / ntics, mag = pow(10, floor(log10(raw))), n = raw / mag;
	return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
}

char *fit_label(const char *s, int max)
{
	int chars = 0;
	const char *p = s, *cut = NULL;
	for (; *p; p++) {
		if (((unsigned char)*p & 0xc0) == 0x80)
			continue; /* continuation byte */
		if (chars == max - 1)
			cut = p;
		chars++;
	}
	if (chars <= max || !cut || max < 2)
		return xstrdup(s);
	struct strbuf sb = {0};
	strbuf_add(&sb, s, (size_t)(cut - s));
	strbuf_addstr(&sb, "…");
	return strbuf_detach(&sb);
}

char *gnuplot_quote_fit(const char *s, double width, double font_pt)
{
	/* DejaVu Sans averages ~0.6 em per character on such labels (measured on the PNGs) */
	char *fit = fit_label(s, (int)(width * 72 / (font_pt * 0.64)));
	char *q = gnuplot_quote(fit);
	free(fit);
	return q;
}

char *slug(const char *s)
{
	struct strbuf sb = {0};
	for (const char *p = s; *p; p++) {
		char ch = *p;
		int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
			 ch == '.' || ch == '-' || ch == '_';
		strbuf_add(&sb, ok ? &ch : "_", 1);
	}
	if (!sb.len || sb.buf[0] == '.') { /* never hidden, never "." or ".." */
		char *t = strbuf_detach(&sb);
		strbuf_addf(&sb, "_%s", t);
		free(t);
	}
	/* an environment named like a figure of the experiment keeps its own file */
	static const char *const reserved[] = { "curves", "aggregate", "profile", "poi" };
	for (size_t i = 0; i < ARRAY_SIZE(reserved); i++)
		if (!strcmp(sb.buf, reserved[i]))
			strbuf_addstr(&sb, "_env");
	return strbuf_detach(&sb);
}

static int run_gnuplot(const char *script, const char *shown)
{
	struct child c = CHILD_INIT;
	c.argv = (char *const[]){ "gnuplot", (char *)script, NULL };
	int st = proc_run(&c);
	if (st == 127)
		return error("cannot run gnuplot (install gnuplot-nox, or run 'make deps')");
	if (st)
		return error("gnuplot failed on '%s'", shown);
	return 0;
}

/*
 * PNG at 200 pixels per inch. Measured on gnuplot 5.4's cairo terminals: pngcairo sets
 * fonts at 96 dpi and draws linewidth 1 one pixel wide; pdfcairo draws linewidth 1 as
 * 0.5 pt. Scaling both makes the PNG the PDF rasterised at PNG_DPI.
 */
#define PNG_DPI 200.0

/* The script of both formats, their output paths being out[0] (PNG) and out[1] (PDF). */
static void figure_script(struct strbuf *sb, const char *base, const struct fig_style *st, const char *body,
			  char *const out[2])
{
	strbuf_addf(sb, "# %s: drawn by harness plot; run `gnuplot %s.gp` in this directory's parent to redraw\n"
		    "reset\nset encoding utf8\nset termoption noenhanced\n", base, base);
	for (int fmt = 0; fmt < 2; fmt++) {
		if (!out[fmt])
			continue;
		char *q = gnuplot_quote(out[fmt]);
		if (fmt)
			strbuf_addf(sb, "set terminal pdfcairo noenhanced color size %.3fin,%.3fin font 'Sans,%g' linewidth 1\n",
				    st->width, st->height, st->font_pt);
		else
			strbuf_addf(sb, "set terminal pngcairo noenhanced color size %d,%d font 'Sans,%g' linewidth %g\n",
				    (int)lround(st->width * PNG_DPI), (int)lround(st->height * PNG_DPI),
				    st->font_pt * PNG_DPI / 96, 0.5 * PNG_DPI / 72);
		/* reset keeps terminal and output: each format starts from the same state */
		strbuf_addf(sb, "set output %s\nreset\nset encoding utf8\nset border 3 lw 0.8\n"
			    "set tics nomirror out scale 0.6\nset grid back lc rgb '#dddddd' lw 1 dt solid\n"
			    "set style fill transparent solid 0.22 noborder\n%s\nunset output\n", q, body);
		free(q);
	}
}

/*
 * Atomic figures: the .gp written beside them names the final files; gnuplot
 * itself runs a copy that draws into fresh temporary names of this process
 * (holder.h), renamed over the final files only once gnuplot succeeded. A
 * plot killed or failing midway leaves the previous figures whole.
 */
int gnuplot_figure(const char *dir, const char *base, const struct fig_style *st, const char *body)
{
	struct strbuf sb = {0}, run = {0};
	char *gp = xstrfmt("%s/%s.gp", dir, base);
	char *final[2] = { NULL, NULL }, *tmp[2] = { NULL, NULL };
	for (int fmt = 0; fmt < 2; fmt++) {
		if (fmt == 0 ? !st->png : !st->pdf)
			continue;
		final[fmt] = xstrfmt("%s/%s.%s", dir, base, fmt ? "pdf" : "png");
		tmp[fmt] = holder_tmp_path(final[fmt]);
	}
	holder_sweep_dir(dir); /* what a killed plot left */
	figure_script(&sb, base, st, body, final);
	figure_script(&run, base, st, body, tmp);
	char *rgp = holder_tmp_path(gp);
	int rc = write_file_atomic(gp, sb.buf, sb.len) || write_file_atomic(rgp, run.buf, run.len) ? -1 : 0;
	if (!rc)
		rc = run_gnuplot(rgp, gp);
	for (int fmt = 0; !rc && fmt < 2; fmt++)
		if (tmp[fmt] && rename(tmp[fmt], final[fmt]))
			rc = error("cannot rename '%s' to '%s': %s", tmp[fmt], final[fmt], strerror(errno));
	if (!rc)
		rc = fsync_parent_dir(gp);
	for (int fmt = 0; fmt < 2; fmt++) {
		if (tmp[fmt])
			unlink(tmp[fmt]); /* ours; gone already when renamed */
		free(tmp[fmt]);
		free(final[fmt]);
	}
	unlink(rgp);
	free(rgp);
	strbuf_release(&sb);
	strbuf_release(&run);
	free(gp);
	return rc;
}
