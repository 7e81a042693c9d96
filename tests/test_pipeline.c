/*
 * test_pipeline.c - the plan, the one skip policy of every backend
 * (harness/exec/pipeline.h), against a real store: a complete cell whose file
 * verifies is skipped, one whose file is corrupt is run again (and claimed
 * with force), a failed cell is skipped unless --retry-failed, error,
 * running and never-run cells run, --force runs every selected cell, --only
 * narrows what is considered; for a backend that records later, a record
 * file not yet collected decides its cell and is counted as uncollected.
 * Then pipeline_run on the local backend runs exactly the plan and a second
 * run has nothing left to do.
 */
#include "testutil.h"
#include <unistd.h>
#include "cellrun.h"
#include "pipeline.h"
#include "results.h"
#include "store.h"

static char root[256];
static struct error_capture cap; /* error() messages of the test, from setup to teardown */
#define captured cap.msg
static struct spec sp;
static struct provenance prov;

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/test_pipeline.XXXXXX");
	assert_non_null(mkdtemp(root));
	assert_int_equal(spec_load(&sp, test_data_path("itrun.cfg")), 0);
	provenance_get(&prov);
	error_capture_begin(&cap, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	error_capture_end(&cap);
	spec_release(&sp);
	return system(cmd);
}

/* Runs cell i to its file and records the outcome, its status replaced by status unless NULL. */
static void record_cell(struct store *s, int i, const char *status, int finish)
{
	const struct cell *c = &sp.cells[i];
	char *path = results_run_path(root, sp.name, c, c->code_version);
	char *tmp = xstrfmt("%s.tmp", path);
	struct cell_outcome o;
	cell_run_to_file(sp.name, c, &prov, path, tmp, NULL, NULL, &o);
	assert_string_equal(o.status, "complete");
	if (status)
		snprintf(o.status, sizeof(o.status), "%s", status);
	if (!strcmp(o.status, "error"))
		o.hash[0] = '\0';
	long long id;
	assert_int_equal(rundb_claim(store_rundb(s), sp.name, c, &prov, path, 0, 0, &id), CLAIM_OK);
	if (finish)
		assert_int_equal(pipeline_record(store_rundb(s), id, &o), 0);
	free(path);
	free(tmp);
}

static void expect_todo(const struct pipeline *p, const int *want, int n)
{
	int ok = p->ntodo == n;
	for (int k = 0; ok && k < n; k++)
		ok = p->todo[k] == want[k];
	if (!ok) {
		print_error("planned %d cells:", p->ntodo);
		for (int k = 0; k < p->ntodo; k++)
			print_error(" %d", p->todo[k]);
		print_error("; wanted %d\n", n);
		fail();
	}
}

static void test_pipeline__plan_is_the_skip_policy(void **state)
{
	(void)state;
	struct store *s;
	assert_int_equal(results_prepare(root, sp.name), 0);
	assert_int_equal(store_open(&s, root, STORE_WRITE), 0);
	assert_int_equal(store_put_experiment(s, &sp), 0);
	record_cell(s, 0, NULL, 1);      /* complete, file good */
	record_cell(s, 1, NULL, 1);      /* complete, file corrupted below */
	record_cell(s, 2, "failed", 1);  /* failed */
	record_cell(s, 3, "error", 1);   /* error */
	record_cell(s, 4, NULL, 0);      /* claimed, still running */
	/* cells 5..11: never run */
	char *bad = results_run_path(root, sp.name, &sp.cells[1], sp.cells[1].code_version);
	assert_int_equal(write_file_atomic(bad, "not hdf5", 8), 0);
	free(bad);

	struct pipeline_opts o = { .jobs = 1 };
	struct pipeline p = { .spec = &sp, .opts = &o, .root = root, .store = s, .db = store_rundb(s) };
	p.prov = prov;
	captured[0] = '\0';
	assert_int_equal(pipeline_plan(&p, NULL), 0);
	expect_todo(&p, (int[]){ 1, 3, 4, 5, 6, 7, 8, 9, 10, 11 }, 10);
	assert_int_equal(p.nskipped, 2);
	assert_int_equal(p.nredo, 1);
	assert_true(p.redo[1] && !p.redo[0] && !p.redo[3]);
	/* every cell has a steps budget: the ETA counts exactly the planned ones */
	assert_true(p.eta.step_budget_left == 10 * 30000LL);

	o.retry_failed = 1;
	assert_int_equal(pipeline_plan(&p, NULL), 0);
	expect_todo(&p, (int[]){ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 }, 11);

	o.retry_failed = 0;
	o.force = 1;
	assert_int_equal(pipeline_plan(&p, NULL), 0);
	assert_int_equal(p.ntodo, sp.ncells);
	assert_int_equal(p.nredo, 0); /* forced: no file is checked */

	/* --only: the cells not selected are not considered at all */
	o.force = 0;
	p.selected = xcalloc((size_t)sp.ncells, 1);
	p.selected[0] = p.selected[2] = p.selected[5] = 1;
	assert_int_equal(pipeline_plan(&p, NULL), 0);
	expect_todo(&p, (int[]){ 5 }, 1);
	assert_int_equal(p.nskipped, 2);

	/* a backend that records later: an uncollected complete record makes cell 5 done */
	char *records = xstrfmt("%s/records", root);
	assert_int_equal(mkdir_p(records, 0755), 0);
	struct cell_record r;
	memset(&r, 0, sizeof(r));
	const struct cell *c5 = &sp.cells[5];
	char *h5 = results_run_path(root, sp.name, c5, c5->code_version);
	char *rec = cell_record_path(records, h5);
	snprintf(r.experiment, sizeof(r.experiment), "%s", sp.name);
	r.cell_index = 5;
	snprintf(r.cell_id, sizeof(r.cell_id), "%s", c5->cell_id);
	snprintf(r.config_hash, sizeof(r.config_hash), "%s", c5->config_hash);
	snprintf(r.h5_path, sizeof(r.h5_path), "%s", h5);
	snprintf(r.prov.source_hash, sizeof(r.prov.source_hash), "%s", c5->code_version);
	snprintf(r.out.status, sizeof(r.out.status), "complete");
	memset(r.out.hash, 'a', 64);
	assert_int_equal(cell_record_write(rec, &r), 0);
	assert_int_equal(pipeline_plan(&p, records), 0);
	expect_todo(&p, NULL, 0);
	assert_int_equal(p.nuncollected, 1);
	o.force = 1;
	assert_int_equal(pipeline_plan(&p, records), 0);
	expect_todo(&p, (int[]){ 0, 2, 5 }, 3);
	o.force = 0;
	snprintf(r.out.status, sizeof(r.out.status), "failed");
	assert_int_equal(cell_record_write(rec, &r), 0);
	assert_int_equal(pipeline_plan(&p, records), 0);
	expect_todo(&p, NULL, 0);
	o.retry_failed = 1;
	assert_int_equal(pipeline_plan(&p, records), 0);
	expect_todo(&p, (int[]){ 2, 5 }, 2);
	free(records);
	free(h5);
	free(rec);
	pipeline_release(&p);
}

static void test_pipeline__run_does_the_plan_then_nothing(void **state)
{
	(void)state;
	char *res = xstrfmt("%s/second", root);
	char *only[] = { "FrozenLake-v1/*" };
	struct pipeline_opts o = { .results = res, .only = only, .nonly = 1, .jobs = 2, .quiet = 1, .no_plot = 1 };
	assert_int_equal(pipeline_run(&sp, &o, &backend_local), 0);
	struct store *s;
	assert_int_equal(store_open(&s, res, STORE_READ), 0);
	struct pipeline p = { .spec = &sp, .opts = &o, .root = res, .store = s, .db = store_rundb(s) };
	p.selected = xcalloc((size_t)sp.ncells, 1);
	assert_int_equal(plan_select(&sp, only, 1, p.selected), 0);
	assert_int_equal(pipeline_plan(&p, NULL), 0);
	int selected = 0;
	for (int i = 0; i < sp.ncells; i++)
		selected += p.selected[i];
	assert_true(selected > 0 && selected < sp.ncells);
	assert_int_equal(p.ntodo, 0);
	assert_int_equal(p.nskipped, selected);
	pipeline_release(&p);
	assert_ptr_equal(backend_find("local"), &backend_local);
	assert_ptr_equal(backend_find("slurm"), &backend_slurm);
	assert_null(backend_find("pbs"));
	free(res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipeline__plan_is_the_skip_policy),
		cmocka_unit_test(test_pipeline__run_does_the_plan_then_nothing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
