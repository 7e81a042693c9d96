/*
 * cellrun.c - see cellrun.h.
 */
#include "cellrun.h"

#include <cblas.h>
#include <fnmatch.h>
#include <math.h>
#include <signal.h>
#include <stddef.h>
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
	provenance_for_cell(&pc, c);
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
	strbuf_addf(sb, "%s=", key);
	outcome_escape(sb, value ? value : "");
	strbuf_addstr(sb, "\n");
}

int cell_record_write(const char *path, const struct cell_record *r)
{
	struct strbuf sb = {0};
	add_kv(&sb, "format", "harness-cell-record-v1");
	add_kv(&sb, "experiment", r->experiment);
	strbuf_addf(&sb, "cell_index=%lld\n", r->cell_index);
	add_kv(&sb, "cell_id", r->cell_id);
	add_kv(&sb, "config_hash", r->config_hash);
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
	add_kv(&sb, "python_versions", r->prov.python_versions);
	add_kv(&sb, "started_at", r->started_at);
	add_kv(&sb, "finished_at", r->finished_at);
	add_kv(&sb, "slurm_job", r->slurm_job);
	outcome_encode(&sb, &r->out);
	int rc = write_file_atomic(path, sb.buf, sb.len);
	strbuf_release(&sb);
	return rc;
}

/* The string fields of a record: key, where, size (the outcome's are outcome.c's). */
#define FIELD(key, dst, bit) { key, offsetof(struct cell_record, dst), sizeof(((struct cell_record *)0)->dst), bit }
static const struct field {
	const char *key;
	size_t off, size;
	int required;
} fields[] = {
	FIELD("experiment", experiment, 0), FIELD("cell_id", cell_id, 1), FIELD("config_hash", config_hash, 1),
	FIELD("h5_path", h5_path, 1), FIELD("source_hash", prov.source_hash, 1),
	FIELD("git_commit", prov.git_commit, 0), FIELD("compiler", prov.compiler, 0),
	FIELD("cflags", prov.cflags, 0), FIELD("blas", prov.blas, 0), FIELD("blas_core", prov.blas_core, 0),
	FIELD("cpu_model", prov.cpu_model, 0), FIELD("host", prov.host, 0),
	FIELD("python_versions", prov.python_versions, 0),
	FIELD("started_at", started_at, 0), FIELD("finished_at", finished_at, 0),
	FIELD("slurm_job", slurm_job, 0),
};
#undef FIELD

/* One key=value of a record: 0, or -1 with the reason in why. */
static int record_kv(struct cell_record *r, struct outcome_decoder *d, const char *k, const char *v,
		     unsigned *seen, char *why, size_t n)
{
	int o = outcome_decode_kv(d, k, v, why, n);
	if (o)
		return o < 0 ? -1 : 0;
	if (!strcmp(k, "format")) {
		if (strcmp(v, "harness-cell-record-v1")) {
			snprintf(why, n, "unknown format '%.64s'", v);
			return -1;
		}
		*seen |= 1u << ARRAY_SIZE(fields);
		return 0;
	}
	if (!strcmp(k, "cell_index")) {
		if (parse_ll(v, &r->cell_index) || r->cell_index < 0) {
			snprintf(why, n, "key 'cell_index': '%.64s' is not an integer", v);
			return -1;
		}
		*seen |= 1u << (ARRAY_SIZE(fields) + 1);
		return 0;
	}
	if (!strcmp(k, "git_dirty")) {
		r->prov.git_dirty = !strcmp(v, "1");
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		if (strcmp(k, fields[i].key))
			continue;
		int u = outcome_unescape(v, (char *)r + fields[i].off, fields[i].size);
		if (u) { /* a cut id, hash or path would name another cell or file: refused, never truncated */
			if (u < 0)
				snprintf(why, n, "key '%s': bad escape in '%.64s'", k, v);
			else
				snprintf(why, n, "key '%s': value longer than %zu bytes", k, fields[i].size - 1);
			return -1;
		}
		*seen |= 1u << i;
		return 0;
	}
	return 0; /* unknown keys: written by a newer harness, ignored */
}

int cell_record_read(const char *path, struct cell_record *r)
{
	size_t len;
	char *text = read_file(path, &len);
	if (!text)
		return -1;
	memset(r, 0, sizeof(*r));
	struct outcome_decoder d;
	outcome_decoder_init(&d);
	unsigned seen = 0;
	char why[300];
	int rc = -1;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *eq = strchr(line, '=');
		if (!eq) {
			error("record '%s': line '%.80s' is not key=value", path, line);
			goto out;
		}
		*eq = '\0';
		if (record_kv(r, &d, line, eq + 1, &seen, why, sizeof(why))) {
			error("record '%s': %s", path, why);
			goto out;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(fields) + 2; i++)
		if ((i >= ARRAY_SIZE(fields) || fields[i].required) && !(seen & (1u << i))) {
			error("record '%s' is incomplete: no '%s'", path,
			      i < ARRAY_SIZE(fields) ? fields[i].key : i == ARRAY_SIZE(fields) ? "format" : "cell_index");
			goto out;
		}
	if (outcome_decoder_finish(&d, &r->out, why, sizeof(why))) {
		error("record '%s'%s %s", path, strncmp(why, "incomplete", 10) ? ":" : " is", why);
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
