/*
 * test_holder.c - process identity for claims and temporary files
 * (core/holder.h): this process is alive to itself; a child that exited is
 * dead; a live pid with another start time (a reused pid) is dead; another boot
 * or procfs cannot be judged; the text form round-trips. Temporary names are
 * fresh, in the target's directory, of this process (not stale while it
 * lives, stale once their holder is dead, never when of another boot).
 * Temporaries never follow what is planted at their name: a symlink at the
 * temporary name given to h5_write_run leaves its target outside untouched and
 * is itself left alone; write_file_atomic replaces a symlink at the target
 * itself, never writing through it.
 */
#include "testutil.h"
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "h5store.h"
#include "holder.h"
#include "runner.h"
#include "spec.h"

static char dir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_holder.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void test_holder__self_alive_child_dead_reused_pid_dead(void **state)
{
	(void)state;
	const struct holder *me = holder_self();
	assert_int_equal(strlen(me->boot_id), 36);
	assert_true(me->pid > 0 && me->start > 0 && me->proc_dev != 0);
	assert_int_equal(holder_check(me), HOLDER_ALIVE);
	char *text = holder_format(me);
	struct holder h;
	assert_int_equal(holder_parse(text, &h), 0);
	assert_string_equal(h.boot_id, me->boot_id);
	assert_int_equal(h.pid, me->pid);
	assert_true(h.start == me->start && h.proc_dev == me->proc_dev);
	assert_string_equal(h.host, me->host);
	free(text);
	assert_int_equal(holder_parse("garbage", &h), -1);
	assert_int_equal(holder_parse(NULL, &h), -1);

	/* a reused pid: our own pid with another start time */
	h = *me;
	h.start++;
	assert_int_equal(holder_check(&h), HOLDER_DEAD);
	/* a child that exited and was reaped */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	h = *me;
	h.pid = pid;
	assert_int_equal(holder_check(&h), HOLDER_DEAD);
	/* another boot, another procfs: cannot tell */
	h = *me;
	h.boot_id[0] = h.boot_id[0] == 'a' ? 'b' : 'a';
	assert_int_equal(holder_check(&h), HOLDER_UNKNOWN);
	h = *me;
	h.proc_dev++;
	assert_int_equal(holder_check(&h), HOLDER_UNKNOWN);
}

static void test_holder__temporary_names(void **state)
{
	(void)state;
	char target[512];
	snprintf(target, sizeof(target), "%s/run.h5", dir);
	char *a = holder_tmp_path(target), *b = holder_tmp_path(target);
	assert_string_not_equal(a, b);
	assert_memory_equal(a, dir, strlen(dir));
	const char *base = a + strlen(dir) + 1;
	assert_true(holder_tmp_name(base));
	assert_int_equal(strncmp(base, ".tmp-", 5), 0);
	assert_string_equal(base + strlen(base) - 7, "-run.h5");
	assert_int_equal(holder_tmp_is_stale(base), 0); /* ours, we live */
	assert_int_equal(holder_tmp_name("run.h5"), 0);
	assert_int_equal(holder_tmp_is_stale("run.h5"), 0);

	/* a name made by a child that is gone: stale, swept; another boot's: left */
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *t = holder_tmp_path(target);
		ssize_t n = write(fds[1], t, strlen(t) + 1);
		_exit(n > 0 ? 0 : 1);
	}
	char child[600] = "";
	assert_true(read(fds[0], child, sizeof(child) - 1) > 0);
	close(fds[0]);
	close(fds[1]);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	FILE *f = fopen(child, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(holder_tmp_is_stale(strrchr(child, '/') + 1), 1);
	char other[700];
	snprintf(other, sizeof(other), "%s/.tmp-000000000000-%s", dir, strchr(strrchr(child, '/') + 6, '-') + 1);
	f = fopen(other, "w");
	assert_non_null(f);
	fclose(f);
	assert_true(holder_tmp_name(strrchr(other, '/') + 1));
	assert_int_equal(holder_tmp_is_stale(strrchr(other, '/') + 1), 0);
	assert_int_equal(holder_sweep_dir(dir), 1);
	assert_int_equal(access(child, F_OK), -1);
	assert_int_equal(access(other, F_OK), 0);
	unlink(other);
	free(a);
	free(b);
}

static void test_holder__planted_symlinks_are_never_followed(void **state)
{
	(void)state;
	char outside[512], tmp[512], path[512], spec_path[512];
	snprintf(outside, sizeof(outside), "%s/outside.txt", dir);
	snprintf(path, sizeof(path), "%s/runs-run.h5", dir);
	snprintf(tmp, sizeof(tmp), "%s/.tmp-planted-run.h5", dir);
	FILE *f = fopen(outside, "w");
	assert_non_null(f);
	fputs("precious", f);
	fclose(f);
	assert_int_equal(symlink(outside, tmp), 0);

	snprintf(spec_path, sizeof(spec_path), "%s/sym.cfg", dir);
	f = fopen(spec_path, "w");
	assert_non_null(f);
	fputs("name = \"sym\"; seeds = 1; budget = { steps = 100; };\n"
	      "envs = ( { id = \"FrozenLake-v1\"; } );\n"
	      "algorithms = ( { name = \"q\"; learner = \"q_learning\"; } );\n", f);
	fclose(f);
	struct spec s;
	assert_int_equal(spec_load(&s, spec_path), 0);
	struct run_result r;
	assert_int_equal(runner_run(&s.cells[0], &r, NULL, NULL), 0);
	struct provenance p;
	provenance_get(&p);
	assert_int_equal(h5_write_run(path, tmp, s.name, &s.cells[0], &r, &p, "2026-01-01T00:00:00Z"), -1);
	size_t len;
	char *text = read_file(outside, &len);
	assert_non_null(text);
	assert_string_equal(text, "precious"); /* not truncated, not overwritten */
	free(text);
	struct stat lst;
	assert_int_equal(lstat(tmp, &lst), 0); /* the planted link is not ours: left alone */
	assert_true(S_ISLNK(lst.st_mode));
	assert_int_equal(access(path, F_OK), -1);
	/* with a fresh name of ours the same write succeeds */
	char *mine = holder_tmp_path(path);
	assert_int_equal(h5_write_run(path, mine, s.name, &s.cells[0], &r, &p, "2026-01-01T00:00:00Z"), 0);
	assert_int_equal(access(mine, F_OK), -1);
	free(mine);
	run_result_release(&r);
	spec_release(&s);

	/* write_file_atomic over a symlink at the target: the link is replaced, its target untouched */
	char target[512];
	snprintf(target, sizeof(target), "%s/table.md", dir);
	assert_int_equal(symlink(outside, target), 0);
	assert_int_equal(write_file_atomic(target, "new\n", 4), 0);
	assert_int_equal(lstat(target, &lst), 0);
	assert_true(S_ISREG(lst.st_mode));
	text = read_file(outside, &len);
	assert_string_equal(text, "precious");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_holder__self_alive_child_dead_reused_pid_dead),
		cmocka_unit_test(test_holder__temporary_names),
		cmocka_unit_test(test_holder__planted_symlinks_are_never_followed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
