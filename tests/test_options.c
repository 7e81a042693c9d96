/*
 * test_options.c - the option tables (core/options.h): "--opt value" and
 * "--opt=value" set the same variable, short aliases (-j 3, -j3), "--" ends the
 * options, repeatable options keep every value in order, positional arguments
 * come back in order; an unknown option is refused with a suggestion from the
 * table, a missing value, a non-integer, an out-of-range integer and a value
 * given to a flag are refused with one line naming the option; --help is
 * generated from the table (aligned, with defaults, hidden entries left out).
 */
#include "testutil.h"
#include <unistd.h>
#include "options.h"
#include "util.h"

/* What the table writes into. */
struct vals {
	long long jobs;
	double rate;
	const char *results;
	int force, verbose;
	struct string_list only;
};

static int saw_callback;
static int cb_mode(const struct option *o, const char *v)
{
	(void)o;
	saw_callback = 1;
	if (strcmp(v, "fast") && strcmp(v, "slow"))
		return error("--mode: '%s' is not fast or slow", v);
	return 0;
}

static const char *const usage_lines[] = { "demo SPEC [options]", "demo --list", NULL };
static const struct usage demo_usage = { "demo", usage_lines, "Does demo things.", "exit status: 0" };

#define DEMO_TABLE(v) \
	struct option opts[] = { \
		OPT_INT('j', "jobs", &(v)->jobs, "N", 1, 1024, "the number of cores", "cells at once"), \
		OPT_DOUBLE(0, "rate", &(v)->rate, "R", 0, 1, "0.5", "a rate in [0, 1]"), \
		OPT_STRING(0, "results", &(v)->results, "DIR", "results root"), \
		OPT_BOOL(0, "force", &(v)->force, "re-run complete cells"), \
		OPT_COUNT('v', "verbose", &(v)->verbose, "more output\n(repeatable)"), \
		OPT_STRING_LIST(0, "only", &(v)->only, "PATTERN", "only these cells"), \
		OPT_CALLBACK(0, "mode", NULL, "M", "fast or slow", cb_mode), \
		OPT_HIDDEN_BOOL("secret", &(v)->force), \
		OPT_END(), \
	}

/* Parses a NULL-terminated argument list; stderr goes to *err (caller frees). */
static int parse(struct vals *v, char **err, const char *first, ...)
{
	char *argv[32] = { "demo" };
	int argc = 1;
	va_list ap;
	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	DEMO_TABLE(v);
	char path[] = "/tmp/test_options.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stderr);
	int saved = dup(2);
	dup2(fd, 2);
	int rc = parse_options(argc, argv, opts, &demo_usage, 0);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	size_t len;
	*err = read_file(path, &len);
	unlink(path);
	return rc;
}

static void test_options__both_spellings_and_short_aliases(void **state)
{
	(void)state;
	const char *forms[][3] = { { "--jobs", "7", NULL }, { "--jobs=7", NULL, NULL }, { "-j", "7", NULL },
				   { "-j7", NULL, NULL } };
	for (size_t k = 0; k < ARRAY_SIZE(forms); k++) {
		struct vals v = { .jobs = 1 };
		char *err;
		int rc = parse(&v, &err, forms[k][0], forms[k][1], forms[k][2], NULL);
		assert_int_equal(rc, 0);
		assert_int_equal(v.jobs, 7);
		assert_string_equal(err, "");
		free(err);
	}
	struct vals v = { 0 };
	char *err;
	assert_int_equal(parse(&v, &err, "--results=/a=b", "--rate", "0.25", "--force", "-v", "--verbose", NULL), 0);
	assert_string_equal(v.results, "/a=b"); /* only the first '=' splits */
	assert_true(v.rate == 0.25);
	assert_int_equal(v.force, 1);
	assert_int_equal(v.verbose, 2);
	free(err);
}

static void test_options__positional_and_repeated(void **state)
{
	(void)state;
	struct vals v = { 0 };
	char *err;
	char *argv[] = { "demo", "a.cfg", "--only", "x/*", "b", "--only=y", "-", "--", "--force", "-j", NULL };
	DEMO_TABLE(&v);
	int rc = parse_options(10, argv, opts, &demo_usage, 0);
	assert_int_equal(rc, 5);
	assert_string_equal(argv[0], "a.cfg");
	assert_string_equal(argv[1], "b");
	assert_string_equal(argv[2], "-");
	assert_string_equal(argv[3], "--force"); /* after "--": an argument */
	assert_string_equal(argv[4], "-j");
	assert_null(argv[5]);
	assert_int_equal(v.force, 0);
	assert_int_equal(v.only.nr, 2);
	assert_string_equal(v.only.items[0], "x/*");
	assert_string_equal(v.only.items[1], "y");
	string_list_release(&v.only);
	/* a later value of a single-valued option wins */
	struct vals w = { 0 };
	assert_int_equal(parse(&w, &err, "-j", "2", "--jobs=5", NULL), 0);
	assert_int_equal(w.jobs, 5);
	free(err);
	/* stop at the first positional */
	struct vals s = { 0 };
	char *argv2[] = { "demo", "sub", "--force", NULL };
	{
		DEMO_TABLE(&s);
		assert_int_equal(parse_options(3, argv2, opts, &demo_usage, PARSE_OPT_STOP_AT_NON_OPTION), 2);
	}
	assert_string_equal(argv2[1], "--force");
	assert_int_equal(s.force, 0);
}

static void bad(const char *want, const char *a, const char *b)
{
	struct vals v = { 0 };
	char *err;
	int rc = parse(&v, &err, a, b, NULL);
	assert_int_equal(rc, OPT_ERROR);
	assert_int_equal(opt_exit_status(rc), 2);
	if (strcmp(err, want))
		fail_msg("for '%s %s': got '%s', want '%s'", a, b ? b : "", err, want);
	free(err);
	string_list_release(&v.only);
}

static void test_options__bad_input_is_one_line_naming_the_option(void **state)
{
	(void)state;
	bad("harness: error: unknown option '--forse' (did you mean '--force'? see 'harness demo --help')\n",
	    "--forse", NULL);
	bad("harness: error: unknown option '--jbos=3' (did you mean '--jobs'? see 'harness demo --help')\n",
	    "--jbos=3", NULL);
	bad("harness: error: unknown option '--frobnicate' (see 'harness demo --help')\n", "--frobnicate", NULL);
	bad("harness: error: unknown option '-x' (see 'harness demo --help')\n", "-x", NULL);
	/* the hidden option is accepted, never suggested */
	bad("harness: error: unknown option '--secrte' (see 'harness demo --help')\n", "--secrte", NULL);
	bad("harness: error: --jobs: 'x' is not an integer (see 'harness demo --help')\n", "--jobs", "x");
	bad("harness: error: -j: '3x' is not an integer (see 'harness demo --help')\n", "-j3x", NULL);
	bad("harness: error: --jobs: '0' is not between 1 and 1024 (see 'harness demo --help')\n", "--jobs=0", NULL);
	bad("harness: error: --jobs needs a value N (see 'harness demo --help')\n", "--jobs", NULL);
	bad("harness: error: --rate: 'nan' is not a number (see 'harness demo --help')\n", "--rate=nan", NULL);
	bad("harness: error: --rate: '2' is not between 0 and 1 (see 'harness demo --help')\n", "--rate", "2");
	bad("harness: error: --force takes no value (see 'harness demo --help')\n", "--force=1", NULL);
	bad("harness: error: unknown option '--x\\x1b[31m' (see 'harness demo --help')\n", "--x\x1b[31m", NULL);
	saw_callback = 0;
	bad("harness: error: --mode: 'medium' is not fast or slow\n", "--mode=medium", NULL);
	assert_int_equal(saw_callback, 1);
}

static void test_options__help_is_generated_from_the_table(void **state)
{
	(void)state;
	struct vals v = { 0 };
	DEMO_TABLE(&v);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	usage_with_options(f, opts, &demo_usage);
	fclose(f);
	const char *want =
		"usage: harness demo SPEC [options]\n"
		"   or: harness demo --list\n"
		"\n"
		"Does demo things.\n"
		"\n"
		"options:\n"
		"  -j, --jobs N          cells at once (default: the number of cores)\n"
		"  --rate R              a rate in [0, 1] (default: 0.5)\n"
		"  --results DIR         results root\n"
		"  --force               re-run complete cells\n"
		"  -v, --verbose         more output\n"
		"                        (repeatable)\n"
		"  --only PATTERN...     only these cells\n"
		"  --mode M              fast or slow\n"
		"\n"
		"exit status: 0\n";
	assert_string_equal(text, want);
	free(text);
	/* --help anywhere prints that and says so */
	char *err;
	assert_int_equal(parse(&v, &err, "--frobnicate", "--help", NULL), OPT_HELP);
	assert_int_equal(opt_exit_status(OPT_HELP), 0);
	assert_string_equal(err, "");
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options__both_spellings_and_short_aliases),
		cmocka_unit_test(test_options__positional_and_repeated),
		cmocka_unit_test(test_options__bad_input_is_one_line_naming_the_option),
		cmocka_unit_test(test_options__help_is_generated_from_the_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
