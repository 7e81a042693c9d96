/*
 * slurmctl.c - see slurmctl.h.
 */
#include "slurmctl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "util.h"

char *slurm_dir(const char *root, const char *experiment)
{
	return xstrfmt("%s/%s/slurm", root, experiment);
}

int slurm_capture(char *const argv[], double timeout, char **out)
{
	return slurm_capture_q(argv, timeout, out, 0);
}

int slurm_capture_q(char *const argv[], double timeout, char **out, int quiet)
{
	int fds[2];
	if (out)
		*out = NULL;
	if (pipe(fds))
		return error("cannot create a pipe: %s", strerror(errno));
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return error("cannot fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], STDOUT_FILENO);
		close(fds[1]);
		if (quiet) {
			int null = open("/dev/null", O_WRONLY);
			if (null >= 0)
				dup2(null, STDERR_FILENO);
		}
		execvp(argv[0], argv);
		error("cannot run '%s': %s", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	struct strbuf sb = {0};
	double t0 = now_seconds();
	int timed_out = 0;
	for (;;) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		int left = (int)((timeout - (now_seconds() - t0)) * 1000);
		if (left <= 0) {
			timed_out = 1;
			kill(pid, SIGKILL);
			break;
		}
		int pr = poll(&p, 1, left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			continue;
		char buf[4096];
		ssize_t n = read(fds[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		strbuf_add(&sb, buf, (size_t)n);
	}
	close(fds[0]);
	int ws = 0;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	if (!sb.buf)
		strbuf_addstr(&sb, "");
	if (out)
		*out = strbuf_detach(&sb);
	else
		strbuf_release(&sb);
	if (timed_out)
		return error("'%s' did not answer within %.0f seconds", argv[0], timeout);
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws) == 127 ? -1 : WEXITSTATUS(ws);
	return error("'%s' was killed by signal %d", argv[0], WTERMSIG(ws));
}

/* 1 when job ("123" or "123_4") belongs to one of the comma-separated ids. */
static int job_in(const char *job, const char *jobs)
{
	size_t n = strcspn(job, "_");
	for (const char *p = jobs; *p;) {
		size_t k = strcspn(p, ",");
		if (k == n && !strncmp(p, job, n))
			return 1;
		p += k + (p[k] == ',');
	}
	return 0;
}

int slurm_queue(const char *jobs, slurm_job_cb cb, void *ctx)
{
	/* all of this user's jobs rather than -j: squeue -j fails alike for ids it
	 * has forgotten and for a controller it cannot reach */
	char *argv[] = { "squeue", "-h", "-r", "--me", "-o", "%i %T", NULL };
	char *out;
	int st = slurm_capture(argv, 60, &out);
	if (st != 0) {
		free(out);
		return st < 0 ? -1 : error("squeue failed (exit status %d)", st);
	}
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		char job[64], state[64];
		if (sscanf(line, "%63s %63s", job, state) == 2 && job_in(job, jobs))
			cb(ctx, job, state);
	}
	free(out);
	return 0;
}

int slurm_submission_read(const char *root, const char *experiment, struct slurm_submission *s)
{
	char *dir = slurm_dir(root, experiment);
	char *path = xstrfmt("%s/submission", dir);
	free(dir);
	memset(s, 0, sizeof(*s));
	if (access(path, F_OK)) {
		free(path);
		return 0;
	}
	size_t len;
	char *text = read_file(path, &len);
	free(path);
	if (!text)
		return -1;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		const char *k = line, *v = eq + 1;
		if (!strcmp(k, "stamp"))
			snprintf(s->stamp, sizeof(s->stamp), "%s", v);
		else if (!strcmp(k, "spec"))
			snprintf(s->spec, sizeof(s->spec), "%s", v);
		else if (!strcmp(k, "array_job"))
			snprintf(s->array_job, sizeof(s->array_job), "%s", v);
		else if (!strcmp(k, "collect_job"))
			snprintf(s->collect_job, sizeof(s->collect_job), "%s", v);
		else if (!strcmp(k, "cells_file"))
			snprintf(s->cells_file, sizeof(s->cells_file), "%s", v);
		else if (!strcmp(k, "tasks"))
			parse_ll(v, &s->tasks);
		else if (!strcmp(k, "per_task"))
			parse_ll(v, &s->per_task);
		else if (!strcmp(k, "ncells"))
			parse_ll(v, &s->ncells);
		else if (!strcmp(k, "portable"))
			s->portable = !strcmp(v, "1");
	}
	free(text);
	return 1;
}
