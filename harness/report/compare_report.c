/*
 * compare_report.c - see compare_report.h. Every output states the score,
 * n of each side, the interval method, the Holm family and the level at
 * which the smallest detectable difference holds; a warning when a side has
 * fewer than CMP_FEW_RUNS runs.
 */
#include "compare_report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tables.h"
#include "util.h"

/* Three significant digits, a sign when `sign`; returns up to 1e6 without exponents. */
static void num(struct strbuf *sb, double v, int sign)
{
	if (isnan(v))
		strbuf_addstr(sb, "n/a");
	else if (fabs(v) >= 1000 && fabs(v) < 1e6)
		strbuf_addf(sb, sign ? "%+.0f" : "%.0f", v);
	else
		strbuf_addf(sb, sign ? "%+.3g" : "%.3g", v);
}

static void interval(struct strbuf *sb, const struct stats_interval *iv, int sign, const char *open,
		     const char *close)
{
	num(sb, iv->point, sign);
	strbuf_addf(sb, " %s", open);
	num(sb, iv->lo, sign);
	strbuf_addstr(sb, ", ");
	num(sb, iv->hi, sign);
	strbuf_addstr(sb, close);
}

static void pval(struct strbuf *sb, double p)
{
	if (isnan(p))
		strbuf_addstr(sb, "–");
	else if (p < 1e-4)
		strbuf_addstr(sb, "<1e-4");
	else
		strbuf_addf(sb, "%.2g", p);
}

static void verdict(struct strbuf *sb, const struct cmp_row *r)
{
	if (!r->valid)
		strbuf_addstr(sb, "no runs");
	else if (r->verdict == VERDICT_B)
		strbuf_addstr(sb, "B better");
	else if (r->verdict == VERDICT_A)
		strbuf_addstr(sb, "A better");
	else if (r->identical)
		strbuf_addstr(sb, "no detectable difference (identical scores)");
	else if (isnan(r->mdd))
		strbuf_addstr(sb, "no detectable difference (too few runs for a test)");
	else {
		strbuf_addstr(sb, "no detectable difference (could detect ±");
		num(sb, r->mdd, 0);
		strbuf_addstr(sb, ")");
	}
}

static const char *row_env(const struct cmp_report *rep, const struct cmp_row *r)
{
	return r->env < 0 ? "aggregate (normalised)" : rep->envs[r->env];
}

/* The cells of one row as plain strings (for the three formats). */
struct cells {
	char *env, *n, *mean, *iqm, *poi, *pt, *pr, *verdict;
};

static void row_cells(const struct cmp_report *rep, const struct cmp_row *r, struct cells *c, const char *lb,
		      const char *rb)
{
	struct strbuf sb = {0};
	c->env = xstrdup(row_env(rep, r));
	strbuf_addf(&sb, "%d/%d", r->r.n_a, r->r.n_b);
	if (r->failed_a || r->failed_b)
		strbuf_addf(&sb, " (%d/%d failed)", r->failed_a, r->failed_b);
	if (r->missing_a || r->missing_b)
		strbuf_addf(&sb, " (-%d/-%d missing)", r->missing_a, r->missing_b);
	c->n = strbuf_detach(&sb);
	if (r->valid) {
		interval(&sb, &r->r.mean_diff, 1, lb, rb);
		c->mean = strbuf_detach(&sb);
		interval(&sb, &r->r.iqm_diff, 1, lb, rb);
		c->iqm = strbuf_detach(&sb);
		interval(&sb, &r->r.poi, 0, lb, rb);
		c->poi = strbuf_detach(&sb);
	} else {
		c->mean = xstrdup("n/a");
		c->iqm = xstrdup("n/a");
		c->poi = xstrdup("n/a");
	}
	pval(&sb, r->p_t_adj);
	c->pt = strbuf_detach(&sb);
	pval(&sb, r->p_rank_adj);
	c->pr = strbuf_detach(&sb);
	verdict(&sb, r);
	c->verdict = strbuf_detach(&sb);
}

static void cells_release(struct cells *c)
{
	free(c->env);
	free(c->n);
	free(c->mean);
	free(c->iqm);
	free(c->poi);
	free(c->pt);
	free(c->pr);
	free(c->verdict);
}

/* The methods, in words (Markdown and terminal). */
static void methods(struct strbuf *sb, const struct cmp_report *rep)
{
	strbuf_addf(sb, "Score: %s (--metric-of %s). Higher is better.\n", rep->score_words, rep->score_key);
	strbuf_addf(sb, "Seeds: %s.\n", rep->paired ? "paired (paired_seeds = true): seed index i of A and B shared "
		    "their environment and evaluation streams; paired t-test, Wilcoxon signed-rank test, pairs resampled together"
		    : "not paired: Welch's t-test, Mann-Whitney U, A's and B's runs resampled independently");
	strbuf_addf(sb, "Intervals: %g%% percentile bootstrap, %d resamples, stratified by environment (and by the other "
		    "swept keys for a factor), seeded from the estimand's name. n = runs of A/B.\n",
		    100 * rep->level, rep->resamples);
	strbuf_addf(sb, "p t: %s t-test of the mean difference, Holm-corrected across the %d rows of this report; "
		    "p U: %s, Holm-corrected across its %d rows (one environment per row only; exact without ties and up "
		    "to 50 runs a side, else the normal approximation with tie and continuity corrections).\n",
		    rep->paired ? "paired" : "Welch's", rep->nfamily, rep->paired ? "Wilcoxon signed-rank" : "Mann-Whitney U",
		    rep->nrank_family);
	strbuf_addf(sb, "Verdict: B or A better when p t < %g; otherwise the smallest mean difference these runs could "
		    "detect with power %g at level %g/%d (two-sided t-test).\n", rep->alpha, 1 - rep->beta, rep->alpha,
		    rep->nfamily ? rep->nfamily : 1);
	if (rep->agg_envs)
		strbuf_addf(sb, "Aggregate: normalised scores ((score - random) / (reference - random)) over %s; mean "
			    "difference = average over environments, IQM over the pooled runs.\n", rep->agg_envs);
	if (rep->min_n < CMP_FEW_RUNS)
		strbuf_addf(sb, "Warning: some side has only %d runs (fewer than %d): intervals and tests are rough.\n",
			    rep->min_n, CMP_FEW_RUNS);
}

static void write_tty(const struct cmp_report *rep)
{
	static const char *const head[8] = { "environment", "n A/B", "mean B-A [CI]", "IQM B-A [CI]", "P(B>A) [CI]",
					     "p t", "p U", "verdict" };
	struct cells *cl = xcalloc((size_t)rep->nrows + 1, sizeof(*cl));
	int w[8];
	for (int j = 0; j < 8; j++)
		w[j] = (int)strlen(head[j]);
	for (int i = 0; i < rep->nrows; i++) {
		row_cells(rep, &rep->rows[i], &cl[i], "[", "]");
		const char *f[8] = { cl[i].env, cl[i].n, cl[i].mean, cl[i].iqm, cl[i].poi, cl[i].pt, cl[i].pr, cl[i].verdict };
		for (int j = 0; j < 7; j++)
			w[j] = (int)strlen(f[j]) > w[j] ? (int)strlen(f[j]) : w[j];
	}
	for (int c = 0; c < rep->ncomps; c++) {
		const struct cmp_comparison *k = &rep->comps[c];
		printf("%sB = %s  vs  A = %s%s%s\n", c ? "\n" : "", printable(k->b), printable(k->a), k->factor ? "  (main effect" : "",
		       k->factor ? (k->ntuples > 1 ? ", averaged over the other swept keys)" : ")") : "");
		for (int j = 0; j < 7; j++)
			printf("%-*s  ", w[j], head[j]);
		printf("%s\n", head[7]);
		for (int i = 0; i < rep->nrows; i++) {
			if (rep->rows[i].comp != c)
				continue;
			const struct cells *x = &cl[i];
			printf("%-*s  %-*s  %-*s  %-*s  %-*s  %-*s  %-*s  %s\n", w[0], printable(x->env), w[1], x->n, w[2], x->mean,
			       w[3], x->iqm, w[4], x->poi, w[5], x->pt, w[6], x->pr, x->verdict);
		}
	}
	for (int i = 0; i < rep->nrows; i++)
		cells_release(&cl[i]);
	free(cl);
	struct strbuf sb = {0};
	methods(&sb, rep);
	printf("\n%s", sb.buf);
	strbuf_release(&sb);
}

static void write_md(const struct cmp_report *rep, struct strbuf *md)
{
	char *e = md_escape(rep->experiment);
	strbuf_addf(md, "# Comparison: %s\n\n", e);
	free(e);
	for (int c = 0; c < rep->ncomps; c++) {
		const struct cmp_comparison *k = &rep->comps[c];
		char *a = md_escape(k->a), *b = md_escape(k->b);
		strbuf_addf(md, "## B = %s vs A = %s%s\n\n", b, a, k->factor ? " (main effect)" : "");
		free(a);
		free(b);
		strbuf_addstr(md, "| environment | n A/B | mean B − A [CI] | IQM B − A [CI] | P(B > A) [CI] | p t (Holm) "
			      "| p U (Holm) | verdict |\n|---|---:|---:|---:|---:|---:|---:|---|\n");
		for (int i = 0; i < rep->nrows; i++) {
			const struct cmp_row *r = &rep->rows[i];
			if (r->comp != c)
				continue;
			struct cells s;
			row_cells(rep, r, &s, "\\[", "\\]");
			char *env = md_escape(s.env);
			strbuf_addf(md, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", env, s.n, s.mean, s.iqm, s.poi, s.pt,
				    s.pr, s.verdict);
			free(env);
			cells_release(&s);
		}
		strbuf_addstr(md, "\n");
	}
	struct strbuf m = {0};
	methods(&m, rep);
	for (char *line = m.buf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		strbuf_addf(md, "- %.*s\n", nl ? (int)(nl - line) : (int)strlen(line), line);
	}
	strbuf_release(&m);
}

static void write_tex(const struct cmp_report *rep, struct strbuf *tex)
{
	strbuf_addf(tex, "%% harness compare: %g%% bootstrap intervals (%d resamples), Holm-corrected p-values; "
		    "score %s; needs \\usepackage{booktabs}\n", 100 * rep->level, rep->resamples, rep->score_key);
	strbuf_addstr(tex, "\\begin{tabular}{lrrrrrrl}\n\\toprule\nEnvironment & $n_A/n_B$ & mean $B-A$ & IQM $B-A$ & "
		      "$P(B>A)$ & $p_t$ & $p_U$ & verdict \\\\\n");
	for (int c = 0; c < rep->ncomps; c++) {
		char *a = tex_escape(rep->comps[c].a), *b = tex_escape(rep->comps[c].b);
		strbuf_addf(tex, "\\midrule\n\\multicolumn{8}{l}{$B$ = %s vs $A$ = %s} \\\\\n", b, a);
		free(a);
		free(b);
		for (int i = 0; i < rep->nrows; i++) {
			const struct cmp_row *r = &rep->rows[i];
			if (r->comp != c)
				continue;
			struct cells s;
			row_cells(rep, r, &s, "{\\scriptsize [", "]}");
			char *f[8] = { tex_escape(s.env), tex_escape(s.n), xstrdup(s.mean), xstrdup(s.iqm), xstrdup(s.poi),
				       tex_escape(s.pt), tex_escape(s.pr), tex_escape(s.verdict) };
			for (int j = 0; j < 8; j++) {
				strbuf_addf(tex, "%s%s", j ? " & " : "", f[j]);
				free(f[j]);
			}
			strbuf_addstr(tex, " \\\\\n");
			cells_release(&s);
		}
	}
	strbuf_addf(tex, "\\bottomrule\n\\multicolumn{8}{l}{\\footnotesize %s seeds; $p$ Holm-corrected over %d rows; "
		    "verdict at $\\alpha = %g$; %g\\%% stratified percentile bootstrap, %d resamples.}\\\\\n\\end{tabular}\n",
		    rep->paired ? "Paired" : "Unpaired", rep->nfamily, rep->alpha, 100 * rep->level, rep->resamples);
}

/* One panel per environment (and the aggregate): one bar per comparison, the mean difference with its interval. */
static int write_figure(const struct cmp_report *rep, const char *outdir, const char *tag, const struct plot_opts *o)
{
	/* panels: the environments (then the aggregate) with at least one row to draw */
	int *pan = xcalloc((size_t)rep->nenvs + 2, sizeof(int)), np = 0, nc = rep->ncomps;
	for (int e = -1; e < rep->nenvs; e++) {
		int env = e < 0 ? rep->nenvs : e, any = 0; /* aggregate last: index nenvs stands for -1 */
		for (int i = 0; i < rep->nrows; i++)
			any |= rep->rows[i].valid && rep->rows[i].env == (env == rep->nenvs ? -1 : env);
		if (any && env < rep->nenvs)
			pan[np++] = env;
		else if (any)
			pan[rep->nenvs + 1] = 1;
	}
	if (pan[rep->nenvs + 1])
		pan[np++] = -1;
	if (!np) {
		free(pan);
		return 0;
	}
	struct strbuf data = {0}, b = {0};
	strbuf_addstr(&data, "# ");
	gnuplot_comment(&data, "harness compare: mean difference B - A per comparison (row point lo hi rgb), one block per panel");
	strbuf_addstr(&data, "\n");
	double *lo = xcalloc((size_t)np, sizeof(double)), *hi = xcalloc((size_t)np, sizeof(double));
	for (int p = 0; p < np; p++) {
		int env = pan[p];
		lo[p] = 0;
		hi[p] = 0;
		strbuf_addstr(&data, "# ");
		gnuplot_comment(&data, env < 0 ? "aggregate (normalised)" : rep->envs[env]);
		strbuf_addstr(&data, "\n");
		for (int i = 0; i < rep->nrows; i++) {
			const struct cmp_row *r = &rep->rows[i];
			if (r->env != env || !r->valid)
				continue;
			const struct stats_interval *iv = &r->r.mean_diff;
			/* ARGB: rows without a detectable difference drawn pale */
			unsigned argb = (unsigned)strtoul(algo_colour(r->comp) + 1, NULL, 16) |
					(r->verdict == VERDICT_NONE ? 0xa0000000u : 0u);
			strbuf_addf(&data, "%d %.17g %.17g %.17g %u\n", r->comp, iv->point, iv->lo, iv->hi, argb);
			lo[p] = fmin(lo[p], iv->lo);
			hi[p] = fmax(hi[p], iv->hi);
		}
		strbuf_addstr(&data, "\n\n");
	}
	char *dat = xstrfmt("%s/%s.dat", outdir, tag), *qdat = gnuplot_quote(dat);
	int rc = write_file_atomic(dat, data.buf, data.len);
	struct fig_style st;
	fig_style_init(&st, o->width, 1, o->png, o->pdf);
	/* labels "B − A" (one comparison), the names when they fit in 40% of the width, else C1, C2 ... with a key */
	char **labels = xcalloc((size_t)nc, sizeof(char *));
	size_t longest = 0;
	for (int c = 0; c < nc; c++) {
		labels[c] = nc == 1 ? xstrdup("B − A") : xstrfmt("%s − %s", rep->comps[c].b, rep->comps[c].a);
		longest = strlen(labels[c]) > longest ? strlen(labels[c]) : longest;
	}
	double char_in = st.font_pt * 0.64 / 72;
	int keyed = 0.2 + (double)longest * char_in > 0.4 * st.width;
	if (keyed)
		for (int c = 0; c < nc; c++) {
			free(labels[c]);
			labels[c] = xstrfmt("C%d", c + 1);
			longest = 3;
		}
	double L = (0.25 + (double)longest * char_in) / st.width;
	double panel_in = 0.7 + 0.22 * nc, line_in = st.font_pt * 1.5 / 72, foot_in = 0.2 + line_in * (2 + (keyed ? nc : 0));
	st.height = np * panel_in + foot_in;
	double ff = foot_in / st.height, ph = (1 - ff) / np;
	strbuf_addf(&b, "set multiplot\nunset key\nset border 1\nset grid noytics xtics\nset yrange [%d.5:-0.5]\n"
		    "set xtics format '%%g'\n", nc - 1);
	for (int p = 0; p < np; p++) {
		int env = pan[p];
		char *title = gnuplot_quote_fit(env < 0 ? "aggregate (normalised scores)" : rep->envs[env], st.width * 0.9, st.font_pt);
		double span = hi[p] - lo[p], pad = span > 0 ? span * 0.08 : 0.5;
		strbuf_addf(&b, "set lmargin at screen %.4f\nset rmargin at screen 0.97\nset tmargin at screen %.4f\n"
			    "set bmargin at screen %.4f\nset title %s offset 0,-0.6\nset xrange [%.17g:%.17g]\nset xtics %.17g\n"
			    "set arrow 1 from 0, graph 0 to 0, graph 1 nohead dt 2 lc rgb '#777777' back\nset ytics scale 0 (",
			    L, 1 - p * ph - 0.24 / st.height, 1 - (p + 1) * ph + 0.36 / st.height, title, lo[p] - pad, hi[p] + pad,
			    nice_step_ceil(hi[p] - lo[p] + 2 * pad, fmax(2, (1 - L) * st.width / 0.8)));
		for (int c = 0; c < nc; c++) {
			char *q = gnuplot_quote_fit(labels[c], L * st.width - 0.1, st.font_pt);
			strbuf_addf(&b, "%s%s %d", c ? ", " : "", q, c);
			free(q);
		}
		strbuf_addf(&b, ")\nplot %s index %d using 2:1:3:4:($1-0.3):($1+0.3):5 with boxxyerror lc rgb variable "
			    "fs solid 1 noborder, \\\n  %s index %d using 2:($1-0.3):(0):(0.6) with vectors "
			    "nohead lc rgb 'black' lw 2.5\n", qdat, p, qdat, p);
		free(title);
	}
	int max_n = 0;
	for (int i = 0; i < rep->nrows; i++)
		if (rep->rows[i].env >= 0) {
			max_n = rep->rows[i].r.n_a > max_n ? rep->rows[i].r.n_a : max_n;
			max_n = rep->rows[i].r.n_b > max_n ? rep->rows[i].r.n_b : max_n;
		}
	char *nrange = rep->min_n == max_n ? xstrfmt("%d", max_n) : xstrfmt("%d-%d", rep->min_n, max_n);
	char *foot[2] = { xstrfmt("mean difference B − A of the score '%s'; pale: no detectable difference", rep->score_key),
			  xstrfmt("%g%% bootstrap interval, n = %s runs a side%s", 100 * rep->level, nrange,
				  rep->min_n < CMP_FEW_RUNS ? " (few runs)" : "") };
	free(nrange);
	strbuf_addstr(&b, "set origin 0,0\nset size 1,1\nunset title\nunset arrow 1\n");
	int nl = 0;
	for (int i = 0; i < 2 + (keyed ? nc : 0); i++, nl++) {
		char *text = i < 2 ? foot[i] : xstrfmt("C%d = %s − %s", i - 1, rep->comps[i - 2].b, rep->comps[i - 2].a);
		char *q = gnuplot_quote_fit(text, st.width * 0.95, st.font_pt);
		strbuf_addf(&b, "set label %d %s at screen %s,%.4f %s\n", 10 + i, q, i < 2 ? "0.5" : "0.03",
			    (foot_in - 0.1 - line_in * (i + 0.5)) / st.height, i < 2 ? "center" : "left");
		free(q);
		if (i >= 2)
			free(text);
	}
	strbuf_addstr(&b, "unset border\nunset tics\nunset grid\nset lmargin 0\nset rmargin 0\nset tmargin 0\nset bmargin 0\n"
		      "set xrange [0:1]\nset yrange [0:1]\nplot NaN notitle\n");
	for (int i = 0; i < nl; i++)
		strbuf_addf(&b, "unset label %d\n", 10 + i);
	strbuf_addstr(&b, "unset multiplot\n");
	free(foot[0]);
	free(foot[1]);
	if (!rc)
		rc = gnuplot_figure(outdir, tag, &st, b.buf);
	for (int c = 0; c < nc; c++)
		free(labels[c]);
	free(labels);
	free(lo);
	free(hi);
	free(pan);
	free(dat);
	free(qdat);
	strbuf_release(&data);
	strbuf_release(&b);
	return rc;
}

int compare_report_write(const struct cmp_report *rep, const char *outdir, const char *tag, const struct plot_opts *o)
{
	struct strbuf md = {0}, tex = {0};
	write_md(rep, &md);
	write_tex(rep, &tex);
	char *pmd = xstrfmt("%s/%s.md", outdir, tag), *ptex = xstrfmt("%s/%s.tex", outdir, tag);
	int rc = write_file_atomic(pmd, md.buf, md.len) || write_file_atomic(ptex, tex.buf, tex.len) ? -1 : 0;
	if (!rc && (o->png || o->pdf) && rep->nrows)
		rc = write_figure(rep, outdir, tag, o);
	if (!rc) {
		write_tty(rep);
		printf("report: %s, %s", printable(pmd), printable(ptex));
		if (o->png || o->pdf)
			printf(", figure %s/%s.%s", printable(outdir), printable(tag), o->png ? "png" : "pdf");
		printf("\n");
	}
	free(pmd);
	free(ptex);
	strbuf_release(&md);
	strbuf_release(&tex);
	return rc;
}
