/*
 * test_suggest.c - did-you-mean suggestions (util.h did_you_mean, suggest.h)
 * for typed names: a typo, a transposition, a missing letter, a prefix in
 * another case find the intended name; an exact name or a far one suggests
 * nothing. The reporter (report, warning, usagef, error) escapes every control
 * character of a message, so a message is one line and cannot drive a terminal;
 * error captures nest (a quiet one prints nothing) and die() hands its message
 * to the installed die routine.
 */
#include "testutil.h"
#include <sys/wait.h>
#include <unistd.h>
#include "suggest.h"
#include "learner.h"

static void test_suggest__close_names_are_found(void **state)
{
	(void)state;
	static const char *const opts[] = { "--force", "--retry-failed", "--only", "--results", NULL };
	assert_string_equal(did_you_mean("--forse", opts, 4), "--force");
	assert_string_equal(did_you_mean("--retry-faield", opts, 4), "--retry-failed");
	assert_string_equal(did_you_mean("--result", opts, 4), "--results");
	assert_null(did_you_mean("--force", opts, 4));       /* exact: nothing to suggest */
	assert_null(did_you_mean("--frobnicate", opts, 4));  /* far from everything */
	assert_null(did_you_mean("x", opts, 4));
	assert_string_equal(env_suggest("CartPol-v1"), "did you mean 'CartPole-v1'? ");
	assert_string_equal(env_suggest("frozenlake-v1"), "did you mean 'FrozenLake-v1'? ");
	assert_string_equal(env_suggest("Tetris-v5"), "");
	assert_string_equal(learner_suggest("q_lerning"), "did you mean 'q_learning'? ");
	assert_string_equal(learner_suggest("sarsaa"), "did you mean 'sarsa'? ");
	const struct learner_spec *q = learner_lookup("q_learning");
	assert_non_null(q);
	assert_non_null(q->vt->params);
	assert_string_equal(suggest_param(q->vt->params, "learning_rat"), "did you mean 'learning_rate'? ");
	assert_string_equal(suggest_param(q->vt->params, "gmama"), "did you mean 'gamma'? ");
	assert_string_equal(suggest_param(q->vt->params, "alpha"), "");
}

/* What f(...) writes to stderr. */
static char *stderr_of(void (*f)(void))
{
	char path[] = "/tmp/test_suggest.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stderr);
	int saved = dup(2);
	dup2(fd, 2);
	f();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	size_t len;
	char *text = read_file(path, &len);
	unlink(path);
	return text;
}

static void say_all(void)
{
	const char *evil = "a\nharness: error: forged\x1b[31m\r";
	report("report %s", evil);
	warning("warning %s", evil);
	usagef("run", "usage %s", evil);
	error("error %s", evil);
}

static void test_suggest__reporter_escapes_control_characters(void **state)
{
	(void)state;
	char *out = stderr_of(say_all);
	assert_non_null(out);
	const char *want =
		"harness: report a\\nharness: error: forged\\x1b[31m\\x0d\n"
		"harness: warning: warning a\\nharness: error: forged\\x1b[31m\\x0d\n"
		"harness: error: usage a\\nharness: error: forged\\x1b[31m\\x0d (see 'harness run --help')\n"
		"harness: error: error a\\nharness: error: forged\\x1b[31m\\x0d\n";
	assert_string_equal(out, want);
	free(out);
}

static void quiet_capture(void)
{
	struct error_capture outer, inner;
	error_capture_begin(&outer, 0);
	error("outer %s", "one");
	error_capture_begin(&inner, 1);
	error("inner \x1b[2J");
	error_capture_end(&inner);
	assert_string_equal(inner.msg, "inner \\x1b[2J");
	assert_string_equal(outer.msg, "outer one"); /* the inner one went to the inner capture only */
	error("outer two");
	error_capture_end(&outer);
	assert_string_equal(outer.msg, "outer two");
}

static void die_reporter(const char *msg, void *ctx)
{
	int fd = *(int *)ctx;
	(void)!write(fd, msg, strlen(msg));
}

static void test_suggest__captures_nest_and_die_routine_gets_the_message(void **state)
{
	(void)state;
	char *out = stderr_of(quiet_capture);
	assert_non_null(out);
	/* quiet: only the outer capture's messages reached stderr */
	assert_string_equal(out, "harness: error: outer one\nharness: error: outer two\n");
	free(out);
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		set_die_routine(die_reporter, &p[1]);
		die("out of \n memory");
	}
	close(p[1]);
	char buf[128] = "";
	ssize_t n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	int st;
	waitpid(pid, &st, 0);
	assert_true(n > 0);
	assert_string_equal(buf, "out of \\n memory"); /* escaped, as printed */
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suggest__close_names_are_found),
		cmocka_unit_test(test_suggest__reporter_escapes_control_characters),
		cmocka_unit_test(test_suggest__captures_nest_and_die_routine_gets_the_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
