/*
 * slurmctl.c - see slurmctl.h.
 */
#include "slurmctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "proc.h"
#include "util.h"

char *slurm_dir(const char *root, const char *experiment)
{
	return xstrfmt("%s/%s/slurm", root, experiment);
}

int slurm_run(char *const argv[], double timeout, char **out, int quiet)
{
	struct child c = CHILD_INIT;
	struct strbuf sb = {0};
	c.argv = argv;
	c.err = quiet ? PROC_NULL : PROC_INHERIT;
	int st = proc_capture(&c, timeout, &sb);
	if (out)
		*out = strbuf_detach(&sb);
	else
		strbuf_release(&sb);
	if (st == -2)
		return error("'%s' did not answer within %.0f seconds", argv[0], timeout);
	if (st < 0)
		return -1;
	if (WIFSIGNALED(c.wstatus))
		return error("'%s' was killed by signal %d", argv[0], WTERMSIG(c.wstatus));
	return st == 127 ? -1 : st;
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
	int st = slurm_run(argv, 60, &out, 0);
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
