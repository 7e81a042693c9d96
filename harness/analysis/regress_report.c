/*
 * regress_report.c - see regress.h: the rows of a regression report (per
 * environment and configuration: bit-identical cells, Welch's t-test and a
 * bootstrap interval of the difference for the final return and the AUC,
 * Holm-corrected), lost cells, the terminal table and the Markdown report.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "learner.h"
#include "compare.h"
#include "compare_stats.h"
#include "regress.h"
#include "results.h"
#include "util.h"

static int learner_uses_blas(const char *name)
{
	const struct learner_spec *ls = learner_lookup(name);
	return !ls || ls->vt->uses_blas;
}

/* --- comparing --- */

struct row {
	int first, n;   /* cells of this (env, config): spec cells first .. first+n-1 */
	int identical, present, expected_identical, config_changed, all_identical;
	/* [0] final return, [1] AUC */
	double base_mean[2], head_mean[2], lo[2], hi[2];
	double p[2], padj[2], diff[2];
	const char *verdict;
};

#define REGRESS_RESAMPLES 10000

static double nanmean(const double *x, int n)
{
	double s = 0;
	int k = 0;
	for (int i = 0; i < n; i++)
		if (!isnan(x[i])) {
			s += x[i];
			k++;
		}
	return k ? s / k : NAN;
}

/* "+0.1 [-0.2, +0.4]", or "–" for a bit-identical row (no interval: nothing varies). */
static void diff_ci(char *buf, size_t n, const struct row *w, int m)
{
	if (w->all_identical || isnan(w->diff[m]))
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%+.4g [%+.4g, %+.4g]", w->diff[m], w->lo[m], w->hi[m]);
}

static void p_text(char *buf, size_t n, const struct row *w, int m)
{
	if (w->all_identical || isnan(w->padj[m]))
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%.3g", w->padj[m]);
}

/* which: bit 0 tests the final return, bit 1 the AUC (--metric-of final | auc; default both). */
int regress_compare_sides(const struct spec *s, const struct side *base, const struct side *head,
			 int strict, int which, const char *report_path)
{
	int nrows = 0;
	struct row *rows = xcalloc((size_t)s->ncells, sizeof(*rows));
	for (int i = 0; i < s->ncells; i++) {
		if (i && !strcmp(s->cells[i].env_label, s->cells[i - 1].env_label) &&
		    !strcmp(s->cells[i].config_name, s->cells[i - 1].config_name)) {
			rows[nrows - 1].n++;
			continue;
		}
		rows[nrows].first = i;
		rows[nrows].n = 1;
		nrows++;
	}
	double *pv = xcalloc((size_t)nrows * 2 + 1, sizeof(double)), *padj = xcalloc((size_t)nrows * 2 + 1, sizeof(double));
	int *pidx = xcalloc((size_t)nrows * 2 + 1, sizeof(int));
	int stats_only_cells = 0, missing = 0, np = 0, lost = 0;
	struct strbuf lost_md = {0}, lost_tty = {0};
	/* cells the base has (complete) that the head lacks, or has as error or failed: never silent */
	for (int k = 0; k < s->ncells; k++) {
		const struct cellres *cb = &base->cells[k], *ch = &head->cells[k];
		if (!cb->present || strcmp(cb->status, "failed") == 0 || !strcmp(ch->status, "complete"))
			continue;
		lost++;
		const char *what = !ch->status[0] ? "missing" : ch->status;
		strbuf_addf(&lost_tty, "  %s: %s in head%s%s\n", printable(cb->cell_id), what, ch->error[0] ? ": " : "",
			    printable(ch->error));
		strbuf_addf(&lost_md, "- `%s`: %s in head%s%s\n", cb->cell_id, what, ch->error[0] ? ": " : "", ch->error);
	}
	for (int r = 0; r < nrows; r++) {
		struct row *w = &rows[r];
		double *a[2], *b[2];
		int na = 0, nb = 0;
		for (int m = 0; m < 2; m++) {
			a[m] = xcalloc((size_t)w->n, sizeof(double));
			b[m] = xcalloc((size_t)w->n, sizeof(double));
		}
		w->expected_identical = 1;
		for (int k = w->first; k < w->first + w->n; k++) {
			const struct cellres *cb = &base->cells[k], *ch = &head->cells[k];
			if (!cb->present || !ch->present) {
				missing++;
				continue;
			}
			w->present++;
			int same_platform = !strcmp(cb->blas_core, ch->blas_core) && !strcmp(cb->cpu_model, ch->cpu_model);
			int expect = same_platform || !learner_uses_blas(ch->learner) || (cb->portable && ch->portable);
			if (!expect) {
				w->expected_identical = 0;
				stats_only_cells++;
			}
			if (strcmp(cb->config_hash, ch->config_hash))
				w->config_changed = 1;
			if (!strcmp(cb->content_hash, ch->content_hash) && cb->content_hash[0])
				w->identical++;
			a[0][na] = cb->final_return;
			a[1][na++] = cb->auc;
			b[0][nb] = ch->final_return;
			b[1][nb++] = ch->auc;
		}
		w->all_identical = w->present && w->identical == w->present;
		for (int m = 0; m < 2; m++) {
			w->base_mean[m] = nanmean(a[m], na);
			w->head_mean[m] = nanmean(b[m], nb);
			w->diff[m] = w->head_mean[m] - w->base_mean[m];
			w->p[m] = w->padj[m] = w->lo[m] = w->hi[m] = NAN;
			/* bit-identical rows carry no test: nothing varies, and they stay out of the Holm family */
			if (w->all_identical || !w->present || isnan(w->base_mean[m]) || isnan(w->head_mean[m]) ||
			    !(which & (1 << m)))
				continue;
			struct welch t;
			welch_test(a[m], na, b[m], nb, &t);
			w->p[m] = isnan(t.p) ? 1 : t.p;
			char *id = xstrfmt("regress|%s|%s|%s|%s|%s", s->name, s->cells[w->first].env_label,
					   s->cells[w->first].config_name, m ? "auc" : "final", base->commit);
			struct rng rng;
			rng_seed(&rng, boot_seed(id));
			free(id);
			bootstrap_diff_ci(a[m], na, b[m], nb, REGRESS_RESAMPLES, 0.95, &rng, &w->lo[m], &w->hi[m]);
			pv[np] = w->p[m];
			pidx[np++] = 2 * r + m;
		}
		for (int m = 0; m < 2; m++) {
			free(a[m]);
			free(b[m]);
		}
	}
	holm_adjust(pv, np, padj);
	for (int k = 0; k < np; k++)
		rows[pidx[k] / 2].padj[pidx[k] % 2] = padj[k];
	int regressed = 0, strict_changes = 0;
	for (int r = 0; r < nrows; r++) {
		struct row *w = &rows[r];
		int sig_up = 0, sig_down = 0;
		for (int m = 0; m < 2; m++) {
			if (w->padj[m] < 0.05 && w->diff[m] > 0)
				sig_up = 1;
			if (w->padj[m] < 0.05 && w->diff[m] < 0)
				sig_down = 1;
		}
		if (w->all_identical)
			w->verdict = "identical";
		else if (sig_down)
			w->verdict = "regressed";
		else if (sig_up)
			w->verdict = "improved";
		else
			w->verdict = "changed, not significant";
		if (sig_down && !w->all_identical)
			regressed++;
		if (w->expected_identical && w->identical != w->present)
			strict_changes++;
	}

	struct strbuf md = {0}, tty = {0}, cells = {0};
	strbuf_addf(&md, "# Regression report: %s\n\nbase: %s%s%s%s  \nhead: %s%s%s%s  \n\n", s->name, base->label,
		    base->commit[0] ? " (" : "", base->commit, base->commit[0] ? ")" : "", head->label,
		    head->commit[0] ? " (" : "", head->commit, head->commit[0] ? ")" : "");
	strbuf_addstr(&md, "| environment | configuration | bit-identical | base final | head final | final diff [95% CI] | p final (Holm) "
			   "| base AUC | head AUC | AUC diff [95% CI] | p AUC (Holm) | verdict |\n"
			   "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
	strbuf_addf(&tty, "%-34s %-26s %9s %10s %10s %24s %7s %10s %10s %24s %7s  %s\n", "environment", "configuration",
		    "identical", "base final", "head final", "final diff [95% CI]", "p final", "base AUC", "head AUC",
		    "AUC diff [95% CI]", "p AUC", "verdict");
	for (int r = 0; r < nrows; r++) {
		struct row *w = &rows[r];
		const struct cell *c = &s->cells[w->first];
		char ci[2][96], pt[2][32], ident[32];
		for (int m = 0; m < 2; m++) {
			diff_ci(ci[m], sizeof(ci[m]), w, m);
			p_text(pt[m], sizeof(pt[m]), w, m);
		}
		snprintf(ident, sizeof(ident), "%d/%d%s", w->identical, w->present, w->expected_identical ? "" : "*");
		strbuf_addf(&tty, "%-34.34s %-26.26s %9s %10.5g %10.5g %24s %7s %10.5g %10.5g %24s %7s  %s%s\n", printable(c->env_label),
			    printable(c->config_name), ident, w->base_mean[0], w->head_mean[0], ci[0], pt[0], w->base_mean[1],
			    w->head_mean[1], ci[1], pt[1], w->verdict, w->config_changed ? " (config changed)" : "");
		strbuf_addf(&md, "| %s | %s | %s | %.6g | %.6g | %s | %s | %.6g | %.6g | %s | %s | %s%s |\n", c->env_label,
			    c->config_name, ident, w->base_mean[0], w->head_mean[0], ci[0], pt[0], w->base_mean[1],
			    w->head_mean[1], ci[1], pt[1], w->verdict, w->config_changed ? " (config changed)" : "");
		/* per-seed detail of what changed */
		for (int k = w->first; !w->all_identical && k < w->first + w->n; k++) {
			const struct cellres *cb = &base->cells[k], *ch = &head->cells[k];
			if (!cb->present || !ch->present || (!strcmp(cb->content_hash, ch->content_hash) && cb->content_hash[0]))
				continue;
			strbuf_addf(&cells, "| %s | %.6g | %.6g | %+.6g | %.6g | %.6g | %+.6g | %.10s | %.10s |\n", cb->cell_id,
				    cb->final_return, ch->final_return, ch->final_return - cb->final_return, cb->auc, ch->auc,
				    ch->auc - cb->auc, cb->content_hash, ch->content_hash);
		}
	}
	strbuf_addf(&md, "\nFinal return: mean of the last evaluation (or of the last 10 training episodes); "
			 "AUC: mean evaluation return over the run. Scores tested: %s (--metric-of). Welch's t-test across "
			 "seeds, p-values Holm-corrected across the %d tests of rows that are not bit-identical (a "
			 "bit-identical row has nothing to test: no interval, no p-value); CI: percentile bootstrap of the "
			 "difference of means (%d resamples, seeded from the row's name).\n",
		    which == 3 ? "final return and AUC" : which == 1 ? "final return" : "AUC", np, REGRESS_RESAMPLES);
	if (cells.len)
		strbuf_addf(&md, "\n## Cells that changed\n\n| cell | base final | head final | diff | base AUC | head AUC "
			    "| diff | base results hash | head results hash |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n%s",
			    cells.buf);
	if (stats_only_cells)
		strbuf_addf(&md, "\n`*` %d cells ran on different CPU types or BLAS kernels with a learner that uses BLAS: "
				 "their results hashes are not expected to match, so they were compared by statistics only.\n",
			    stats_only_cells);
	if (missing)
		strbuf_addf(&md, "\n%d cells are missing on one side and were left out of the statistics.\n", missing);
	if (lost)
		strbuf_addf(&md, "\n**%d cells complete in the base are missing, errored or failed in the head:**\n\n%s",
			    lost, lost_md.buf);
	if (base->reused)
		strbuf_addf(&md, "\n%d cells have the same code version and configuration on both sides: not run "
				 "again with the base's binary (the same code version computes the same results).\n",
			    base->reused);
	strbuf_addf(&md, "\nSummary: %d rows, %d regressed; %d rows changed where bit-identity was expected.\n",
		    nrows, regressed, strict_changes);
	fputs(tty.buf, stdout);
	printf("\n%s%s%s", stats_only_cells ? "* compared by statistics only (different CPU/BLAS kernel)\n" : "",
	       missing ? "some cells missing on one side: left out\n" : "", "");
	if (base->reused)
		printf("%d cells at the same code version on both sides: not re-run\n", base->reused);
	if (lost)
		printf("%s: %d cells complete in the base are missing, errored or failed in the head:\n%s",
		       strict ? "FAIL" : "WARNING", lost, lost_tty.buf);
	printf("scores tested: %s; %d regressed, %d changed where bit-identity was expected, %d lost; report (with "
	       "every changed cell): %s\n", which == 3 ? "final return and AUC" : which == 1 ? "final return" : "AUC",
	       regressed, strict_changes, lost, report_path);
	strbuf_release(&lost_md);
	strbuf_release(&lost_tty);
	int rc = write_file_atomic(report_path, md.buf, md.len) ? 2 : 0;
	strbuf_release(&md);
	strbuf_release(&tty);
	strbuf_release(&cells);
	free(rows);
	free(pv);
	free(padj);
	free(pidx);
	if (rc)
		return rc;
	if (strict && strict_changes)
		printf("strict: cells expected to be bit-identical changed\n");
	return regressed || lost || (strict && strict_changes) ? 1 : 0;
}
