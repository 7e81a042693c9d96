/*
 * spec_algo.c - the algorithm entries of a spec: names, sweep expansion into
 * configurations (variant names, display labels), and the resolution of a
 * cell's hyperparameters (defaults, preset, environment hparams, algorithm
 * keys, swept values). See spec_parse.h.
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
#include "suggest.h"

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
int parse_algorithm(const struct ctx *c, const config_setting_t *g, struct config **cfgs,
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
			   "unknown learner '%s' (%ssee 'harness learners')", learner, learner_suggest(learner));
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
int resolve_hparams(const struct ctx *c, const struct env_entry *env, const struct config *cfg,
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
