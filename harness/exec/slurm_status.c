/*
 * slurm_status.c - `harness status NAME`: counts the cells of an experiment
 * at this code version as pending (queued in Slurm, or not run), running,
 * done or failed, from the database, the Slurm records not collected yet and
 * Slurm's queue (squeue --me). Works for local runs too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cellrun.h"
#include "results.h"
#include "slurm.h"
#include "store.h"

struct queue_state {
	const char *array_job, *collect_job;
	long long tasks;
	char (*task)[16];        /* (tasks) "" when not queued */
	char collect[16];
};

static void status_cb(void *ctx, const char *job, const char *state)
{
	struct queue_state *q = ctx;
	size_t n = strlen(q->array_job);
	long long t;
	if (!strncmp(job, q->array_job, n) && job[n] == '_' && !parse_ll(job + n + 1, &t) && t >= 0 &&
	    t < q->tasks)
		snprintf(q->task[t], sizeof(q->task[t]), "%s", state);
	else if (!strcmp(job, q->collect_job))
		snprintf(q->collect, sizeof(q->collect), "%s", state);
}

/* The spec path the database recorded for an experiment, if any (caller frees). */
static char *db_spec_path(struct store *st, const char *name)
{
	struct exp_rec e;
	char *path = NULL;
	if (st && store_experiment(st, name, &e) == 1) {
		path = e.spec_path[0] ? xstrdup(e.spec_path) : NULL;
		exp_rec_release(&e);
	}
	return path;
}

int slurm_status(const char *name, const char *results_opt, const char *spec_opt, int per_cell)
{
	const char *root = results_root(results_opt);
	char *dbpath = results_db_path(root);
	struct slurm_submission sub;
	struct store *store = NULL;
	int have_sub = slurm_submission_read(root, name, &sub);
	if (have_sub < 0 || (!access(dbpath, F_OK) && store_open(&store, root, STORE_READ))) {
		free(dbpath);
		return 2;
	}
	char *spec_path = spec_opt ? xstrdup(spec_opt) : have_sub > 0 && sub.spec[0] ? xstrdup(sub.spec)
						 : db_spec_path(store, name);
	if (!spec_path)
		spec_path = xstrfmt("experiments/%s.cfg", name);
	struct spec spec;
	if (spec_load_opts(&spec, spec_path, have_sub > 0 && sub.portable)) {
		free(spec_path);
		free(dbpath);
		store_close(store);
		return 2;
	}
	free(spec_path);
	struct provenance prov;
	provenance_get(&prov);
	int rc = 2;
	long long *pos = xcalloc((size_t)spec.ncells, sizeof(long long));
	struct queue_state q = { 0 };
	for (int i = 0; i < spec.ncells; i++)
		pos[i] = -1;
	if (have_sub > 0 && sub.array_job[0] && sub.tasks > 0 && sub.per_task > 0) {
		if (slurm_read_cells(sub.cells_file, &spec, pos))
			goto out;
		q.array_job = sub.array_job;
		q.collect_job = sub.collect_job;
		q.tasks = sub.tasks;
		q.task = xcalloc((size_t)sub.tasks, sizeof(*q.task));
		char *jobs = xstrfmt("%s%s%s", sub.array_job, sub.collect_job[0] ? "," : "", sub.collect_job);
		slurm_queue(jobs, status_cb, &q);
		free(jobs);
	} else if (have_sub > 0 && sub.collect_job[0]) {
		q.array_job = "";
		q.collect_job = sub.collect_job;
		slurm_queue(sub.collect_job, status_cb, &q);
	}
	int pending = 0, running = 0, done = 0, failed = 0, uncollected = 0;
	struct strbuf fails = {0};
	for (int i = 0; i < spec.ncells; i++) {
		const struct cell *c = &spec.cells[i];
		char *rec = slurm_record_path(root, &spec, c, c->code_version, NULL);
		struct cell_record r;
		struct run_rec row;
		const char *state = "pending", *detail = "not run";
		char buf[700];
		struct run_filter f = { .experiment = spec.name, .cell_id = c->cell_id, .config_hash = c->config_hash,
					.source_hash = store_cell_code_version(c, &prov) };
		int found = store ? store_newest(store, &f, &row) : 0;
		const char *tstate = pos[i] >= 0 && q.task ? q.task[pos[i] / sub.per_task] : "";
		if (found < 0) {
			free(rec);
			goto out;
		}
		if (!access(rec, F_OK) && !cell_record_read(rec, &r) && !strcmp(r.config_hash, c->config_hash)) {
			int in_db = found && !strcmp(run_status_name(row.status), r.out.status) &&
				    !strcmp(row.content_hash, r.out.hash);
			state = !strcmp(r.out.status, "complete") ? "done" : "failed";
			snprintf(buf, sizeof(buf), "%s%s%s", r.out.status, r.out.error[0] ? ": " : "", r.out.error);
			detail = buf;
			uncollected += !in_db;
		} else if (tstate[0]) {
			int run = !strcmp(tstate, "RUNNING") || !strcmp(tstate, "COMPLETING");
			state = run ? "running" : "pending";
			snprintf(buf, sizeof(buf), "slurm %s_%lld %s", sub.array_job, pos[i] / sub.per_task, tstate);
			detail = buf;
		} else if (found && row.status == RUN_RUNNING && !store_run_held(store, &row)) {
			/* its holder is gone (or its lease expired): the next run takes it over */
			state = "pending";
			snprintf(buf, sizeof(buf), "claimed by a process that is gone (pid %lld on %s)", row.pid,
				 row.host);
			detail = buf;
		} else if (found) {
			state = row.status == RUN_COMPLETE ? "done" : row.status == RUN_RUNNING ? "running" : "failed";
			snprintf(buf, sizeof(buf), "%s%s%s", run_status_name(row.status), row.error[0] ? ": " : "",
				 row.error);
			detail = buf;
		} else if (pos[i] >= 0 && q.task) {
			detail = "submitted, not queued any more, no record";
		}
		if (found > 0)
			run_rec_release(&row);
		free(rec);
		pending += !strcmp(state, "pending");
		running += !strcmp(state, "running");
		done += !strcmp(state, "done");
		failed += !strcmp(state, "failed");
		if (per_cell)
			printf("%s\t%s\t%s\n", state, printable(c->cell_id), printable(detail));
		else if (!strcmp(state, "failed"))
			strbuf_addf(&fails, "  failed  %s: %s\n", printable(c->cell_id), printable(detail));
	}
	printf("%s: %d cells: %d pending, %d running, %d done, %d failed\n", spec.name, spec.ncells, pending,
	       running, done, failed);
	if (fails.len)
		fputs(fails.buf, stdout);
	strbuf_release(&fails);
	if (have_sub > 0) {
		int queued = 0;
		for (long long t = 0; t < q.tasks; t++)
			queued += q.task[t][0] != 0;
		printf("slurm: submitted %s", sub.stamp);
		if (sub.array_job[0])
			printf(", array job %s (%lld tasks, %d queued)", sub.array_job, sub.tasks, queued);
		if (sub.collect_job[0])
			printf(", collect job %s%s%s", sub.collect_job, q.collect[0] ? " " : " ended",
			       q.collect);
		printf("\n");
	}
	if (store) {
		long long other, stale;
		if (store_count_outside(store, &spec, &prov, &other, &stale))
			goto out;
		if (other)
			printf("(counted at each cell's code version in this binary; %lld runs at other code "
			       "versions are not counted)\n", other);
		if (stale)
			printf("%lld runs in the database are of no cell of this spec (not shown; 'harness prune %s' "
			       "removes them)\n", stale, spec.name);
	}
	if (uncollected)
		printf("%d cells ran but are not in the database yet (collect job pending, or run "
		       "'harness collect %s')\n", uncollected, spec.path);
	rc = 0;
out:
	free(q.task);
	free(pos);
	store_close(store);
	free(dbpath);
	spec_release(&spec);
	return rc;
}
