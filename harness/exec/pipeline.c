/*
 * pipeline.c - see pipeline.h: plan (the one skip policy), the backend
 * table, the recorder, the figures at the end.
 */
#include "pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cellrun.h"
#include "plot.h"
#include "results.h"
#include "store.h"

/* Every backend (backend.h): a new one is one file and one line here. */
static const struct backend *const backends[] = { &backend_local, &backend_slurm };

const struct backend *backend_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(backends); i++)
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}

/* --- plan --- */


/* The newest run of cell c at its code version and configuration: 1, 0 none, -1 error. */
static int pipeline_newest(struct pipeline *p, const struct cell *c, struct run_rec *out)
{
	struct run_filter f = { .experiment = p->spec->name, .cell_id = c->cell_id, .config_hash = c->config_hash,
				.source_hash = c->code_version };
	return store_newest(p->store, &f, out);
}

/*
 * The decision from a record file a recorder has not necessarily collected
 * (backends that record later): 1 run, 0 done, -1 error; -2 no record.
 */
static int plan_from_record(struct pipeline *p, const struct cell *c, const char *records)
{
	char *path = results_run_path(p->root, p->spec->name, c, c->code_version);
	char *rec = cell_record_path(records, path);
	struct cell_record r;
	int rc = -2;
	if (access(rec, F_OK))
		goto out;
	rc = -1;
	if (cell_record_read(rec, &r))
		goto out;
	if (!strcmp(r.out.status, "complete"))
		rc = p->opts->force;
	else if (!strcmp(r.out.status, "failed"))
		rc = p->opts->force || p->opts->retry_failed;
	else
		rc = 1;
	struct run_rec row;
	int found = !rc && p->store ? pipeline_newest(p, c, &row) : 0;
	if (!rc && (found != 1 || strcmp(run_status_name(row.status), r.out.status) ||
		    strcmp(row.content_hash ? row.content_hash : "", r.out.hash)))
		p->nuncollected++;
	if (found == 1)
		run_rec_release(&row);
out:
	free(path);
	free(rec);
	return rc;
}

/* The skip policy for cell i (pipeline.h): 1 run, 0 done, -1 error. */
static int plan_cell(struct pipeline *p, int i, const char *records)
{
	const struct cell *c = &p->spec->cells[i];
	if (records) {
		int r = plan_from_record(p, c, records);
		if (r != -2)
			return r;
	}
	if (!p->db || p->opts->force)
		return 1;
	struct run_rec row;
	int found = pipeline_newest(p, c, &row);
	if (found <= 0)
		return found < 0 ? -1 : 1;
	enum run_status st = row.status;
	char why[800];
	int usable = st == RUN_COMPLETE &&
		     !plan_check_run_file(row.h5_path, row.content_hash ? row.content_hash : "", why, sizeof(why));
	run_rec_release(&row);
	if (st == RUN_FAILED)
		return p->opts->retry_failed;
	if (st != RUN_COMPLETE)
		return 1;
	if (usable)
		return 0;
	/* said even with --quiet: a result is being replaced */
	report("cell '%s': %s: running it again", c->cell_id, why);
	p->redo[i] = 1;
	p->nredo++;
	return 1;
}

int pipeline_plan(struct pipeline *p, const char *records)
{
	const struct spec *s = p->spec;
	free(p->todo);
	free(p->redo);
	p->todo = xcalloc((size_t)s->ncells + 1, sizeof(int));
	p->redo = xcalloc((size_t)s->ncells + 1, 1);
	p->ntodo = p->nskipped = p->nredo = p->nuncollected = 0;
	memset(&p->eta, 0, sizeof(p->eta));
	for (int i = 0; i < s->ncells; i++) {
		if (p->selected && !p->selected[i])
			continue;
		int run = plan_cell(p, i, records);
		if (run < 0)
			return -1;
		if (!run) {
			p->nskipped++;
			continue;
		}
		p->todo[p->ntodo++] = i;
		if (s->cells[i].budget.steps)
			p->eta.step_budget_left += s->cells[i].budget.steps;
		else
			p->eta.ep_cells_left++;
	}
	return 0;
}

void pipeline_release(struct pipeline *p)
{
	store_close(p->store);
	free(p->selected);
	free(p->redo);
	free(p->todo);
	p->store = NULL;
	p->db = NULL;
	p->selected = p->redo = NULL;
	p->todo = NULL;
}

/* --- record --- */

enum claim_result pipeline_claim(struct pipeline *p, int ci, const char *h5_path, long long *row_id)
{
	const struct cell *c = &p->spec->cells[ci];
	struct provenance pc = p->prov;
	provenance_for_cell(&pc, c);
	return rundb_claim(p->db, p->spec->name, c, &pc, h5_path, p->opts->force || p->redo[ci],
			   p->opts->retry_failed, row_id);
}

int pipeline_record(struct rundb *db, long long row_id, const struct cell_outcome *o)
{
	struct run_summary s;
	outcome_summary(o, &s);
	return rundb_finish(db, row_id, &s);
}

/* --- figures --- */

int pipeline_figures(struct store *store, const struct spec *spec, const struct provenance *prov, int quiet)
{
	char *figdir = NULL;
	struct selection sel;
	struct select_opts so = { NULL, 0, prov };
	if (store_select_spec(store, spec, &so, &sel))
		return -1;
	if (!quiet)
		selection_report(&sel, stderr);
	int rc = plot_experiment(store, &sel, &figdir) ? -1 : 0;
	if (!rc && !quiet && figdir)
		report("figures in %s/", figdir);
	selection_release(&sel);
	free(figdir);
	return rc;
}

/* --- the whole --- */

int pipeline_run(const struct spec *spec, const struct pipeline_opts *o, const struct backend *b)
{
	struct pipeline p = { 0 };
	p.spec = spec;
	p.opts = o;
	p.backend = b;
	p.root = results_root(o->results);
	provenance_get(&p.prov);
	p.selected = xcalloc((size_t)spec->ncells + 1, 1);
	char *records = NULL;
	int rc = 2;
	if (plan_select(spec, o->only, o->nonly, p.selected))
		goto out;
	if (b->prepare && b->prepare(&p))
		goto out;
	if (b->records_dir) {
		/* the recorder step alone writes: read what is there */
		char *dbpath = results_db_path(p.root);
		int have = !access(dbpath, F_OK);
		free(dbpath);
		if (have && store_open(&p.store, p.root, STORE_READ))
			goto out;
		records = b->records_dir(p.root, spec->name);
	} else if (results_prepare(p.root, spec->name) || store_open(&p.store, p.root, STORE_WRITE)) {
		goto out;
	}
	p.db = p.store ? store_rundb(p.store) : NULL;
	if (pipeline_plan(&p, records))
		goto out;
	rc = b->execute(&p);
	if (!b->records_dir && !o->no_plot && (rc == 0 || rc == 1) &&
	    pipeline_figures(p.store, spec, &p.prov, o->quiet))
		rc = rc ? rc : 2;
out:
	free(records);
	pipeline_release(&p);
	return rc;
}

int pipeline_run_local(const char *spec_path, const char *results, int jobs, int quiet)
{
	struct spec spec;
	if (spec_load(&spec, spec_path))
		return 2;
	struct pipeline_opts po = { .results = results, .jobs = jobs, .quiet = quiet, .no_plot = 1 };
	int rc = pipeline_run(&spec, &po, &backend_local);
	spec_release(&spec);
	return rc;
}
