/*
 * plan.c - see plan.h.
 */
#include "plan.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "store.h"

int plan_select(const struct spec *s, char *const *patterns, int n, unsigned char *mask)
{
	for (int i = 0; i < s->ncells; i++)
		mask[i] = n == 0;
	for (int k = 0; k < n; k++) {
		int hits = 0;
		for (int i = 0; i < s->ncells; i++) {
			const char *id = s->cells[i].cell_id;
			if (!strcmp(patterns[k], id) || !fnmatch(patterns[k], id, 0)) {
				mask[i] = 1;
				hits++;
			}
		}
		if (!hits)
			return error("--only '%s' selects no cell of experiment '%s' (see 'harness run %s --list')",
				     patterns[k], s->name, s->path);
	}
	return 0;
}

int plan_check_run_file(const char *path, const char *want, char *why, size_t n)
{
	struct stat st;
	if (stat(path, &st)) {
		snprintf(why, n, "run file '%s' is %s", path,
			 errno == ENOENT ? "missing" : strerror(errno));
		return 1;
	}
	char h[65] = "";
	struct error_capture cap;
	error_capture_begin(&cap, 1);
	int rc = store_hash_file(path, 1, h);
	error_capture_end(&cap);
	if (rc) {
		if (cap.msg[0])
			snprintf(why, n, "%s", cap.msg);
		else
			snprintf(why, n, "run file '%s' is not a readable HDF5 file or is corrupt", path);
		return 1;
	}
	if (strcmp(h, want)) {
		snprintf(why, n, "run file '%s' does not match its recorded results hash (corrupt or changed)", path);
		return 1;
	}
	return 0;
}

void plan_eta_done(struct plan_eta *e, const struct cell *c, long long steps)
{
	if (c->budget.steps) {
		e->step_budget_left -= c->budget.steps;
	} else {
		e->ep_cells_left--;
		if (steps >= 0) {
			e->ep_cells_done++;
			e->ep_steps_done += steps;
		}
	}
}

double plan_eta_seconds(const struct plan_eta *e, long long running_steps, double steps_per_second)
{
	if (!(steps_per_second > 0))
		return -1;
	double left = (double)e->step_budget_left;
	if (e->ep_cells_left > 0) {
		if (!e->ep_cells_done)
			return -1;
		left += (double)e->ep_cells_left * ((double)e->ep_steps_done / e->ep_cells_done);
	}
	left -= (double)running_steps;
	return left > 0 ? left / steps_per_second : 0;
}
