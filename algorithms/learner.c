/*
 * learner.c - lookup and defaults of registered learners, epsilon schedules,
 * checkpoints.
 */
#include "learner.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const struct learner_spec *learner_lookup(const char *name)
{
	for (int i = 0; i < learner_registry_len; i++)
		if (!strcmp(learner_registry[i].name, name))
			return &learner_registry[i];
	return NULL;
}

void learner_params_init(const struct learner_spec *spec, struct params *hp)
{
	params_init(hp, spec->vt->params);
	params_apply_defaults(hp, spec->overrides, spec->name);
}

void epsilon_schedule_init(struct epsilon_schedule *e, const struct params *hp)
{
	const char *k = params_str(hp, "epsilon_schedule");
	e->kind = !strcmp(k, "linear") ? 1 : !strcmp(k, "exponential") ? 2 : 0;
	e->start = params_float(hp, "epsilon");
	e->min = params_float(hp, "epsilon_min");
	e->decay_steps = params_int(hp, "epsilon_decay_steps");
	e->rate = params_float(hp, "epsilon_decay_rate");
}

double epsilon_at(const struct epsilon_schedule *e, long long step)
{
	switch (e->kind) {
	case 1:
		if (step >= e->decay_steps)
			return e->min;
		return e->start + (e->min - e->start) * ((double)step / (double)e->decay_steps);
	case 2: {
		double v = e->start * pow(e->rate, (double)step);
		return v > e->min ? v : e->min;
	}
	default:
		return e->start;
	}
}

void checkpoint_add_array(struct checkpoint *ck, const char *name, const float *data,
			  long long rows, long long cols)
{
	if (rows < 0 || cols < 0)
		BUG("checkpoint: array '%s' of negative size", name);
	ck->arrays = xrealloc(ck->arrays, (size_t)(ck->n_arrays + 1) * sizeof(*ck->arrays));
	struct checkpoint_array *a = &ck->arrays[ck->n_arrays++];
	a->name = xstrdup(name);
	a->rank = cols > 0 ? 2 : 1;
	a->dims[0] = rows;
	a->dims[1] = cols > 0 ? cols : 1;
	size_t n = (size_t)(a->dims[0] * a->dims[1]);
	a->data = xmalloc(n ? n * sizeof(float) : 1);
	if (n)
		memcpy(a->data, data, n * sizeof(float));
}

static struct checkpoint_attr *new_attr(struct checkpoint *ck, const char *name)
{
	if (ck->n_attrs == CHECKPOINT_MAX_ATTRS)
		BUG("checkpoint: more than %d attributes", CHECKPOINT_MAX_ATTRS);
	struct checkpoint_attr *a = &ck->attrs[ck->n_attrs++];
	memset(a, 0, sizeof(*a));
	a->name = xstrdup(name);
	return a;
}

void checkpoint_add_ints(struct checkpoint *ck, const char *name, const long long *v, int n)
{
	if (n < 1 || n > CHECKPOINT_MAX_INTS)
		BUG("checkpoint: attribute '%s' of %d integers", name, n);
	struct checkpoint_attr *a = new_attr(ck, name);
	a->n = n;
	memcpy(a->ints, v, (size_t)n * sizeof(*v));
}

void checkpoint_add_str(struct checkpoint *ck, const char *name, const char *s)
{
	new_attr(ck, name)->str = xstrdup(s);
}

const struct checkpoint_array *checkpoint_find(const struct checkpoint *ck, const char *name)
{
	for (int i = 0; i < ck->n_arrays; i++)
		if (!strcmp(ck->arrays[i].name, name))
			return &ck->arrays[i];
	return NULL;
}

void checkpoint_release(struct checkpoint *ck)
{
	for (int i = 0; i < ck->n_arrays; i++) {
		free(ck->arrays[i].name);
		free(ck->arrays[i].data);
	}
	free(ck->arrays);
	for (int i = 0; i < ck->n_attrs; i++) {
		free(ck->attrs[i].name);
		free(ck->attrs[i].str);
	}
	memset(ck, 0, sizeof(*ck));
}
