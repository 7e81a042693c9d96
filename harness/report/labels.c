/*
 * labels.c - see labels.h.
 */
#include "labels.h"

#include <stdlib.h>
#include <string.h>
#include "spec.h"
#include "util.h"

void labels_free(char **labels, int n)
{
	for (int i = 0; labels && i < n; i++)
		free(labels[i]);
	free(labels);
}

/* Inches of s at font_pt (the figures' average glyph width, gnuplot.c). */
static double text_inches(const char *s, double font_pt)
{
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		chars += (*p & 0xc0) != 0x80;
	return (double)chars * font_pt * 0.64 / 72;
}

char **short_labels(const char *const *names, int n, double avail_in, double font_pt, int *keyed)
{
	char **l = xcalloc((size_t)n + 1, sizeof(char *));
	*keyed = 0;
	for (int i = 0; i < n; i++)
		if (text_inches(names[i], font_pt) > avail_in)
			*keyed = 1;
	for (int i = 0; i < n; i++)
		l[i] = *keyed ? xstrfmt("C%d", i + 1) : xstrdup(names[i]);
	return l;
}

double key_table_inches(int n, double font_pt)
{
	return 0.1 + n * font_pt * 1.45 / 72;
}

void key_table(struct strbuf *b, const char *const *names, int n, const struct fig_style *st, double bottom_in)
{
	double line = st->font_pt * 1.45 / 72;
	for (int i = 0; i < n; i++) {
		char *t = xstrfmt("C%d = %s", i + 1, names[i]);
		char *q = quote_fit_middle(t, st->width * 0.95, st->font_pt);
		strbuf_addf(b, "set label %d %s at screen 0.03,%.4f left front\n", 100 + i, q,
			    (bottom_in + line * (n - i - 0.5)) / st->height);
		free(q);
		free(t);
	}
}

void key_table_unset(struct strbuf *b, int n)
{
	for (int i = 0; i < n; i++)
		strbuf_addf(b, "unset label %d\n", 100 + i);
}

void expdata_select(struct expdata *d, const int *keep_algo, const int *keep_env)
{
	int na = 0, ne = 0;
	for (int a = 0; a < d->nalgos; a++)
		na += keep_algo[a] != 0;
	for (int e = 0; e < d->nenvs; e++)
		ne += keep_env[e] != 0;
	struct exp_group *g = xcalloc((size_t)(na ? na : 1) * (size_t)(ne ? ne : 1), sizeof(*g));
	for (int e = 0, ke = 0; e < d->nenvs; e++) {
		for (int a = 0, ka = 0; a < d->nalgos; a++) {
			struct exp_group *old = exp_group(d, e, a);
			if (keep_env[e] && keep_algo[a]) {
				g[ke * na + ka++] = *old;
				continue;
			}
			for (int r = 0; r < old->nruns; r++) {
				free(old->runs[r].x);
				free(old->runs[r].y);
			}
			free(old->runs);
		}
		ke += keep_env[e] != 0;
	}
	free(d->groups);
	d->groups = g;
	for (int e = 0, ke = 0; e < d->nenvs; e++) {
		if (keep_env[e]) {
			d->envs[ke++] = d->envs[e];
		} else {
			free(d->envs[e].label);
			free(d->envs[e].config_json);
		}
	}
	for (int a = 0, ka = 0; a < d->nalgos; a++) {
		if (keep_algo[a]) {
			d->algos[ka] = d->algos[a];
			d->display[ka] = d->display[a];
			ka++;
		} else {
			free(d->algos[a]);
			free(d->display[a]);
		}
	}
	for (int a = 0; d->labels && a < d->nalgos; a++) /* of the old count: remade below */
		free(d->labels[a]);
	free(d->labels);
	d->labels = NULL;
	d->nalgos = na;
	d->nenvs = ne;
	expdata_make_labels(d);
}

char *quote_fit_middle(const char *s, double width, double font_pt)
{
	int max = (int)(width * 72 / (font_pt * 0.64)), chars = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		chars += (*p & 0xc0) != 0x80;
	if (chars <= max || max < 5)
		return gnuplot_quote(s);
	int head = (max - 1) / 2, tail = max - 1 - head, k = 0;
	struct strbuf sb = {0};
	const char *p = s;
	for (; *p; p++) { /* the first head characters */
		if ((((unsigned char)*p) & 0xc0) != 0x80 && k++ == head)
			break;
		strbuf_add(&sb, p, 1);
	}
	strbuf_addstr(&sb, "…");
	k = 0;
	const char *q = s + strlen(s);
	while (q > s && k < tail) { /* back over the last tail characters */
		q--;
		if ((((unsigned char)*q) & 0xc0) != 0x80)
			k++;
	}
	strbuf_addstr(&sb, q);
	char *out = gnuplot_quote(sb.buf);
	strbuf_release(&sb);
	return out;
}
