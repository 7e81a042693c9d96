/*
 * learner.c - lookup and defaults of registered learners, epsilon schedules.
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
