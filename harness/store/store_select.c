/*
 * store_select.c - see store.h: the selection rule (which run, if any, each
 * cell of the current spec shows), its summary lines, run files no row knows,
 * and prune.
 */
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "rundb.h"

static enum cell_state state_of(enum run_status s)
{
	switch (s) {
	case RUN_COMPLETE: return CELL_COMPLETE;
	case RUN_FAILED: return CELL_FAILED;
	case RUN_RUNNING: return CELL_RUNNING;
	default: return CELL_ERROR;
	}
}

/* The spec's cells sorted by (cell id, config hash): which cell, if any, a row is. */
struct cell_index {
	const struct spec *spec;
	int *order; /* (ncells) cell indices, sorted */
};

static const struct spec *sort_spec;

static int cmp_cells(const void *a, const void *b)
{
	const struct cell *x = &sort_spec->cells[*(const int *)a], *y = &sort_spec->cells[*(const int *)b];
	int c = strcmp(x->cell_id, y->cell_id);
	return c ? c : strcmp(x->config_hash, y->config_hash);
}

static void cell_index_init(struct cell_index *ix, const struct spec *spec)
{
	ix->spec = spec;
	ix->order = xcalloc((size_t)spec->ncells + 1, sizeof(int));
	for (int i = 0; i < spec->ncells; i++)
		ix->order[i] = i;
	sort_spec = spec;
	qsort(ix->order, (size_t)spec->ncells, sizeof(int), cmp_cells);
}

/* The spec's cell a row is (its id and config hash), or -1. */
static int cell_index_find(const struct cell_index *ix, const char *cell_id, const char *config_hash)
{
	int lo = 0, hi = ix->spec->ncells - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		const struct cell *c = &ix->spec->cells[ix->order[mid]];
		int k = strcmp(cell_id, c->cell_id);
		if (!k)
			k = strcmp(config_hash, c->config_hash);
		if (!k)
			return ix->order[mid];
		if (k < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return -1;
}

int store_count_outside(struct store *s, const struct spec *spec, const struct provenance *prov,
			long long *other_versions, long long *stale)
{
	struct run_list all;
	*other_versions = *stale = 0;
	if (store_query(s, &(struct run_filter){ .experiment = spec->name }, SELECT_ALL, &all))
		return -1;
	struct cell_index ix;
	cell_index_init(&ix, spec);
	for (int k = 0; k < all.n; k++) {
		int c = cell_index_find(&ix, all.v[k].cell_id, all.v[k].config_hash);
		if (c < 0)
			++*stale;
		else if (prov && strcmp(all.v[k].source_hash, store_cell_code_version(&spec->cells[c], prov)))
			++*other_versions;
	}
	free(ix.order);
	run_list_release(&all);
	return 0;
}

int store_select_spec(struct store *s, const struct spec *spec, const struct select_opts *o,
		      struct selection *sel)
{
	memset(sel, 0, sizeof(*sel));
	sel->spec = spec;
	sel->cells = xcalloc((size_t)spec->ncells + 1, sizeof(*sel->cells));
	for (int i = 0; i < spec->ncells; i++) {
		const struct cell *c = &spec->cells[i];
		struct cell_pick *p = &sel->cells[i];
		struct run_filter f = { .experiment = spec->name, .cell_id = c->cell_id, .config_hash = c->config_hash };
		if (o->commit)
			f.commit = o->commit;
		else
			f.source_hash = store_cell_code_version(c, o->prov);
		int found = store_newest(s, &f, &p->rec);
		if (found < 0)
			goto fail;
		if (found) {
			p->has_rec = 1;
			p->state = state_of(p->rec.status);
		} else {
			struct run_filter any = { .experiment = spec->name, .cell_id = c->cell_id,
						  .config_hash = c->config_hash, .statuses = RUN_DONE_MASK };
			found = store_newest(s, &any, &p->rec);
			if (found < 0)
				goto fail;
			p->state = found ? CELL_OTHER_VERSION : CELL_NOT_RUN;
			if (found && o->other_versions) {
				p->has_rec = 1;
				p->other_version = 1;
				p->state = state_of(p->rec.status);
				sel->n_other_used++;
			} else if (found) {
				run_rec_release(&p->rec);
			}
		}
		sel->n[p->state]++;
	}
	/* rows of the experiment that no cell of the spec is (at any code version) */
	long long other, stale;
	if (store_count_outside(s, spec, NULL, &other, &stale))
		goto fail;
	sel->stale_rows = (int)stale;
	return 0;
fail:
	selection_release(sel);
	return -1;
}

void selection_release(struct selection *sel)
{
	for (int i = 0; sel->cells && sel->spec && i < sel->spec->ncells; i++)
		if (sel->cells[i].has_rec)
			run_rec_release(&sel->cells[i].rec);
	free(sel->cells);
	memset(sel, 0, sizeof(*sel));
}

int cell_pick_drawn(const struct cell_pick *p)
{
	return p->has_rec && (p->state == CELL_COMPLETE || p->state == CELL_FAILED);
}

/* "; <n> <what>[: <first message>[ (and k other messages)]]" for the cells of a group in state st. */
static void describe_state(const struct selection *sel, int first, int n, enum cell_state st,
			   const char *what, struct strbuf *out)
{
	int k = 0, others = 0;
	const char *msg = NULL;
	for (int i = first; i < first + n; i++) {
		const struct cell_pick *p = &sel->cells[i];
		if (p->state != st)
			continue;
		k++;
		const char *m = p->has_rec && p->rec.error[0] ? p->rec.error : NULL;
		if (m && !msg)
			msg = m;
		else if (m && strcmp(m, msg))
			others++;
	}
	if (!k)
		return;
	strbuf_addf(out, "; %d %s", k, what);
	if (msg)
		strbuf_addf(out, ": %s", msg);
	if (others)
		strbuf_addf(out, " (and %d other message%s)", others, others > 1 ? "s" : "");
}

void selection_describe(const struct selection *sel, int first, int n, struct strbuf *out)
{
	int complete = 0, other = 0;
	for (int i = first; i < first + n; i++) {
		complete += sel->cells[i].state == CELL_COMPLETE;
		other += sel->cells[i].other_version;
	}
	strbuf_addf(out, "%d of %d seeds complete", complete, n);
	if (other)
		strbuf_addf(out, " (%d at other code versions)", other);
	describe_state(sel, first, n, CELL_FAILED, "failed", out);
	describe_state(sel, first, n, CELL_ERROR, "error", out);
	describe_state(sel, first, n, CELL_RUNNING, "running", out);
	describe_state(sel, first, n, CELL_OTHER_VERSION,
		       "only at other code versions (not shown; --other-versions shows them)", out);
	describe_state(sel, first, n, CELL_NOT_RUN, "not run", out);
}

void selection_report(const struct selection *sel, FILE *f)
{
	const struct spec *s = sel->spec;
	for (int i = 0; i < s->ncells;) {
		int n = 1;
		while (i + n < s->ncells && !strcmp(s->cells[i + n].env_label, s->cells[i].env_label) &&
		       !strcmp(s->cells[i + n].config_name, s->cells[i].config_name))
			n++;
		int all = 1;
		for (int k = i; k < i + n; k++)
			all &= sel->cells[k].state == CELL_COMPLETE && !sel->cells[k].other_version;
		if (!all) {
			struct strbuf sb = {0};
			selection_describe(sel, i, n, &sb);
			fprintf(f, "harness: %s: %s / %s: %s\n", s->name, s->cells[i].env_label,
				s->cells[i].config_name, sb.buf);
			strbuf_release(&sb);
		}
		i += n;
	}
	if (sel->n[CELL_FAILED])
		fprintf(f, "harness: %s: %d failed runs counted with their score at failure\n", s->name,
			sel->n[CELL_FAILED]);
	if (sel->stale_rows)
		fprintf(f, "harness: %s: %d runs in the database are of no cell of the current spec (removed or "
			"changed configurations): not shown; 'harness prune %s' removes them\n", s->name,
			sel->stale_rows, s->name);
}

/* --- files --- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int store_unknown_files(struct store *s, const char *experiment, void (*cb)(void *, const char *), void *ctx)
{
	struct run_list all;
	if (store_query(s, &(struct run_filter){ .experiment = experiment }, SELECT_ALL, &all))
		return -1;
	char **known = xcalloc((size_t)all.n + 1, sizeof(*known)); /* sorted stored paths */
	for (int i = 0; i < all.n; i++)
		known[i] = rundb_rel_run_path(all.v[i].experiment, all.v[i].h5_stored);
	qsort(known, (size_t)all.n, sizeof(*known), cmp_str);
	char *dir = xstrfmt("%s/%s/runs", store_root(s), experiment);
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue; /* ., .., temporary files (results_stale_tmp) */
		char *rel = xstrfmt("%s/runs/%s", experiment, de->d_name);
		if (!bsearch(&rel, known, (size_t)all.n, sizeof(*known), cmp_str)) {
			char *path = xstrfmt("%s/%s", dir, de->d_name);
			cb(ctx, path);
			free(path);
			n++;
		}
		free(rel);
	}
	if (d)
		closedir(d);
	free(dir);
	for (int i = 0; i < all.n; i++)
		free(known[i]);
	free(known);
	run_list_release(&all);
	return n;
}

static void print_unknown(void *ctx, const char *path)
{
	int dry = *(int *)ctx;
	printf("%s\t-\tfile no run knows\t%s\n", dry ? "would remove" : "removed", printable(path));
	if (!dry && unlink(path))
		error("cannot remove '%s': %s", path, strerror(errno));
}

int store_prune(struct store *s, const struct spec *spec, int dry_run)
{
	struct run_list all;
	if (store_query(s, &(struct run_filter){ .experiment = spec->name }, SELECT_ALL, &all))
		return -1;
	long long *ids = xcalloc((size_t)all.n + 1, sizeof(long long));
	int n = 0;
	struct cell_index ix;
	cell_index_init(&ix, spec);
	for (int k = 0; k < all.n; k++)
		if (cell_index_find(&ix, all.v[k].cell_id, all.v[k].config_hash) < 0)
			ids[n++] = all.v[k].id;
	free(ix.order);
	int rc = n;
	if (!dry_run && n && store_delete_runs(s, ids, n))
		rc = -1;
	for (int k = 0, j = 0; rc >= 0 && k < all.n && j < n; k++) {
		if (all.v[k].id != ids[j])
			continue;
		j++;
		printf("%s\t%lld\t%s\t%s\n", dry_run ? "would remove" : "removed", all.v[k].id,
		       printable(all.v[k].cell_id), printable(all.v[k].h5_path));
		int shared = 0; /* a kept row naming the same file keeps it */
		for (int m = 0, q = 0; m < all.n && !shared; m++) {
			while (q < n && ids[q] < all.v[m].id)
				q++;
			if ((q >= n || ids[q] != all.v[m].id) && !strcmp(all.v[m].h5_stored, all.v[k].h5_stored))
				shared = 1;
		}
		if (!dry_run && !shared && all.v[k].h5_path[0] && unlink(all.v[k].h5_path) && errno != ENOENT)
			error("cannot remove '%s': %s", all.v[k].h5_path, strerror(errno));
	}
	/* after the rows: files no row knows (also those a pruning interrupted left behind) */
	if (rc >= 0) {
		int u = store_unknown_files(s, spec->name, print_unknown, &dry_run);
		rc = u < 0 ? -1 : rc + u;
	}
	free(ids);
	run_list_release(&all);
	return rc;
}
