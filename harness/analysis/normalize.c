/*
 * normalize.c - see normalize.h.
 */
#include "normalize.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dp.h"
#include "store.h"
#include "util.h"

int norm_random_score(const char *env_id, const struct params *opts, int max_steps, int episodes,
		      uint64_t seed, double *mean)
{
	struct env *e;
	if (episodes < 1)
		return error("random score: need at least one episode, got %d", episodes);
	if (env_make(&e, env_id, opts))
		return -1;
	struct rng policy;
	rng_seed(&policy, seed + 1);
	float *obs = xcalloc((size_t)e->info.obs_dim, sizeof(float));
	double total = 0;
	int rc = 0;
	for (int ep = 0; ep < episodes && !rc; ep++) {
		rc = env_reset(e, ep ? NULL : &seed, obs);
		int term = 0, trunc = 0;
		for (long long t = 0; !rc && !term && !trunc && (!max_steps || t < max_steps); t++) {
			double r;
			int a = (int)rng_below(&policy, (uint64_t)e->info.n_actions);
			rc = env_step(e, a, obs, &r, &term, &trunc);
			total += r;
		}
	}
	env_free(e);
	free(obs);
	if (rc)
		return -1;
	*mean = total / episodes;
	return 0;
}

int norm_optimal_value(const struct env *e, int horizon, double *v)
{
	struct tabular_model m;
	if (env_model(e, &m))
		return -1;
	double *V = xcalloc((size_t)m.nS, sizeof(double));
	int rc = 0;
	if (horizon > 0) {
		/* V_h(s) = max_a sum p (r + V_{h-1}(s') [not terminated]), V_0 = 0 */
		double *prev = xcalloc((size_t)m.nS, sizeof(double));
		for (int h = 1; h <= horizon; h++) {
			memcpy(prev, V, (size_t)m.nS * sizeof(double));
			for (int s = 0; s < m.nS; s++) {
				double best = -INFINITY;
				for (int a = 0; a < m.nA; a++) {
					double q = dp_q_value(&m, prev, 1.0, s, a);
					if (q > best)
						best = q;
				}
				V[s] = best;
			}
		}
		free(prev);
	} else {
		rc = value_iteration(&m, 1.0, 1e-12, V, NULL);
	}
	if (!rc)
		*v = start_value(&m, V);
	free(V);
	tabular_model_release(&m);
	return rc;
}

double norm_score(const struct env_norm *n, double score)
{
	double d = n->reference - n->random;
	if (!isfinite(d) || d == 0)
		return NAN;
	return (score - n->random) / d;
}

/* Sets the options of a run's config ({"id":..,"options":{..}}) over the defaults. */
static int options_from_json(const struct env_spec *spec, json_t *obj, struct params *opts)
{
	env_options_init(spec, opts);
	const char *k;
	json_t *v;
	char why[256];
	json_object_foreach(obj, k, v) {
		const struct param_def *d = param_find(opts->defs, k);
		int rc = -1;
		if (!d) {
			snprintf(why, sizeof(why), "unknown option");
		} else if (d->type == PARAM_BOOL && json_is_boolean(v)) {
			rc = params_set_bool(opts, k, json_is_true(v), why, sizeof(why));
		} else if (d->type == PARAM_INT && json_is_integer(v)) {
			rc = params_set_int(opts, k, json_integer_value(v), why, sizeof(why));
		} else if (d->type == PARAM_FLOAT && json_is_number(v)) {
			rc = params_set_float(opts, k, json_number_value(v), why, sizeof(why));
		} else if (d->type == PARAM_STRING && json_is_string(v)) {
			rc = params_set_string(opts, k, json_string_value(v), why, sizeof(why));
		} else if (d->type == PARAM_INT_LIST && json_is_array(v)) {
			size_t n = json_array_size(v);
			long long *l = xcalloc(n ? n : 1, sizeof(long long));
			for (size_t i = 0; i < n; i++)
				l[i] = json_integer_value(json_array_get(v, i));
			rc = params_set_list(opts, k, l, (int)n, why, sizeof(why));
			free(l);
		} else {
			snprintf(why, sizeof(why), "unexpected JSON type");
		}
		if (rc) {
			params_release(opts);
			return error("option '%s' of '%s' in a run's config: %s", k, spec->id, why);
		}
	}
	return 0;
}

int norm_env(struct store *db, const char *config_json, const char *source_hash, struct env_norm *out)
{
	memset(out, 0, sizeof(*out));
	out->reference = NAN;
	out->reference_kind = "none";
	json_error_t jerr;
	json_t *root = json_loads(config_json, 0, &jerr);
	if (!root)
		return error("cannot parse a run's config: %s", jerr.text);
	json_t *env = json_object_get(root, "env");
	const char *id = json_string_value(json_object_get(env, "id"));
	json_t *jopts = json_object_get(env, "options");
	const struct env_spec *spec = id ? env_lookup(id) : NULL;
	int rc = -1;
	char *optstr = NULL;
	struct env *e = NULL;
	struct params opts = {0};
	if (!spec || !json_is_object(jopts)) {
		error("a run's config names no known environment ('%s')", id ? id : "");
		goto out;
	}
	if (options_from_json(spec, jopts, &opts))
		goto out;
	optstr = json_dumps(jopts, JSON_COMPACT | JSON_SORT_KEYS);
	int cap = spec->max_episode_steps;
	if (!cap) {
		json_t *ev = json_object_get(json_object_get(root, "eval"), "max_episode_steps");
		cap = json_is_integer(ev) && json_integer_value(ev) > 0 ? (int)json_integer_value(ev) : 1000;
	}
	struct random_key key = { id, optstr, source_hash, NORM_RANDOM_EPISODES, cap, (long long)NORM_RANDOM_SEED };
	int found = db ? store_random_get(db, &key, &out->random) : 0;
	if (found < 0)
		goto out;
	out->cached = found;
	if (!found) {
		if (norm_random_score(id, &opts, cap, NORM_RANDOM_EPISODES, NORM_RANDOM_SEED, &out->random))
			goto out;
		if (db && store_random_put(db, &key, out->random))
			goto out;
	}
	if (env_make(&e, id, &opts))
		goto out;
	if (spec->vt->model) {
		if (norm_optimal_value(e, e->max_episode_steps, &out->reference))
			goto out;
		out->reference_kind = "optimal";
	} else if (!isnan(spec->reward_threshold)) {
		out->reference = spec->reward_threshold;
		out->reference_kind = "threshold";
	}
	rc = 0;
out:
	env_free(e);
	if (opts.defs)
		params_release(&opts);
	free(optstr);
	json_decref(root);
	return rc;
}
