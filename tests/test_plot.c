/*
 * test_plot.c - gnuplot_quote against gnuplot itself: hostile labels (quotes,
 * SQL, backticks, macros, newlines, unicode) quoted by gnuplot_quote and
 * printed by gnuplot come back verbatim (newlines as spaces), and no command
 * inside them runs.
 */
#include "testutil.h"
#include <unistd.h>
#include "../harness/plot.h"
#include "../harness/util.h"

static const char *const hostile[] = {
	"x'); DROP TABLE runs;--",
	"a`touch PWNED`b",
	"@x macro $(touch PWNED) ${HOME}",
	"two\nlines'\nset output 'PWNED'",
	"back\\slash \"double\" ''two''",
	"unicode \xc3\xbcn\xc3\xaf \xe2\x98\x83",
	"",
};

static void test_plot__quote_roundtrip_through_gnuplot(void **state)
{
	(void)state;
	if (system("gnuplot --version > /dev/null 2>&1")) {
		skip();
		return;
	}
	char dir[] = "/tmp/test_plot.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *script = xstrfmt("%s/s.gp", dir), *pwned = xstrfmt("%s/PWNED", dir);
	FILE *f = fopen(script, "w");
	assert_non_null(f);
	fprintf(f, "x = 'macro'\nset print '-'\n");
	for (size_t i = 0; i < ARRAY_SIZE(hostile); i++) {
		char *q = gnuplot_quote(hostile[i]);
		fprintf(f, "print '<' . %s . '>'\n", q);
		free(q);
	}
	fclose(f);
	char *cmd = xstrfmt("cd %s && gnuplot s.gp 2>&1", dir);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char line[1024];
	for (size_t i = 0; i < ARRAY_SIZE(hostile); i++) {
		assert_non_null(fgets(line, sizeof(line), p));
		line[strcspn(line, "\n")] = '\0';
		char want[1024];
		snprintf(want, sizeof(want), "<%s>", hostile[i]);
		for (char *c = want; *c; c++)
			if (*c == '\n')
				*c = ' ';
		if (strcmp(line, want))
			fail_msg("label %zu: gnuplot printed '%s', expected '%s'", i, line, want);
	}
	assert_null(fgets(line, sizeof(line), p));
	assert_int_equal(pclose(p), 0);
	assert_int_not_equal(access(pwned, F_OK), 0);
	unlink(script);
	rmdir(dir);
	free(cmd);
	free(script);
	free(pwned);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plot__quote_roundtrip_through_gnuplot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
