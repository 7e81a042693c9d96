/*
 * cmd_slurm.c - the commands of the Slurm backend besides submission
 * (slurm.c):
 *   harness run-cell SPEC --index I   (hidden) one array task's cell: its HDF5
 *                                      file and its record, never the database
 *   harness collect SPEC              records -> run rows (slurm_collect.c: the
 *                                      Slurm backend's recorder), then the figures
 *   harness status NAME               pending / running / done / failed cells
 * See slurm.h for the files, cellrun.h for the record.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cellrun.h"
#include "holder.h"
#include "commands.h"
#include "plot.h"
#include "results.h"
#include "rundb.h"
#include "store.h"
#include "slurm.h"

/* --- run-cell --- */

static int valid_tag(const char *t)
{
	if (!*t || strlen(t) > 40)
		return 0;
	for (; *t; t++)
		if (!((*t >= '0' && *t <= '9') || *t == '_'))
			return 0;
	return 1;
}

static const char *const run_cell_lines[] = {
	"run-cell SPEC --index I [--results DIR] [--spec-sha256 HEX] [--tag JOB_TASK] [--portable]", NULL
};
static const struct usage run_cell_usage = {
	"run-cell", run_cell_lines,
	"Runs cell I of the matrix (0-based, as 'harness run SPEC --list' orders it) and\n"
	"writes its HDF5 file and a record file under <results>/<NAME>/slurm/records/;\n"
	"never the database ('harness collect' records it). What a Slurm array task runs.",
	"exit status: 0 complete, 1 the run failed, 2 error"
};

static int check_tag(const struct option *opt, const char *v)
{
	if (!valid_tag(v)) {
		usagef("run-cell", "--tag: '%s' is not JOB_TASK digits", v);
		return -1;
	}
	*(const char **)opt->value = v;
	return 0;
}

int cmd_run_cell(int argc, char **argv)
{
	const char *results_opt = NULL, *sha = NULL, *tag = NULL;
	long long index = -1;
	int portable = 0;
	struct option opts[] = {
		OPT_INT(0, "index", &index, "I", 0, LLONG_MAX, NULL, "the cell's index in the matrix"),
		OPT_STRING_DEF(0, "results", &results_opt, "DIR", "$HARNESS_RESULTS or ./results", "results root"),
		OPT_STRING(0, "spec-sha256", &sha, "HEX", "refuse to run if the spec's SHA-256 differs"),
		OPT_CALLBACK(0, "tag", &tag, "JOB_TASK", "the Slurm task, in the record's name", check_tag),
		OPT_BOOL(0, "portable", &portable, "plain-C matrix kernels (as 'harness run --portable')"),
		OPT_END(),
	};
	argc = parse_options(argc, argv, opts, &run_cell_usage, 0);
	if (argc < 0)
		return opt_exit_status(argc);
	if (argc > 1)
		return usagef("run-cell", "unexpected argument '%s'", argv[1]);
	if (!argc || index < 0)
		return usagef("run-cell", "needs SPEC and --index I");
	const char *spec_path = argv[0];
	struct spec spec;
	if (spec_load_opts(&spec, spec_path, portable))
		return 2;
	int rc = 2;
	char *h5 = NULL, *rec = NULL, *tmp = NULL, *recdir = NULL;
	if (sha && strcmp(sha, spec.spec_sha256)) {
		error("spec '%s' changed since the job was submitted (sha256 %.12s, expected %.12s)",
		      spec_path, spec.spec_sha256, sha);
		goto out;
	}
	if (index >= spec.ncells) {
		error("cell index %lld out of range: '%s' has %d cells", index, spec_path, spec.ncells);
		goto out;
	}
	const struct cell *c = &spec.cells[index];
	const char *root = results_root(results_opt);
	struct cell_record r;
	memset(&r, 0, sizeof(r));
	provenance_get(&r.prov);
	provenance_for_cell(&r.prov, c->code_version);
	if (results_prepare(root, spec.name))
		goto out;
	rec = slurm_record_path(root, &spec, c, r.prov.source_hash, &h5);
	char *slash = strrchr(rec, '/');
	recdir = xstrfmt("%.*s", (int)(slash - rec), rec);
	if (mkdir_p(recdir, 0755))
		goto out;
	/* the holder's name (holder.h), under the task's tag so that collect can sweep what a killed task left */
	char *own = holder_tmp_path(h5);
	slash = strrchr(own, '/');
	if (tag)
		tmp = xstrfmt("%.*s/.tmp-slurm-%s-%s", (int)(slash - own), own, tag, slash + 6);
	else
		tmp = xstrdup(own);
	free(own);

	snprintf(r.experiment, sizeof(r.experiment), "%s", spec.name);
	r.cell_index = index;
	snprintf(r.cell_id, sizeof(r.cell_id), "%s", c->cell_id);
	snprintf(r.config_hash, sizeof(r.config_hash), "%s", c->config_hash);
	snprintf(r.h5_path, sizeof(r.h5_path), "%s", h5);
	snprintf(r.slurm_job, sizeof(r.slurm_job), "%s", tag ? tag : "");
	iso_time_now(r.started_at);
	cell_run_to_file(spec.name, c, &r.prov, h5, tmp, NULL, NULL, &r.out);
	iso_time_now(r.finished_at);
	if (strcmp(r.out.status, "complete") && strcmp(r.out.status, "failed"))
		unlink(tmp);
	if (cell_record_write(rec, &r))
		goto out;
	report("%s: %s in %.2fs, final return %.4g%s%s", c->cell_id, r.out.status,
		r.out.wall_seconds, r.out.final_return, r.out.error[0] ? ": " : "", r.out.error);
	rc = !strcmp(r.out.status, "complete") ? 0 : !strcmp(r.out.status, "failed") ? 1 : 2;
out:
	free(h5);
	free(rec);
	free(tmp);
	free(recdir);
	spec_release(&spec);
	return rc;
}

/* --- collect: the recorder of the Slurm backend (slurm_collect.c) --- */

static const char *const collect_lines[] = {
	"collect SPEC [--results DIR] [--no-plot] [--portable]\n"
	"                        [--cells FILE --per K --array-job ID]", NULL
};
static const struct usage collect_usage = {
	"collect", collect_lines,
	"Records in the database the cells that Slurm array tasks ran (their record files\n"
	"under <results>/<NAME>/slurm/records/), claiming and finishing each run row as a\n"
	"local run does, then draws the figures. The only step of the Slurm backend that\n"
	"writes the database; 'harness run --backend slurm' submits it as a job that\n"
	"depends on the array. With --cells (the submission's cells file), a cell of the\n"
	"array whose task left no record is recorded as error, with Slurm's task state.",
	"exit status: 0 every collected cell complete, 1 some failed or error, 2 error"
};

int cmd_collect(int argc, char **argv)
{
	const char *results_opt = NULL, *cells = NULL, *job = NULL;
	long long per = 1;
	int no_plot = 0, portable = 0;
	struct option opts[] = {
		OPT_STRING_DEF(0, "results", &results_opt, "DIR", "$HARNESS_RESULTS or ./results", "results root"),
		OPT_BOOL(0, "no-plot", &no_plot, "do not draw figures"),
		OPT_BOOL(0, "portable", &portable, "the spec was submitted with --portable"),
		OPT_STRING(0, "cells", &cells, "FILE", "the submission's cells file"),
		OPT_INT(0, "per", &per, "K", 1, LLONG_MAX, "1", "cells per array task"),
		OPT_STRING(0, "array-job", &job, "ID", "the Slurm array job (for the states of tasks)"),
		OPT_END(),
	};
	argc = parse_options(argc, argv, opts, &collect_usage, 0);
	if (argc < 0)
		return opt_exit_status(argc);
	if (argc > 1)
		return usagef("collect", "unexpected argument '%s'", argv[1]);
	if (!argc)
		return usagef("collect", "missing SPEC");
	const char *spec_path = argv[0];
	struct spec spec;
	if (spec_load_opts(&spec, spec_path, portable))
		return 2;
	int rc = slurm_collect(&spec, results_root(results_opt), cells, per, job, no_plot);
	spec_release(&spec);
	return rc;
}

/* --- status --- */

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

static const char *const status_lines[] = { "status NAME [--results DIR] [--spec SPEC] [--cells]", NULL };
static const struct usage status_usage = {
	"status", status_lines,
	"Counts the cells of experiment NAME at this code version as pending (queued in\n"
	"Slurm, or not run), running, done or failed (failed runs and harness errors,\n"
	"listed with their messages), from the database, the Slurm records not collected\n"
	"yet and Slurm's queue. The spec is --spec, else the last Slurm submission's, else\n"
	"the one the database recorded, else experiments/NAME.cfg.",
	NULL
};

int cmd_status(int argc, char **argv)
{
	const char *results_opt = NULL, *spec_opt = NULL;
	int per_cell = 0;
	struct option opts[] = {
		OPT_STRING_DEF(0, "results", &results_opt, "DIR", "$HARNESS_RESULTS or ./results", "results root"),
		OPT_STRING(0, "spec", &spec_opt, "SPEC", "the experiment's spec file"),
		OPT_BOOL(0, "cells", &per_cell, "one line per cell: state, cell id, detail"),
		OPT_END(),
	};
	argc = parse_options(argc, argv, opts, &status_usage, 0);
	if (argc < 0)
		return opt_exit_status(argc);
	if (argc > 1)
		return usagef("status", "unexpected argument '%s'", argv[1]);
	if (!argc)
		return usagef("status", "missing NAME");
	const char *name = argv[0];
	if (!valid_experiment_name(name)) {
		error("experiment name '%s' is not valid", name);
		return 2;
	}
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
