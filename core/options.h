/*
 * options.h - command-line option tables (after git's parse-options.h).
 *
 * A command declares one table of struct option (ended by OPT_END()) whose
 * entries point at its own variables; parse_options() walks argv once and
 * drives parsing, validation and --help from that table, so the help text
 * cannot drift from what is parsed.
 *
 * Accepted spellings: "--name value" and "--name=value" for options with a
 * value, "--name" for flags, the short alias "-x value" and "-xvalue" where
 * the table gives one, "--" to end the options (everything after it is a
 * positional argument) and "-" alone as a positional argument (stdout/stdin).
 *
 * Errors are one line through the reporter (util.h usagef: control characters
 * escaped), naming the option: an unknown option with a did-you-mean from the
 * table, a missing value, a value that is not an integer / a number or is out
 * of range. --help (or -h) prints the usage lines, the description, the
 * aligned options with their defaults and the epilogue to stdout.
 *
 * Contract: parse_options() returns the number of positional arguments,
 * moved in order to argv[0..n) (the command name is dropped), or
 * OPT_ERROR (reported) or OPT_HELP (help printed); opt_exit_status() maps
 * those to the command's exit status (2 and 0). Values written for string
 * options point into argv (never copied).
 */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <stdio.h>

enum opt_type {
	OPTION_END,
	OPTION_GROUP,       /* a heading in --help, parses nothing */
	OPTION_STRING,      /* const char *  */
	OPTION_INT,         /* long long, checked against [min, max] */
	OPTION_DOUBLE,      /* double, finite, checked against [dmin, dmax] */
	OPTION_BOOL,        /* int, set to 1 */
	OPTION_COUNT,       /* int, +1 each time */
	OPTION_STRING_LIST, /* struct string_list: every occurrence, in order */
	OPTION_CALLBACK,    /* cb(opt, value); value NULL when the option takes none */
};

/* Option flags. */
#define OPT_NOARG  1 /* OPTION_CALLBACK: takes no value */
#define OPT_HIDDEN 2 /* parsed but not shown in --help */

struct option;
typedef int (*option_cb)(const struct option *opt, const char *value);

struct option {
	enum opt_type type;
	int short_name;         /* 'j' for -j, or 0 */
	const char *long_name;  /* "jobs" for --jobs (no dashes), NULL for a group */
	void *value;            /* where the value goes (type above) */
	const char *argh;       /* the value's name in --help ("N", "DIR") */
	const char *help;       /* one line, or several separated by '\n' */
	long long min, max;     /* OPTION_INT range */
	double dmin, dmax;      /* OPTION_DOUBLE range */
	const char *defval;     /* shown as "(default: ...)"; NULL: none shown */
	option_cb cb;
	int flags;
	const char *ctx;        /* free for the callback */
};

/* Every occurrence of a repeatable option; {0} is empty. items point into argv. */
struct string_list {
	const char **items;
	int nr, alloc;
};
void string_list_append(struct string_list *l, const char *s);
void string_list_release(struct string_list *l);

#define OPT_END() { OPTION_END, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0, NULL, NULL, 0, NULL }
#define OPT_GROUP(h) { OPTION_GROUP, 0, NULL, NULL, NULL, (h), 0, 0, 0, 0, NULL, NULL, 0, NULL }
#define OPT_STRING(s, l, v, a, h) { OPTION_STRING, (s), (l), (v), (a), (h), 0, 0, 0, 0, NULL, NULL, 0, NULL }
#define OPT_STRING_DEF(s, l, v, a, d, h) { OPTION_STRING, (s), (l), (v), (a), (h), 0, 0, 0, 0, (d), NULL, 0, NULL }
#define OPT_INT(s, l, v, a, lo, hi, d, h) { OPTION_INT, (s), (l), (v), (a), (h), (lo), (hi), 0, 0, (d), NULL, 0, NULL }
#define OPT_DOUBLE(s, l, v, a, lo, hi, d, h) { OPTION_DOUBLE, (s), (l), (v), (a), (h), 0, 0, (lo), (hi), (d), NULL, 0, NULL }
#define OPT_BOOL(s, l, v, h) { OPTION_BOOL, (s), (l), (v), NULL, (h), 0, 0, 0, 0, NULL, NULL, 0, NULL }
#define OPT_COUNT(s, l, v, h) { OPTION_COUNT, (s), (l), (v), NULL, (h), 0, 0, 0, 0, NULL, NULL, 0, NULL }
#define OPT_STRING_LIST(s, l, v, a, h) { OPTION_STRING_LIST, (s), (l), (v), (a), (h), 0, 0, 0, 0, NULL, NULL, 0, NULL }
#define OPT_CALLBACK(s, l, v, a, h, f) { OPTION_CALLBACK, (s), (l), (v), (a), (h), 0, 0, 0, 0, NULL, (f), 0, NULL }
#define OPT_CALLBACK_F(s, l, v, a, h, f, fl) { OPTION_CALLBACK, (s), (l), (v), (a), (h), 0, 0, 0, 0, NULL, (f), (fl), NULL }
/* Accepted and passed over (e.g. an option the caller has already acted on). */
#define OPT_HIDDEN_BOOL(l, v) { OPTION_BOOL, 0, (l), (v), NULL, NULL, 0, 0, 0, 0, NULL, NULL, OPT_HIDDEN, NULL }

/* What --help shows around the options. */
struct usage {
	const char *cmd;                /* "run": messages say "see 'harness run --help'" */
	const char *const *lines;       /* usage lines without "harness ", NULL-terminated */
	const char *description;        /* paragraph(s) after the usage lines, or NULL */
	const char *epilogue;           /* after the options (exit status, examples), or NULL */
};

#define OPT_ERROR (-1)
#define OPT_HELP  (-2)

/* Flags of parse_options(). */
#define PARSE_OPT_STOP_AT_NON_OPTION 1 /* the first positional ends the options */

int parse_options(int argc, char **argv, const struct option *opts, const struct usage *u, int flags);
/* True when argv (before "--") holds -h or --help. */
int wants_help(int argc, char **argv);
/* 0 after OPT_HELP, 2 after OPT_ERROR. */
int opt_exit_status(int rc);
/* The --help text of a table. */
void usage_with_options(FILE *out, const struct option *opts, const struct usage *u);
/*
 * "harness: error: <msg> (see 'harness CMD --help')", returns OPT_ERROR: for a
 * callback or a caller's check after parsing (a positional argument missing).
 */
int opt_error(const struct usage *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
