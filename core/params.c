/*
 * params.c - see params.h.
 */
#include "params.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int param_count(const struct param_def *defs)
{
	int n = 0;
	while (defs && defs[n].name)
		n++;
	return n;
}

const struct param_def *param_find(const struct param_def *defs, const char *name)
{
	for (int i = 0; defs && defs[i].name; i++)
		if (!strcmp(defs[i].name, name))
			return &defs[i];
	return NULL;
}

const char *param_type_name(enum param_type t)
{
	switch (t) {
	case PARAM_INT: return "int";
	case PARAM_FLOAT: return "float";
	case PARAM_BOOL: return "bool";
	case PARAM_STRING: return "string";
	case PARAM_INT_LIST: return "int list";
	}
	return "?";
}

static int index_of(const struct params *p, const char *name)
{
	for (int i = 0; i < p->n; i++)
		if (!strcmp(p->defs[i].name, name))
			return i;
	BUG("no parameter '%s'", name);
}

static void fmt_num(char *buf, size_t n, double v)
{
	if (isinf(v))
		snprintf(buf, n, "%sinf", v < 0 ? "-" : "");
	else
		snprintf(buf, n, "%.10g", v);
}

static int is_number(const struct param_def *d)
{
	return d->type == PARAM_INT || d->type == PARAM_FLOAT || d->type == PARAM_INT_LIST;
}

void param_range_text(const struct param_def *d, char *buf, size_t n)
{
	buf[0] = '\0';
	if (is_number(d)) {
		char lo[32], hi[32];
		fmt_num(lo, sizeof(lo), d->min);
		fmt_num(hi, sizeof(hi), d->max);
		snprintf(buf, n, "%c%s, %s%c%s", d->flags & PARAM_MIN_OPEN ? '(' : '[', lo, hi,
			 d->flags & PARAM_MAX_OPEN ? ')' : ']', d->flags & PARAM_NOT_ZERO ? " except 0" : "");
	} else if (d->type == PARAM_STRING && d->choices) {
		snprintf(buf, n, "%s", d->choices);
	}
}

static int check_range(const struct param_def *d, double v, char *why, size_t n)
{
	if (isnan(v)) {
		snprintf(why, n, "must be a number, got NaN");
		return -1;
	}
	unsigned fl = d->flags;
	int ok = (fl & PARAM_MIN_OPEN ? v > d->min : v >= d->min) &&
		 (fl & PARAM_MAX_OPEN ? v < d->max : v <= d->max) && !((fl & PARAM_NOT_ZERO) && v == 0);
	if (!ok) {
		char lo[32], hi[32], got[32], range[96];
		fmt_num(lo, sizeof(lo), d->min);
		fmt_num(hi, sizeof(hi), d->max);
		fmt_num(got, sizeof(got), v);
		param_range_text(d, range, sizeof(range));
		if (fl & (PARAM_MIN_OPEN | PARAM_MAX_OPEN | PARAM_NOT_ZERO))
			snprintf(why, n, "must be in %s, got %s", range, got);
		else
			snprintf(why, n, "must be between %s and %s, got %s", lo, hi, got);
		return -1;
	}
	return 0;
}

static int type_error(const struct param_def *d, const char *given, char *why, size_t n)
{
	snprintf(why, n, "must be %s %s, got %s",
		 d->type == PARAM_INT || d->type == PARAM_INT_LIST ? "an" : "a",
		 param_type_name(d->type), given);
	return -1;
}

int params_set_int(struct params *p, const char *name, long long v, char *why, size_t n)
{
	int i = index_of(p, name);
	const struct param_def *d = &p->defs[i];
	if (d->type == PARAM_FLOAT)
		return params_set_float(p, name, (double)v, why, n);
	if (d->type != PARAM_INT)
		return type_error(d, "an integer", why, n);
	if (check_range(d, (double)v, why, n))
		return -1;
	p->v[i].i = v;
	p->v[i].set = 1;
	return 0;
}

int params_set_float(struct params *p, const char *name, double v, char *why, size_t n)
{
	int i = index_of(p, name);
	const struct param_def *d = &p->defs[i];
	if (d->type != PARAM_FLOAT)
		return type_error(d, "a float", why, n);
	if (check_range(d, v, why, n))
		return -1;
	p->v[i].f = v;
	p->v[i].set = 1;
	return 0;
}

int params_set_bool(struct params *p, const char *name, int v, char *why, size_t n)
{
	int i = index_of(p, name);
	const struct param_def *d = &p->defs[i];
	if (d->type != PARAM_BOOL)
		return type_error(d, "a bool", why, n);
	p->v[i].i = !!v;
	p->v[i].set = 1;
	return 0;
}

int params_set_string(struct params *p, const char *name, const char *v, char *why, size_t n)
{
	int i = index_of(p, name);
	const struct param_def *d = &p->defs[i];
	if (d->type != PARAM_STRING)
		return type_error(d, "a string", why, n);
	if (d->choices) {
		const char *c = d->choices;
		size_t len = strlen(v);
		int ok = 0;
		while (*c) {
			const char *bar = strchr(c, '|');
			size_t l = bar ? (size_t)(bar - c) : strlen(c);
			if (l == len && !strncmp(c, v, l))
				ok = 1;
			c += l + (bar ? 1 : 0);
		}
		if (!ok) {
			snprintf(why, n, "must be one of %s, got \"%s\"", d->choices, v);
			return -1;
		}
	}
	free(p->v[i].s);
	p->v[i].s = xstrdup(v);
	p->v[i].set = 1;
	return 0;
}

int params_set_list(struct params *p, const char *name, const long long *v, int count,
		    char *why, size_t n)
{
	int i = index_of(p, name);
	const struct param_def *d = &p->defs[i];
	if (d->type != PARAM_INT_LIST)
		return type_error(d, "a list", why, n);
	for (int k = 0; k < count; k++)
		if (check_range(d, (double)v[k], why, n))
			return -1;
	free(p->v[i].list);
	p->v[i].list = xcalloc((size_t)(count ? count : 1), sizeof(long long));
	if (count)
		memcpy(p->v[i].list, v, (size_t)count * sizeof(long long));
	p->v[i].n = count;
	p->v[i].set = 1;
	return 0;
}

/* A number that did not parse because it does not fit: "12345678901234567890", "1e400". */
static int overflow_error(const char *text, int is_int, char *why, size_t n)
{
	errno = 0;
	if (is_int) {
		char *end;
		strtoll(text, &end, 10);
		if (errno != ERANGE || *end)
			return 0;
	} else {
		char *end;
		double v = strtod(text, &end);
		if (!isinf(v) || *end || strstr(text, "inf") || strstr(text, "INF") || strstr(text, "Inf"))
			return 0;
	}
	snprintf(why, n, "the number %s is too large (it overflows %s)", text, is_int ? "64 bits" : "a double");
	return -1;
}

int params_set_text(struct params *p, const char *name, const char *text, char *why, size_t n)
{
	const struct param_def *d = &p->defs[index_of(p, name)];
	long long ll;
	double f;
	switch (d->type) {
	case PARAM_INT:
		if (parse_ll(text, &ll))
			return overflow_error(text, 1, why, n) ? -1 : type_error(d, text[0] ? text : "\"\"", why, n);
		return params_set_int(p, name, ll, why, n);
	case PARAM_FLOAT:
		if (parse_double(text, &f))
			return overflow_error(text, 0, why, n) ? -1 : type_error(d, text[0] ? text : "\"\"", why, n);
		return params_set_float(p, name, f, why, n);
	case PARAM_BOOL:
		if (!strcmp(text, "true") || !strcmp(text, "1"))
			return params_set_bool(p, name, 1, why, n);
		if (!strcmp(text, "false") || !strcmp(text, "0"))
			return params_set_bool(p, name, 0, why, n);
		return type_error(d, text[0] ? text : "\"\"", why, n);
	case PARAM_STRING:
		return params_set_string(p, name, text, why, n);
	case PARAM_INT_LIST: {
		long long vals[64];
		int cnt = 0;
		char *copy = xstrdup(text), *save = NULL;
		for (char *tok = strtok_r(copy, ",x[] ", &save); tok; tok = strtok_r(NULL, ",x[] ", &save)) {
			if (cnt == (int)ARRAY_SIZE(vals) || parse_ll(tok, &vals[cnt])) {
				int over = cnt < (int)ARRAY_SIZE(vals) && overflow_error(tok, 1, why, n);
				free(copy);
				return over ? -1 : type_error(d, text, why, n);
			}
			cnt++;
		}
		free(copy);
		return params_set_list(p, name, vals, cnt, why, n);
	}
	}
	BUG("bad type");
}

void params_init(struct params *p, const struct param_def *defs)
{
	p->defs = defs;
	p->n = param_count(defs);
	p->v = xcalloc((size_t)(p->n ? p->n : 1), sizeof(*p->v));
	for (int i = 0; i < p->n; i++) {
		char why[256];
		if (params_set_text(p, defs[i].name, defs[i].def, why, sizeof(why)))
			BUG("default of '%s' is invalid: %s", defs[i].name, why);
		p->v[i].set = 0;
	}
}

void params_copy(struct params *dst, const struct params *src)
{
	dst->defs = src->defs;
	dst->n = src->n;
	dst->v = xcalloc((size_t)(src->n ? src->n : 1), sizeof(*dst->v));
	for (int i = 0; i < src->n; i++) {
		dst->v[i] = src->v[i];
		if (src->v[i].s)
			dst->v[i].s = xstrdup(src->v[i].s);
		if (src->v[i].list) {
			dst->v[i].list = xcalloc((size_t)(src->v[i].n ? src->v[i].n : 1), sizeof(long long));
			memcpy(dst->v[i].list, src->v[i].list, (size_t)src->v[i].n * sizeof(long long));
		}
	}
}

void params_release(struct params *p)
{
	for (int i = 0; i < p->n; i++) {
		free(p->v[i].s);
		free(p->v[i].list);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

long long params_int(const struct params *p, const char *name)
{
	int i = index_of(p, name);
	if (p->defs[i].type != PARAM_INT && p->defs[i].type != PARAM_BOOL)
		BUG("'%s' is not an int", name);
	return p->v[i].i;
}

double params_float(const struct params *p, const char *name)
{
	int i = index_of(p, name);
	if (p->defs[i].type == PARAM_INT)
		return (double)p->v[i].i;
	if (p->defs[i].type != PARAM_FLOAT)
		BUG("'%s' is not a float", name);
	return p->v[i].f;
}

int params_bool(const struct params *p, const char *name)
{
	int i = index_of(p, name);
	if (p->defs[i].type != PARAM_BOOL)
		BUG("'%s' is not a bool", name);
	return (int)p->v[i].i;
}

const char *params_str(const struct params *p, const char *name)
{
	int i = index_of(p, name);
	if (p->defs[i].type != PARAM_STRING)
		BUG("'%s' is not a string", name);
	return p->v[i].s;
}

const long long *params_list(const struct params *p, const char *name, int *count)
{
	int i = index_of(p, name);
	if (p->defs[i].type != PARAM_INT_LIST)
		BUG("'%s' is not a list", name);
	*count = p->v[i].n;
	return p->v[i].list;
}

static void value_json(const struct param_def *d, const struct param_value *v, struct strbuf *sb)
{
	switch (d->type) {
	case PARAM_INT: strbuf_addf(sb, "%lld", v->i); break;
	case PARAM_FLOAT: strbuf_add_double(sb, v->f); break;
	case PARAM_BOOL: strbuf_addstr(sb, v->i ? "true" : "false"); break;
	case PARAM_STRING: strbuf_add_json_str(sb, v->s); break;
	case PARAM_INT_LIST:
		strbuf_addstr(sb, "[");
		for (int k = 0; k < v->n; k++)
			strbuf_addf(sb, "%s%lld", k ? "," : "", v->list[k]);
		strbuf_addstr(sb, "]");
		break;
	}
}

int params_at_table_default(const struct params *p, int i)
{
	struct params d;
	struct strbuf a = {0}, b = {0};
	params_init(&d, p->defs);
	value_json(&p->defs[i], &p->v[i], &a);
	value_json(&p->defs[i], &d.v[i], &b);
	int same = !strcmp(a.buf, b.buf);
	strbuf_release(&a);
	strbuf_release(&b);
	params_release(&d);
	return same;
}

static void to_json(const struct params *p, struct strbuf *sb, int learning_only)
{
	strbuf_addstr(sb, "{");
	for (int i = 0, first = 1; i < p->n; i++) {
		unsigned fl = p->defs[i].flags;
		if (learning_only && (fl & PARAM_NO_SEED))
			continue;
		if ((fl & PARAM_OMIT_DEFAULT) && params_at_table_default(p, i))
			continue;
		if (!first)
			strbuf_addstr(sb, ",");
		first = 0;
		strbuf_add_json_str(sb, p->defs[i].name);
		strbuf_addstr(sb, ":");
		value_json(&p->defs[i], &p->v[i], sb);
	}
	strbuf_addstr(sb, "}");
}

void params_to_json(const struct params *p, struct strbuf *sb)
{
	to_json(p, sb, 0);
}

void params_to_json_learning(const struct params *p, struct strbuf *sb)
{
	to_json(p, sb, 1);
}

void param_value_text(const struct param_def *d, const struct param_value *v, struct strbuf *sb)
{
	switch (d->type) {
	case PARAM_STRING: strbuf_addstr(sb, v->s); break;
	case PARAM_INT_LIST:
		for (int k = 0; k < v->n; k++)
			strbuf_addf(sb, "%s%lld", k ? "x" : "", v->list[k]);
		break;
	default: value_json(d, v, sb);
	}
}

void params_print_help(const struct param_def *defs, FILE *out, const char *indent)
{
	for (int i = 0; defs && defs[i].name; i++) {
		const struct param_def *d = &defs[i];
		char range[96];
		param_range_text(d, range, sizeof(range));
		fprintf(out, "%s%-22s %-8s default %-10s %-18s %s\n", indent, d->name,
			param_type_name(d->type), d->def[0] ? d->def : "\"\"", range, d->doc);
	}
}

void params_apply_defaults(struct params *p, const char *kvs, const char *owner)
{
	if (!kvs)
		return;
	char *copy = xstrdup(kvs), *save = NULL;
	for (char *kv = strtok_r(copy, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(kv, '='), why[256];
		if (!eq)
			BUG("bad default '%s' of '%s'", kv, owner);
		*eq = '\0';
		if (params_set_text(p, kv, eq + 1, why, sizeof(why)))
			BUG("default '%s' of '%s': %s", kv, owner, why);
		p->v[index_of(p, kv)].set = 0;
	}
	free(copy);
}
