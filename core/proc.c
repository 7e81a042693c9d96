/*
 * proc.c - see proc.h.
 */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void redirect(int target, enum proc_io how, int fd)
{
	if (how == PROC_NULL) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, target);
			close(null);
		}
	} else if ((how == PROC_FD || how == PROC_PIPE) && fd >= 0 && fd != target) {
		dup2(fd, target);
	} else if (how == PROC_TO_OUT) {
		dup2(STDOUT_FILENO, target);
	}
}

static void __attribute__((noreturn)) child_side(struct child *c, pid_t parent, int wfd)
{
	if (c->pdeathsig) {
		prctl(PR_SET_PDEATHSIG, c->pdeathsig);
		if (getppid() != parent)
			_exit(1); /* the parent died before prctl */
	}
	if (c->ignore_sigint) {
		signal(SIGINT, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
	}
	if (c->in_child)
		c->in_child(c->ctx);
	if (c->fn)
		_exit(c->fn(c->ctx, wfd));
	if (wfd >= 0) {
		redirect(STDOUT_FILENO, PROC_PIPE, wfd);
		close(wfd);
	} else {
		redirect(STDOUT_FILENO, c->out, c->out_fd);
	}
	redirect(STDERR_FILENO, c->err, c->err_fd);
	execvp(c->argv[0], c->argv);
	error("cannot run '%s': %s", c->argv[0], strerror(errno));
	_exit(127);
}

int proc_start(struct child *c)
{
	int fds[2] = { -1, -1 };
	if (c->out == PROC_PIPE && pipe(fds))
		return error("cannot create a pipe: %s", strerror(errno));
	fflush(NULL);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		if (fds[0] >= 0) {
			close(fds[0]);
			close(fds[1]);
		}
		return error("cannot fork: %s", strerror(errno));
	}
	if (pid == 0) {
		if (fds[0] >= 0)
			close(fds[0]);
		child_side(c, parent, fds[1]);
	}
	c->pid = pid;
	if (fds[0] >= 0) {
		close(fds[1]);
		c->out_fd = fds[0];
	}
	return 0;
}

int proc_finish(struct child *c)
{
	if (c->out == PROC_PIPE && c->out_fd >= 0) {
		close(c->out_fd);
		c->out_fd = -1;
	}
	int st = 0;
	while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
		;
	c->pid = 0;
	c->wstatus = st;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int proc_run(struct child *c)
{
	if (proc_start(c))
		return -1;
	return proc_finish(c);
}

int proc_capture(struct child *c, double timeout, struct strbuf *out)
{
	c->out = PROC_PIPE;
	strbuf_addstr(out, "");
	if (proc_start(c))
		return -1;
	double t0 = now_seconds();
	int timed_out = 0;
	for (;;) {
		struct pollfd p = { .fd = c->out_fd, .events = POLLIN };
		int left = timeout > 0 ? (int)((timeout - (now_seconds() - t0)) * 1000) : -1;
		if (timeout > 0 && left <= 0) {
			timed_out = 1;
			kill(c->pid, SIGKILL);
			break;
		}
		int pr = poll(&p, 1, left);
		if (pr < 0 && errno != EINTR) {
			error("poll failed: %s", strerror(errno));
			kill(c->pid, SIGKILL);
			break;
		}
		if (pr <= 0)
			continue; /* EINTR, or the time limit: checked above */
		char buf[4096];
		ssize_t n = read(c->out_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		strbuf_add(out, buf, (size_t)n);
	}
	int st = proc_finish(c);
	return timed_out ? -2 : st;
}
