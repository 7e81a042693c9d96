/*
 * proc.h - child processes: the one place the harness forks (model: git's
 * run-command.h). A struct child says what to run - a program (argv, looked
 * up in PATH) or a function of this program (fn, git's `struct async`) - and
 * where its stdout and stderr go; proc_start() forks it, proc_finish() waits
 * for it, proc_capture() runs it with stdout collected and a time limit.
 *
 *   struct child c = CHILD_INIT;
 *   c.argv = (char *const[]){ "gnuplot", script, NULL };
 *   int st = proc_run(&c);      // exit status, 128 + signal, -1: could not start
 *
 * Invariants: after proc_start() succeeds, c->pid > 0 until proc_finish();
 * with out == PROC_PIPE, c->out_fd is the read end of the child's stdout (or,
 * for fn, of the fd fn writes to), and proc_finish() closes it. A program
 * that cannot be executed exits 127 after one error() line naming it.
 */
#ifndef PROC_H
#define PROC_H

#include <sys/types.h>
#include "util.h"

enum proc_io {
	PROC_INHERIT = 0, /* this process's */
	PROC_NULL,        /* /dev/null */
	PROC_PIPE,        /* stdout only: a pipe read through c->out_fd */
	PROC_FD,          /* the caller's descriptor (out_fd / err_fd), dup'ed */
	PROC_TO_OUT,      /* stderr only: where stdout goes */
};

struct child {
	char *const *argv;          /* the program and its arguments (execvp), or NULL with fn */
	int (*fn)(void *ctx, int fd); /* runs in the child; its return is the exit status;
				       * fd: the write end of the pipe with out == PROC_PIPE, else -1 */
	void *ctx;
	enum proc_io out, err;
	int out_fd, err_fd;         /* PROC_FD: the caller's; out_fd after start with PROC_PIPE */
	int pdeathsig;              /* sent to the child when this process dies (0: none) */
	int ignore_sigint;          /* the child ignores SIGINT and SIGHUP (its parent stops it) */
	void (*in_child)(void *ctx); /* optional: called in the child first (close inherited fds...) */
	pid_t pid;
	int wstatus;                /* waitpid's status, after proc_finish */
};
#define CHILD_INIT { .out_fd = -1, .err_fd = -1 }

/* Forks the child; 0, or -1 after error(). */
int proc_start(struct child *c);
/*
 * Waits for it (closing out_fd of a pipe): its exit status, or 128 + the
 * signal that killed it; c->wstatus holds waitpid's status.
 */
int proc_finish(struct child *c);
/* proc_start + proc_finish; -1 when it could not start. */
int proc_run(struct child *c);
/*
 * Runs c with stdout captured into out (appended; out->buf never NULL after)
 * and killed (SIGKILL) after timeout seconds (<= 0: none): the exit status as
 * proc_finish, -1 when it could not start, -2 on timeout.
 */
int proc_capture(struct child *c, double timeout, struct strbuf *out);

#endif
