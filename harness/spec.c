/*
 * spec.c - reads experiment specs with libconfig and expands the matrix.
 * See spec.h for the contract and README.md ("Experiment specs") for the format.
 */
#include "spec.h"
#include "codever.h"
#include "suggest.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <libconfig.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CELLS 100000
#define MAX_SEEDS 100000
/* A list of MAX_SEEDS seeds fits; libconfig grows lists one element at a time (quadratic). */
#define MAX_SPEC_BYTES (1 << 20)

/* Parse context: the file name for messages. */
struct ctx {
	const char *file;
	int portable; /* set every PARAM_KERNEL hyperparameter (e.g. DQN's `portable`) to true */
};

static int bad(const struct ctx *c, const config_setting_t *s, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "<file>:<line>: key '<key>': <message>" */
static int bad(const struct ctx *c, const config_setting_t *s, const char *key, const char *fmt, ...)
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

int valid_experiment_name(const char *name)
{
	if (!name || !*name || name[0] == '.' || strlen(name) > 128)
		return 0;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			return 0;
	return 1;
}

uint64_t seed_derive(uint64_t spec_seed, const char *env_key, const char *algo_hash,
		     long long seed, const char *stream)
{
	char *s = xstrfmt("harness-seed-v1|%llu|%s|%s|%lld|%s", (unsigned long long)spec_seed,
			  env_key, algo_hash, seed, stream);
	char hex[65];
	sha256_hex(s, strlen(s), hex);
	free(s);
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--) {
		unsigned b;
		sscanf(hex + 2 * i, "%2x", &b);
		v = (v << 8) | b;
	}
	return v;
}

static const char *type_word(int t)
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

static int set_from_setting(struct params *p, const char *key, const config_setting_t *s,
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
static int is_sweep(const struct param_def *d, const config_setting_t *s)
{
	int t = config_setting_type(s);
	if (d->flags & PARAM_JSON)
		return 0; /* a group or list is its value */
	if (d->type == PARAM_INT_LIST)
		return t == CONFIG_TYPE_LIST;
	return t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST;
}

/*
 * libconfig 1.5 reads an integer literal without the L suffix with atoi():
 * 3000000000 becomes -1294967296 and 10^20 becomes -1, silently. So the text
 * handed to libconfig is a copy in which integers beyond 32 bits get the L
 * suffix (64-bit), and a number beyond 64 bits (or a float beyond a double)
 * is an error naming its key. Strings and comments are copied as they are; no
 * newline is added, so line numbers stay those of the file.
 */
static const char *key_before(const char *text, size_t pos, char *key, size_t n)
{
	size_t i = pos;
	while (i > 0 && !strchr("=:;{}\n", text[i - 1]))
		i--; /* over the array or list elements before the literal */
	key[0] = '\0';
	if (i == 0 || (text[i - 1] != '=' && text[i - 1] != ':'))
		return key;
	i--;
	while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t'))
		i--;
	size_t end = i;
	while (i > 0 && (isalnum((unsigned char)text[i - 1]) || strchr("_-*", text[i - 1])))
		i--;
	snprintf(key, n, "%.*s", (int)(end - i), text + i);
	return key;
}

static int literal_error(const char *path, const char *text, size_t pos, const char *tok, int toklen,
			 const char *what)
{
	int line = 1;
	for (size_t k = 0; k < pos; k++)
		line += text[k] == '\n';
	char key[128];
	key_before(text, pos, key, sizeof(key));
	if (key[0])
		return error("%s:%d: key '%s': the number %.*s is too large (it overflows %s)", path, line, key,
			     toklen, tok, what);
	return error("%s:%d: the number %.*s is too large (it overflows %s)", path, line, toklen, tok, what);
}

static int fix_literals(const char *path, const char *in, size_t len, struct strbuf *out)
{
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		char c = in[i];
		if (c == '"') {
			for (j++; j < len && in[j] != '"'; j++)
				if (in[j] == '\\' && j + 1 < len)
					j++;
			j = j < len ? j + 1 : len;
		} else if (c == '#' || (c == '/' && i + 1 < len && in[i + 1] == '/')) {
			while (j < len && in[j] != '\n')
				j++;
		} else if (c == '/' && i + 1 < len && in[i + 1] == '*') {
			const char *e = memmem(in + i + 2, len - i - 2, "*/", 2);
			j = e ? (size_t)(e - in) + 2 : len;
		} else if (isalpha((unsigned char)c) || c == '_' || c == '*') {
			while (j < len && (isalnum((unsigned char)in[j]) || strchr("_-*", in[j])))
				j++;
		} else if (isdigit((unsigned char)c) ||
			   ((c == '-' || c == '+' || c == '.') && i + 1 < len &&
			    (isdigit((unsigned char)in[i + 1]) || in[i + 1] == '.'))) {
			int is_float = 0, hex = 0;
			if (in[j] == '-' || in[j] == '+')
				j++;
			if (j + 1 < len && in[j] == '0' && (in[j + 1] == 'x' || in[j + 1] == 'X')) {
				hex = 1;
				for (j += 2; j < len && isxdigit((unsigned char)in[j]); j++)
					;
			} else {
				while (j < len && isdigit((unsigned char)in[j]))
					j++;
				if (j < len && in[j] == '.') {
					is_float = 1;
					for (j++; j < len && isdigit((unsigned char)in[j]); j++)
						;
				}
				if (j < len && (in[j] == 'e' || in[j] == 'E')) {
					size_t k = j + 1;
					if (k < len && (in[k] == '-' || in[k] == '+'))
						k++;
					if (k < len && isdigit((unsigned char)in[k])) {
						is_float = 1;
						for (j = k; j < len && isdigit((unsigned char)in[j]); j++)
							;
					}
				}
			}
			size_t numlen = j;
			int suffix = 0;
			while (j < len && in[j] == 'L')
				j++, suffix = 1;
			char tok[128];
			if (numlen - i >= sizeof(tok))
				return literal_error(path, in, i, in + i, (int)(numlen - i), "64 bits");
			memcpy(tok, in + i, numlen - i);
			tok[numlen - i] = '\0';
			errno = 0;
			if (is_float) {
				double v = strtod(tok, NULL);
				if (isinf(v))
					return literal_error(path, in, i, tok, (int)strlen(tok), "a double");
			} else if (hex) {
				unsigned long long v = strtoull(tok, NULL, 16);
				if (errno == ERANGE)
					return literal_error(path, in, i, tok, (int)strlen(tok), "64 bits");
				strbuf_add(out, in + i, j - i);
				if (!suffix && v > 0xffffffffULL)
					strbuf_addstr(out, "L");
				i = j;
				continue;
			} else {
				long long v = strtoll(tok, NULL, 10);
				if (errno == ERANGE)
					return literal_error(path, in, i, tok, (int)strlen(tok), "64 bits");
				strbuf_add(out, in + i, j - i);
				if (!suffix && (v < INT_MIN || v > INT_MAX))
					strbuf_addstr(out, "L");
				i = j;
				continue;
			}
		} else {
			j++;
		}
		strbuf_add(out, in + i, j - i);
		i = j;
	}
	return 0;
}

static int get_int(const struct ctx *c, const config_setting_t *s, const char *key, long long lo,
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

static int check_keys(const struct ctx *c, const config_setting_t *g, const char *what,
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

static int parse_budget(const struct ctx *c, const config_setting_t *g, struct budget *b)
{
	static const char *const keys[] = { "steps", "episodes", NULL };
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return bad(c, g, "budget", "must be a group like { steps = 10000; }");
	if (check_keys(c, g, "budget (use steps or episodes)", keys))
		return -1;
	const config_setting_t *st = config_setting_get_member(g, "steps");
	const config_setting_t *ep = config_setting_get_member(g, "episodes");
	if (!!st == !!ep)
		return bad(c, g, "budget", "give exactly one of steps or episodes");
	memset(b, 0, sizeof(*b));
	if (st)
		return get_int(c, st, "steps", 1, 10000000000LL, &b->steps);
	return get_int(c, ep, "episodes", 1, 1000000000LL, &b->episodes);
}

static int parse_eval(const struct ctx *c, const config_setting_t *g, struct eval_sched *e)
{
	static const char *const keys[] = { "every", "episodes", "max_episode_steps", NULL };
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return bad(c, g, "eval", "must be a group like { every = 1000; episodes = 10; }");
	if (check_keys(c, g, "eval", keys))
		return -1;
	const config_setting_t *s;
	long long v;
	if ((s = config_setting_get_member(g, "every"))) {
		if (get_int(c, s, "every", 0, 10000000000LL, &v))
			return -1;
		e->every = v;
	}
	if ((s = config_setting_get_member(g, "episodes"))) {
		if (get_int(c, s, "episodes", 1, 100000, &v))
			return -1;
		e->episodes = (int)v;
	}
	if ((s = config_setting_get_member(g, "max_episode_steps"))) {
		if (get_int(c, s, "max_episode_steps", 1, 100000000, &v))
			return -1;
		e->max_episode_steps = (int)v;
	}
	return 0;
}

/* One environment entry of the spec, parsed. */
struct env_entry {
	const config_setting_t *setting;
	const struct env_spec *spec;
	struct params opts;
	char *label, *key;
	struct budget budget;
	int has_budget;
	struct eval_sched eval;
	int has_eval;
	const config_setting_t *hparams;
};

static int parse_env(const struct ctx *c, const config_setting_t *g, struct env_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->setting = g;
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return bad(c, g, "envs", "each environment must be a group like { id = \"FrozenLake-v1\"; }");
	const char *id = NULL;
	if (!config_setting_lookup_string(g, "id", &id))
		return bad(c, g, "id", "missing (the Gymnasium id, e.g. \"FrozenLake-v1\")");
	e->spec = env_lookup(id);
	if (!e->spec)
		return bad(c, config_setting_get_member(g, "id"), "id",
			   "unknown environment '%s' (%ssee 'harness envs')", id, suggest_env(id));
	env_options_init(e->spec, &e->opts);
	struct strbuf label = {0};
	strbuf_addstr(&label, id);
	int nset = 0;
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
		const char *k = config_setting_name(m);
		char why[512];
		if (!strcmp(k, "id"))
			continue;
		if (!strcmp(k, "budget")) {
			if (parse_budget(c, m, &e->budget))
				goto fail;
			e->has_budget = 1;
			continue;
		}
		if (!strcmp(k, "eval")) {
			if (parse_eval(c, m, &e->eval))
				goto fail;
			e->has_eval = 1;
			continue;
		}
		if (!strcmp(k, "hparams")) {
			if (config_setting_type(m) != CONFIG_TYPE_GROUP) {
				bad(c, m, k, "must be a group of hyperparameters like { gamma = 0.99; }");
				goto fail;
			}
			e->hparams = m;
			continue;
		}
		const struct param_def *d = param_find(e->opts.defs, k);
		if (!d) {
			struct strbuf known = {0};
			for (int j = 0; j < e->opts.n; j++)
				strbuf_addf(&known, "%s%s", j ? ", " : "", e->opts.defs[j].name);
			bad(c, m, k, "unknown option of '%s' (%soptions: %s; also budget, eval, hparams)", id,
			    suggest_param(e->opts.defs, k), known.len ? known.buf : "none");
			strbuf_release(&known);
			goto fail;
		}
		if (is_sweep(d, m)) {
			bad(c, m, k, "environment options cannot be swept: list each variant as its own environment");
			goto fail;
		}
		if (set_from_setting(&e->opts, k, m, why, sizeof(why))) {
			bad(c, m, k, "%s", why);
			goto fail;
		}
	}
	char why[512];
	struct env_info info;
	if (env_describe(e->spec, &e->opts, &info, why, sizeof(why))) {
		bad(c, g, NULL, "environment '%s': %s", id, why);
		goto fail;
	}
	for (int j = 0; j < e->opts.n; j++) {
		if (!e->opts.v[j].set)
			continue;
		strbuf_addstr(&label, nset++ ? "," : "(");
		strbuf_addf(&label, "%s=", e->opts.defs[j].name);
		param_value_text(&e->opts.defs[j], &e->opts.v[j], &label);
	}
	if (nset)
		strbuf_addstr(&label, ")");
	e->label = strbuf_detach(&label);
	struct strbuf key = {0};
	strbuf_addstr(&key, id);
	params_to_json(&e->opts, &key);
	e->key = strbuf_detach(&key);
	return 0;
fail:
	strbuf_release(&label);
	params_release(&e->opts);
	return -1;
}

static void env_entry_release(struct env_entry *e)
{
	params_release(&e->opts);
	free(e->label);
	free(e->key);
}

/* One algorithm configuration after sweep expansion. */
struct config {
	char *name;
	char *label;           /* display label (the spec's `label`, placeholders expanded), or NULL */
	const struct learner_spec *learner;
	const config_setting_t *setting;
	/* the swept values of this variant: setting + element index, per key */
	int nsweep;
	const config_setting_t *sweep_setting[32];
	int sweep_index[32];
};

static int valid_config_name(const char *n)
{
	if (!*n || strlen(n) > 100)
		return 0;
	for (const char *p = n; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-+", *p))
			return 0;
	return 1;
}

/* Applies a scalar setting as hyperparameter key to hp, with a file:line error. */
static int apply_hparam(const struct ctx *c, struct params *hp, const struct learner_spec *ls,
			const config_setting_t *m, const char *where)
{
	const char *k = config_setting_name(m);
	const struct param_def *d = param_find(hp->defs, k);
	char why[512];
	if (!d)
		return bad(c, m, k, "unknown hyperparameter of learner '%s'%s (%ssee 'harness learners %s')",
			   ls->name, where, suggest_param(hp->defs, k), ls->name);
	if (set_from_setting(hp, k, m, why, sizeof(why)))
		return bad(c, m, k, "%s", why);
	return 0;
}

static void add_setting_value(struct strbuf *sb, const config_setting_t *e)
{
	switch (config_setting_type(e)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64: strbuf_addf(sb, "%lld", config_setting_get_int64(e)); break;
	case CONFIG_TYPE_FLOAT: strbuf_add_double(sb, config_setting_get_float(e)); break;
	case CONFIG_TYPE_BOOL: strbuf_addstr(sb, config_setting_get_bool(e) ? "true" : "false"); break;
	case CONFIG_TYPE_STRING: strbuf_addstr(sb, config_setting_get_string(e)); break;
	case CONFIG_TYPE_ARRAY:
		for (int j = 0; j < config_setting_length(e); j++)
			strbuf_addf(sb, "%s%lld", j ? "x" : "",
				    config_setting_get_int64(config_setting_get_elem(e, (unsigned)j)));
		break;
	default: strbuf_addstr(sb, "?");
	}
}

static void variant_name(struct strbuf *sb, const char *base, const struct config *cfg, int nsw,
			 const config_setting_t *const *sw, const int *idx)
{
	(void)cfg;
	strbuf_addstr(sb, base);
	if (!nsw)
		return;
	strbuf_addstr(sb, "[");
	for (int i = 0; i < nsw; i++) {
		strbuf_addf(sb, "%s%s=", i ? "," : "", config_setting_name(sw[i]));
		add_setting_value(sb, config_setting_get_elem(sw[i], (unsigned)idx[i]));
	}
	strbuf_addstr(sb, "]");
}

/*
 * The display label of a variant: the spec's `label` with each {key} replaced by the variant's value
 * of the swept key (as in its name) and {name} by the algorithm's name. Display only: no seed or hash.
 */
static int expand_label(const struct ctx *c, const config_setting_t *lm, const char *tmpl, const char *base,
			int nsw, const config_setting_t *const *sw, const int *idx, char **out)
{
	struct strbuf sb = {0};
	for (const char *p = tmpl; *p; p++) {
		if (*p != '{') {
			strbuf_add(&sb, p, 1);
			continue;
		}
		const char *end = strchr(p, '}');
		if (!end) {
			strbuf_release(&sb);
			return bad(c, lm, "label", "'{' without '}' in \"%s\"", tmpl);
		}
		size_t len = (size_t)(end - p - 1);
		int found = len == 4 && !strncmp(p + 1, "name", 4);
		if (found)
			strbuf_addstr(&sb, base);
		for (int i = 0; !found && i < nsw; i++)
			if (strlen(config_setting_name(sw[i])) == len && !strncmp(p + 1, config_setting_name(sw[i]), len)) {
				add_setting_value(&sb, config_setting_get_elem(sw[i], (unsigned)idx[i]));
				found = 1;
			}
		if (!found) {
			int r = bad(c, lm, "label", "'{%.*s}' is not {name} or a swept key of this algorithm", (int)len, p + 1);
			strbuf_release(&sb);
			return r;
		}
		p = end;
	}
	*out = strbuf_detach(&sb);
	return 0;
}

/* Expands one algorithm entry into its sweep variants (appended to *cfgs). */
static int parse_algorithm(const struct ctx *c, const config_setting_t *g, struct config **cfgs,
			   int *ncfg, int *cap)
{
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return bad(c, g, "algorithms", "each algorithm must be a group like { name = \"ql\"; learner = \"q_learning\"; }");
	const char *name = NULL, *learner = NULL;
	if (!config_setting_lookup_string(g, "name", &name))
		return bad(c, g, "name", "missing (a label for this configuration, e.g. \"ql\")");
	if (!valid_config_name(name))
		return bad(c, config_setting_get_member(g, "name"), "name",
			   "'%s' may use only letters, digits and _ . - +", name);
	if (!config_setting_lookup_string(g, "learner", &learner))
		return bad(c, g, "learner", "missing (see 'harness learners')");
	const struct learner_spec *ls = learner_lookup(learner);
	if (!ls)
		return bad(c, config_setting_get_member(g, "learner"), "learner",
			   "unknown learner '%s' (%ssee 'harness learners')", learner, suggest_learner(learner));
	const config_setting_t *only = config_setting_get_member(g, "envs");
	if (only) {
		int t = config_setting_type(only);
		if ((t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) || config_setting_length(only) == 0)
			return bad(c, only, "envs", "must be a non-empty list of environment ids or labels, like [\"CartPole-v1\"]");
		for (int j = 0; j < config_setting_length(only); j++)
			if (config_setting_type(config_setting_get_elem(only, (unsigned)j)) != CONFIG_TYPE_STRING)
				return bad(c, only, "envs", "element %d is not a string", j + 1);
	}
	/* validate every key now (each sweep element too), collect sweeps */
	struct params hp;
	learner_params_init(ls, &hp);
	const config_setting_t *sw[32];
	int nsw = 0;
	long long variants = 1;
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
		const char *k = config_setting_name(m);
		if (!strcmp(k, "name") || !strcmp(k, "learner") || !strcmp(k, "envs") || !strcmp(k, "label"))
			continue;
		const struct param_def *d = param_find(hp.defs, k);
		if (d && is_sweep(d, m)) {
			int len = config_setting_length(m);
			if (len == 0) {
				params_release(&hp);
				return bad(c, m, k, "an empty list sweeps nothing");
			}
			if (nsw == (int)ARRAY_SIZE(sw)) {
				params_release(&hp);
				return bad(c, m, k, "too many swept keys (at most 32)");
			}
			for (int j = 0; j < len; j++) {
				const config_setting_t *e = config_setting_get_elem(m, (unsigned)j);
				char why[512];
				if (set_from_setting(&hp, k, e, why, sizeof(why))) {
					params_release(&hp);
					return bad(c, e, k, "sweep value %d: %s", j + 1, why);
				}
			}
			sw[nsw++] = m;
			variants *= len;
			if (variants > MAX_CELLS) {
				params_release(&hp);
				return bad(c, m, k, "the sweep has more than %d variants", MAX_CELLS);
			}
			continue;
		}
		if (apply_hparam(c, &hp, ls, m, "")) {
			params_release(&hp);
			return -1;
		}
	}
	params_release(&hp);
	const config_setting_t *lm = config_setting_get_member(g, "label");
	const char *tmpl = NULL;
	if (lm) {
		if (config_setting_type(lm) != CONFIG_TYPE_STRING || !*(tmpl = config_setting_get_string(lm)))
			return bad(c, lm, "label", "must be a non-empty string, like \"DQN lr={learning_rate}\"");
		for (const char *p = tmpl; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return bad(c, lm, "label", "must not contain control characters");
		if (strlen(tmpl) > 200)
			return bad(c, lm, "label", "longer than 200 characters");
	}
	int idx[32] = {0};
	for (long long v = 0; v < variants; v++) {
		if (*ncfg == *cap) {
			*cap = *cap ? 2 * *cap : 8;
			*cfgs = xrealloc(*cfgs, (size_t)*cap * sizeof(**cfgs));
		}
		struct config *cfg = &(*cfgs)[(*ncfg)++];
		memset(cfg, 0, sizeof(*cfg));
		cfg->learner = ls;
		cfg->setting = g;
		cfg->nsweep = nsw;
		for (int i = 0; i < nsw; i++) {
			cfg->sweep_setting[i] = sw[i];
			cfg->sweep_index[i] = idx[i];
		}
		struct strbuf sb = {0};
		variant_name(&sb, name, cfg, nsw, sw, idx);
		cfg->name = strbuf_detach(&sb);
		if (tmpl && expand_label(c, lm, tmpl, name, nsw, sw, idx, &cfg->label))
			return -1;
		/* odometer over the swept keys, the last key fastest */
		for (int i = nsw - 1; i >= 0; i--) {
			if (++idx[i] < config_setting_length(sw[i]))
				break;
			idx[i] = 0;
		}
	}
	return 0;
}

/* Resolves a cell's hyperparameters: defaults, preset, env hparams, algorithm keys, sweep. */
static int resolve_hparams(const struct ctx *c, const struct env_entry *env, const struct config *cfg,
			   struct params *hp)
{
	learner_params_init(cfg->learner, hp);
	for (int i = 0; c->portable && i < hp->n; i++) {
		char pwhy[128];
		if ((hp->defs[i].flags & PARAM_KERNEL) && hp->defs[i].type == PARAM_BOOL &&
		    params_set_bool(hp, hp->defs[i].name, 1, pwhy, sizeof(pwhy)))
			BUG("kernel switch '%s': %s", hp->defs[i].name, pwhy);
	}
	if (env->hparams) {
		for (int i = 0; i < config_setting_length(env->hparams); i++) {
			const config_setting_t *m = config_setting_get_elem(env->hparams, (unsigned)i);
			const struct param_def *d = param_find(hp->defs, config_setting_name(m));
			if (d && is_sweep(d, m))
				return bad(c, m, config_setting_name(m),
					   "hparams of an environment cannot be swept: sweep in the algorithm");
			char where[256];
			snprintf(where, sizeof(where), " (in the hparams of %s)", env->label);
			if (apply_hparam(c, hp, cfg->learner, m, where))
				return -1;
		}
	}
	for (int i = 0; i < config_setting_length(cfg->setting); i++) {
		const config_setting_t *m = config_setting_get_elem(cfg->setting, (unsigned)i);
		const char *k = config_setting_name(m);
		if (!strcmp(k, "name") || !strcmp(k, "learner") || !strcmp(k, "envs") || !strcmp(k, "label"))
			continue;
		int swept = 0;
		for (int j = 0; j < cfg->nsweep; j++) {
			if (cfg->sweep_setting[j] != m)
				continue;
			char why[512];
			const config_setting_t *e = config_setting_get_elem(m, (unsigned)cfg->sweep_index[j]);
			if (set_from_setting(hp, k, e, why, sizeof(why)))
				return bad(c, e, k, "%s", why);
			swept = 1;
		}
		if (!swept && apply_hparam(c, hp, cfg->learner, m, ""))
			return -1;
	}
	return 0;
}

/* Whether an algorithm entry runs on env: no `envs` key, or the env's id or label is listed. */
static int runs_on(const config_setting_t *g, const struct env_entry *env)
{
	const config_setting_t *only = config_setting_get_member(g, "envs");
	if (!only)
		return 1;
	for (int j = 0; j < config_setting_length(only); j++) {
		const char *n = config_setting_get_string(config_setting_get_elem(only, (unsigned)j));
		if (n && (!strcmp(n, env->spec->id) || !strcmp(n, env->label)))
			return 1;
	}
	return 0;
}

static void budget_json(struct strbuf *sb, const struct budget *b, const struct eval_sched *e)
{
	strbuf_addf(sb, "\"budget\":{\"steps\":%lld,\"episodes\":%lld},", b->steps, b->episodes);
	strbuf_addf(sb, "\"eval\":{\"every\":%lld,\"episodes\":%d,\"max_episode_steps\":%d}", e->every,
		    e->episodes, e->max_episode_steps);
}

static int build_cell(const struct ctx *c, struct spec *s, struct cell *cell,
		      const struct env_entry *env, const struct config *cfg, long long seed,
		      const struct budget *budget, const struct eval_sched *eval)
{
	memset(cell, 0, sizeof(*cell));
	if (resolve_hparams(c, env, cfg, &cell->hp)) {
		params_release(&cell->hp);
		return -1;
	}
	char why[512];
	struct env_info info;
	env_describe(env->spec, &env->opts, &info, why, sizeof(why));
	if (cfg->learner->vt->check && cfg->learner->vt->check(&cell->hp, &info, why, sizeof(why))) {
		params_release(&cell->hp);
		return bad(c, cfg->setting, "learner", "'%s' cannot run on %s: %s", cfg->learner->name,
			   env->label, why);
	}
	cell->env = env->spec;
	params_copy(&cell->env_opts, &env->opts);
	cell->env_label = xstrdup(env->label);
	cell->env_key = xstrdup(env->key);
	cell->config_name = xstrdup(cfg->name);
	cell->label = cfg->label ? xstrdup(cfg->label) : NULL;
	cell->learner = cfg->learner;
	cell->budget = *budget;
	cell->eval = *eval;
	if (cell->eval.every && !cell->eval.max_episode_steps)
		cell->eval.max_episode_steps = env->spec->max_episode_steps ? env->spec->max_episode_steps : 1000;
	cell->seed = seed;
	cell->cell_id = xstrfmt("%s/%s/seed=%lld", env->label, cfg->name, seed);

	struct strbuf sb = {0};
	strbuf_addstr(&sb, "{\"learner\":");
	strbuf_add_json_str(&sb, cfg->learner->name);
	strbuf_addstr(&sb, ",\"hparams\":");
	params_to_json_learning(&cell->hp, &sb); /* without `checkpoint`: the same seeds either way */
	strbuf_addstr(&sb, "}");
	sha256_hex(sb.buf, sb.len, cell->algo_hash);
	strbuf_reset(&sb);

	strbuf_addstr(&sb, "{\"env\":{\"id\":");
	strbuf_add_json_str(&sb, env->spec->id);
	strbuf_addstr(&sb, ",\"options\":");
	params_to_json(&env->opts, &sb);
	strbuf_addstr(&sb, "},\"learner\":");
	strbuf_add_json_str(&sb, cfg->learner->name);
	strbuf_addstr(&sb, ",\"hparams\":");
	params_to_json(&cell->hp, &sb);
	strbuf_addstr(&sb, ",");
	budget_json(&sb, &cell->budget, &cell->eval);
	strbuf_addf(&sb, ",\"spec_seed\":%llu,\"seed\":%lld%s}", (unsigned long long)s->seed, seed,
		    s->paired_seeds ? ",\"paired_seeds\":true" : ""); /* absent when false: old hashes hold */
	cell->config_json = strbuf_detach(&sb);
	sha256_hex(cell->config_json, strlen(cell->config_json), cell->config_hash);

	/* paired seeds: "paired" in place of the algorithm hash for the env and eval streams */
	const char *shared = s->paired_seeds ? "paired" : cell->algo_hash;
	cell->env_seed = seed_derive(s->seed, env->key, shared, seed, "env");
	cell->learner_seed = seed_derive(s->seed, env->key, cell->algo_hash, seed, "learner");
	cell->eval_seed = seed_derive(s->seed, env->key, shared, seed, "eval");
	code_version_for_cell(env->spec, &env->opts, cfg->learner, cell->code_version);
	return 0;
}

static void cell_release(struct cell *c)
{
	free(c->cell_id);
	free(c->env_label);
	free(c->env_key);
	free(c->config_name);
	free(c->label);
	free(c->config_json);
	params_release(&c->hp);
	params_release(&c->env_opts);
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

static char *basename_noext(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	char *r = xstrdup(b);
	char *dot = strrchr(r, '.');
	if (dot && dot != r)
		*dot = '\0';
	return r;
}

int spec_load(struct spec *s, const char *path)
{
	return spec_load_opts(s, path, 0);
}

int spec_load_opts(struct spec *s, const char *path, int portable)
{
	memset(s, 0, sizeof(*s));
	struct ctx c = { path, portable };
	size_t len;
	char *bytes = read_file(path, &len);
	if (!bytes)
		return -1;
	if (len > MAX_SPEC_BYTES) {
		free(bytes);
		return error("%s: %zu bytes, more than a spec may have (%d)", path, len, MAX_SPEC_BYTES);
	}
	sha256_hex(bytes, len, s->spec_sha256);
	/*
	 * A spec is one self-contained file, parsed from the very bytes hashed:
	 * no NUL byte (libconfig would stop there), no @include (another file,
	 * e.g. /dev/zero, not covered by the hash).
	 */
	for (size_t i = 0; i < len; i++) {
		size_t j = i;
		if (!bytes[i]) {
			free(bytes);
			return error("%s: contains a NUL byte (a spec is a text file)", path);
		}
		if (i && bytes[i - 1] != '\n')
			continue;
		while (j < len && (bytes[j] == ' ' || bytes[j] == '\t'))
			j++;
		if (len - j >= 8 && !memcmp(bytes + j, "@include", 8)) {
			int line = 1;
			for (size_t k = 0; k < i; k++)
				line += bytes[k] == '\n';
			free(bytes);
			return error("%s:%d: @include is not allowed (a spec is one self-contained file)", path, line);
		}
	}

	config_t cfg;
	config_init(&cfg);
	int rc = -1;
	struct env_entry *envs = NULL;
	struct config *cfgs = NULL;
	int nenv = 0, ncfg = 0, capcfg = 0;
	long long *seeds = NULL;
	int nseeds = 0;

	struct strbuf fixed = {0};
	if (fix_literals(path, bytes, len, &fixed)) {
		free(bytes);
		strbuf_release(&fixed);
		goto out;
	}
	free(bytes);
	int parsed = config_read_string(&cfg, fixed.buf ? fixed.buf : "");
	strbuf_release(&fixed);
	if (parsed != CONFIG_TRUE) {
		error("%s:%d: syntax error: %s", config_error_file(&cfg) ? config_error_file(&cfg) : path,
		      config_error_line(&cfg), config_error_text(&cfg));
		goto out;
	}
	config_setting_t *root = config_root_setting(&cfg);
	static const char *const top[] = { "name", "description", "seed", "seeds", "budget",
					   "eval", "envs", "algorithms", "portable", "paired_seeds", NULL };
	if (check_keys(&c, root, "the spec (keys: name, description, seed, seeds, budget, eval, envs, algorithms, portable, paired_seeds)", top))
		goto out;
	config_setting_t *pm = config_setting_get_member(root, "portable");
	if (pm) {
		if (config_setting_type(pm) != CONFIG_TYPE_BOOL) {
			bad(&c, pm, "portable", "must be true or false");
			goto out;
		}
		c.portable |= config_setting_get_bool(pm);
	}
	/* paired_seeds: every configuration of an environment shares its env and eval seed streams per seed */
	config_setting_t *ps = config_setting_get_member(root, "paired_seeds");
	if (ps) {
		if (config_setting_type(ps) != CONFIG_TYPE_BOOL) {
			bad(&c, ps, "paired_seeds", "must be true or false");
			goto out;
		}
		s->paired_seeds = config_setting_get_bool(ps);
	}

	char *base = basename_noext(path);
	const char *name = NULL;
	config_setting_t *m;
	if ((m = config_setting_get_member(root, "name"))) {
		if (config_setting_type(m) != CONFIG_TYPE_STRING) {
			free(base);
			bad(&c, m, "name", "must be a string");
			goto out;
		}
		name = config_setting_get_string(m);
		if (!valid_experiment_name(name)) {
			free(base);
			bad(&c, m, "name", "'%s' may use only letters, digits and _ . - (and not start with '.')", name);
			goto out;
		}
		if (strcmp(name, base)) {
			bad(&c, m, "name", "'%s' differs from the file name '%s'", name, base);
			free(base);
			goto out;
		}
	}
	if (!valid_experiment_name(base)) {
		error("%s: the file name '%s' is not a valid experiment name (letters, digits, _ . -)", path, base);
		free(base);
		goto out;
	}
	s->name = base;
	s->path = xstrdup(path);
	const char *desc = "";
	if ((m = config_setting_get_member(root, "description"))) {
		if (config_setting_type(m) != CONFIG_TYPE_STRING) {
			bad(&c, m, "description", "must be a string");
			goto out;
		}
		desc = config_setting_get_string(m);
	}
	s->description = xstrdup(desc);
	if ((m = config_setting_get_member(root, "seed"))) {
		long long v;
		if (get_int(&c, m, "seed", 0, 9007199254740992LL, &v))
			goto out;
		s->seed = (uint64_t)v;
	}

	/* seeds: a count or a list */
	if (!(m = config_setting_get_member(root, "seeds"))) {
		bad(&c, root, "seeds", "missing (a count like 5, or a list like [0, 1, 2])");
		goto out;
	}
	if (config_setting_type(m) == CONFIG_TYPE_INT || config_setting_type(m) == CONFIG_TYPE_INT64) {
		long long n;
		if (get_int(&c, m, "seeds", 1, MAX_SEEDS, &n))
			goto out;
		nseeds = (int)n;
		seeds = xcalloc((size_t)nseeds, sizeof(*seeds));
		for (int i = 0; i < nseeds; i++)
			seeds[i] = i;
	} else if (config_setting_type(m) == CONFIG_TYPE_ARRAY || config_setting_type(m) == CONFIG_TYPE_LIST) {
		nseeds = config_setting_length(m);
		if (nseeds < 1 || nseeds > MAX_SEEDS) {
			bad(&c, m, "seeds", "must list between 1 and %d seeds, got %d", MAX_SEEDS, nseeds);
			goto out;
		}
		seeds = xcalloc((size_t)nseeds, sizeof(*seeds));
		for (int i = 0; i < nseeds; i++) {
			if (get_int(&c, config_setting_get_elem(m, (unsigned)i), "seeds", 0,
				    9007199254740992LL, &seeds[i]))
				goto out;
		}
		/* duplicates: sorted copy, O(n log n) (a 100000-seed list is allowed) */
		long long *sorted = xmalloc((size_t)nseeds * sizeof(*sorted));
		memcpy(sorted, seeds, (size_t)nseeds * sizeof(*sorted));
		qsort(sorted, (size_t)nseeds, sizeof(*sorted), cmp_ll);
		for (int i = 1; i < nseeds; i++)
			if (sorted[i] == sorted[i - 1]) {
				bad(&c, m, "seeds", "seed %lld is listed twice", sorted[i]);
				free(sorted);
				goto out;
			}
		free(sorted);
	} else {
		bad(&c, m, "seeds", "must be a count or a list of integers, got %s", type_word(config_setting_type(m)));
		goto out;
	}

	struct budget budget = {0};
	int has_budget = 0;
	struct eval_sched eval = {0};
	if ((m = config_setting_get_member(root, "budget"))) {
		if (parse_budget(&c, m, &budget))
			goto out;
		has_budget = 1;
	}
	if ((m = config_setting_get_member(root, "eval")) && parse_eval(&c, m, &eval))
		goto out;

	config_setting_t *ge = config_setting_get_member(root, "envs");
	if (!ge || config_setting_type(ge) != CONFIG_TYPE_LIST || config_setting_length(ge) == 0) {
		bad(&c, ge ? ge : root, "envs", "must be a non-empty list of groups: ( { id = \"FrozenLake-v1\"; } )");
		goto out;
	}
	nenv = config_setting_length(ge);
	envs = xcalloc((size_t)nenv, sizeof(*envs));
	for (int i = 0; i < nenv; i++) {
		if (parse_env(&c, config_setting_get_elem(ge, (unsigned)i), &envs[i])) {
			nenv = i;
			goto out;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(envs[j].label, envs[i].label)) {
				bad(&c, envs[i].setting, NULL, "environment %s is listed twice", envs[i].label);
				nenv = i + 1;
				goto out;
			}
		if (!envs[i].has_budget && !has_budget) {
			bad(&c, envs[i].setting, "budget", "missing for %s (give budget = { steps = N; } at the top or in the environment)", envs[i].label);
			nenv = i + 1;
			goto out;
		}
	}

	config_setting_t *ga = config_setting_get_member(root, "algorithms");
	if (!ga || config_setting_type(ga) != CONFIG_TYPE_LIST || config_setting_length(ga) == 0) {
		bad(&c, ga ? ga : root, "algorithms",
		    "must be a non-empty list of groups: ( { name = \"ql\"; learner = \"q_learning\"; } )");
		goto out;
	}
	for (int i = 0; i < config_setting_length(ga); i++) {
		int before = ncfg;
		if (parse_algorithm(&c, config_setting_get_elem(ga, (unsigned)i), &cfgs, &ncfg, &capcfg))
			goto out;
		for (int j = before; j < ncfg; j++)
			for (int k = 0; k < before; k++)
				if (!strcmp(cfgs[j].name, cfgs[k].name)) {
					bad(&c, cfgs[j].setting, "name", "configuration '%s' is defined twice", cfgs[j].name);
					goto out;
				}
	}

	/* every name an algorithm's `envs` lists must match some environment */
	for (int a = 0; a < ncfg; a++) {
		const config_setting_t *only = config_setting_get_member(cfgs[a].setting, "envs");
		for (int j = 0; only && j < config_setting_length(only); j++) {
			const char *n = config_setting_get_string(config_setting_get_elem(only, (unsigned)j));
			int found = 0;
			for (int e = 0; e < nenv; e++)
				found |= !strcmp(n, envs[e].spec->id) || !strcmp(n, envs[e].label);
			if (!found) {
				bad(&c, only, "envs", "'%s' is not one of the spec's environments", n);
				goto out;
			}
		}
	}
	/* a label names one configuration (and no other configuration's name); checked up to 4096 configurations */
	for (int i = 0; ncfg <= 4096 && i < ncfg; i++)
		for (int j = 0; cfgs[i].label && j < ncfg; j++)
			if (j != i && (!strcmp(cfgs[i].label, cfgs[j].name) || (j < i && cfgs[j].label &&
									     !strcmp(cfgs[i].label, cfgs[j].label)))) {
				bad(&c, config_setting_get_member(cfgs[i].setting, "label"), "label",
				    "'%s' is also the label or name of configuration '%s'", cfgs[i].label, cfgs[j].name);
				goto out;
			}
	long long total = (long long)nenv * ncfg * nseeds;
	if (total > MAX_CELLS) {
		error("%s: the matrix has %lld cells (%d environments x %d configurations x %d seeds), more than %d",
		      path, total, nenv, ncfg, nseeds, MAX_CELLS);
		goto out;
	}
	s->cells = xcalloc((size_t)total, sizeof(*s->cells));
	for (int e = 0; e < nenv; e++) {
		for (int a = 0; a < ncfg; a++) {
			if (!runs_on(cfgs[a].setting, &envs[e]))
				continue;
			for (int k = 0; k < nseeds; k++) {
				struct cell *cl = &s->cells[s->ncells];
				const struct budget *b = envs[e].has_budget ? &envs[e].budget : &budget;
				const struct eval_sched *ev = envs[e].has_eval ? &envs[e].eval : &eval;
				if (build_cell(&c, s, cl, &envs[e], &cfgs[a], seeds[k], b, ev))
					goto out;
				cl->index = s->ncells++;
			}
		}
	}
	s->nenvs = nenv;
	s->nconfigs = ncfg;
	s->nseeds = nseeds;
	rc = 0;
out:
	for (int i = 0; i < nenv; i++)
		env_entry_release(&envs[i]);
	free(envs);
	for (int i = 0; i < ncfg; i++) {
		free(cfgs[i].name);
		free(cfgs[i].label);
	}
	free(cfgs);
	free(seeds);
	config_destroy(&cfg);
	if (rc)
		spec_release(s);
	return rc;
}

void spec_release(struct spec *s)
{
	for (int i = 0; i < s->ncells; i++)
		cell_release(&s->cells[i]);
	free(s->cells);
	free(s->path);
	free(s->name);
	free(s->description);
	memset(s, 0, sizeof(*s));
}
