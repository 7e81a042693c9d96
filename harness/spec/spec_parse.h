/*
 * spec_parse.h - the parts of the spec reader (spec.c) shared by its files;
 * not for use outside them:
 *   spec_values.c  typed values of libconfig settings, file:line errors (bad)
 *   spec_text.c    the spec's bytes before libconfig: 64-bit integer literals
 *   spec_algo.c    algorithm entries: sweeps, labels, hyperparameter resolution
 */
#ifndef SPEC_PARSE_H
#define SPEC_PARSE_H

#include <libconfig.h>
#include "spec.h"

#define MAX_CELLS 100000 /* cells of a matrix (and variants of a sweep) */

/* Parse context: the file name for messages. */
struct ctx {
	const char *file;
	int portable; /* set every PARAM_KERNEL hyperparameter (e.g. DQN's `portable`) to true */
};

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

/* spec_values.c */
int bad(const struct ctx *c, const config_setting_t *s, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
const char *type_word(int t);
int set_from_setting(struct params *p, const char *key, const config_setting_t *s,
			    char *why, size_t n);
int is_sweep(const struct param_def *d, const config_setting_t *s);
int get_int(const struct ctx *c, const config_setting_t *s, const char *key, long long lo,
		   long long hi, long long *out);
int check_keys(const struct ctx *c, const config_setting_t *g, const char *what,
		      const char *const *allowed);

/* spec_text.c: in (len bytes of path) -> out, integers beyond 32 bits marked 64-bit; 0 or -1 after error(). */
int fix_literals(const char *path, const char *in, size_t len, struct strbuf *out);

/*
 * 0 if the bytes of path are one self-contained text file, parsed from the very
 * bytes hashed: no NUL byte (libconfig would stop there), no @include (another
 * file, e.g. /dev/zero, not covered by the hash); else -1 after error().
 */
int spec_text_check(const char *path, const char *bytes, size_t len);

/* spec_algo.c */
int parse_algorithm(const struct ctx *c, const config_setting_t *g, struct config **cfgs,
			   int *ncfg, int *cap);
int resolve_hparams(const struct ctx *c, const struct env_entry *env, const struct config *cfg,
			   struct params *hp);

#endif
