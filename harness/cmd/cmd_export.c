/*
 * cmd_export.c - `harness export NAME [--csv] --what runs|eval|eval_episodes|episodes|files`:
 * the experiment's current selection (store.h's rule: the cells of its spec,
 * each at one code version) for Python and spreadsheet users.
 *
 * Every CSV starts with the same columns, named the same:
 *   experiment, cell_id, env_id, env_label, config_name, learner, seed,
 *   config_hash, source_hash, state, hp_<name> (one per hyperparameter of
 *   any cell, "" where a learner has none)
 * then its own: runs (one row per cell of the spec, also cells with no run),
 * eval (one per evaluation: step, mean_return, episodes), eval_episodes (one
 * per evaluation episode: step, eval_episode, return, length), episodes (one
 * per training episode: episode, return, length, end_step, terminated),
 * files (h5_path). Rows of eval, eval_episodes and episodes come from runs
 * that are drawn (complete and failed). Reals in the shortest form that reads
 * back exactly. Output atomically to -o FILE, or standard output.
 * `--what files` without --csv prints the run files, one per line.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "options.h"
#include "expview.h"
#include "store.h"

static const char *const state_names[] = { "complete", "failed", "error", "running", "not-run", "other-version" };

static void csv_field(struct strbuf *f, const char *s, int last)
{
	if (strpbrk(s, ",\"\n\r")) {
		strbuf_addstr(f, "\"");
		for (; *s; s++)
			strbuf_add(f, *s == '"' ? "\"\"" : s, *s == '"' ? 2 : 1);
		strbuf_addstr(f, "\"");
	} else {
		strbuf_addstr(f, s);
	}
	strbuf_addstr(f, last ? "\n" : ",");
}

static void csv_double(struct strbuf *f, double v, int last)
{
	if (!isnan(v))
		strbuf_add_double(f, v);
	strbuf_addstr(f, last ? "\n" : ",");
}

/* The union of the hyperparameter names of the spec's cells, in first-appearance order. */
static int hp_names(const struct spec *s, char ***names)
{
	int n = 0;
	*names = NULL;
	for (int i = 0; i < s->ncells; i++) {
		json_t *root = json_loads(s->cells[i].config_json, 0, NULL);
		const char *k;
		json_t *v;
		json_object_foreach(json_object_get(root, "hparams"), k, v) {
			int seen = 0;
			for (int j = 0; j < n && !seen; j++)
				seen = !strcmp((*names)[j], k);
			if (!seen) {
				*names = xrealloc(*names, (size_t)(n + 1) * sizeof(**names));
				(*names)[n++] = xstrdup(k);
			}
		}
		json_decref(root);
	}
	return n;
}

static void json_value_text(json_t *v, struct strbuf *sb)
{
	if (json_is_string(v))
		strbuf_addstr(sb, json_string_value(v));
	else if (json_is_integer(v))
		strbuf_addf(sb, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		strbuf_add_double(sb, json_real_value(v));
	else if (json_is_true(v) || json_is_false(v))
		strbuf_addstr(sb, json_is_true(v) ? "true" : "false");
	else if (v) {
		char *t = json_dumps(v, JSON_COMPACT);
		strbuf_addstr(sb, t ? t : "");
		free(t);
	}
}

struct common {
	char **hp;
	int nhp;
	char **cell_hp; /* (ncells) each cell's hp_ columns as CSV text, made once */
};

static void common_header(struct strbuf *f, const struct common *c)
{
	static const char *const cols[] = { "experiment", "cell_id", "env_id", "env_label", "config_name",
					    "learner", "seed", "config_hash", "source_hash", "state" };
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++)
		csv_field(f, cols[i], 0);
	for (int i = 0; i < c->nhp; i++) {
		char *h = xstrfmt("hp_%s", c->hp[i]);
		csv_field(f, h, 0);
		free(h);
	}
}

static void common_row(struct strbuf *f, struct common *cm, const struct spec *s, int i,
		       const struct cell_pick *p)
{
	const struct cell *c = &s->cells[i];
	csv_field(f, s->name, 0);
	csv_field(f, c->cell_id, 0);
	csv_field(f, c->env->id, 0);
	csv_field(f, c->env_label, 0);
	csv_field(f, c->config_name, 0);
	csv_field(f, c->learner->name, 0);
	strbuf_addf(f, "%lld,", c->seed);
	csv_field(f, c->config_hash, 0);
	csv_field(f, p->has_rec ? p->rec.source_hash : "", 0);
	csv_field(f, p->other_version ? "other-version" : state_names[p->state], 0);
	if (!cm->cell_hp[i]) {
		json_t *root = json_loads(c->config_json, 0, NULL), *hp = json_object_get(root, "hparams");
		struct strbuf v = {0}, cols = {0};
		for (int k = 0; k < cm->nhp; k++) {
			strbuf_reset(&v);
			json_value_text(json_object_get(hp, cm->hp[k]), &v);
			csv_field(&cols, v.buf ? v.buf : "", 0);
		}
		strbuf_release(&v);
		json_decref(root);
		cm->cell_hp[i] = cols.buf ? strbuf_detach(&cols) : xstrdup("");
	}
	strbuf_addstr(f, cm->cell_hp[i]);
}

static const char *const run_cols[] = { "status", "error", "final_return", "auc", "total_steps", "episodes",
					"wall_seconds", "started_at", "finished_at", "git_commit", "git_dirty",
					"content_hash", "h5_path", "run_id", "blas", "blas_core", "cpu_model", "host",
					"compiler", "cflags", "python_versions", "config_json" };

static void run_row(struct strbuf *f, const struct cell_pick *p)
{
	if (!p->has_rec) {
		for (size_t i = 0; i < ARRAY_SIZE(run_cols); i++)
			strbuf_addstr(f, i + 1 < ARRAY_SIZE(run_cols) ? "," : "\n");
		return;
	}
	const struct run_rec *r = &p->rec;
	csv_field(f, run_status_name(r->status), 0);
	csv_field(f, r->error, 0);
	csv_double(f, r->final_return, 0);
	csv_double(f, r->auc, 0);
	strbuf_addf(f, "%lld,%lld,", r->total_steps, r->episodes);
	csv_double(f, r->wall_seconds, 0);
	csv_field(f, r->started_at, 0);
	csv_field(f, r->finished_at, 0);
	csv_field(f, r->git_commit, 0);
	strbuf_addf(f, "%lld,", r->git_dirty);
	csv_field(f, r->content_hash, 0);
	csv_field(f, r->h5_path, 0);
	strbuf_addf(f, "%lld,", r->id);
	csv_field(f, r->blas, 0);
	csv_field(f, r->blas_core, 0);
	csv_field(f, r->cpu_model, 0);
	csv_field(f, r->host, 0);
	csv_field(f, r->compiler, 0);
	csv_field(f, r->cflags, 0);
	csv_field(f, r->python_versions, 0);
	csv_field(f, r->config_json, 1);
}

/* The series rows of one drawn run; -1 after error(). */
static int series_rows(struct strbuf *f, struct common *cm, const struct spec *s, int i,
		       const struct cell_pick *p, const char *what)
{
	const char *path = p->rec.h5_path;
	double *a = NULL, *b = NULL, *c = NULL, *d = NULL;
	long long da[2], db[2], dc[2], dd[2];
	int rc = -1;
	if (!strcmp(what, "eval") || !strcmp(what, "eval_episodes")) {
		if (store_read_series(path, "eval/step", &a, da) || store_read_series(path, "eval/returns", &b, db) ||
		    store_read_series(path, "eval/lengths", &c, dc))
			goto out;
		for (long long k = 0; k < da[0] && k < db[0]; k++) {
			if (!strcmp(what, "eval")) {
				common_row(f, cm, s, i, p);
				double sum = 0;
				for (long long j = 0; j < db[1]; j++)
					sum += b[k * db[1] + j];
				strbuf_addf(f, "%lld,", (long long)a[k]);
				csv_double(f, db[1] ? sum / (double)db[1] : NAN, 0);
				strbuf_addf(f, "%lld\n", db[1]);
				continue;
			}
			for (long long j = 0; j < db[1]; j++) {
				common_row(f, cm, s, i, p);
				strbuf_addf(f, "%lld,%lld,", (long long)a[k], j);
				csv_double(f, b[k * db[1] + j], 0);
				strbuf_addf(f, "%lld\n", (long long)c[k * dc[1] + j]);
			}
		}
	} else {
		if (store_read_series(path, "episodes/return", &a, da) || store_read_series(path, "episodes/length", &b, db) ||
		    store_read_series(path, "episodes/end_step", &c, dc) ||
		    store_read_series(path, "episodes/terminated", &d, dd))
			goto out;
		for (long long k = 0; k < da[0]; k++) {
			common_row(f, cm, s, i, p);
			strbuf_addf(f, "%lld,", k);
			csv_double(f, a[k], 0);
			strbuf_addf(f, "%lld,%lld,%lld\n", (long long)b[k], (long long)c[k], (long long)d[k]);
		}
	}
	rc = 0;
out:
	free(a);
	free(b);
	free(c);
	free(d);
	return rc;
}

static const char *const export_lines[] = {
	"export NAME [--csv] [--what runs|eval|eval_episodes|episodes|files] [-o FILE]\n"
	"                      [--spec FILE] [--commit REV] [--other-versions] [--results DIR]", NULL
};
static const struct usage export_usage = {
	"export", export_lines,
	"Writes the experiment's current selection -- exactly the cells of its spec, each at\n"
	"this binary's code version (or --commit REV) -- as CSV, to standard output or FILE\n"
	"(written atomically). Every CSV starts with the same columns: experiment, cell_id,\n"
	"env_id, env_label, config_name, learner, seed, config_hash, source_hash, state\n"
	"(complete, failed, error, running, not-run, other-version) and hp_<name>, one per\n"
	"hyperparameter. Then:\n"
	"  runs           one row per cell: status, error, final_return, auc, ..., h5_path\n"
	"  eval           one row per evaluation: step, mean_return, episodes\n"
	"  eval_episodes  one row per evaluation episode: step, eval_episode, return, length\n"
	"  episodes       one row per training episode: episode, return, length, end_step,\n"
	"                 terminated\n"
	"  files          the run files (h5_path); without --csv one path a line\n"
	"Reals are written in the shortest form that reads back exactly.",
	"examples:\n  harness export quickstart --csv --what eval -o curves.csv\n"
	"  harness export quickstart --what files"
};

int cmd_export(int argc, char **argv)
{
	struct exp_view_opts o = { 0 };
	const char *what = "runs", *output = NULL;
	int csv = 0;
	struct option opts[] = {
		OPT_BOOL(0, "csv", &csv, "write CSV (the only format; required but for --what files)"),
		OPT_STRING_DEF(0, "what", &what, "W", "runs", "runs, eval, eval_episodes, episodes or files"),
		OPT_STRING_DEF('o', "output", &output, "FILE", "standard output", "where to write"),
		OPT_SELECTION(&o),
		OPT_STRING_DEF(0, "results", &o.results, "DIR", "$HARNESS_RESULTS or ./results", "results root"),
		OPT_END(),
	};
	argc = parse_options(argc, argv, opts, &export_usage, 0);
	if (argc < 0)
		return opt_exit_status(argc);
	if (argc > 1)
		return usagef("export", "unexpected argument '%s'", argv[1]);
	const char *name = argc ? argv[0] : NULL;
	static const char *const whats[] = { "runs", "eval", "eval_episodes", "episodes", "files" };
	int w = -1;
	for (int i = 0; i < (int)ARRAY_SIZE(whats); i++)
		if (!strcmp(what, whats[i]))
			w = i;
	if (!name) {
		error("export: give one experiment NAME");
		return 2;
	}
	if (w < 0) {
		error("export: --what must be runs, eval, eval_episodes, episodes or files, got '%s'", what);
		return 2;
	}
	if (!csv && w != 4) {
		error("export: give --csv (the only format; --what files alone lists paths)");
		return 2;
	}
	struct exp_view v;
	if (exp_view_open(&v, name, &o))
		return 2;
	struct common cm;
	cm.nhp = hp_names(&v.spec, &cm.hp);
	cm.cell_hp = xcalloc((size_t)v.spec.ncells + 1, sizeof(*cm.cell_hp));
	struct strbuf f = {0};
	int rc = 0;
	if (csv) {
		common_header(&f, &cm);
		static const char *const tails[] = { NULL, "step,mean_return,episodes\n",
						     "step,eval_episode,return,length\n",
						     "episode,return,length,end_step,terminated\n", "h5_path\n" };
		if (w == 0)
			for (size_t i = 0; i < ARRAY_SIZE(run_cols); i++)
				csv_field(&f, run_cols[i], i + 1 == ARRAY_SIZE(run_cols));
		else
			strbuf_addstr(&f, tails[w]);
	}
	for (int i = 0; !rc && i < v.spec.ncells; i++) {
		const struct cell_pick *p = &v.sel.cells[i];
		if (w == 0) {
			common_row(&f, &cm, &v.spec, i, p);
			run_row(&f, p);
		} else if (!cell_pick_drawn(p)) {
			continue;
		} else if (w == 4) {
			if (csv) {
				common_row(&f, &cm, &v.spec, i, p);
				csv_field(&f, p->rec.h5_path, 1);
			} else {
				strbuf_addf(&f, "%s\n", p->rec.h5_path);
			}
		} else if (series_rows(&f, &cm, &v.spec, i, p, what)) {
			rc = 2;
		}
	}
	if (!rc) {
		if (output)
			rc = write_file_atomic(output, f.buf ? f.buf : "", f.len) ? 2 : 0;
		else
			fwrite(f.buf ? f.buf : "", 1, f.len, stdout);
	}
	strbuf_release(&f);
	for (int i = 0; i < cm.nhp; i++)
		free(cm.hp[i]);
	free(cm.hp);
	for (int i = 0; i < v.spec.ncells; i++)
		free(cm.cell_hp[i]);
	free(cm.cell_hp);
	exp_view_close(&v);
	return rc;
}
