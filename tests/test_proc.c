/*
 * test_proc.c - the process helper (core/proc.h): a program's stdout is
 * captured whole, its exit status and a killing signal (128 + n) come back,
 * a program that cannot run gives 127, a time limit kills a program that
 * does not end (-2, well before it would have), stdout and stderr go to a
 * caller's descriptor, and a function of this program runs in a child
 * writing to the pipe (its death is the child's, not ours).
 */
#include "testutil.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "proc.h"

static void test_proc__capture_status_and_signal(void **state)
{
	(void)state;
	struct child c = CHILD_INIT;
	struct strbuf out = {0};
	c.argv = (char *const[]){ "sh", "-c", "printf 'a\\nb'; seq 1 20000 | tail -n 1; exit 3", NULL };
	assert_int_equal(proc_capture(&c, 30, &out), 3);
	assert_string_equal(out.buf, "a\nb20000\n");
	strbuf_release(&out);

	struct child k = CHILD_INIT;
	k.argv = (char *const[]){ "sh", "-c", "kill -TERM $$", NULL };
	assert_int_equal(proc_run(&k), 128 + SIGTERM);
	assert_true(WIFSIGNALED(k.wstatus));

	struct child m = CHILD_INIT;
	m.argv = (char *const[]){ "/nonexistent/program", NULL };
	m.err = PROC_NULL; /* its "cannot run" line */
	assert_int_equal(proc_run(&m), 127);
}

static void test_proc__timeout_kills(void **state)
{
	(void)state;
	struct child c = CHILD_INIT;
	struct strbuf out = {0};
	c.argv = (char *const[]){ "sh", "-c", "echo started; exec sleep 30", NULL };
	double t0 = now_seconds();
	assert_int_equal(proc_capture(&c, 0.3, &out), -2);
	assert_true(now_seconds() - t0 < 20);
	assert_true(WIFSIGNALED(c.wstatus) && WTERMSIG(c.wstatus) == SIGKILL);
	assert_string_equal(out.buf, "started\n");
	strbuf_release(&out);
}

static void test_proc__redirect_to_fd(void **state)
{
	(void)state;
	char path[] = "/tmp/test_proc.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	struct child c = CHILD_INIT;
	c.argv = (char *const[]){ "sh", "-c", "echo out; echo err >&2", NULL };
	c.out = PROC_FD;
	c.out_fd = fd;
	c.err = PROC_TO_OUT;
	assert_int_equal(proc_run(&c), 0);
	close(fd);
	size_t len;
	char *text = read_file(path, &len);
	assert_non_null(text);
	assert_string_equal(text, "out\nerr\n");
	free(text);
	unlink(path);
}

static int write_answer(void *ctx, int fd)
{
	const char *s = ctx;
	return write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 7 : 1;
}

static int crash(void *ctx, int fd)
{
	(void)ctx;
	(void)fd;
	kill(getpid(), SIGKILL); /* not SIGSEGV: a sanitizer's handler would turn it into exit 1 */
	return 0;
}

static void test_proc__function_in_a_child(void **state)
{
	(void)state;
	struct child c = CHILD_INIT;
	struct strbuf out = {0};
	c.fn = write_answer;
	c.ctx = "forty-two";
	c.pdeathsig = SIGKILL;
	assert_int_equal(proc_capture(&c, 30, &out), 7);
	assert_string_equal(out.buf, "forty-two");
	strbuf_release(&out);

	struct child k = CHILD_INIT;
	k.fn = crash;
	k.out = PROC_PIPE;
	assert_int_equal(proc_start(&k), 0);
	assert_true(k.out_fd >= 0);
	assert_int_equal(proc_finish(&k), 128 + SIGKILL);
	assert_int_equal(k.out_fd, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proc__capture_status_and_signal),
		cmocka_unit_test(test_proc__timeout_kills),
		cmocka_unit_test(test_proc__redirect_to_fd),
		cmocka_unit_test(test_proc__function_in_a_child),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
