/*
 * cmd_db.c - the read-only commands over the database: `harness list`,
 * `harness show RUN`, `harness export NAME --csv`, `harness plot NAME`.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "h5store.h"
#include "plot.h"
#include "results.h"
#include "rundb.h"
#include "spec.h"

/* SQL: keeps, of the runs r, the newest of each cell (whatever its status or code version). */
#define NEWEST_RUN_OF_CELL \
	" AND id = (SELECT id FROM runs r2 WHERE r2.experiment = r.experiment AND r2.cell_id = r.cell_id" \
	" ORDER BY r2.started_at DESC, r2.id DESC LIMIT 1)"

/* Parses --results DIR and positional arguments shared by these commands. */
struct db_args {
	const char *results;
	const char *pos[4];
	int npos;
	const char *what;
	const char *output;
	const char *commit;
	int csv;
};

static int parse_db_args(int argc, char **argv, struct db_args *a, const char *cmd)
{
	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		const char **slot = NULL;
		if (!strcmp(s, "--results"))
			slot = &a->results;
		else if (!strcmp(s, "--what"))
			slot = &a->what;
		else if (!strcmp(s, "--output") || !strcmp(s, "-o"))
			slot = &a->output;
		else if (!strcmp(s, "--commit"))
			slot = &a->commit;
		else if (!strcmp(s, "--csv")) {
			a->csv = 1;
			continue;
		} else if (s[0] == '-') {
			fprintf(stderr, "harness: error: %s: unknown option '%s' (see 'harness %s --help')\n", cmd, s, cmd);
			return -1;
		} else {
			if (a->npos == (int)ARRAY_SIZE(a->pos)) {
				fprintf(stderr, "harness: error: %s: unexpected argument '%s'\n", cmd, s);
				return -1;
			}
			a->pos[a->npos++] = s;
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "harness: error: %s: option '%s' needs a value\n", cmd, s);
			return -1;
		}
		*slot = argv[++i];
	}
	return 0;
}

/* Opens the database of a results root read-write (migrations) if it exists. */
static struct rundb *open_db(const char *results)
{
	const char *root = results_root(results);
	char *path = results_db_path(root);
	struct rundb *db = NULL;
	if (access(path, F_OK)) {
		error("no database at '%s' (run an experiment first, or give --results DIR)", path);
	} else if (rundb_open(&db, path)) {
		db = NULL;
	}
	free(path);
	return db;
}

static int check_name(const char *name)
{
	if (!valid_experiment_name(name)) {
		error("experiment name '%s' is not valid: letters, digits, _ . - only, no path characters", name);
		return -1;
	}
	return 0;
}

static int experiment_exists(sqlite3 *h, const char *name)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h, "SELECT 1 FROM experiments WHERE name = ?1", -1, &st, NULL) != SQLITE_OK)
		return error("cannot query experiments: %s", sqlite3_errmsg(h));
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	int found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!found)
		return error("unknown experiment '%s' (see 'harness list')", name);
	return 0;
}

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

int cmd_list(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		printf("usage: harness list [NAME] [--results DIR]\n\n"
		       "Without NAME: every experiment with its runs counted by status.\n"
		       "With NAME: the newest run of each cell: id, status, final return, wall seconds.\n\n"
		       "example:\n  harness list quickstart\n");
		return 0;
	}
	struct db_args a;
	if (parse_db_args(argc, argv, &a, "list") || a.npos > 1)
		return 2;
	if (a.npos && check_name(a.pos[0]))
		return 2;
	struct rundb *db = open_db(a.results);
	if (!db)
		return 2;
	sqlite3 *h = rundb_handle(db);
	sqlite3_stmt *st;
	int rc = 0;
	if (!a.npos) {
		const char *sql =
			"SELECT e.name, e.cells, e.updated_at,"
			" (SELECT count(*) FROM runs r WHERE r.experiment = e.name AND r.status = 'complete'),"
			" (SELECT count(*) FROM runs r WHERE r.experiment = e.name AND r.status = 'failed'),"
			" (SELECT count(*) FROM runs r WHERE r.experiment = e.name AND r.status = 'error'),"
			" (SELECT count(*) FROM runs r WHERE r.experiment = e.name AND r.status = 'running'),"
			" e.description FROM experiments e ORDER BY e.name";
		if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
			rundb_close(db);
			return error("cannot query: %s", sqlite3_errmsg(h)) ? 2 : 2;
		}
		printf("%-24s %6s %9s %7s %6s %8s  %-20s  %s\n", "experiment", "cells", "complete", "failed",
		       "error", "running", "updated", "description");
		while (sqlite3_step(st) == SQLITE_ROW)
			printf("%-24s %6d %9d %7d %6d %8d  %-20s  %s\n", col(st, 0), sqlite3_column_int(st, 1),
			       sqlite3_column_int(st, 3), sqlite3_column_int(st, 4), sqlite3_column_int(st, 5),
			       sqlite3_column_int(st, 6), col(st, 2), col(st, 7));
	} else {
		if (experiment_exists(h, a.pos[0])) {
			rundb_close(db);
			return 2;
		}
		const char *sql =
			"SELECT id, cell_id, status, final_return, wall_seconds, substr(git_commit, 1, 10),"
			" finished_at, error FROM runs r WHERE experiment = ?1" NEWEST_RUN_OF_CELL " ORDER BY cell_index";
		if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
			rundb_close(db);
			return error("cannot query: %s", sqlite3_errmsg(h)) ? 2 : 2;
		}
		sqlite3_bind_text(st, 1, a.pos[0], -1, SQLITE_TRANSIENT);
		printf("%6s  %-9s %12s %9s  %-10s  %s\n", "run", "status", "final", "wall_s", "commit", "cell");
		while (sqlite3_step(st) == SQLITE_ROW) {
			printf("%6lld  %-9s %12.6g %9.3f  %-10s  %s", sqlite3_column_int64(st, 0), col(st, 2),
			       sqlite3_column_type(st, 3) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 3),
			       sqlite3_column_double(st, 4), col(st, 5), col(st, 1));
			if (*col(st, 7))
				printf("  (%s)", col(st, 7));
			putchar('\n');
		}
	}
	sqlite3_finalize(st);
	rundb_close(db);
	return rc;
}

int cmd_show(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		printf("usage: harness show RUN [--results DIR]\n\n"
		       "Prints every recorded fact of one run: RUN is the run id shown by 'harness list NAME'.\n\n"
		       "example:\n  harness show 3\n");
		return 0;
	}
	struct db_args a;
	if (parse_db_args(argc, argv, &a, "show"))
		return 2;
	long long id;
	if (a.npos != 1 || parse_ll(a.pos[0], &id)) {
		error("show: RUN must be a run id (a number from 'harness list NAME'), got '%s'",
		      a.npos ? a.pos[0] : "nothing");
		return 2;
	}
	struct rundb *db = open_db(a.results);
	if (!db)
		return 2;
	sqlite3 *h = rundb_handle(db);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h, "SELECT * FROM runs WHERE id = ?1", -1, &st, NULL) != SQLITE_OK) {
		rundb_close(db);
		return error("cannot query: %s", sqlite3_errmsg(h)) ? 2 : 2;
	}
	sqlite3_bind_int64(st, 1, id);
	int rc = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++)
			printf("%-14s %s\n", sqlite3_column_name(st, i),
			       sqlite3_column_type(st, i) == SQLITE_NULL ? "" : col(st, i));
	} else {
		rc = 2;
		error("no run with id %lld (see 'harness list NAME')", id);
	}
	sqlite3_finalize(st);
	rundb_close(db);
	return rc;
}

static void csv_field(FILE *f, const char *s, int last)
{
	if (strpbrk(s, ",\"\n\r")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputc(last ? '\n' : ',', f);
}

int cmd_export(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		printf("usage: harness export NAME --csv [--what runs|eval|episodes] [-o FILE] [--results DIR]\n\n"
		       "Writes CSV (to standard output, or FILE written atomically):\n"
		       "  runs      one row per run (the newest of each cell): provenance and summary\n"
		       "  eval      one row per evaluation: cell, env, config, seed, step, mean return\n"
		       "  episodes  one row per training episode: cell, env, config, seed, episode,\n"
		       "            return, length, end_step, terminated\n\n"
		       "example:\n  harness export quickstart --csv --what eval -o curves.csv\n");
		return 0;
	}
	struct db_args a;
	if (parse_db_args(argc, argv, &a, "export"))
		return 2;
	if (a.npos != 1) {
		error("export: give one experiment NAME");
		return 2;
	}
	if (!a.csv) {
		error("export: give --csv (the only format)");
		return 2;
	}
	const char *what = a.what ? a.what : "runs";
	if (strcmp(what, "runs") && strcmp(what, "eval") && strcmp(what, "episodes")) {
		error("export: --what must be runs, eval or episodes, got '%s'", what);
		return 2;
	}
	if (check_name(a.pos[0]))
		return 2;
	struct rundb *db = open_db(a.results);
	if (!db)
		return 2;
	sqlite3 *h = rundb_handle(db);
	if (experiment_exists(h, a.pos[0])) {
		rundb_close(db);
		return 2;
	}
	static const char *const cols[] = { "id", "experiment", "cell_id", "env_id", "env_label",
					    "config_name", "learner", "seed", "status", "error", "final_return",
					    "auc", "total_steps", "episodes", "wall_seconds", "started_at",
					    "finished_at", "git_commit", "git_dirty", "source_hash", "config_hash",
					    "content_hash", "h5_path", "config_json", "blas", "blas_core",
					    "cpu_model", "host", "compiler", "cflags" };
	struct strbuf sql = {0};
	strbuf_addstr(&sql, "SELECT ");
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++)
		strbuf_addf(&sql, "%s%s", i ? ", " : "", cols[i]);
	strbuf_addstr(&sql, " FROM runs r WHERE experiment = ?1" NEWEST_RUN_OF_CELL " ORDER BY cell_index");
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h, sql.buf, -1, &st, NULL) != SQLITE_OK) {
		strbuf_release(&sql);
		rundb_close(db);
		return error("cannot query: %s", sqlite3_errmsg(h)) ? 2 : 2;
	}
	strbuf_release(&sql);
	sqlite3_bind_text(st, 1, a.pos[0], -1, SQLITE_TRANSIENT);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc = 0;
	if (!strcmp(what, "runs")) {
		for (size_t i = 0; i < ARRAY_SIZE(cols); i++)
			csv_field(f, cols[i], i + 1 == ARRAY_SIZE(cols));
		while (sqlite3_step(st) == SQLITE_ROW)
			for (size_t i = 0; i < ARRAY_SIZE(cols); i++)
				csv_field(f, col(st, (int)i), i + 1 == ARRAY_SIZE(cols));
	} else {
		int ev = !strcmp(what, "eval");
		fputs(ev ? "cell_id,env,config,seed,step,mean_return\n"
			 : "cell_id,env,config,seed,episode,return,length,end_step,terminated\n", f);
		while (!rc && sqlite3_step(st) == SQLITE_ROW) {
			if (strcmp(col(st, 8), "complete"))
				continue;
			const char *path = col(st, 22);
			double *x = NULL, *y = NULL, *l = NULL, *e = NULL, *t = NULL;
			long long dx[2], dy[2];
			if (ev) {
				if (h5_read_doubles(path, "/eval/step", &x, dx) || h5_read_doubles(path, "/eval/returns", &y, dy)) {
					rc = 2;
				} else {
					for (long long k = 0; k < dx[0]; k++) {
						double s = 0;
						for (long long j = 0; j < dy[1]; j++)
							s += y[k * dy[1] + j];
						csv_field(f, col(st, 2), 0);
						csv_field(f, col(st, 4), 0);
						csv_field(f, col(st, 5), 0);
						fprintf(f, "%s,%.0f,%.17g\n", col(st, 7), x[k], dy[1] ? s / (double)dy[1] : NAN);
					}
				}
			} else if (h5_read_doubles(path, "/episodes/return", &y, dy) ||
				   h5_read_doubles(path, "/episodes/length", &l, dx) ||
				   h5_read_doubles(path, "/episodes/end_step", &e, dx) ||
				   h5_read_doubles(path, "/episodes/terminated", &t, dx)) {
				rc = 2;
			} else {
				for (long long k = 0; k < dy[0]; k++) {
					csv_field(f, col(st, 2), 0);
					csv_field(f, col(st, 4), 0);
					csv_field(f, col(st, 5), 0);
					fprintf(f, "%s,%lld,%.17g,%.0f,%.0f,%.0f\n", col(st, 7), k, y[k], l[k], e[k], t[k]);
				}
			}
			free(x);
			free(y);
			free(l);
			free(e);
			free(t);
		}
	}
	fclose(f);
	sqlite3_finalize(st);
	rundb_close(db);
	if (!rc) {
		if (a.output)
			rc = write_file_atomic(a.output, buf, len) ? 2 : 0;
		else
			fwrite(buf, 1, len, stdout);
	}
	free(buf);
	return rc;
}

/* Parses one `harness plot` option with a value; 1 if consumed, 0 if not ours, -1 on error. */
static int plot_option(const char *opt, const char *val, struct plot_opts *o)
{
	long long n;
	double w;
	if (!strcmp(opt, "--metric")) {
		if (stats_metric_parse(val, &o->metric) || o->metric == STATS_OPTIMALITY_GAP)
			return error("plot: --metric must be iqm, mean or median, got '%s'", val);
	} else if (!strcmp(opt, "--format")) {
		o->png = o->pdf = 0;
		char *list = xstrdup(val), *save = NULL;
		for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			if (!strcmp(t, "png"))
				o->png = 1;
			else if (!strcmp(t, "pdf"))
				o->pdf = 1;
			else {
				free(list);
				return error("plot: --format takes png, pdf or png,pdf, got '%s'", val);
			}
		}
		free(list);
		if (!o->png && !o->pdf)
			return error("plot: --format takes png, pdf or png,pdf, got '%s'", val);
	} else if (!strcmp(opt, "--width")) {
		if (parse_double(val, &w) || !(w >= 2 && w <= 20))
			return error("plot: --width must be inches between 2 and 20 (3.5 one column, 7 two), got '%s'", val);
		o->width = w;
	} else if (!strcmp(opt, "--smooth")) {
		if (parse_ll(val, &n) || n < 0 || n > 100000)
			return error("plot: --smooth must be a number of points between 0 and 100000, got '%s'", val);
		o->smooth = (int)n;
	} else if (!strcmp(opt, "--config") || !strcmp(opt, "--env")) {
		int cfg = !strcmp(opt, "--config");
		const char *const **list = cfg ? &o->only_configs : &o->only_envs;
		int *n = cfg ? &o->n_only_configs : &o->n_only_envs;
		*list = xrealloc((void *)*list, (size_t)(*n + 1) * sizeof(**list));
		((const char **)*list)[(*n)++] = val;
	} else if (!strcmp(opt, "--metric-of")) {
		if (score_parse(val, &o->score))
			return error("plot: --metric-of must be final, auc, last:K or best, got '%s'", val);
	} else if (!strcmp(opt, "--resamples")) {
		if (parse_ll(val, &n) || n < 10 || n > 1000000)
			return error("plot: --resamples must be between 10 and 1000000, got '%s'", val);
		o->resamples = (int)n;
	} else {
		return 0;
	}
	return 1;
}

int cmd_plot(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		printf("usage: harness plot NAME [--metric iqm|mean|median] [--format png,pdf] [--width IN]\n"
		       "                         [--smooth K] [--resamples N] [--metric-of S] [--config NAME]... [--env LABEL]...\n"
		       "                         [--no-bands] [--commit REV] [--results DIR]\n\n"
		       "Draws the figures and tables of an experiment from its newest complete runs (or\n"
		       "those made at the git commit REV, a prefix of the hash), after Agarwal et al.,\n"
		       "\"Deep RL at the Edge of the Statistical Precipice\" (2021):\n\n"
		       "  figures/<env>.png|pdf   learning curves: metric across seeds, 95%% bootstrap band\n"
		       "  figures/curves.png|pdf  every environment as a panel, one legend\n"
		       "  figures/aggregate.*     IQM, median, mean, optimality gap of normalised scores\n"
		       "  figures/profile.*       performance profiles (fraction of runs above tau)\n"
		       "  figures/poi.*           probability of improvement for each pair of algorithms\n"
		       "  tables/final.md|tex     final score per environment and algorithm, best in bold\n\n"
		       "Normalised score = (score - random) / (reference - random): random is a seeded\n"
		       "uniform-random policy measured once and cached in the database, reference the\n"
		       "optimal return (tabular environments) or the reward threshold. Intervals are\n"
		       "stratified percentile bootstrap ones, seeded: the same runs give the same output.\n\n"
		       "options:\n"
		       "  --metric M      curves and tables: iqm (default), mean or median\n"
		       "  --format F      png, pdf or png,pdf (default)\n"
		       "  --width IN      figure width in inches: 3.5 one column, 7 two columns (default)\n"
		       "  --smooth K      moving average over K curve points (default: none; training-\n"
		       "                  return curves of runs without evaluations: 10 episodes)\n"
		       "  --resamples N   bootstrap resamples (default 10000); every interval is seeded from\n"
		       "                  the name of what it estimates, so tables and figures agree\n"
		       "  --config NAME   draw only this configuration (name or label; repeatable)\n"
		       "  --env LABEL     draw only this environment (repeatable)\n"
		       "  --no-bands      learning curves without their interval bands\n"
		       "  --metric-of S   the score of a run in tables and aggregate figures: final (default),\n"
		       "                  auc, last:K (mean of the last K curve points), best (best point)\n"
		       "  --commit REV    only runs made at this git commit\n"
		       "  --results DIR   results root (default: $HARNESS_RESULTS or ./results)\n\n"
		       "examples:\n  harness plot quickstart\n  harness plot quickstart --width 3.5 --metric mean --format pdf\n");
		return 0;
	}
	struct plot_opts o;
	plot_opts_init(&o);
	const char *name = NULL, *results = NULL, *commit = NULL;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (s[0] != '-') {
			if (name) {
				error("plot: unexpected argument '%s'", s);
				return 2;
			}
			name = s;
			continue;
		}
		if (!strcmp(s, "--no-bands")) {
			o.bands = 0;
			continue;
		}
		if (i + 1 >= argc) {
			error("plot: option '%s' needs a value (see 'harness plot --help')", s);
			return 2;
		}
		const char *v = argv[++i];
		if (!strcmp(s, "--results"))
			results = v;
		else if (!strcmp(s, "--commit"))
			commit = v;
		else {
			int r = plot_option(s, v, &o);
			if (r < 0)
				return 2;
			if (!r) {
				error("plot: unknown option '%s' (see 'harness plot --help')", s);
				return 2;
			}
		}
	}
	if (!name) {
		error("plot: give one experiment NAME");
		return 2;
	}
	if (check_name(name))
		return 2;
	struct rundb *db = open_db(results);
	if (!db)
		return 2;
	if (experiment_exists(rundb_handle(db), name)) {
		rundb_close(db);
		return 2;
	}
	char *figdir = NULL;
	int rc = plot_experiment_opts(rundb_handle(db), results_root(results), name, commit, &o, &figdir) ? 2 : 0;
	if (!rc)
		printf("figures in %s/, tables in %s/%s/tables/\n", figdir, results_root(results), name);
	free(figdir);
	rundb_close(db);
	free((void *)o.only_configs);
	free((void *)o.only_envs);
	return rc;
}
