/*
 * suggest.c - see suggest.h.
 */
#include "suggest.h"

#include <stdio.h>
#include <stdlib.h>
#include "util.h"

static const char *phrase(const char *best)
{
	static char buf[300];
	if (!best)
		return "";
	snprintf(buf, sizeof(buf), "did you mean '%s'? ", best);
	return buf;
}

const char *suggest_param(const struct param_def *defs, const char *name)
{
	int n = param_count(defs);
	const char **c = xcalloc((size_t)n + 1, sizeof(*c));
	for (int i = 0; i < n; i++)
		c[i] = defs[i].name;
	const char *r = phrase(did_you_mean(name, c, n));
	free(c);
	return r;
}

const char *suggest_word(const char *word, const char *const *words)
{
	int n = 0;
	while (words[n])
		n++;
	return phrase(did_you_mean(word, words, n));
}
