/*
 * test_plot.c - the text handling of figures and tables: gnuplot quoting,
 * data-file comments, cutting labels (UTF-8 aware), file names, tic steps,
 * Markdown and LaTeX escaping. The end-to-end check that gnuplot runs such
 * labels without executing anything is tests/it_figures.sh; quote_roundtrip
 * here prints hostile labels through gnuplot itself.
 */
#include "testutil.h"
#include <unistd.h>
#include "gnuplot.h"
#include "tables.h"

static void check(char *got, const char *want)
{
	if (strcmp(got, want))
		print_error("got  [%s]\nwant [%s]\n", got, want);
	assert_string_equal(got, want);
	free(got);
}

static void test_plot__gnuplot_quote(void **state)
{
	(void)state;
	check(gnuplot_quote("plain"), "\"plain\"");
	/* double-quoted, every byte outside letters, digits, space and _.,:;=+-/()[]#% octal-escaped:
	 * quotes, backslashes, backticks (a shell command even in "..."), @ and ! never appear raw */
	check(gnuplot_quote("a'b"), "\"a\\047b\"");
	check(gnuplot_quote("x\"\\`ls`@m system(\"id\")"),
	      "\"x\\042\\134\\140ls\\140\\100m system(\\042id\\042)\"");
	/* control characters (a newline would end the command) become spaces */
	check(gnuplot_quote("a\nb\r\tc\x7f"), "\"a b  c \"");
	check(gnuplot_quote("'; !rm -rf / '"), "\"\\047; \\041rm -rf / \\047\"");
	check(gnuplot_quote(""), "\"\"");
	/* UTF-8 bytes are escaped one by one and come back whole (see quote_roundtrip) */
	check(gnuplot_quote("\xc3\xa9"), "\"\\303\\251\"");
	struct strbuf sb = {0};
	gnuplot_comment(&sb, "name\n1 2 3");
	assert_string_equal(sb.buf, "name 1 2 3"); /* cannot start a data line */
	strbuf_release(&sb);
}

/* Hostile labels quoted by gnuplot_quote and printed by gnuplot itself come back verbatim. */
static const char *const hostile[] = {
	"x'); DROP TABLE runs;--",
	"a`touch PWNED`b",
	"@x macro $(touch PWNED) ${HOME}",
	"two\nlines'\nset output 'PWNED'",
	"back\\slash \"double\" ''two''", /* two adjacent doubled quotes end a '...' string in gnuplot 5.4 */
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

static void test_plot__labels_and_names(void **state)
{
	(void)state;
	check(fit_label("abcdef", 6), "abcdef");
	check(fit_label("abcdefg", 6), "abcde…");
	/* characters, not bytes: "é" is two bytes and is never split */
	check(fit_label("ééééééé", 4), "ééé…");
	check(slug("FrozenLake-v1(map_name=4x4)"), "FrozenLake-v1_map_name_4x4_");
	/* no path characters, and never a name starting with '.' (hidden, or "..") */
	check(slug("../x"), "_.._x");
	check(slug(".."), "_..");
	check(slug(""), "_");
	check(slug("curves"), "curves_env");
	check(slug("poi"), "poi_env");
	/* steps: the smallest 1/2/5 x 10^k >= range / ntics */
	assert_true(fabs(nice_step_ceil(0.4, 1.5) - 0.5) < 1e-12);
	assert_true(fabs(nice_step_ceil(4000, 8) - 500) < 1e-9);
	assert_true(fabs(nice_step_ceil(100, 4) - 50) < 1e-9);
	assert_true(fabs(nice_step_ceil(100, 3) - 50) < 1e-9);
	assert_true(fabs(nice_step_ceil(0.09, 3) - 0.05) < 1e-12);
}

static void test_plot__table_escaping(void **state)
{
	(void)state;
	check(md_escape("q[lr=0.1]|x_y*z\\`\n"), "q\\[lr=0.1\\]\\|x\\_y\\*z\\\\\\` ");
	check(tex_escape("a_b%c$d&e#f{g}h"), "a\\_b\\%c\\$d\\&e\\#f\\{g\\}h");
	check(tex_escape("\\^~<>|\n"),
	      "\\textbackslash{}\\textasciicircum{}\\textasciitilde{}\\textless{}\\textgreater{}\\textbar{} ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plot__gnuplot_quote),
		cmocka_unit_test(test_plot__quote_roundtrip_through_gnuplot),
		cmocka_unit_test(test_plot__labels_and_names),
		cmocka_unit_test(test_plot__table_escaping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
