/*
 * env.c - the generic layer over every environment: lookup by id, options,
 * seeding, Gymnasium's TimeLimit and order checks. See env.h.
 */
#include "env.h"
#include "pyenv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct env_spec *env_lookup(const char *id)
{
	for (int i = 0; i < env_registry_len; i++)
		if (!strcmp(env_registry[i].id, id))
			return &env_registry[i];
	return pyenv_lookup(id);
}

void env_options_init(const struct env_spec *spec, struct params *opts)
{
	params_init(opts, spec->vt->options);
	params_apply_defaults(opts, spec->option_defaults, spec->id);
}

int env_describe(const struct env_spec *spec, const struct params *opts, struct env_info *info,
		 char *why, size_t n)
{
	memset(info, 0, sizeof(*info));
	if (spec->vt->configure(opts, info, why, n))
		return -1;
	if (info->obs_rank == 0) {
		info->obs_rank = 1;
		info->obs_shape[0] = info->obs_dim;
	}
	if (info->obs_dim > ENV_MAX_BOUNDS)
		info->obs_bounds_uniform = 1;
	return 0;
}

void env_info_obs_text(const struct env_info *info, char *buf, size_t n)
{
	if (info->obs_kind == SPACE_DISCRETE) {
		snprintf(buf, n, "Discrete(%d)", info->obs_n);
		return;
	}
	char shape[64] = "";
	size_t k = 0;
	for (int i = 0; i < info->obs_rank && k < sizeof(shape); i++)
		k += (size_t)snprintf(shape + k, sizeof(shape) - k, "%s%d", i ? ", " : "",
				      info->obs_shape[i]);
	snprintf(buf, n, "Box(%s, %s)", shape, info->obs_dtype == OBS_UINT8 ? "uint8" : info->obs_dtype == OBS_BOOL ? "bool" : "float32");
}

int env_make(struct env **out, const char *id, const struct params *opts)
{
	const struct env_spec *spec = env_lookup(id);
	if (!spec)
		return error("unknown environment '%s' (see 'harness envs')", id);
	struct env *e = xcalloc(1, sizeof(*e));
	e->spec = spec;
	if (opts)
		params_copy(&e->opts, opts);
	else
		env_options_init(spec, &e->opts);
	char why[256];
	if (env_describe(spec, &e->opts, &e->info, why, sizeof(why))) {
		params_release(&e->opts);
		free(e);
		return error("environment '%s': %s", id, why);
	}
	e->state = xcalloc(1, spec->vt->state_size);
	if (spec->vt->init(e->state, &e->opts)) {
		params_release(&e->opts);
		free(e->state);
		free(e);
		return error("environment '%s': cannot initialise", id);
	}
	e->max_episode_steps = spec->max_episode_steps;
	e->need_reset = 1;
	rng_seed(&e->rng, 0);
	*out = e;
	return 0;
}

void env_free(struct env *e)
{
	if (!e)
		return;
	if (e->spec->vt->release)
		e->spec->vt->release(e->state);
	free(e->state);
	params_release(&e->opts);
	free(e);
}

int env_reset(struct env *e, const uint64_t *seed, float *obs)
{
	const struct env_vtable *vt = e->spec->vt;
	if (seed) {
		rng_seed(&e->rng, *seed);
		if (vt->seed)
			vt->seed(e->state, *seed);
	}
	vt->reset(e->state, &e->rng, obs);
	e->elapsed = 0;
	e->need_reset = 0;
	int trunc;
	const char *err = vt->status ? vt->status(e->state, &trunc) : NULL;
	if (err) {
		e->need_reset = 1;
		return error("'%s': reset: %s", e->spec->id, err);
	}
	return 0;
}

int env_step(struct env *e, int action, float *obs, double *reward, int *terminated,
	     int *truncated)
{
	if (e->need_reset)
		return error("'%s': step called before reset or after the episode ended", e->spec->id);
	if (action < 0 || action >= e->info.n_actions)
		return error("'%s': invalid action %d (the action space is Discrete(%d))",
			     e->spec->id, action, e->info.n_actions);
	const struct env_vtable *vt = e->spec->vt;
	vt->step(e->state, &e->rng, action, obs, reward, terminated);
	e->elapsed++;
	*truncated = e->max_episode_steps > 0 && e->elapsed >= e->max_episode_steps;
	int own_trunc = 0;
	const char *err = vt->status ? vt->status(e->state, &own_trunc) : NULL;
	if (err) {
		e->need_reset = 1;
		return error("'%s': step: %s", e->spec->id, err);
	}
	*truncated |= own_trunc;
	if (*terminated || *truncated)
		e->need_reset = 1;
	return 0;
}

int env_set_state(struct env *e, const double *vals, int n, float *obs)
{
	char why[256];
	if (!e->spec->vt->set_state)
		return error("'%s' cannot set its state", e->spec->id);
	if (n != e->info.state_dim)
		return error("'%s': --state takes %d values, got %d", e->spec->id, e->info.state_dim, n);
	if (e->spec->vt->set_state(e->state, vals, n, obs, why, sizeof(why)))
		return error("'%s': %s", e->spec->id, why);
	e->elapsed = 0;
	e->need_reset = 0;
	return 0;
}

int env_model(const struct env *e, struct tabular_model *m)
{
	if (!e->spec->vt->model)
		return error("'%s' is not a tabular environment (no transition model)", e->spec->id);
	memset(m, 0, sizeof(*m));
	return e->spec->vt->model(e->state, m);
}

void tabular_model_release(struct tabular_model *m)
{
	free(m->start);
	free(m->prob);
	free(m->next);
	free(m->reward);
	free(m->terminated);
	free(m->initial);
	memset(m, 0, sizeof(*m));
}
