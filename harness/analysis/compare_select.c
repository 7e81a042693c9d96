/*
 * compare_select.c - see compare_select.h.
 */
#include "compare_select.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

static char *dupn(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}


/* The value of `key` in a configuration name "base[k1=v1,k2=v2]" and the name without it. */
static int split_name(const char *name, const char *key, char **value, char **rest)
{
	const char *br = strchr(name, '[');
	size_t klen = strlen(key);
	if (!br || name[strlen(name) - 1] != ']')
		return -1;
	struct strbuf r = {0};
	strbuf_add(&r, name, (size_t)(br - name + 1));
	int found = 0, kept = 0;
	const char *p = br + 1, *end = name + strlen(name) - 1;
	while (p < end) {
		const char *q = p;
		while (q < end && *q != ',')
			q++;
		if ((size_t)(q - p) > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			*value = dupn(p + klen + 1, (size_t)(q - p - (ptrdiff_t)klen - 1));
			found = 1;
		} else {
			strbuf_addf(&r, "%s%.*s", kept++ ? "," : "", (int)(q - p), p);
		}
		p = q + 1;
	}
	strbuf_addstr(&r, "]");
	if (!found) {
		strbuf_release(&r);
		return -1;
	}
	*rest = strbuf_detach(&r);
	return 0;
}

/* Every swept key of the configurations' names, in order of first appearance. */
int cmp_swept_keys(const struct expdata *d, char ***keys)
{
	int n = 0;
	*keys = NULL;
	for (int a = 0; a < d->nalgos; a++) {
		const char *br = strchr(d->algos[a], '[');
		for (const char *p = br ? br + 1 : NULL; p && *p && *p != ']';) {
			const char *eq = strchr(p, '=');
			if (!eq)
				break;
			char *k = dupn(p, (size_t)(eq - p));
			int seen = 0;
			for (int i = 0; i < n; i++)
				seen |= !strcmp((*keys)[i], k);
			if (seen) {
				free(k);
			} else {
				*keys = xrealloc(*keys, (size_t)(n + 1) * sizeof(**keys));
				(*keys)[n++] = k;
			}
			const char *c = strchr(eq, ',');
			p = c ? c + 1 : NULL;
		}
	}
	return n;
}

void cmp_add_comp(struct cmp_report *rep, struct tuples **tl, char *a, char *b, char *factor, struct tuples t,
		     char *id)
{
	rep->comps = xrealloc(rep->comps, (size_t)(rep->ncomps + 1) * sizeof(*rep->comps));
	*tl = xrealloc(*tl, (size_t)(rep->ncomps + 1) * sizeof(**tl));
	rep->comps[rep->ncomps] = (struct cmp_comparison){ a, b, id ? id : xstrfmt("%s|%s", a, b), factor, t.n };
	(*tl)[rep->ncomps++] = t;
}

void cmp_tuple_push(struct tuples *t, int a, int b)
{
	t->a = xrealloc(t->a, (size_t)(t->n + 1) * sizeof(int));
	t->b = xrealloc(t->b, (size_t)(t->n + 1) * sizeof(int));
	t->a[t->n] = a;
	t->b[t->n++] = b;
}

/* The comparisons of a factor: each level of key against its first level. */
int cmp_factor_comps(const struct expdata *d, const char *key, struct cmp_report *rep, struct tuples **tl)
{
	char **val = xcalloc((size_t)d->nalgos, sizeof(char *)), **rest = xcalloc((size_t)d->nalgos, sizeof(char *));
	char **levels = NULL;
	int nl = 0, rc = 0;
	for (int a = 0; a < d->nalgos; a++) {
		if (split_name(d->algos[a], key, &val[a], &rest[a]))
			continue;
		int seen = 0;
		for (int i = 0; i < nl; i++)
			seen |= !strcmp(levels[i], val[a]);
		if (!seen) {
			levels = xrealloc(levels, (size_t)(nl + 1) * sizeof(*levels));
			levels[nl++] = val[a];
		}
	}
	if (nl < 2) {
		rc = error("compare: --factor %s: %s", key, nl ? "the key has one level only" :
			   "no configuration sweeps this key (configuration names look like name[key=value,...])");
		goto out;
	}
	for (int l = 1; l < nl; l++) {
		struct tuples t = {0};
		for (int a = 0; a < d->nalgos; a++) {
			if (!val[a] || strcmp(val[a], levels[0]))
				continue;
			for (int b = 0; b < d->nalgos; b++)
				if (val[b] && !strcmp(val[b], levels[l]) && !strcmp(rest[a], rest[b]))
					cmp_tuple_push(&t, a, b);
		}
		if (!t.n) {
			rc = error("compare: --factor %s: no configurations differ only in %s = %s and %s", key, key,
				   levels[0], levels[l]);
			goto out;
		}
		cmp_add_comp(rep, tl, xstrfmt("%s=%s", key, levels[0]), xstrfmt("%s=%s", key, levels[l]), xstrdup(key), t, NULL);
	}
out:
	for (int a = 0; a < d->nalgos; a++) {
		free(val[a]);
		free(rest[a]);
	}
	free(val);
	free(rest);
	free(levels);
	return rc;
}

int cmp_algo_index(const struct expdata *d, const char *name)
{
	for (int a = 0; a < d->nalgos; a++)
		if (!strcmp(d->algos[a], name))
			return a;
	for (int a = 0; a < d->nalgos; a++)
		if (!strcmp(d->display[a], name))
			return a;
	struct strbuf sb = {0};
	for (int a = 0; a < d->nalgos; a++)
		strbuf_addf(&sb, "%s%s", a ? ", " : "", d->algos[a]);
	error("compare: no configuration '%s' with complete runs (configurations: %s)", name, sb.buf);
	strbuf_release(&sb);
	return -1;
}

