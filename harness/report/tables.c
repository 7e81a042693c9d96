/*
 * tables.c - see tables.h.
 */
#include "tables.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "aggfig.h"
#include "intervals.h"
#include "util.h"

char *md_escape(const char *s)
{
	struct strbuf sb = {0};
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			strbuf_addstr(&sb, " ");
		else if (strchr("\\`*_[]<>|~", *p))
			strbuf_addf(&sb, "\\%c", *p);
		else
			strbuf_add(&sb, p, 1);
	}
	return strbuf_detach(&sb);
}

char *tex_escape(const char *s)
{
	struct strbuf sb = {0};
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '\\': strbuf_addstr(&sb, "\\textbackslash{}"); break;
		case '{': case '}': case '$': case '&': case '#': case '_': case '%':
			strbuf_addf(&sb, "\\%c", *p);
			break;
		case '^': strbuf_addstr(&sb, "\\textasciicircum{}"); break;
		case '~': strbuf_addstr(&sb, "\\textasciitilde{}"); break;
		case '<': strbuf_addstr(&sb, "\\textless{}"); break;
		case '>': strbuf_addstr(&sb, "\\textgreater{}"); break;
		case '|': strbuf_addstr(&sb, "\\textbar{}"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				strbuf_addstr(&sb, " ");
			else
				strbuf_add(&sb, p, 1);
		}
	}
	return strbuf_detach(&sb);
}

/* One table entry; valid = 0 when the cell has no runs. */
struct entry {
	struct stats_interval iv;
	int valid, best, overlaps;
	char n[96]; /* "n=5", "n=4 of 5, 1 failed" */
};

static void mark_row(struct entry *row, int n)
{
	int b = -1;
	for (int a = 0; a < n; a++)
		if (row[a].valid && (b < 0 || row[a].iv.point > row[b].iv.point))
			b = a;
	if (b < 0)
		return;
	for (int a = 0; a < n; a++)
		row[a].best = row[a].valid && row[a].iv.point == row[b].iv.point; /* ties: all bold */
	for (int a = 0; a < n; a++)
		if (!row[a].best && row[a].valid && row[a].iv.hi >= row[b].iv.lo && row[a].iv.lo <= row[b].iv.hi)
			row[a].overlaps = 1;
}

/* Three significant digits, without exponents for returns up to 1e6. */
static void add_num(struct strbuf *sb, double v)
{
	if (fabs(v) >= 1000 && fabs(v) < 1e6)
		strbuf_addf(sb, "%.0f", v);
	else
		strbuf_addf(sb, "%.3g", v);
}

static void md_entry(struct strbuf *sb, const struct entry *e)
{
	if (!e->valid) {
		strbuf_addf(sb, e->n[0] ? " | n/a (%s)" : " | –", e->n); /* –: not in the spec's matrix */
		return;
	}
	strbuf_addstr(sb, e->best ? " | **" : " | ");
	add_num(sb, e->iv.point);
	strbuf_addstr(sb, e->best ? "** \\[" : " \\[");
	add_num(sb, e->iv.lo);
	strbuf_addstr(sb, ", ");
	add_num(sb, e->iv.hi);
	strbuf_addf(sb, "\\]%s (%s)", e->overlaps ? " †" : "", e->n);
}

static void tex_entry(struct strbuf *sb, const struct entry *e)
{
	if (!e->valid) {
		if (e->n[0])
			strbuf_addf(sb, " & n/a {\\scriptsize (%s)}", e->n);
		else
			strbuf_addstr(sb, " & --");
		return;
	}
	strbuf_addstr(sb, e->best ? " & \\textbf{" : " & ");
	add_num(sb, e->iv.point);
	strbuf_addf(sb, "%s%s {\\scriptsize [", e->best ? "}" : "", e->overlaps ? "$^\\dagger$" : "");
	add_num(sb, e->iv.lo);
	strbuf_addstr(sb, ", ");
	add_num(sb, e->iv.hi);
	strbuf_addf(sb, "] (%s)}", e->n);
}

int tables_write(const struct expdata *d, const char *tabdir, const struct plot_opts *o)
{
	int na = d->nalgos;
	struct entry *ent = xcalloc((size_t)(d->nenvs + 1) * (size_t)na, sizeof(*ent)); /* (nenvs + 1, na) */
	for (int e = 0; e < d->nenvs; e++)
		for (int a = 0; a < na; a++) {
			const struct exp_group *g = exp_group(d, e, a);
			struct entry *en = &ent[e * na + a];
			struct strbuf nb = {0};
			if (g->ncells)
				exp_group_n(g, &nb);
			snprintf(en->n, sizeof(en->n), "%s", nb.buf ? nb.buf : "");
			strbuf_release(&nb);
			if (!g->nruns)
				continue;
			double *x = xcalloc((size_t)g->nruns, sizeof(double));
			for (int r = 0; r < g->nruns; r++)
				x[r] = g->runs[r].final;
			struct rng rng;
			rng_seed(&rng, interval_seed_runs("runs", d->envs[e].label, d->algos[a], o, o->metric));
			stats_runs_ci(o->metric, x, g->nruns, o->resamples, o->level, &rng, &en->iv);
			en->valid = !isnan(en->iv.point);
			free(x);
		}
	/* aggregate row over normalisable envs */
	int *envs = xcalloc((size_t)d->nenvs, sizeof(int));
	int ne = aggfig_envs(d, envs);
	for (int a = 0; ne && a < na; a++) {
		const double **x = xcalloc((size_t)ne, sizeof(*x));
		int *n = xcalloc((size_t)ne, sizeof(int));
		for (int i = 0; i < ne; i++) {
			const struct exp_group *g = exp_group(d, envs[i], a);
			double *v = xcalloc((size_t)g->nruns, sizeof(double));
			for (int r = 0; r < g->nruns; r++)
				v[r] = g->runs[r].norm_final;
			x[i] = v;
			n[i] = g->nruns;
		}
		struct stats_tasks t = { ne, x, n };
		struct exp_group sum = { 0 };
		for (int i = 0; i < ne; i++) {
			const struct exp_group *g = exp_group(d, envs[i], a);
			sum.nruns += g->nruns;
			sum.ncells += g->ncells;
			sum.nfailed += g->nfailed;
			sum.nother += g->nother;
		}
		struct strbuf nb = {0};
		exp_group_n(&sum, &nb);
		snprintf(ent[d->nenvs * na + a].n, sizeof(ent[0].n), "%s", nb.buf);
		strbuf_release(&nb);
		struct rng rng;
		rng_seed(&rng, interval_seed_agg("aggregate", d, envs, ne, d->algos[a], NULL, o, (int)o->metric));
		struct entry *en = &ent[d->nenvs * na + a];
		stats_aggregate_ci(o->metric, &t, o->resamples, o->level, &rng, &en->iv);
		en->valid = 1;
		for (int i = 0; i < ne; i++)
			free((void *)x[i]);
		free(x);
		free(n);
	}
	int nrows = d->nenvs + (ne > 0);
	for (int e = 0; e < nrows; e++)
		mark_row(&ent[e * na], na);

	const char *metric = stats_metric_title(o->metric);
	struct strbuf md = {0}, tex = {0};
	char *words = score_words(&o->score, d->use_eval), *sk = score_key(&o->score), *note = interval_note(d, o, 0);
	strbuf_addf(&md, "%s of the %s across seeds (--metric-of %s), [%g%% bootstrap interval].\n%s.\n\n"
		    "| Environment", metric, words, sk, 100 * o->level, note);
	strbuf_addf(&tex, "%% %s of the %s across seeds with %g%% bootstrap intervals; %s; needs \\usepackage{booktabs}\n"
		    "\\begin{tabular}{l", metric, words, 100 * o->level, note);
	free(words);
	free(sk);
	free(note);
	for (int a = 0; a < na; a++)
		strbuf_addstr(&tex, "r");
	strbuf_addstr(&tex, "}\n\\toprule\nEnvironment");
	for (int a = 0; a < na; a++) {
		const char *name = d->display[a];
		char *m = md_escape(name), *t = tex_escape(name);
		strbuf_addf(&md, " | %s", m);
		strbuf_addf(&tex, " & %s", t);
		free(m);
		free(t);
	}
	strbuf_addstr(&md, " |\n|---");
	for (int a = 0; a < na; a++)
		strbuf_addstr(&md, "|---:");
	strbuf_addstr(&md, "|\n");
	strbuf_addstr(&tex, " \\\\\n\\midrule\n");
	for (int e = 0; e < nrows; e++) {
		if (e == d->nenvs) {
			strbuf_addf(&md, "| Normalised score (%d of %d environments)", ne, d->nenvs);
			strbuf_addf(&tex, "\\midrule\nNormalised score (%d of %d environments)", ne, d->nenvs);
		} else {
			char *m = md_escape(d->envs[e].label), *t = tex_escape(d->envs[e].label);
			strbuf_addf(&md, "| %s", m);
			strbuf_addf(&tex, "%s", t);
			free(m);
			free(t);
		}
		for (int a = 0; a < na; a++) {
			md_entry(&md, &ent[e * na + a]);
			tex_entry(&tex, &ent[e * na + a]);
		}
		strbuf_addstr(&md, " |\n");
		strbuf_addstr(&tex, " \\\\\n");
	}
	strbuf_addf(&md, "\n**Bold**: best in its row. †: interval overlaps the best's (not clearly worse). "
		    "n: runs counted of the spec's cells; a failed run (e.g. diverged) counts with its score at "
		    "failure (its last evaluation), cells with no usable run are not counted.\n");
	if (ne)
		strbuf_addf(&md, "Normalised score: (score - random) / (reference - random), reference the optimal "
			    "return (tabular environments) or the reward threshold; %s over runs of all environments.\n",
			    metric);
	for (int e = 0; ne && e < d->nenvs; e++) {
		char *m = md_escape(d->envs[e].label);
		const struct env_norm *n = &d->envs[e].norm;
		if (d->envs[e].norm_ok)
			strbuf_addf(&md, "%s %s: random %.6g, reference %.6g (%s).\n", e ? "" : "\nNormalisation:", m,
				    n->random, n->reference, n->reference_kind);
		else
			strbuf_addf(&md, "%s %s: not normalised (no reference).\n", e ? "" : "\nNormalisation:", m);
		free(m);
	}
	strbuf_addf(&tex, "\\bottomrule\n\\multicolumn{%d}{l}{\\footnotesize \\textbf{Bold}: best in its row; "
		    "$^\\dagger$: %g\\%% interval overlaps the best's; n: runs counted, failed ones with their score at failure.}\\\\\n\\end{tabular}\n", na + 1, 100 * o->level);
	char *pmd = xstrfmt("%s/final.md", tabdir), *ptex = xstrfmt("%s/final.tex", tabdir);
	int rc = write_file_atomic(pmd, md.buf, md.len) || write_file_atomic(ptex, tex.buf, tex.len) ? -1 : 0;
	free(pmd);
	free(ptex);
	strbuf_release(&md);
	strbuf_release(&tex);
	free(envs);
	free(ent);
	return rc;
}
