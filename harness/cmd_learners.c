/*
 * cmd_learners.c - `harness learners [NAME]`: every registered learner with
 * its hyperparameters (type, default, range, doc), from the param tables.
 */
#include <stdio.h>
#include <string.h>
#include "../algorithms/learner.h"
#include "commands.h"
#include "suggest.h"

int cmd_learners(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		printf("usage: harness learners [NAME]\n\n"
		       "Lists the learners a spec can name; with NAME, every hyperparameter: type, default\n"
		       "(after the preset's overrides), allowed range or values, and what it does.\n\n"
		       "example:\n  harness learners q_learning\n");
		return 0;
	}
	const char *only = argc > 1 ? argv[1] : NULL;
	if (only && !learner_lookup(only)) {
		error("unknown learner '%s' (%ssee 'harness learners')", only, suggest_learner(only));
		return 2;
	}
	if (!only)
		printf("learners ('harness learners NAME' lists a learner's hyperparameters):\n");
	for (int i = 0; i < learner_registry_len; i++) {
		const struct learner_spec *ls = &learner_registry[i];
		if (only && strcmp(only, ls->name))
			continue;
		if (!only) {
			printf("  %-22s %s\n", ls->name, ls->doc);
			continue;
		}
		printf("%s: %s\n", ls->name, ls->doc);
		if (ls->overrides)
			printf("  preset of '%s' with %s\n", ls->vt->name, ls->overrides);
		struct params hp;
		learner_params_init(ls, &hp);
		for (int k = 0; k < hp.n; k++) {
			struct strbuf v = {0};
			param_value_text(&hp.defs[k], &hp.v[k], &v);
			const struct param_def *d = &hp.defs[k];
			char range[96];
			param_range_text(d, range, sizeof(range));
			printf("  %-22s %-8s %-12s %-24s %s\n", d->name, param_type_name(d->type),
			       v.len ? v.buf : "\"\"", range, d->doc);
			strbuf_release(&v);
		}
		params_release(&hp);
		printf("\n");
	}
	return 0;
}
