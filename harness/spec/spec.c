/*
 * spec.c - reads experiment specs with libconfig and expands the matrix.
 * See spec.h for the contract and README.md ("Experiment specs") for the format.
 */
#include "spec.h"
#include "spec_parse.h"
#include "codever.h"
#include "suggest.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <libconfig.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SEEDS 100000
/* A list of MAX_SEEDS seeds fits; libconfig grows lists one element at a time (quadratic). */
#define MAX_SPEC_BYTES (1 << 20)


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
	uint64_t v = sha256_u64(s);
	free(s);
	return v;
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
			   "unknown environment '%s' (%ssee 'harness envs')", id, env_suggest(id));
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

/* seeds: a count (0..n-1) or a list of distinct integers; *seeds allocated even on error. */
static int parse_seeds(const struct ctx *c, const config_setting_t *root, long long **seedsp, int *nseedsp)
{
	config_setting_t *m = config_setting_get_member(root, "seeds");
	long long *seeds = NULL;
	int nseeds = 0;
	if (!m)
		return bad(c, root, "seeds", "missing (a count like 5, or a list like [0, 1, 2])");
	if (config_setting_type(m) == CONFIG_TYPE_INT || config_setting_type(m) == CONFIG_TYPE_INT64) {
		long long n;
		if (get_int(c, m, "seeds", 1, MAX_SEEDS, &n))
			return -1;
		nseeds = (int)n;
		seeds = xcalloc((size_t)nseeds, sizeof(*seeds));
		for (int i = 0; i < nseeds; i++)
			seeds[i] = i;
	} else if (config_setting_type(m) == CONFIG_TYPE_ARRAY || config_setting_type(m) == CONFIG_TYPE_LIST) {
		nseeds = config_setting_length(m);
		if (nseeds < 1 || nseeds > MAX_SEEDS)
			return bad(c, m, "seeds", "must list between 1 and %d seeds, got %d", MAX_SEEDS, nseeds);
		seeds = xcalloc((size_t)nseeds, sizeof(*seeds));
		*seedsp = seeds;
		for (int i = 0; i < nseeds; i++) {
			if (get_int(c, config_setting_get_elem(m, (unsigned)i), "seeds", 0,
				    9007199254740992LL, &seeds[i]))
				return -1;
		}
		/* duplicates: sorted copy, O(n log n) (a 100000-seed list is allowed) */
		long long *sorted = xmalloc((size_t)nseeds * sizeof(*sorted));
		memcpy(sorted, seeds, (size_t)nseeds * sizeof(*sorted));
		qsort(sorted, (size_t)nseeds, sizeof(*sorted), cmp_ll);
		for (int i = 1; i < nseeds; i++)
			if (sorted[i] == sorted[i - 1]) {
				long long dup = sorted[i];
				free(sorted);
				return bad(c, m, "seeds", "seed %lld is listed twice", dup);
			}
		free(sorted);
	} else {
		return bad(c, m, "seeds", "must be a count or a list of integers, got %s", type_word(config_setting_type(m)));
	}
	*seedsp = seeds;
	*nseedsp = nseeds;
	return 0;
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
	if (spec_text_check(path, bytes, len)) {
		free(bytes);
		return -1;
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

	if (parse_seeds(&c, root, &seeds, &nseeds))
		goto out;

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
