/*
 * regress.c - the two sides of a regression check, read (see regress.h): a
 * side's runs from a results store (read-only), and the committed baselines
 * (experiments/baselines/NAME.json) written and read. The command, which runs
 * the sides, is harness/cmd/cmd_regress.c; the comparison regress_report.c.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "learner.h"
#include "provenance.h"
#include "regress.h"
#include "results.h"
#include "store.h"
#include "spec.h"

/* --- loading results --- */

/*
 * Whether a stored configuration ran on portable kernels: its learner has
 * PARAM_KERNEL hyperparameters (params.h) and the configuration sets them
 * all to true. Learners without any are judged by uses_blas alone.
 */
static int config_portable(const char *config_json)
{
	json_t *root = config_json ? json_loads(config_json, 0, NULL) : NULL;
	const char *name = json_string_value(json_object_get(root, "learner"));
	const struct learner_spec *ls = name ? learner_lookup(name) : NULL;
	json_t *hp = json_object_get(root, "hparams");
	int kernels = 0, on = 0;
	for (const struct param_def *d = ls ? ls->vt->params : NULL; d && d->name; d++) {
		if (!(d->flags & PARAM_KERNEL))
			continue;
		kernels++;
		on += json_is_true(json_object_get(hp, d->name));
	}
	json_decref(root);
	return kernels && on == kernels;
}

/* A side's newest run of each cell: made at commit (clean), or at the cell's code version in this binary. */
int regress_load_side(const char *root, const struct spec *s, const char *commit,
		     int by_code_version, struct cellres *cells)
{
	struct store *st;
	if (store_open(&st, root, STORE_READ))
		return -1;
	int rc = 0;
	for (int i = 0; i < s->ncells && !rc; i++) {
		struct cellres *c = &cells[i];
		memset(c, 0, sizeof(*c));
		c->cell_id = s->cells[i].cell_id;
		struct run_filter f = { .experiment = s->name, .cell_id = c->cell_id };
		if (commit) {
			f.commit = commit;
			f.clean = 1;
		} else {
			/* this binary's runs: of exactly the spec's cells (an edited spec leaves other rows) */
			f.source_hash = by_code_version ? s->cells[i].code_version : "";
			f.config_hash = s->cells[i].config_hash;
		}
		struct run_rec r;
		int found;
		if (commit) {
			/*
			 * the commit's run of this very configuration (an older spec's run of the
			 * cell id may be newer); only when the commit's binary hashes the
			 * configuration differently (a change regress reports) the newest of the id
			 */
			f.config_hash = s->cells[i].config_hash;
			found = store_newest(st, &f, &r);
			f.config_hash = NULL;
			if (found == 0)
				found = store_newest(st, &f, &r);
		} else {
			found = store_newest(st, &f, &r);
		}
		if (found < 0) {
			rc = -1;
			break;
		}
		if (!found)
			continue;
		snprintf(c->status, sizeof(c->status), "%s", run_status_name(r.status));
		snprintf(c->error, sizeof(c->error), "%s", r.error);
		c->present = r.status == RUN_COMPLETE || r.status == RUN_FAILED;
		snprintf(c->config_hash, sizeof(c->config_hash), "%s", r.config_hash);
		snprintf(c->content_hash, sizeof(c->content_hash), "%s", r.content_hash);
		snprintf(c->learner, sizeof(c->learner), "%s", r.learner);
		snprintf(c->blas_core, sizeof(c->blas_core), "%s", r.blas_core);
		snprintf(c->cpu_model, sizeof(c->cpu_model), "%s", r.cpu_model);
		c->final_return = r.final_return;
		c->auc = r.auc;
		c->portable = config_portable(r.config_json);
		run_rec_release(&r);
	}
	store_close(st);
	return rc;
}

/* --- baselines --- */

static char *baseline_path(const char *name)
{
	return xstrfmt("experiments/baselines/%s.json", name);
}

int regress_write_baseline(const struct spec *s, const struct cellres *cells, const struct provenance *p)
{
	json_t *root = json_object(), *arr = json_array(), *plat = json_object();
	json_object_set_new(root, "experiment", json_string(s->name));
	json_object_set_new(root, "spec_sha256", json_string(s->spec_sha256));
	json_object_set_new(root, "git_commit", json_string(p->git_commit));
	json_object_set_new(root, "source_hash", json_string(p->source_hash));
	json_object_set_new(plat, "blas", json_string(p->blas));
	json_object_set_new(plat, "blas_core", json_string(p->blas_core));
	json_object_set_new(plat, "cpu_model", json_string(p->cpu_model));
	json_object_set_new(plat, "compiler", json_string(p->compiler));
	json_object_set_new(plat, "cflags", json_string(p->cflags));
	json_object_set_new(root, "platform", plat);
	for (int i = 0; i < s->ncells; i++) {
		const struct cellres *c = &cells[i];
		if (!c->present)
			return error("cell '%s' has no result: cannot write a baseline", c->cell_id);
		json_t *o = json_object();
		json_object_set_new(o, "cell_id", json_string(c->cell_id));
		json_object_set_new(o, "config_hash", json_string(c->config_hash));
		json_object_set_new(o, "learner", json_string(c->learner));
		json_object_set_new(o, "content_hash", json_string(c->content_hash));
		json_object_set_new(o, "portable", json_boolean(c->portable));
		json_object_set_new(o, "final_return", isnan(c->final_return) ? json_null() : json_real(c->final_return));
		json_object_set_new(o, "auc", isnan(c->auc) ? json_null() : json_real(c->auc));
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "cells", arr);
	char *text = json_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(17));
	json_decref(root);
	if (mkdir_p("experiments/baselines", 0755)) {
		free(text);
		return -1;
	}
	char *path = baseline_path(s->name);
	struct strbuf sb = {0};
	strbuf_addf(&sb, "%s\n", text);
	int rc = write_file_atomic(path, sb.buf, sb.len);
	if (!rc)
		printf("baseline of %d cells written to %s\n", s->ncells, path);
	strbuf_release(&sb);
	free(text);
	free(path);
	return rc;
}

int regress_read_baseline(const struct spec *s, struct cellres *cells, char *label, size_t ln)
{
	char *path = baseline_path(s->name);
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err);
	if (!root) {
		int r = error("%s:%d: %s (write one with 'harness baseline %s')", path, err.line, err.text, s->name);
		free(path);
		return r;
	}
	json_t *plat = json_object_get(root, "platform");
	const char *core = json_string_value(json_object_get(plat, "blas_core"));
	const char *cpu = json_string_value(json_object_get(plat, "cpu_model"));
	const char *commit = json_string_value(json_object_get(root, "git_commit"));
	snprintf(label, ln, "baseline %s (%.10s)", path, commit ? commit : "?");
	json_t *arr = json_object_get(root, "cells");
	if (!json_is_array(arr)) {
		json_decref(root);
		int r = error("%s: no \"cells\" array", path);
		free(path);
		return r;
	}
	for (int i = 0; i < s->ncells; i++) {
		memset(&cells[i], 0, sizeof(cells[i]));
		cells[i].cell_id = s->cells[i].cell_id;
	}
	size_t k;
	json_t *o;
	json_array_foreach(arr, k, o) {
		const char *id = json_string_value(json_object_get(o, "cell_id"));
		for (int i = 0; id && i < s->ncells; i++) {
			if (strcmp(s->cells[i].cell_id, id))
				continue;
			struct cellres *c = &cells[i];
			c->present = 1;
#define S(key) (json_string_value(json_object_get(o, key)) ? json_string_value(json_object_get(o, key)) : "")
			snprintf(c->config_hash, sizeof(c->config_hash), "%s", S("config_hash"));
			snprintf(c->content_hash, sizeof(c->content_hash), "%s", S("content_hash"));
			snprintf(c->learner, sizeof(c->learner), "%s", S("learner"));
#undef S
			snprintf(c->blas_core, sizeof(c->blas_core), "%s", core ? core : "");
			snprintf(c->cpu_model, sizeof(c->cpu_model), "%s", cpu ? cpu : "");
			json_t *f = json_object_get(o, "final_return"), *a = json_object_get(o, "auc");
			c->portable = json_is_true(json_object_get(o, "portable"));
			c->final_return = json_is_number(f) ? json_number_value(f) : NAN;
			c->auc = json_is_number(a) ? json_number_value(a) : NAN;
		}
	}
	json_decref(root);
	free(path);
	return 0;
}
