/*
 * outcome.c - see outcome.h.
 */
#include "outcome.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "rundb.h"

enum { K_STATUS, K_HASH, K_FINAL, K_AUC, K_WALL, K_STEPS, K_EPISODES, K_ERROR, K_COUNT };
static const char *const keys[K_COUNT] = { "status", "content_hash", "final_return", "auc", "wall_seconds",
					   "total_steps", "episodes", "error" };

void outcome_escape(struct strbuf *sb, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '\\': strbuf_addstr(sb, "\\\\"); break;
		case '\n': strbuf_addstr(sb, "\\n"); break;
		case '\r': strbuf_addstr(sb, "\\r"); break;
		case '\t': strbuf_addstr(sb, "\\t"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				strbuf_addf(sb, "\\x%02x", *p);
			else
				strbuf_add(sb, p, 1);
		}
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int outcome_unescape(const char *s, char *out, size_t n)
{
	size_t k = 0;
	int cut = 0;
	for (; *s; s++) {
		char c = *s;
		if (c == '\\') {
			s++;
			switch (*s) {
			case '\\': c = '\\'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'x': {
				int hi = hexval(s[1]), lo = hi < 0 ? -1 : hexval(s[2]);
				if (lo < 0 || (hi == 0 && lo == 0))
					return -1;
				c = (char)(hi * 16 + lo);
				s += 2;
				break;
			}
			default:
				return -1; /* an unknown escape, or a lone '\' at the end */
			}
		}
		if (k + 1 < n)
			out[k++] = c;
		else
			cut = 1;
	}
	if (n)
		out[k] = '\0';
	return cut;
}

static void add_double(struct strbuf *sb, const char *key, double v)
{
	if (isnan(v))
		strbuf_addf(sb, "%s=nan\n", key);
	else
		strbuf_addf(sb, "%s=%.17g\n", key, v);
}

void outcome_encode(struct strbuf *sb, const struct cell_outcome *o)
{
	strbuf_addf(sb, "%s=", keys[K_STATUS]);
	outcome_escape(sb, o->status);
	strbuf_addf(sb, "\n%s=", keys[K_HASH]);
	outcome_escape(sb, o->hash[0] ? o->hash : "-");
	strbuf_addstr(sb, "\n");
	add_double(sb, keys[K_FINAL], o->final_return);
	add_double(sb, keys[K_AUC], o->auc);
	add_double(sb, keys[K_WALL], o->wall_seconds);
	strbuf_addf(sb, "%s=%lld\n%s=%lld\n%s=", keys[K_STEPS], o->total_steps, keys[K_EPISODES], o->episodes,
		    keys[K_ERROR]);
	outcome_escape(sb, o->error);
	strbuf_addstr(sb, "\n");
}

void outcome_decoder_init(struct outcome_decoder *d)
{
	memset(d, 0, sizeof(*d));
	d->o.final_return = d->o.auc = NAN;
}

static int is_hash(const char *h)
{
	if (strlen(h) != 64)
		return 0;
	for (; *h; h++)
		if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f')))
			return 0;
	return 1;
}

int outcome_decode_kv(struct outcome_decoder *d, const char *key, const char *value, char *why, size_t n)
{
	int k = 0;
	while (k < K_COUNT && strcmp(keys[k], key))
		k++;
	if (k == K_COUNT)
		return 0;
	struct cell_outcome *o = &d->o;
	double v;
	long long i;
	switch (k) {
	case K_STATUS:
		if (strcmp(value, "complete") && strcmp(value, "failed") && strcmp(value, "error"))
			goto bad_status;
		snprintf(o->status, sizeof(o->status), "%s", value);
		break;
	case K_HASH:
		if (!strcmp(value, "-"))
			o->hash[0] = '\0';
		else if (is_hash(value))
			snprintf(o->hash, sizeof(o->hash), "%s", value);
		else
			goto bad;
		break;
	case K_FINAL:
	case K_AUC:
	case K_WALL:
		if (!strcmp(value, "nan"))
			v = NAN;
		else if (parse_double(value, &v) || isnan(v))
			goto bad_number;
		*(k == K_FINAL ? &o->final_return : k == K_AUC ? &o->auc : &o->wall_seconds) = v;
		break;
	case K_STEPS:
	case K_EPISODES:
		if (parse_ll(value, &i) || i < 0)
			goto bad_integer;
		*(k == K_STEPS ? &o->total_steps : &o->episodes) = i;
		break;
	case K_ERROR:
		if (outcome_unescape(value, o->error, sizeof(o->error)) < 0)
			goto bad_escape;
		break;
	}
	d->seen |= 1u << k;
	return 1;
bad_status:
	snprintf(why, n, "unknown status '%.32s'", value);
	return -1;
bad:
	snprintf(why, n, "key '%s': '%.80s' is not a results hash or '-'", key, value);
	return -1;
bad_number:
	snprintf(why, n, "key '%s': '%.80s' is not a number", key, value);
	return -1;
bad_integer:
	snprintf(why, n, "key '%s': '%.80s' is not an integer", key, value);
	return -1;
bad_escape:
	snprintf(why, n, "key '%s': bad escape in '%.80s'", key, value);
	return -1;
}

int outcome_decoder_finish(const struct outcome_decoder *d, struct cell_outcome *o, char *why, size_t n)
{
	for (int k = 0; k < K_COUNT; k++)
		if (!(d->seen & (1u << k))) {
			snprintf(why, n, "incomplete: no '%s'", keys[k]);
			return -1;
		}
	if (strcmp(d->o.status, "error") && !d->o.hash[0]) {
		snprintf(why, n, "status '%s' without a results hash", d->o.status);
		return -1;
	}
	*o = d->o;
	return 0;
}

int outcome_decode(const char *text, struct cell_outcome *o, char *why, size_t n)
{
	struct outcome_decoder d;
	outcome_decoder_init(&d);
	struct strbuf line = {0};
	int rc = -1;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		line.len = 0;
		strbuf_add(&line, p, len);
		p += len + (nl != NULL);
		char *eq = strchr(line.buf, '=');
		if (!eq) {
			snprintf(why, n, "line '%.80s' is not key=value", line.buf);
			goto out;
		}
		*eq = '\0';
		int r = outcome_decode_kv(&d, line.buf, eq + 1, why, n);
		if (r < 0)
			goto out;
		if (r == 0) {
			snprintf(why, n, "unknown key '%.80s'", line.buf);
			goto out;
		}
	}
	rc = outcome_decoder_finish(&d, o, why, n);
out:
	strbuf_release(&line);
	return rc;
}

void outcome_summary(const struct cell_outcome *o, struct run_summary *s)
{
	memset(s, 0, sizeof(*s));
	s->status = o->status;
	s->error = o->error;
	s->wall_seconds = o->wall_seconds;
	s->final_return = o->final_return;
	s->auc = o->auc;
	s->total_steps = o->total_steps;
	s->episodes = o->episodes;
	s->content_hash = o->hash[0] ? o->hash : NULL;
}
