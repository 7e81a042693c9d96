/*
 * params.h - typed parameter tables: learner hyperparameters and environment
 * options are both declared as a const array of struct param_def, which drives
 * parsing, validation, --help output and the stored (canonical JSON) config.
 * Adding a hyperparameter is one line in such a table.
 *
 * Invariant: a struct params always holds one valid value per def, starting
 * from the defaults; every setter validates type and range first.
 */
#ifndef PARAMS_H
#define PARAMS_H

#include <stddef.h>
#include <stdio.h>
#include "util.h"

enum param_type {
	PARAM_INT,
	PARAM_FLOAT,
	PARAM_BOOL,
	PARAM_STRING,
	PARAM_INT_LIST, /* e.g. hidden layer sizes: [64, 64] */
};

/*
 * Flags of a param_def (the last field; 0 when left out of an initializer).
 *
 * The rule for contributors: a hyperparameter or option added to a table that
 * already has stored results, whose default keeps the old behaviour, gets
 * PARAM_OMIT_DEFAULT. Then every existing config hash, derived seed and
 * results hash stays as it was; only a run that sets the new knob to a
 * non-default value gets a new configuration.
 */
enum param_flag {
	/* Left out of the canonical configuration (config hash, stored config,
	 * seed derivation) while its value equals the table's default. */
	PARAM_OMIT_DEFAULT = 1u << 0,
	/* Chooses what a run stores, not how it learns (e.g. `checkpoint`): never
	 * part of seed derivation, so switching it changes no result. */
	PARAM_NO_SEED = 1u << 1,
	/* A bool choosing the arithmetic kernels (e.g. DQN's `portable`): true
	 * means plain-C kernels whose results are bit-identical across CPU types.
	 * `portable = true;` in a spec (or run --portable) sets every such
	 * parameter; regress expects bit-identity across CPUs for a run whose
	 * stored configuration has them all true. */
	PARAM_KERNEL = 1u << 2,
	/* A string holding JSON: a spec may give it as a libconfig group or list,
	 * which is its value (never a sweep). */
	PARAM_JSON = 1u << 3,
	/* Ends of the range [min, max] that are open: (min, max], [min, max), and
	 * one value inside it that is refused (e.g. gradient_steps: -1 or >= 1).
	 * Validation and the range `harness learners` / `harness envs` print are
	 * both made from these (param_range_text), so they cannot disagree. */
	PARAM_MIN_OPEN = 1u << 4,
	PARAM_MAX_OPEN = 1u << 5,
	PARAM_NOT_ZERO = 1u << 6,
};

struct param_def {
	const char *name;
	enum param_type type;
	const char *def;     /* default as text: "0.1", "true", "4x4", "64,64", "" */
	double min, max;     /* range of numbers and list elements: inclusive unless flagged open */
	const char *choices; /* strings: '|'-separated allowed values, NULL = any */
	const char *doc;     /* one line */
	unsigned flags;      /* enum param_flag bits */
};

/* Ends a table. */
#define PARAM_END { NULL, 0, NULL, 0, 0, NULL, NULL, 0 }

struct param_value {
	long long i;     /* PARAM_INT, PARAM_BOOL */
	double f;        /* PARAM_FLOAT */
	char *s;         /* PARAM_STRING */
	long long *list; /* PARAM_INT_LIST */
	int n;           /* list length */
	int set;         /* given explicitly (not the default) */
};

struct params {
	const struct param_def *defs;
	int n;
	struct param_value *v;
};

int param_count(const struct param_def *defs);
const struct param_def *param_find(const struct param_def *defs, const char *name);
const char *param_type_name(enum param_type t);

/* Fills p with the defaults of defs (BUG if a default is invalid). */
void params_init(struct params *p, const struct param_def *defs);
void params_copy(struct params *dst, const struct params *src);
void params_release(struct params *p);

/*
 * Setters: validate and store. On failure they return -1 and write a
 * reason without the key name (e.g. "must be between 0 and 1, got 2") to why.
 */
int params_set_int(struct params *p, const char *name, long long v, char *why, size_t n);
int params_set_float(struct params *p, const char *name, double v, char *why, size_t n);
int params_set_bool(struct params *p, const char *name, int v, char *why, size_t n);
int params_set_string(struct params *p, const char *name, const char *v, char *why, size_t n);
int params_set_list(struct params *p, const char *name, const long long *v, int count,
		    char *why, size_t n);
/* Parses text by the parameter's type ("0.5", "true", "64,64"). */
int params_set_text(struct params *p, const char *name, const char *text, char *why, size_t n);

long long params_int(const struct params *p, const char *name);
double params_float(const struct params *p, const char *name);
int params_bool(const struct params *p, const char *name);
const char *params_str(const struct params *p, const char *name);
const long long *params_list(const struct params *p, const char *name, int *count);

/*
 * Applies "k=v;k=v" (a registered id's or preset's own defaults) as if they
 * were the table's defaults: values set, `set` flags left clear. BUG on an
 * invalid entry (these strings are part of the code).
 */
void params_apply_defaults(struct params *p, const char *kvs, const char *owner);

/*
 * Canonical JSON object: keys in table order, numbers in shortest exact form.
 * Both leave out a PARAM_OMIT_DEFAULT parameter at its table default;
 * params_to_json_learning (seed derivation) also leaves out every
 * PARAM_NO_SEED parameter.
 */
void params_to_json(const struct params *p, struct strbuf *sb);
void params_to_json_learning(const struct params *p, struct strbuf *sb);
/* One value as text, as params_set_text would read it. */
/* Whether p's value of def i equals the table default (not a preset's). */
int params_at_table_default(const struct params *p, int i);
void param_value_text(const struct param_def *d, const struct param_value *v, struct strbuf *sb);
/* The accepted values of a number or list: "[0, 1]", "(0, 1]", "[-1, 1e+06] except 0";
 * a string's choices; "" otherwise. */
void param_range_text(const struct param_def *d, char *buf, size_t n);
/* Prints a help table (name, type, default, range, doc). */
void params_print_help(const struct param_def *defs, FILE *out, const char *indent);

#endif
