/*
 * test_plot.c - the text handling of figures and tables: gnuplot quoting,
 * data-file comments, cutting labels (UTF-8 aware), file names, tic steps,
 * Markdown and LaTeX escaping. The end-to-end check that gnuplot runs such
 * labels without executing anything is tests/it_figures.sh.
 */
#include "testutil.h"
#include "../harness/gnuplot.h"
#include "../harness/tables.h"

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
	check(gnuplot_quote("plain"), "'plain'");
	/* a single quote is doubled (gnuplot's only escape in '...'); double quotes, backslashes,
	 * backticks, @ and system() stay literal inside single quotes */
	check(gnuplot_quote("a'b"), "'a''b'");
	check(gnuplot_quote("x\"\\`ls`@m system(\"id\")"), "'x\"\\`ls`@m system(\"id\")'");
	/* control characters (a newline would end the command) become spaces */
	check(gnuplot_quote("a\nb\r\tc\x7f"), "'a b  c '");
	check(gnuplot_quote("'; !rm -rf / '"), "'''; !rm -rf / '''");
	check(gnuplot_quote(""), "''");
	struct strbuf sb = {0};
	gnuplot_comment(&sb, "name\n1 2 3");
	assert_string_equal(sb.buf, "name 1 2 3"); /* cannot start a data line */
	strbuf_release(&sb);
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
		cmocka_unit_test(test_plot__labels_and_names),
		cmocka_unit_test(test_plot__table_escaping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
