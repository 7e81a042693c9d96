/*
 * regress_cells.c - see regress_cells.h.
 */
#include "regress_cells.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "proc.h"

int regress_same_code(const char *bin, const char *spec_path, const struct spec *s, int *same)
{
	memset(same, 0, (size_t)s->ncells * sizeof(*same));
	struct child ch = CHILD_INIT;
	struct strbuf listing = {0};
	ch.argv = (char *const[]){ (char *)bin, "run", (char *)spec_path, "--list", NULL };
	ch.err = PROC_NULL;
	int st = proc_capture(&ch, 0, &listing);
	if (st) {
		strbuf_release(&listing);
		return 0;
	}
	FILE *f = fmemopen(listing.buf, listing.len, "r");
	char line[2048];
	int known = 0, has_version = 0, next = 0;
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "cell_id\t", 8)) {
			has_version = strstr(line, "\tcode_version") != NULL;
			continue;
		}
		if (line[0] == '#' || !has_version)
			continue;
		/* cell_id, config_hash (16), env_seed, learner_seed, eval_seed, code_version */
		char *col[6];
		int nc = 0;
		for (char *p = line, *tab; nc < 6; p = tab + 1) {
			col[nc++] = p;
			if (!(tab = strchr(p, '\t')))
				break;
			*tab = '\0';
		}
		if (nc < 6)
			continue;
		/* cells are listed in matrix order; look further only if the base's order differs */
		int i = next < s->ncells && !strcmp(s->cells[next].cell_id, col[0]) ? next : -1;
		for (int k = 0; i < 0 && k < s->ncells; k++)
			if (!strcmp(s->cells[k].cell_id, col[0]))
				i = k;
		if (i < 0)
			continue;
		next = i + 1;
		known++;
		same[i] = !strncmp(s->cells[i].config_hash, col[1], strlen(col[1])) && strlen(col[1]) == 16 &&
			  !strcmp(s->cells[i].code_version, col[5]);
	}
	if (f)
		fclose(f);
	strbuf_release(&listing);
	return known;
}

/* Starts argv (proc.h) with stdout and stderr into logfd: its pid, or -1 after error(). */
static pid_t spawn(char *const argv[], int logfd)
{
	struct child c = CHILD_INIT;
	c.argv = argv;
	c.out = PROC_FD;
	c.out_fd = logfd;
	c.err = PROC_TO_OUT;
	return proc_start(&c) ? -1 : c.pid;
}

static int wait_rc(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int regress_run_cells(const char *bin, const char *spec_path, const char *root, const int *idx, int n,
		      int jobs, const char *log)
{
	int logfd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (logfd < 0)
		return error("cannot open '%s': %s", log, strerror(errno));
	pid_t *running = xcalloc((size_t)(jobs > 0 ? jobs : 1), sizeof(*running));
	int started = 0, active = 0, bad = 0;
	while ((started < n && !bad) || active) {
		if (started < n && !bad && active < jobs) {
			char index[32];
			snprintf(index, sizeof(index), "%d", idx[started]);
			char *argv[] = { (char *)bin, "run-cell", (char *)spec_path, "--index", index, "--results",
					 (char *)root, NULL };
			pid_t pid = spawn(argv, logfd);
			if (pid < 0) {
				bad = error("cannot fork: %s", strerror(errno));
				continue;
			}
			for (int k = 0; k < jobs; k++)
				if (!running[k]) {
					running[k] = pid;
					break;
				}
			started++;
			active++;
			continue;
		}
		int st;
		pid_t pid;
		while ((pid = wait(&st)) < 0 && errno == EINTR)
			;
		for (int k = 0; pid > 0 && k < jobs; k++)
			if (running[k] == pid) {
				running[k] = 0;
				active--;
				int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
				if (rc > 1 && !bad)
					bad = error("%s run-cell %s failed (exit status %d, see %s)", bin, spec_path, rc, log);
			}
		if (pid < 0)
			break;
	}
	free(running);
	if (!bad) {
		char *argv[] = { (char *)bin, "collect", (char *)spec_path, "--results", (char *)root, "--no-plot", NULL };
		pid_t pid = spawn(argv, logfd);
		int rc = pid < 0 ? 2 : wait_rc(pid);
		if (rc > 1)
			bad = error("%s collect %s failed (exit status %d, see %s)", bin, spec_path, rc, log);
	}
	close(logfd);
	return bad ? -1 : 0;
}
