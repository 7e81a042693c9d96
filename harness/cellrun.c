/*
 * cellrun.c - see cellrun.h.
 */
#include "cellrun.h"

#include <cblas.h>
#include <fnmatch.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "h5store.h"

static void oneline(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

void cell_run_to_file(const char *experiment, const struct cell *c, const struct provenance *p,
		      const char *path, const char *tmp, progress_fn progress, void *ctx,
		      struct cell_outcome *o)
{
	struct error_capture cap;
	error_capture_begin(&cap, 0);
	openblas_set_num_threads(1);
	char started[32];
	iso_time_now(started);

	struct provenance pc = *p;
	provenance_for_cell(&pc, c->code_version);
	p = &pc;
	memset(o, 0, sizeof(*o));
	snprintf(o->status, sizeof(o->status), "error");
	/* fault injection for the tests of crash handling (it_smoke.sh): a worker that segfaults */
	const char *crash = getenv("HARNESS_TEST_CRASH_CELL");
	if (crash && *crash && !fnmatch(crash, c->cell_id, 0))
		raise(SIGSEGV);
	struct run_result r;
	if (runner_run(c, &r, progress, ctx) == 0) {
		if (h5_write_run(path, tmp, experiment, c, &r, p, started) == 0 &&
		    h5_content_hash(path, o->hash) == 0)
			snprintf(o->status, sizeof(o->status), "%s", r.failed ? "failed" : "complete");
		else
			o->hash[0] = '\0';
	}
	o->final_return = run_final_return(&r);
	o->auc = run_auc(&r);
	o->total_steps = r.total_steps;
	o->episodes = r.n_episodes;
	o->wall_seconds = r.wall_seconds;
	const char *msg = r.failed && !strcmp(o->status, "failed") ? r.error : cap.msg;
	snprintf(o->error, sizeof(o->error), "%s", msg);
	oneline(o->error);
	run_result_release(&r);
	error_capture_end(&cap);
}

static void add_kv(struct strbuf *sb, const char *key, const char *value)
{
	char *v = xstrdup(value ? value : "");
	oneline(v);
	strbuf_addf(sb, "%s=%s\n", key, v);
	free(v);
}

static void add_double(struct strbuf *sb, const char *key, double v)
{
	if (isnan(v))
		strbuf_addf(sb, "%s=nan\n", key);
	else
		strbuf_addf(sb, "%s=%.17g\n", key, v);
}

int cell_record_write(const char *path, const struct cell_record *r)
{
	struct strbuf sb = {0};
	const struct cell_outcome *o = &r->out;
	add_kv(&sb, "format", "harness-cell-record-v1");
	add_kv(&sb, "experiment", r->experiment);
	strbuf_addf(&sb, "cell_index=%lld\n", r->cell_index);
	add_kv(&sb, "cell_id", r->cell_id);
	add_kv(&sb, "config_hash", r->config_hash);
	add_kv(&sb, "status", o->status);
	add_kv(&sb, "content_hash", o->hash[0] ? o->hash : "-");
	add_double(&sb, "final_return", o->final_return);
	add_double(&sb, "auc", o->auc);
	strbuf_addf(&sb, "total_steps=%lld\nepisodes=%lld\n", o->total_steps, o->episodes);
	add_double(&sb, "wall_seconds", o->wall_seconds);
	add_kv(&sb, "h5_path", r->h5_path);
	add_kv(&sb, "source_hash", r->prov.source_hash);
	add_kv(&sb, "git_commit", r->prov.git_commit);
	strbuf_addf(&sb, "git_dirty=%d\n", r->prov.git_dirty);
	add_kv(&sb, "compiler", r->prov.compiler);
	add_kv(&sb, "cflags", r->prov.cflags);
	add_kv(&sb, "blas", r->prov.blas);
	add_kv(&sb, "blas_core", r->prov.blas_core);
	add_kv(&sb, "cpu_model", r->prov.cpu_model);
	add_kv(&sb, "host", r->prov.host);
	add_kv(&sb, "started_at", r->started_at);
	add_kv(&sb, "finished_at", r->finished_at);
	add_kv(&sb, "slurm_job", r->slurm_job);
	add_kv(&sb, "error", o->error);
	int rc = write_file_atomic(path, sb.buf, sb.len);
	strbuf_release(&sb);
	return rc;
}

static int parse_num(const char *path, const char *key, const char *v, double *out)
{
	if (!strcmp(v, "nan")) {
		*out = NAN;
		return 0;
	}
	if (parse_double(v, out))
		return error("record '%s': key '%s': '%s' is not a number", path, key, v);
	return 0;
}

static int parse_int(const char *path, const char *key, const char *v, long long *out)
{
	if (parse_ll(v, out))
		return error("record '%s': key '%s': '%s' is not an integer", path, key, v);
	return 0;
}

#define COPY(dst, v) snprintf(dst, sizeof(dst), "%s", v)

int cell_record_read(const char *path, struct cell_record *r)
{
	size_t len;
	char *text = read_file(path, &len);
	if (!text)
		return -1;
	memset(r, 0, sizeof(*r));
	struct cell_outcome *o = &r->out;
	enum { F_FORMAT = 1, F_INDEX = 2, F_CONFIG = 4, F_SOURCE = 8, F_STATUS = 16, F_HASH = 32,
	       F_PATH = 64, F_CELL = 128, F_ALL = 255 };
	int seen = 0, rc = -1;
	o->final_return = o->auc = NAN;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *eq = strchr(line, '=');
		if (!eq) {
			error("record '%s': line '%s' is not key=value", path, line);
			goto out;
		}
		*eq = '\0';
		const char *k = line, *v = eq + 1;
		double d;
		if (!strcmp(k, "format")) {
			if (strcmp(v, "harness-cell-record-v1")) {
				error("record '%s': unknown format '%s'", path, v);
				goto out;
			}
			seen |= F_FORMAT;
		} else if (!strcmp(k, "experiment")) {
			COPY(r->experiment, v);
		} else if (!strcmp(k, "cell_index")) {
			if (parse_int(path, k, v, &r->cell_index))
				goto out;
			seen |= F_INDEX;
		} else if (!strcmp(k, "cell_id")) {
			COPY(r->cell_id, v);
			seen |= F_CELL;
		} else if (!strcmp(k, "config_hash")) {
			COPY(r->config_hash, v);
			seen |= F_CONFIG;
		} else if (!strcmp(k, "source_hash")) {
			COPY(r->prov.source_hash, v);
			seen |= F_SOURCE;
		} else if (!strcmp(k, "git_commit")) {
			COPY(r->prov.git_commit, v);
		} else if (!strcmp(k, "git_dirty")) {
			r->prov.git_dirty = !strcmp(v, "1");
		} else if (!strcmp(k, "compiler")) {
			COPY(r->prov.compiler, v);
		} else if (!strcmp(k, "cflags")) {
			COPY(r->prov.cflags, v);
		} else if (!strcmp(k, "blas")) {
			COPY(r->prov.blas, v);
		} else if (!strcmp(k, "blas_core")) {
			COPY(r->prov.blas_core, v);
		} else if (!strcmp(k, "cpu_model")) {
			COPY(r->prov.cpu_model, v);
		} else if (!strcmp(k, "status")) {
			if (strcmp(v, "complete") && strcmp(v, "failed") && strcmp(v, "error")) {
				error("record '%s': unknown status '%s'", path, v);
				goto out;
			}
			COPY(o->status, v);
			seen |= F_STATUS;
		} else if (!strcmp(k, "content_hash")) {
			COPY(o->hash, strcmp(v, "-") ? v : "");
			seen |= F_HASH;
		} else if (!strcmp(k, "final_return")) {
			if (parse_num(path, k, v, &o->final_return))
				goto out;
		} else if (!strcmp(k, "auc")) {
			if (parse_num(path, k, v, &o->auc))
				goto out;
		} else if (!strcmp(k, "total_steps")) {
			if (parse_int(path, k, v, &o->total_steps))
				goto out;
		} else if (!strcmp(k, "episodes")) {
			if (parse_int(path, k, v, &o->episodes))
				goto out;
		} else if (!strcmp(k, "wall_seconds")) {
			if (parse_num(path, k, v, &d))
				goto out;
			o->wall_seconds = d;
		} else if (!strcmp(k, "h5_path")) {
			COPY(r->h5_path, v);
			seen |= F_PATH;
		} else if (!strcmp(k, "host")) {
			COPY(r->prov.host, v);
		} else if (!strcmp(k, "started_at")) {
			COPY(r->started_at, v);
		} else if (!strcmp(k, "finished_at")) {
			COPY(r->finished_at, v);
		} else if (!strcmp(k, "slurm_job")) {
			COPY(r->slurm_job, v);
		} else if (!strcmp(k, "error")) {
			COPY(o->error, v);
		} /* unknown keys: written by a newer harness, ignored */
	}
	if ((seen & F_ALL) != F_ALL) {
		error("record '%s' is incomplete", path);
		goto out;
	}
	if (strcmp(o->status, "error") && strlen(o->hash) != 64) {
		error("record '%s': status '%s' without a results hash", path, o->status);
		goto out;
	}
	rc = 0;
out:
	free(text);
	return rc;
}

char *cell_record_path(const char *dir, const char *h5_path)
{
	const char *base = strrchr(h5_path, '/');
	base = base ? base + 1 : h5_path;
	size_t n = strlen(base);
	if (n > 3 && !strcmp(base + n - 3, ".h5"))
		n -= 3;
	return xstrfmt("%s/%.*s.rec", dir, (int)n, base);
}
