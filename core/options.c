/*
 * options.c - see options.h.
 */
#include "options.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "suggest.h"
#include "util.h"

void string_list_append(struct string_list *l, const char *s)
{
	if (l->nr == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 8;
		l->items = xrealloc(l->items, (size_t)l->alloc * sizeof(*l->items));
	}
	l->items[l->nr++] = s;
}

void string_list_release(struct string_list *l)
{
	free(l->items);
	memset(l, 0, sizeof(*l));
}

int opt_exit_status(int rc)
{
	return rc == OPT_HELP ? 0 : 2;
}

int opt_error(const struct usage *u, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	usagef(u->cmd, "%s", msg);
	return OPT_ERROR;
}

static int takes_value(const struct option *o)
{
	switch (o->type) {
	case OPTION_BOOL:
	case OPTION_COUNT:
		return 0;
	case OPTION_CALLBACK:
		return !(o->flags & OPT_NOARG);
	default:
		return 1;
	}
}

/* How an option is named in a message: "--jobs" (or "-j" when typed so). */
static const char *opt_name(const struct option *o, int as_short, char buf[64])
{
	if (as_short || !o->long_name)
		snprintf(buf, 64, "-%c", o->short_name);
	else
		snprintf(buf, 64, "--%s", o->long_name);
	return buf;
}

static int set_value(const struct option *o, const char *name, const char *v, const struct usage *u)
{
	switch (o->type) {
	case OPTION_STRING:
		*(const char **)o->value = v;
		return 0;
	case OPTION_STRING_LIST:
		string_list_append(o->value, v);
		return 0;
	case OPTION_BOOL:
		*(int *)o->value = 1;
		return 0;
	case OPTION_COUNT:
		(*(int *)o->value)++;
		return 0;
	case OPTION_INT: {
		long long n;
		if (parse_ll(v, &n))
			return opt_error(u, "%s: '%s' is not an integer", name, v);
		if (n < o->min || n > o->max) {
			if (o->max == (long long)(~0ULL >> 1))
				return opt_error(u, "%s: '%s' is below the minimum %lld", name, v, o->min);
			return opt_error(u, "%s: '%s' is not between %lld and %lld", name, v, o->min, o->max);
		}
		*(long long *)o->value = n;
		return 0;
	}
	case OPTION_DOUBLE: {
		double d;
		if (parse_double(v, &d) || !isfinite(d))
			return opt_error(u, "%s: '%s' is not a number", name, v);
		if (d < o->dmin || d > o->dmax)
			return opt_error(u, "%s: '%s' is not between %g and %g", name, v, o->dmin, o->dmax);
		*(double *)o->value = d;
		return 0;
	}
	case OPTION_CALLBACK:
		return o->cb(o, v) ? OPT_ERROR : 0;
	default:
		BUG("option '%s' of type %d parsed", name, (int)o->type);
	}
}

/* The unknown-option error, with the closest long option of the table. */
static int unknown_option(const char *arg, const struct option *opts, const struct usage *u)
{
	int n = 0;
	for (const struct option *o = opts; o->type != OPTION_END; o++)
		n++;
	char **names = xcalloc((size_t)n + 2, sizeof(*names));
	int k = 0;
	for (const struct option *o = opts; o->type != OPTION_END; o++)
		if (o->long_name && !(o->flags & OPT_HIDDEN))
			names[k++] = xstrfmt("--%s", o->long_name);
	names[k++] = xstrdup("--help");
	/* the name only: "--jbos=3" suggests "--jobs" */
	char *word = xstrdup(arg);
	char *eq = strchr(word, '=');
	if (eq && word[1] == '-')
		*eq = '\0';
	error("unknown option '%s' (%ssee 'harness %s --help')", arg,
	      suggest_word(word, (const char *const *)names), u->cmd);
	for (int i = 0; i < k; i++)
		free(names[i]);
	free(names);
	free(word);
	return OPT_ERROR;
}

static const struct option *find_long(const struct option *opts, const char *name, size_t len)
{
	for (const struct option *o = opts; o->type != OPTION_END; o++)
		if (o->long_name && strlen(o->long_name) == len && !strncmp(o->long_name, name, len))
			return o;
	return NULL;
}

static const struct option *find_short(const struct option *opts, int c)
{
	for (const struct option *o = opts; o->type != OPTION_END; o++)
		if (o->short_name && o->short_name == c)
			return o;
	return NULL;
}

/*
 * One option at argv[*i]: its value from "=value" / the rest of a short
 * option / the next argument. 0 ok, OPT_ERROR reported.
 */
static int parse_one(int argc, char **argv, int *i, const struct option *opts, const struct usage *u)
{
	const char *arg = argv[*i];
	const struct option *o;
	const char *inline_v = NULL;
	int as_short = arg[1] != '-';
	if (!as_short) {
		const char *name = arg + 2;
		const char *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		o = find_long(opts, name, len);
		if (eq)
			inline_v = eq + 1;
	} else {
		o = find_short(opts, (unsigned char)arg[1]);
		if (arg[2])
			inline_v = arg + 2;
	}
	if (!o)
		return unknown_option(arg, opts, u);
	char name[64];
	opt_name(o, as_short, name);
	if (!takes_value(o)) {
		if (inline_v)
			return opt_error(u, "%s takes no value", name);
		return set_value(o, name, NULL, u);
	}
	if (!inline_v) {
		if (*i + 1 >= argc)
			return opt_error(u, "%s needs a value%s%s", name, o->argh ? " " : "", o->argh ? o->argh : "");
		inline_v = argv[++*i];
	}
	return set_value(o, name, inline_v, u);
}

static int is_help(const char *a)
{
	return !strcmp(a, "--help") || !strcmp(a, "-h");
}

int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (is_help(argv[i]))
			return 1;
	return 0;
}

int parse_options(int argc, char **argv, const struct option *opts, const struct usage *u, int flags)
{
	/* --help anywhere wins over every error (as each command did before) */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || (!strcmp(argv[i], "-h") && !find_short(opts, 'h'))) {
			usage_with_options(stdout, opts, u);
			return OPT_HELP;
		}
	int npos = 0, only_pos = 0;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (only_pos || a[0] != '-' || !a[1]) {
			argv[npos++] = a;
			if (flags & PARSE_OPT_STOP_AT_NON_OPTION)
				only_pos = 1;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_pos = 1;
			continue;
		}
		if (parse_one(argc, argv, &i, opts, u))
			return OPT_ERROR;
	}
	argv[npos] = NULL;
	return npos;
}

/* "  -j, --jobs N" */
static void option_label(const struct option *o, struct strbuf *sb)
{
	strbuf_addstr(sb, "  ");
	if (o->short_name)
		strbuf_addf(sb, "-%c%s", o->short_name, o->long_name ? ", " : "");
	if (o->long_name)
		strbuf_addf(sb, "--%s", o->long_name);
	if (takes_value(o))
		strbuf_addf(sb, " %s", o->argh ? o->argh : "VALUE");
}

#define HELP_COLUMN 24

void usage_with_options(FILE *out, const struct option *opts, const struct usage *u)
{
	for (int i = 0; u->lines && u->lines[i]; i++)
		fprintf(out, "%s harness %s\n", i ? "   or:" : "usage:", u->lines[i]);
	if (u->description)
		fprintf(out, "\n%s\n", u->description);
	int any = 0;
	for (const struct option *o = opts; o->type != OPTION_END; o++) {
		if (o->flags & OPT_HIDDEN)
			continue;
		if (o->type == OPTION_GROUP) {
			fprintf(out, "\n%s\n", o->help);
			any = 1;
			continue;
		}
		if (!any) {
			fprintf(out, "\noptions:\n");
			any = 1;
		}
		struct strbuf sb = {0};
		option_label(o, &sb);
		if (o->type == OPTION_STRING_LIST)
			strbuf_addstr(&sb, "...");
		fputs(sb.buf, out);
		int col = (int)sb.len;
		strbuf_reset(&sb);
		strbuf_addstr(&sb, o->help ? o->help : "");
		if (o->defval)
			strbuf_addf(&sb, " (default: %s)", o->defval);
		/* help lines, each at the help column; a long label gets its own line */
		const char *p = sb.buf;
		int first = 1;
		do {
			const char *nl = strchr(p, '\n');
			int len = nl ? (int)(nl - p) : (int)strlen(p);
			if (first && col + 2 <= HELP_COLUMN)
				fprintf(out, "%*s%.*s\n", HELP_COLUMN - col, "", len, p);
			else
				fprintf(out, "%s%*s%.*s\n", first ? "\n" : "", HELP_COLUMN, "", len, p);
			first = 0;
			p = nl ? nl + 1 : NULL;
		} while (p);
		strbuf_release(&sb);
	}
	if (u->epilogue)
		fprintf(out, "\n%s\n", u->epilogue);
}
