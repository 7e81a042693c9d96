/*
 * test_store.c - the results store (store.h): run paths are stored relative
 * to the root and an older database with absolute paths is read as it is
 * read-only (resolved under the root it was opened with, nothing written) and
 * migrated by a writer; a database or a run file of a newer schema is refused
 * with a message saying so; the selection picks exactly the spec's cells at
 * one code version; the run file's size table is the README's table.
 */
#include "testutil.h"
#include <hdf5.h>
#include <sqlite3.h>
#include <unistd.h>
#include "cellrun.h"
#include "h5store.h"
#include "rundb.h"
#include "store.h"

static char root[256];
static struct error_capture cap; /* error() messages of the test, from setup to teardown */
#define captured cap.msg

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/test_store.XXXXXX");
	assert_non_null(mkdtemp(root));
	error_capture_begin(&cap, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	error_capture_end(&cap);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd);
}

static void sql(struct store *s, const char *q)
{
	char *msg = NULL;
	if (sqlite3_exec(rundb_handle(store_rundb(s)), q, NULL, NULL, &msg) != SQLITE_OK) {
		print_error("%s: %s\n", q, msg);
		fail();
	}
}

static long long claim(struct store *s, const struct spec *sp, int i, const struct provenance *p)
{
	char *path = xstrfmt("%s/%s/runs/cell%d.h5", root, sp->name, i);
	long long id;
	assert_int_equal(rundb_claim(store_rundb(s), sp->name, &sp->cells[i], p, path, 0, 0, &id), CLAIM_OK);
	struct run_summary sum = { .status = "complete", .final_return = 1, .auc = 1, .content_hash = "h" };
	assert_int_equal(rundb_finish(store_rundb(s), id, &sum), 0);
	free(path);
	return id;
}

static void test_store__relative_paths_and_migration(void **state)
{
	(void)state;
	struct spec sp;
	assert_int_equal(spec_load(&sp, test_data_path("itrun.cfg")), 0);
	struct provenance p;
	provenance_get(&p);
	snprintf(p.python_versions, sizeof(p.python_versions), "python 3.11.2; gymnasium 1.2.0");
	struct store *s;
	assert_int_equal(store_open(&s, root, STORE_WRITE), 0);
	long long id = claim(s, &sp, 0, &p);
	struct run_rec r;
	assert_int_equal(store_get_run(s, id, &r), 1);
	assert_string_equal(r.h5_stored, "itrun/runs/cell0.h5");
	assert_string_equal(r.python_versions, "python 3.11.2; gymnasium 1.2.0");
	char *want = xstrfmt("%s/itrun/runs/cell0.h5", root);
	assert_string_equal(r.h5_path, want);
	run_rec_release(&r);
	/* an older database: the absolute path a run saw elsewhere, schema version 2 */
	sql(s, "UPDATE runs SET h5_path = '/old/machine/results/itrun/runs/cell0.h5';"
	       " ALTER TABLE runs DROP COLUMN holder; ALTER TABLE runs DROP COLUMN lease_until;"
	       " ALTER TABLE runs DROP COLUMN python_versions;"
	       " PRAGMA user_version = 2"); /* as schema 2 had it: no lease or python_versions columns */
	store_close(s);
	assert_int_equal(store_open(&s, root, STORE_READ), 0);
	assert_int_equal(rundb_schema_version(store_rundb(s)), 2); /* read as it is */
	assert_int_equal(store_get_run(s, id, &r), 1);
	assert_string_equal(r.h5_path, want); /* resolved under this root */
	assert_string_equal(r.h5_stored, "/old/machine/results/itrun/runs/cell0.h5");
	assert_string_equal(r.python_versions, ""); /* a column the old schema lacks reads as "" */
	run_rec_release(&r);
	store_close(s);
	assert_int_equal(store_open(&s, root, STORE_WRITE), 0); /* a writer migrates */
	assert_int_equal(rundb_schema_version(store_rundb(s)), RUNDB_SCHEMA_VERSION);
	assert_int_equal(store_get_run(s, id, &r), 1);
	assert_string_equal(r.h5_stored, "itrun/runs/cell0.h5");
	assert_string_equal(r.python_versions, "");
	run_rec_release(&r);
	/* a newer database is refused by readers and writers, saying so */
	sql(s, "PRAGMA user_version = 99");
	store_close(s);
	captured[0] = '\0';
	assert_int_equal(store_open(&s, root, STORE_READ), -1);
	assert_non_null(strstr(captured, "has schema version 99, newer than this harness"));
	assert_int_equal(store_open(&s, root, STORE_WRITE), -1);
	free(want);
	spec_release(&sp);
}

static void test_store__selection(void **state)
{
	(void)state;
	struct spec sp;
	assert_int_equal(spec_load(&sp, test_data_path("itrun.cfg")), 0);
	struct provenance p, old;
	provenance_get(&p);
	old = p;
	snprintf(old.source_hash, sizeof(old.source_hash), "%064d", 0);
	struct store *s;
	assert_int_equal(store_open(&s, root, STORE_WRITE), 0);
	claim(s, &sp, 0, &p);
	claim(s, &sp, 1, &old); /* only at another code version: */
	sql(s, "UPDATE runs SET source_hash = '" "0000000000000000000000000000000000000000000000000000000000000000"
	       "' WHERE h5_path LIKE '%cell1.h5'"); /* rows are keyed by the cell's own code version */
	claim(s, &sp, 2, &p);
	/* cell 2 failed; a row of cell 3 with another configuration (an edited spec) */
	sql(s, "UPDATE runs SET status = 'failed', error = 'diverged at step 9' WHERE h5_path LIKE '%cell2.h5'");
	claim(s, &sp, 3, &p);
	sql(s, "UPDATE runs SET config_hash = 'edited' WHERE h5_path LIKE '%cell3.h5'");
	struct selection sel;
	struct select_opts o = { NULL, 0, &p };
	assert_int_equal(store_select_spec(s, &sp, &o, &sel), 0);
	assert_int_equal(sel.cells[0].state, CELL_COMPLETE);
	assert_int_equal(sel.cells[1].state, CELL_OTHER_VERSION);
	assert_int_equal(sel.cells[1].has_rec, 0);
	assert_int_equal(sel.cells[2].state, CELL_FAILED);
	assert_true(cell_pick_drawn(&sel.cells[2]));
	assert_int_equal(sel.cells[3].state, CELL_NOT_RUN);
	assert_int_equal(sel.stale_rows, 1);
	assert_int_equal(sel.n[CELL_NOT_RUN], sp.ncells - 3);
	struct strbuf sb = {0};
	selection_describe(&sel, 0, 3, &sb);
	assert_string_equal(sb.buf, "1 of 3 seeds complete; 1 failed: diverged at step 9; 1 only at other code "
				    "versions (not shown; --other-versions shows them)");
	strbuf_release(&sb);
	selection_release(&sel);
	o.other_versions = 1;
	assert_int_equal(store_select_spec(s, &sp, &o, &sel), 0);
	assert_int_equal(sel.cells[1].state, CELL_COMPLETE);
	assert_int_equal(sel.cells[1].other_version, 1);
	selection_release(&sel);
	store_close(s);
	spec_release(&sp);
}

static void test_store__newer_run_file_refused(void **state)
{
	(void)state;
	char *path = xstrfmt("%s/f.h5", root), *tmp = xstrfmt("%s/.tmp-f.h5", root);
	struct spec sp;
	assert_int_equal(spec_load(&sp, test_data_path("itrun.cfg")), 0);
	struct provenance p;
	provenance_get(&p);
	struct cell_outcome o;
	cell_run_to_file(sp.name, &sp.cells[0], &p, path, tmp, NULL, NULL, &o);
	assert_string_equal(o.status, "complete");
	double *d;
	long long dims[2];
	assert_int_equal(store_read_series(path, "eval/returns", &d, dims), 0);
	assert_int_equal(dims[1], 10);
	free(d);
	hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
	hid_t a = H5Aopen(f, "schema_version", H5P_DEFAULT);
	long long v = H5STORE_SCHEMA_VERSION + 1;
	assert_true(H5Awrite(a, H5T_NATIVE_LLONG, &v) >= 0);
	H5Aclose(a);
	H5Fclose(f);
	captured[0] = '\0';
	assert_int_equal(store_read_series(path, "eval/returns", &d, dims), -1);
	assert_non_null(strstr(captured, "newer than this harness"));
	free(path);
	free(tmp);
	spec_release(&sp);
}

static void test_store__hash_skips_exactly_timing_and_provenance(void **state)
{
	(void)state;
	assert_true(h5_unhashed("timing"));
	assert_true(h5_unhashed("timing/eval_wall_seconds"));
	assert_true(h5_unhashed("provenance"));
	assert_false(h5_unhashed("timing_forged"));
	assert_false(h5_unhashed("timings"));
	assert_false(h5_unhashed("provenance2/x"));
	assert_false(h5_unhashed("eval/timing"));
	/* the size table says the same of each series */
	int hashed, n = 0;
	for (const char *name; (name = h5_series_name(n, &hashed)); n++)
		assert_int_equal(h5_unhashed(name), !hashed);
	assert_int_equal(n, 9);
}

/* The size table is the documentation: each of its rows is a line of the README's table. */
static void test_store__size_table_is_the_readme(void **state)
{
	(void)state;
	size_t len;
	char *readme = read_file("README.md", &len);
	assert_non_null(readme);
	struct strbuf sb = {0};
	h5_series_doc(&sb);
	int rows = 0;
	for (char *line = strtok(sb.buf, "\n"); line; line = strtok(NULL, "\n"), rows++)
		if (!strstr(readme, line)) {
			print_error("README.md lacks the size table's row:\n%s\n", line);
			fail();
		}
	assert_int_equal(rows, 9);
	strbuf_release(&sb);
	free(readme);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store__relative_paths_and_migration, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store__selection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store__newer_run_file_refused, setup, teardown),
		cmocka_unit_test(test_store__hash_skips_exactly_timing_and_provenance),
		cmocka_unit_test(test_store__size_table_is_the_readme),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
