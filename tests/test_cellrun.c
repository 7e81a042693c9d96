/*
 * test_cellrun.c - running one cell to its stored result (shared by local
 * children and Slurm array tasks) and the per-cell record files: the recorded
 * hash is the file's, two runs of a cell give the same hash, a failing setup
 * is an error outcome with its message; records read back exactly (doubles to
 * the bit, NaN, messages flattened to one line) and bad records are refused.
 */
#include "testutil.h"
#include <unistd.h>
#include "../harness/cellrun.h"
#include "../harness/h5store.h"

static char tmpdir[256];
static char captured[1024];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_cellrun.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	error_capture = captured;
	error_capture_len = sizeof(captured);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd);
}

static void test_cellrun__hash_is_the_files_and_reproducible(void **state)
{
	(void)state;
	struct spec s;
	assert_int_equal(spec_load(&s, test_data_path("itrun.cfg")), 0);
	struct provenance p;
	provenance_get(&p);
	char a[512], b[512], ta[512], tb[512];
	snprintf(a, sizeof(a), "%s/a.h5", tmpdir);
	snprintf(b, sizeof(b), "%s/b.h5", tmpdir);
	snprintf(ta, sizeof(ta), "%s/.tmp-a.h5", tmpdir);
	snprintf(tb, sizeof(tb), "%s/.tmp-b.h5", tmpdir);
	struct cell_outcome oa, ob;
	cell_run_to_file(s.name, &s.cells[4], &p, a, ta, NULL, NULL, &oa);
	cell_run_to_file(s.name, &s.cells[4], &p, b, tb, NULL, NULL, &ob);
	assert_string_equal(oa.status, "complete");
	assert_string_equal(oa.error, "");
	assert_int_equal(strlen(oa.hash), 64);
	char h[65];
	assert_int_equal(h5_content_hash(a, h), 0);
	assert_string_equal(h, oa.hash);
	assert_string_equal(oa.hash, ob.hash);
	assert_true(access(ta, F_OK) != 0);
	assert_int_equal(oa.total_steps, 30000);
	assert_true(oa.episodes > 0 && oa.episodes == ob.episodes);
	assert_true(oa.final_return >= 0 && oa.final_return <= 1);
	/* another cell: another result */
	cell_run_to_file(s.name, &s.cells[5], &p, b, tb, NULL, NULL, &ob);
	assert_string_equal(ob.status, "complete");
	assert_string_not_equal(oa.hash, ob.hash);
	spec_release(&s);
}

static void test_cellrun__unwritable_path_is_an_error_outcome(void **state)
{
	(void)state;
	struct spec s;
	assert_int_equal(spec_load(&s, test_data_path("itrun.cfg")), 0);
	struct provenance p;
	provenance_get(&p);
	char a[512], ta[512];
	snprintf(a, sizeof(a), "%s/no/such/dir/a.h5", tmpdir);
	snprintf(ta, sizeof(ta), "%s/no/such/dir/.tmp-a.h5", tmpdir);
	struct cell_outcome o;
	cell_run_to_file(s.name, &s.cells[0], &p, a, ta, NULL, NULL, &o);
	assert_string_equal(o.status, "error");
	assert_string_equal(o.hash, "");
	assert_non_null(strstr(o.error, "cannot create"));
	assert_null(strchr(o.error, '\n'));
	spec_release(&s);
}

static void fill(struct cell_record *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->experiment, sizeof(r->experiment), "itrun");
	r->cell_index = 11;
	snprintf(r->cell_id, sizeof(r->cell_id), "FrozenLake-v1(is_slippery=false)/q[learning_rate=0.5]/seed=2");
	memset(r->config_hash, 'a', 64);
	memset(r->prov.source_hash, 'b', 64);
	snprintf(r->prov.blas, sizeof(r->prov.blas), "OpenBLAS 0.3 MAX_THREADS=64");
	r->prov.git_dirty = 1;
	snprintf(r->prov.host, sizeof(r->prov.host), "node7");
	snprintf(r->out.status, sizeof(r->out.status), "failed");
	memset(r->out.hash, 'c', 64);
	r->out.final_return = 0.1 + 0.2;
	r->out.auc = NAN;
	r->out.wall_seconds = 1.0 / 3.0;
	r->out.total_steps = 123456789012LL;
	r->out.episodes = 42;
	snprintf(r->out.error, sizeof(r->out.error), "diverged at step 7:\nQ is nan");
	snprintf(r->h5_path, sizeof(r->h5_path), "/shared/results/itrun/runs/x-0123456789.h5");
	snprintf(r->slurm_job, sizeof(r->slurm_job), "123_4");
}

static void test_cellrun__record_roundtrip(void **state)
{
	(void)state;
	struct cell_record w, r;
	fill(&w);
	char path[512];
	snprintf(path, sizeof(path), "%s/x.rec", tmpdir);
	assert_int_equal(cell_record_write(path, &w), 0);
	assert_int_equal(cell_record_read(path, &r), 0);
	assert_string_equal(r.experiment, w.experiment);
	assert_int_equal(r.cell_index, 11);
	assert_string_equal(r.cell_id, w.cell_id);
	assert_string_equal(r.config_hash, w.config_hash);
	assert_string_equal(r.prov.source_hash, w.prov.source_hash);
	assert_string_equal(r.prov.blas, "OpenBLAS 0.3 MAX_THREADS=64");
	assert_int_equal(r.prov.git_dirty, 1);
	assert_string_equal(r.prov.host, "node7");
	assert_string_equal(r.out.status, "failed");
	assert_string_equal(r.out.hash, w.out.hash);
	assert_memory_equal(&r.out.final_return, &w.out.final_return, sizeof(double));
	assert_memory_equal(&r.out.wall_seconds, &w.out.wall_seconds, sizeof(double));
	assert_true(isnan(r.out.auc));
	assert_true(r.out.total_steps == 123456789012LL);
	assert_int_equal(r.out.episodes, 42);
	assert_string_equal(r.out.error, "diverged at step 7: Q is nan");
	assert_string_equal(r.h5_path, w.h5_path);
	assert_string_equal(r.slurm_job, "123_4");
	/* an error outcome needs no hash */
	snprintf(w.out.status, sizeof(w.out.status), "error");
	w.out.hash[0] = '\0';
	assert_int_equal(cell_record_write(path, &w), 0);
	assert_int_equal(cell_record_read(path, &r), 0);
	assert_string_equal(r.out.hash, "");
}

static void expect_bad(const char *text, const char *want)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/bad.rec", tmpdir);
	assert_int_equal(write_file_atomic(path, text, strlen(text)), 0);
	struct cell_record r;
	captured[0] = '\0';
	assert_int_equal(cell_record_read(path, &r), -1);
	if (!strstr(captured, want)) {
		print_error("message '%s' lacks '%s'\n", captured, want);
		fail();
	}
}

static void test_cellrun__bad_records(void **state)
{
	(void)state;
	struct cell_record w;
	fill(&w);
	char path[512];
	snprintf(path, sizeof(path), "%s/good.rec", tmpdir);
	assert_int_equal(cell_record_write(path, &w), 0);
	size_t len;
	char *good = read_file(path, &len);
	assert_non_null(good);
	/* each required key removed in turn */
	const char *keys[] = { "format=", "cell_index=", "cell_id=", "config_hash=", "source_hash=", "status=",
			       "content_hash=", "h5_path=" };
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		struct strbuf sb = {0};
		for (char *line = good; *line;) {
			char *nl = strchr(line, '\n');
			size_t n = (size_t)(nl - line) + 1;
			if (strncmp(line, keys[k], strlen(keys[k])))
				strbuf_add(&sb, line, n);
			line += n;
		}
		expect_bad(sb.buf, "incomplete");
		strbuf_release(&sb);
	}
	char *t = xstrfmt("%s", good);
	memcpy(strstr(t, "status=failed"), "status=wonkyy", 13);
	expect_bad(t, "unknown status 'wonkyy'");
	free(t);
	t = xstrfmt("%s", good);
	memcpy(strstr(t, "episodes=42"), "episodes=4x", 11);
	expect_bad(t, "'episodes': '4x' is not an integer");
	free(t);
	t = xstrfmt("%s", good);
	*strstr(t, "content_hash=") = '\0';
	struct strbuf sb = {0};
	strbuf_addf(&sb, "%scontent_hash=-\n%s", t, strchr(strstr(good, "content_hash="), '\n') + 1);
	expect_bad(sb.buf, "without a results hash");
	strbuf_release(&sb);
	free(t);
	expect_bad("format=harness-cell-record-v9\n", "unknown format");
	expect_bad("just a line\n", "not key=value");
	free(good);
}

static void test_cellrun__record_path(void **state)
{
	(void)state;
	char *p = cell_record_path("/r/x/slurm/records", "/r/x/runs/FrozenLake-v1__q__seed0-0123456789.h5");
	assert_string_equal(p, "/r/x/slurm/records/FrozenLake-v1__q__seed0-0123456789.rec");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cellrun__hash_is_the_files_and_reproducible, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cellrun__unwritable_path_is_an_error_outcome, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cellrun__record_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cellrun__bad_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cellrun__record_path, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
