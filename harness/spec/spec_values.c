/*
 * spec_values.c - typed values of the spec's libconfig settings: type names,
 * a setting as JSON, a setting as a hyperparameter value, sweeps, bounded
 * integers, allowed keys; every error as "<file>:<line>: key '<key>': ..."
 * (see spec_parse.h).
 */
#include "spec_parse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "<file>:<line>: key '<key>': <message>" */
int bad(const struct ctx *c, const config_setting_t *s, const char *key, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	int line = s ? (int)config_setting_source_line(s) : 0;
	if (key)
		return error("%s:%d: key '%s': %s", c->file, line, key, msg);
	return error("%s:%d: %s", c->file, line, msg);
}

const char *type_word(int t)
{
	switch (t) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64: return "an integer";
	case CONFIG_TYPE_FLOAT: return "a float";
	case CONFIG_TYPE_STRING: return "a string";
	case CONFIG_TYPE_BOOL: return "a bool";
	case CONFIG_TYPE_ARRAY: return "an array";
	case CONFIG_TYPE_LIST: return "a list";
	case CONFIG_TYPE_GROUP: return "a group";
	}
	return "a value";
}

/* Sets one parameter from a scalar setting (or an int array for int lists). */
/* A libconfig value as JSON (groups are objects, arrays and lists arrays). */
static void setting_json(const config_setting_t *s, struct strbuf *sb)
{
	int t = config_setting_type(s);
	switch (t) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64: strbuf_addf(sb, "%lld", config_setting_get_int64(s)); return;
	case CONFIG_TYPE_FLOAT: strbuf_add_double(sb, config_setting_get_float(s)); return;
	case CONFIG_TYPE_BOOL: strbuf_addstr(sb, config_setting_get_bool(s) ? "true" : "false"); return;
	case CONFIG_TYPE_STRING: strbuf_add_json_str(sb, config_setting_get_string(s)); return;
	default: break;
	}
	int group = t == CONFIG_TYPE_GROUP;
	strbuf_addstr(sb, group ? "{" : "[");
	for (int i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (i)
			strbuf_addstr(sb, ", ");
		if (group) {
			strbuf_add_json_str(sb, config_setting_name(e));
			strbuf_addstr(sb, ": ");
		}
		setting_json(e, sb);
	}
	strbuf_addstr(sb, group ? "}" : "]");
}

int set_from_setting(struct params *p, const char *key, const config_setting_t *s,
			    char *why, size_t n)
{
	const struct param_def *d = param_find(p->defs, key);
	int t = config_setting_type(s);
	if ((d->flags & PARAM_JSON) &&
	    (t == CONFIG_TYPE_GROUP || t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST)) {
		struct strbuf sb = {0};
		setting_json(s, &sb);
		int rc = params_set_text(p, key, sb.buf, why, n);
		strbuf_release(&sb);
		return rc;
	}
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return params_set_int(p, key, config_setting_get_int64(s), why, n);
	case CONFIG_TYPE_FLOAT:
		return params_set_float(p, key, config_setting_get_float(s), why, n);
	case CONFIG_TYPE_BOOL:
		return params_set_bool(p, key, config_setting_get_bool(s), why, n);
	case CONFIG_TYPE_STRING:
		if (d->type == PARAM_STRING || d->type == PARAM_INT_LIST)
			return params_set_text(p, key, config_setting_get_string(s), why, n);
		snprintf(why, n, "must be %s, got the string \"%s\"",
			 d->type == PARAM_BOOL ? "true or false" : d->type == PARAM_INT ? "an integer" : "a number",
			 config_setting_get_string(s));
		return -1;
	case CONFIG_TYPE_ARRAY: {
		if (d->type != PARAM_INT_LIST)
			break;
		int cnt = config_setting_length(s);
		long long vals[64];
		if (cnt > (int)ARRAY_SIZE(vals)) {
			snprintf(why, n, "has %d elements, at most %zu allowed", cnt, ARRAY_SIZE(vals));
			return -1;
		}
		for (int i = 0; i < cnt; i++) {
			const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
			int t = config_setting_type(e);
			if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64) {
				snprintf(why, n, "must be a list of integers, element %d is %s", i + 1, type_word(t));
				return -1;
			}
			vals[i] = config_setting_get_int64(e);
		}
		return params_set_list(p, key, vals, cnt, why, n);
	}
	default:
		break;
	}
	snprintf(why, n, "must be %s, got %s", d->type == PARAM_INT_LIST ? "an integer array like [64, 64]" :
		 d->type == PARAM_INT ? "an integer" : d->type == PARAM_FLOAT ? "a number" :
		 d->type == PARAM_BOOL ? "true or false" : "a string", type_word(config_setting_type(s)));
	return -1;
}

/* Whether a hyperparameter setting is a sweep (a list of values). */
int is_sweep(const struct param_def *d, const config_setting_t *s)
{
	int t = config_setting_type(s);
	if (d->flags & PARAM_JSON)
		return 0; /* a group or list is its value */
	if (d->type == PARAM_INT_LIST)
		return t == CONFIG_TYPE_LIST;
	return t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST;
}

int get_int(const struct ctx *c, const config_setting_t *s, const char *key, long long lo,
		   long long hi, long long *out)
{
	int t = config_setting_type(s);
	if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
		return bad(c, s, key, "must be an integer, got %s", type_word(t));
	long long v = config_setting_get_int64(s);
	if (v < lo || v > hi)
		return bad(c, s, key, "must be between %lld and %lld, got %lld", lo, hi, v);
	*out = v;
	return 0;
}

int check_keys(const struct ctx *c, const config_setting_t *g, const char *what,
		      const char *const *allowed)
{
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(m);
		int ok = 0;
		for (int k = 0; allowed[k]; k++)
			ok |= !strcmp(allowed[k], name);
		if (!ok)
			return bad(c, m, name, "unknown key in %s", what);
	}
	return 0;
}
