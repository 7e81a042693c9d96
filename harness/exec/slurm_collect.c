/*
 * slurm_collect.c - the recorder of the Slurm backend (`harness collect`):
 * each cell's record file (cellrun.h) is decoded into its outcome
 * (outcome.h) and recorded through the pipeline's recorder
 * (pipeline_claim's rundb_claim + pipeline_record), as a local run records
 * its workers' outcomes; then the figures. Also the files of a submission
 * that `harness status` reads too (record paths, the cells file).
 *
 * A cell of the array whose task left no record (or an unreadable one) is
 * recorded as error, with Slurm's task state; a record whose run file does
 * not hash to the record's results hash is recorded as error; a complete
 * row whose file verifies is never replaced by another record.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cellrun.h"
#include "pipeline.h"
#include "results.h"
#include "rundb.h"
#include "slurm.h"
#include "store.h"

char *slurm_record_path(const char *root, const struct spec *s, const struct cell *c, const char *source_hash,
			char **h5_path)
{
	char *path = results_run_path(root, s->name, c, source_hash);
	char *dir = slurm_dir(root, s->name);
	char *records = xstrfmt("%s/records", dir);
	char *rec = cell_record_path(records, path);
	free(dir);
	free(records);
	if (h5_path)
		*h5_path = path;
	else
		free(path);
	return rec;
}

int slurm_read_cells(const char *path, const struct spec *s, long long *pos)
{
	size_t len;
	char *text = read_file(path, &len);
	if (!text)
		return -1;
	long long line = 0;
	for (char *t = strtok(text, "\n"); t; t = strtok(NULL, "\n"), line++) {
		long long i;
		if (parse_ll(t, &i) || i < 0 || i >= s->ncells) {
			free(text);
			return error("cells file '%s': line %lld: '%s' is not a cell index of '%s'", path,
				     line + 1, t, s->path);
		}
		pos[i] = line;
	}
	free(text);
	return 0;
}

/* The state Slurm reports for array task `task` of job `job` (scontrol -o show job). */
static void task_state(const char *job, long long task, char *state, size_t n)
{
	snprintf(state, n, "unknown: gone from Slurm, cancelled while pending or purged");
	char *argv[] = { "scontrol", "-o", "show", "job", (char *)job, NULL };
	char *out;
	if (slurm_run(argv, 60, &out, 0) != 0) {
		free(out);
		return;
	}
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		char *t = strstr(line, " ArrayTaskId="), *s = strstr(line, " JobState=");
		long long k;
		char st[64];
		if (t && s && sscanf(t, " ArrayTaskId=%lld", &k) == 1 && k == task &&
		    t[13 + strspn(t + 13, "0123456789")] == ' ' && sscanf(s, " JobState=%63s", st) == 1)
			snprintf(state, n, "%s", st);
	}
	free(out);
}

/* Removes the temporary files the tasks of array job `job` left behind. */
static void remove_task_tmp(const char *root, const char *experiment, const char *job)
{
	char *dir = xstrfmt("%s/%s/runs", root, experiment);
	char *prefix = xstrfmt(".tmp-slurm-%s_", job);
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *de;
		while ((de = readdir(d))) {
			if (strncmp(de->d_name, prefix, strlen(prefix)))
				continue;
			char *p = xstrfmt("%s/%s", dir, de->d_name);
			unlink(p);
			free(p);
		}
		closedir(d);
	}
	free(prefix);
	free(dir);
}

struct collect_counts {
	int applied, complete, failed, errors, kept;
};

/* Records one cell's outcome unless the database already holds it. */
static int apply(struct store *store, const struct spec *s, const struct cell *c, const struct provenance *p,
		 const char *h5_path, const struct cell_outcome *o, struct collect_counts *n)
{
	struct rundb *db = store_rundb(store);
	struct run_filter f = { .experiment = s->name, .cell_id = c->cell_id, .config_hash = c->config_hash,
				.source_hash = c->code_version };
	struct run_rec row;
	int found = store_newest(store, &f, &row);
	if (found < 0)
		return -1;
	int complete = !strcmp(o->status, "complete") && o->hash[0];
	const char *status = found ? run_status_name(row.status) : "", *hash = found && row.content_hash ? row.content_hash : "";
	const char *err = found && row.error ? row.error : "";
	/* a complete row whose file verifies is never replaced (a record of another attempt, a stale one) */
	char h[65] = "";
	int keep = found && !strcmp(status, "complete") && (!complete || strcmp(o->hash, hash)) &&
		   !store_hash_file(row.h5_path, 1, h) && !strcmp(h, hash);
	if (keep && !complete)
		warning("cell '%s' is complete in the database and its file verifies: its %s record is not "
			"collected", c->cell_id, o->status);
	keep |= found && !strcmp(status, o->status) && !strcmp(hash, o->hash) &&
		(strcmp(status, "error") || !strcmp(err, o->error));
	if (found)
		run_rec_release(&row);
	if (keep) {
		n->kept++;
		return 0;
	}
	long long id;
	enum claim_result cr = rundb_claim(db, s->name, c, p, h5_path, 1, 1, &id);
	if (cr == CLAIM_BUSY) {
		warning("cell '%s' is being run by another harness process: its record is not collected",
			c->cell_id);
		return 0;
	}
	if (cr != CLAIM_OK || pipeline_record(db, id, o))
		return -1;
	n->applied++;
	if (!strcmp(o->status, "complete"))
		n->complete++;
	else if (!strcmp(o->status, "failed"))
		n->failed++;
	else
		n->errors++;
	return 0;
}

static void error_outcome(struct cell_outcome *o, const char *why)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->status, sizeof(o->status), "error");
	size_t n = strlen(why);
	if (n >= sizeof(o->error))
		n = sizeof(o->error) - 1; /* cut: the outcome's message has a bound (outcome.h) */
	memcpy(o->error, why, n);
	o->error[n] = '\0';
	o->final_return = o->auc = NAN;
}

/*
 * The outcome of cell i from its record (or the lack of one): 2 from the
 * record *r, 1 an error outcome (no usable record of a cell of the array), 0
 * nothing to record (not part of the array, no record).
 */
static int cell_outcome_of(const struct spec *spec, int i, const char *h5, const char *rec, const long long *pos,
			   long long per, const char *job, struct cell_record *r, struct cell_outcome *o)
{
	const struct cell *c = &spec->cells[i];
	char why[1400];
	int have = !access(rec, F_OK), r_ok = have && !cell_record_read(rec, r);
	if (r_ok && (strcmp(r->config_hash, c->config_hash) || strcmp(r->prov.source_hash, c->code_version) ||
		     strcmp(r->cell_id, c->cell_id))) {
		warning("record '%s' is not of cell '%s' at this code version: ignored", rec, c->cell_id);
		have = r_ok = 0;
	}
	if (r_ok) {
		*o = r->out;
		char h[65] = "";
		/* the file where this root has it (the record names the path the task saw) */
		if (o->hash[0] && (store_hash_file(h5, 1, h) || strcmp(h, o->hash))) {
			snprintf(why, sizeof(why), "run file '%s' does not match its record", h5);
			error_outcome(o, why);
		}
		return 2;
	}
	if (!have && pos[i] < 0)
		return 0;
	if (have) {
		snprintf(why, sizeof(why), "unreadable record '%s'", rec);
	} else {
		char st[80] = "unknown";
		long long task = pos[i] / per;
		if (job)
			task_state(job, task, st, sizeof(st));
		snprintf(why, sizeof(why), "slurm array task %s_%lld left no record (state %s)", job ? job : "?", task,
			 st);
	}
	error_outcome(o, why);
	return 1;
}

int slurm_collect(const struct spec *spec, const char *root, const char *cells, long long per, const char *job,
		  int no_plot)
{
	struct provenance prov;
	provenance_get(&prov);
	struct store *store = NULL;
	long long *pos = xcalloc((size_t)spec->ncells + 1, sizeof(long long));
	struct collect_counts n = { 0 };
	int rc = 2;
	for (int i = 0; i < spec->ncells; i++)
		pos[i] = -1;
	if (cells && slurm_read_cells(cells, spec, pos))
		goto out;
	if (results_prepare(root, spec->name) || store_open(&store, root, STORE_WRITE) ||
	    store_put_experiment(store, spec))
		goto out;
	for (int i = 0; i < spec->ncells; i++) {
		const struct cell *c = &spec->cells[i];
		char *h5;
		char *rec = slurm_record_path(root, spec, c, c->code_version, &h5);
		struct cell_record r;
		struct cell_outcome o;
		int e = 0, what = cell_outcome_of(spec, i, h5, rec, pos, per, job, &r, &o);
		/* the provenance of the process that ran it, when its record says */
		if (what)
			e = apply(store, spec, c, what == 2 ? &r.prov : &prov, h5, &o, &n);
		free(rec);
		free(h5);
		if (e)
			goto out;
	}
	if (job)
		remove_task_tmp(root, spec->name, job);
	report("%s: collected %d runs: %d complete, %d failed, %d error (%d already recorded)", spec->name,
	       n.applied, n.complete, n.failed, n.errors, n.kept);
	rc = n.failed || n.errors ? 1 : 0;
	if (!no_plot && pipeline_figures(store, spec, &prov, 0))
		rc = rc ? rc : 2;
out:
	store_close(store);
	free(pos);
	return rc;
}
