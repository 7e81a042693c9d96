/*
 * tabular_make.h - a tabular learner for the unit tests (test_tabular.c,
 * test_tabular_convergence.c): a preset plus "k=v;k=v" overrides.
 */
#ifndef TABULAR_MAKE_H
#define TABULAR_MAKE_H

#include "testutil.h"
#include "learner.h"
#include "tabular.h"
#include "env.h"

/* A learner from a preset plus "k=v;k=v" overrides, for an nS x nA table. */
static inline void *make(const char *preset, const char *kv, int nS, int nA, uint64_t seed)
{
	const struct learner_spec *spec = learner_lookup(preset);
	assert_non_null(spec);
	struct params hp;
	learner_params_init(spec, &hp);
	char *copy = xstrdup(kv ? kv : ""), *save = NULL, why[256];
	for (char *p = strtok_r(copy, ";", &save); p; p = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(p, '=');
		assert_non_null(eq);
		*eq = '\0';
		if (params_set_text(&hp, p, eq + 1, why, sizeof(why)))
			fail_msg("%s=%s: %s", p, eq + 1, why);
	}
	free(copy);
	struct env_info info = { .obs_kind = SPACE_DISCRETE, .obs_n = nS, .obs_dim = 1,
				 .n_actions = nA, .state_dim = 1 };
	if (spec->vt->check(&hp, &info, why, sizeof(why)))
		fail_msg("check: %s", why);
	void *l = spec->vt->create(&hp, &info, seed);
	params_release(&hp);
	return l;
}

/* One observe() of the transition (s, a, r, s2) with the two end flags. */

#endif
