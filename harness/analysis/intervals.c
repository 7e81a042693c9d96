/*
 * intervals.c - see intervals.h.
 */
#include "intervals.h"

#include <stdlib.h>
#include "compare_stats.h"
#include "score.h"
#include "util.h"

uint64_t interval_seed_runs(const char *kind, const char *env, const char *config, const struct plot_opts *o,
			    enum stats_metric m)
{
	char *sk = score_key(&o->score);
	char *id = xstrfmt("%s|%s|%s|%s|%s", kind, env, config, sk, stats_metric_title(m));
	uint64_t s = boot_seed(id);
	free(id);
	free(sk);
	return s;
}

uint64_t interval_seed_agg(const char *kind, const struct expdata *d, const int *envs, int ne, const char *x,
			   const char *y, const struct plot_opts *o, int m)
{
	struct strbuf sb = {0};
	char *sk = score_key(&o->score);
	strbuf_addf(&sb, "%s|%s|%s|%s|%d|", kind, x, y ? y : "", sk, m);
	for (int i = 0; i < ne; i++)
		strbuf_addf(&sb, "%s%s", i ? "," : "", d->envs[envs[i]].label);
	uint64_t s = boot_seed(sb.buf);
	strbuf_release(&sb);
	free(sk);
	return s;
}

void expdata_n_range(const struct expdata *d, int *min_n, int *max_n)
{
	*min_n = *max_n = 0;
	for (int i = 0; i < d->nenvs * d->nalgos; i++) {
		int n = d->groups[i].nruns;
		if (!n)
			continue;
		if (!*min_n || n < *min_n)
			*min_n = n;
		if (n > *max_n)
			*max_n = n;
	}
}

char *interval_note(const struct expdata *d, const struct plot_opts *o, int stratified)
{
	int lo, hi;
	expdata_n_range(d, &lo, &hi);
	char *n = lo == hi ? xstrfmt("%d", lo) : xstrfmt("%d-%d", lo, hi);
	char *s = xstrfmt("n = %s runs per configuration and environment; %g%% %spercentile bootstrap (%d resamples)%s", n,
			  100 * o->level, stratified ? "stratified " : "", o->resamples,
			  lo < FEW_RUNS ? "; fewer than 10 runs: rough intervals" : "");
	free(n);
	return s;
}
