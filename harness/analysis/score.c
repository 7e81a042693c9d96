/*
 * score.c - see score.h.
 */
#include "score.h"

#include <math.h>
#include <string.h>
#include "util.h"

void score_init(struct score *sc)
{
	sc->kind = SCORE_FINAL;
	sc->k = 0;
}

int score_parse(const char *s, struct score *sc)
{
	score_init(sc);
	if (!strcmp(s, "final"))
		return 0;
	if (!strcmp(s, "auc")) {
		sc->kind = SCORE_AUC;
		return 0;
	}
	if (!strcmp(s, "best")) {
		sc->kind = SCORE_BEST;
		return 0;
	}
	long long k;
	if (!strncmp(s, "last:", 5) && !parse_ll(s + 5, &k) && k >= 1 && k <= 1000000) {
		sc->kind = SCORE_LAST;
		sc->k = (int)k;
		return 0;
	}
	return -1;
}

char *score_key(const struct score *sc)
{
	switch (sc->kind) {
	case SCORE_AUC: return xstrdup("auc");
	case SCORE_LAST: return xstrfmt("last:%d", sc->k);
	case SCORE_BEST: return xstrdup("best");
	default: return xstrdup("final");
	}
}

char *score_words(const struct score *sc, int use_eval)
{
	const char *curve = use_eval ? "evaluation return" : "training return (10-episode average)";
	switch (sc->kind) {
	case SCORE_AUC: return xstrdup("AUC (mean evaluation return over the run)");
	case SCORE_LAST: return xstrfmt("mean %s over the last %d points", curve, sc->k);
	case SCORE_BEST: return xstrfmt("best %s of the run", curve);
	default:
		return xstrdup(use_eval ? "final return (mean of the last evaluation)"
					: "final return (mean of the last 10 training episodes)");
	}
}

double score_of(const struct exp_run *r, const struct score *sc)
{
	switch (sc->kind) {
	case SCORE_AUC: return r->auc;
	case SCORE_LAST: {
		if (!r->n)
			return NAN;
		long long from = r->n > sc->k ? r->n - sc->k : 0;
		double s = 0;
		for (long long i = from; i < r->n; i++)
			s += r->y[i];
		return s / (double)(r->n - from);
	}
	case SCORE_BEST: {
		double b = NAN;
		for (long long i = 0; i < r->n; i++)
			if (isnan(b) || r->y[i] > b)
				b = r->y[i];
		return b;
	}
	default: return r->final;
	}
}

void expdata_score(struct expdata *d, const struct score *sc)
{
	if (sc->kind == SCORE_FINAL)
		return;
	for (int i = 0; i < d->nenvs * d->nalgos; i++)
		for (int r = 0; r < d->groups[i].nruns; r++)
			d->groups[i].runs[r].final = score_of(&d->groups[i].runs[r], sc);
}
