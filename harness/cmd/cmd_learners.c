/*
 * cmd_learners.c - `harness learners [NAME]`: every registered learner with
 * its hyperparameters (type, default, range, doc), from the param tables.
 */
#include <stdio.h>
#include <string.h>
#include "learner.h"
#include "commands.h"
#include "suggest.h"

static const char *const learners_lines[] = { "learners [NAME]", NULL };
static const struct usage learners_usage = {
	"learners", learners_lines,
	"Lists the learners a spec can name; with NAME, every hyperparameter: type, default\n"
	"(after the preset's overrides), allowed range or values, and what it does.",
	"example:\n  harness learners q_learning"
};

int cmd_learners(int argc, char **argv)
{
	struct option opts[] = { OPT_END() };
	argc = parse_options(argc, argv, opts, &learners_usage, 0);
	if (argc < 0)
		return opt_exit_status(argc);
	if (argc > 1)
		return usagef("learners", "unexpected argument '%s'", argv[1]);
	const char *only = argc ? argv[0] : NULL;
	if (only && !learner_lookup(only)) {
		error("unknown learner '%s' (%ssee 'harness learners')", only, learner_suggest(only));
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
