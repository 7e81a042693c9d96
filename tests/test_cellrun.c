/*
 * test_cellrun.c - running one cell to its stored result (shared by local
 * children and Slurm array tasks) and the per-cell record files: the recorded
 * hash is the file's, two runs of a cell give the same hash, a failing setup
 * is an error outcome with its message; records read back exactly (doubles to
 * the bit, NaN, messages flattened to one line) and bad records are refused.
 * DQN with checkpoint = true: the same seeds and results as without, plus
 * /checkpoint, whose weights loaded into a fresh network replay the run's
 * final greedy evaluation exactly; without it the file has no /checkpoint.
 * A write that fails once (a disk full for a moment, as when another worker's
 * file is removed just after) at any point of writing a run file: the run is
 * an error, or its file has the undisturbed results - never a complete run
 * with data lost (H5Dclose's chunk writes were once unchecked).
 */
#include "testutil.h"
#include <errno.h>
#include <hdf5.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "mlp.h"
#include "cellrun.h"
#include "h5store.h"

static char tmpdir[256];
static struct error_capture cap; /* error() messages of the test, from setup to teardown */
#define captured cap.msg

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_cellrun.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	error_capture_begin(&cap, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	error_capture_end(&cap);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd);
}

/* Runs cells ca and cb of s into tmpdir/<na>.h5 and tmpdir/<nb>.h5 (paths in a and b, 512 bytes). */
static void run_pair(const struct spec *s, const struct cell *ca, const char *na, const struct cell *cb,
		     const char *nb, char *a, char *b, struct cell_outcome *oa, struct cell_outcome *ob)
{
	struct provenance p;
	provenance_get(&p);
	char ta[512], tb[512];
	snprintf(a, 512, "%s/%s.h5", tmpdir, na);
	snprintf(b, 512, "%s/%s.h5", tmpdir, nb);
	snprintf(ta, sizeof(ta), "%s/.tmp-%s.h5", tmpdir, na);
	snprintf(tb, sizeof(tb), "%s/.tmp-%s.h5", tmpdir, nb);
	cell_run_to_file(s->name, ca, &p, a, ta, NULL, NULL, oa);
	cell_run_to_file(s->name, cb, &p, b, tb, NULL, NULL, ob);
}

static void test_cellrun__hash_is_the_files_and_reproducible(void **state)
{
	(void)state;
	struct spec s;
	assert_int_equal(spec_load(&s, test_data_path("itrun.cfg")), 0);
	char a[512], b[512];
	struct cell_outcome oa, ob;
	run_pair(&s, &s.cells[4], "a", &s.cells[4], "b", a, b, &oa, &ob);
	assert_string_equal(oa.status, "complete");
	assert_string_equal(oa.error, "");
	assert_int_equal(strlen(oa.hash), 64);
	char h[65];
	assert_int_equal(h5_content_hash(a, h), 0);
	assert_string_equal(h, oa.hash);
	assert_string_equal(oa.hash, ob.hash);
	char ta[512];
	snprintf(ta, sizeof(ta), "%s/.tmp-a.h5", tmpdir);
	assert_true(access(ta, F_OK) != 0); /* renamed into place */
	assert_int_equal(oa.total_steps, 30000);
	assert_true(oa.episodes > 0 && oa.episodes == ob.episodes);
	assert_true(oa.final_return >= 0 && oa.final_return <= 1);
	/* another cell: another result */
	struct provenance p;
	provenance_get(&p);
	cell_run_to_file(s.name, &s.cells[5], &p, b, ta, NULL, NULL, &ob);
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
	assert_string_equal(r.out.error, "diverged at step 7:\nQ is nan"); /* escaped, not flattened */
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
	/* an id too long for the record's field is refused, never cut (a cut id names another cell) */
	sb = (struct strbuf){0};
	t = xstrfmt("%s", good);
	char *id = strstr(t, "cell_id=");
	*id = '\0';
	strbuf_addstr(&sb, t);
	strbuf_addstr(&sb, "cell_id=");
	for (int i = 0; i < 1100; i++)
		strbuf_addstr(&sb, "x");
	strbuf_addf(&sb, "\n%s", strchr(strstr(good, "cell_id="), '\n') + 1);
	expect_bad(sb.buf, "key 'cell_id': value longer than 1023 bytes");
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

static double *read_ds(const char *path, const char *name, long long dims[2])
{
	double *d;
	if (h5_read_doubles(path, name, &d, dims)) {
		print_error("%s: %s\n", name, captured);
		fail();
	}
	return d;
}

static void assert_same_dataset(const char *a, const char *b, const char *name)
{
	long long da[2], db[2];
	double *x = read_ds(a, name, da), *y = read_ds(b, name, db);
	assert_true(da[0] == db[0] && da[1] == db[1] && da[0] > 0);
	if (memcmp(x, y, (size_t)(da[0] * da[1]) * sizeof(double))) {
		print_error("%s differs with checkpoint on\n", name);
		fail();
	}
	free(x);
	free(y);
}

/* An int64 attribute of /checkpoint: n values into v. */
static void ck_attr(const char *path, const char *name, long long *v, int n)
{
	hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
	hid_t a = f >= 0 ? H5Aopen_by_name(f, "checkpoint", name, H5P_DEFAULT, H5P_DEFAULT) : -1;
	hid_t sp = a >= 0 ? H5Aget_space(a) : -1;
	assert_true(sp >= 0);
	assert_int_equal(H5Sget_simple_extent_npoints(sp), n);
	assert_true(H5Aread(a, H5T_NATIVE_LLONG, v) >= 0);
	H5Sclose(sp);
	H5Aclose(a);
	H5Fclose(f);
}

static int has_checkpoint(const char *path)
{
	hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
	assert_true(f >= 0);
	htri_t there = H5Lexists(f, "checkpoint", H5P_DEFAULT);
	H5Fclose(f);
	assert_true(there >= 0);
	return there > 0;
}

static void test_cellrun__dqn_checkpoint(void **state)
{
	(void)state;
	struct spec s;
	assert_int_equal(spec_load(&s, test_data_path("checkpoint.cfg")), 0);
	assert_int_equal(s.ncells, 2);
	const struct cell *off = &s.cells[0], *on = &s.cells[1];
	assert_int_equal(params_bool(&off->hp, "checkpoint"), 0);
	assert_int_equal(params_bool(&on->hp, "checkpoint"), 1);
	/* the switch is in the config (and its hash) only when on, never in the seeds */
	assert_null(strstr(off->config_json, "checkpoint"));
	assert_non_null(strstr(on->config_json, "\"checkpoint\":true"));
	assert_string_not_equal(off->config_hash, on->config_hash);
	assert_true(off->env_seed == on->env_seed && off->learner_seed == on->learner_seed &&
		    off->eval_seed == on->eval_seed);

	char a[512], b[512];
	struct cell_outcome oa, ob;
	run_pair(&s, off, "off", on, "on", a, b, &oa, &ob);
	assert_string_equal(oa.status, "complete");
	assert_string_equal(ob.status, "complete");
	assert_false(has_checkpoint(a));
	assert_true(has_checkpoint(b));
	assert_same_dataset(a, b, "/episodes/return");
	assert_same_dataset(a, b, "/eval/returns");
	assert_same_dataset(a, b, "/eval/lengths");

	/* attributes */
	long long sizes[4], v;
	ck_attr(b, "layer_sizes", sizes, 4);
	assert_true(sizes[0] == 4 && sizes[1] == 32 && sizes[2] == 16 && sizes[3] == 3);
	ck_attr(b, "dueling", &v, 1);
	assert_int_equal(v, 1);
	ck_attr(b, "steps", &v, 1);
	assert_int_equal(v, 3000);

	/* the stored weights in a fresh network */
	struct mlp m;
	int hidden[2] = { 32, 16 };
	assert_int_equal(mlp_init(&m, 4, hidden, 2, 2, 1, 1, 0), 0);
	for (int l = 0; l < m.n_layers; l++) {
		char name[64];
		long long dw[2], db[2];
		snprintf(name, sizeof(name), "/checkpoint/layer%d/W", l);
		double *w = read_ds(b, name, dw);
		snprintf(name, sizeof(name), "/checkpoint/layer%d/b", l);
		double *bias = read_ds(b, name, db);
		assert_true(dw[0] == m.layer[l].in && dw[1] == m.layer[l].out);
		assert_true(db[0] == m.layer[l].out && db[1] == 1);
		for (long long k = 0; k < dw[0] * dw[1]; k++)
			m.params[m.layer[l].w + (size_t)k] = (float)w[k]; /* float32 -> double -> float32: exact */
		for (long long k = 0; k < db[0]; k++)
			m.params[m.layer[l].b + (size_t)k] = (float)bias[k];
		free(w);
		free(bias);
	}

	/*
	 * Replay the final evaluation: CartPole's resets draw from the evaluation
	 * env's generator and its steps never do, so the last evaluation's episodes
	 * start where they did in the run after skipping the earlier resets.
	 */
	long long dr[2], dl[2];
	double *rets = read_ds(b, "/eval/returns", dr), *lens = read_ds(b, "/eval/lengths", dl);
	long long last = dr[0] - 1, E = dr[1];
	struct env *ev;
	assert_int_equal(env_make(&ev, "CartPole-v1", NULL), 0);
	float obs[ENV_MAX_OBS];
	env_reset(ev, &on->eval_seed, obs);
	for (long long k = 1; k < last * E; k++)
		env_reset(ev, NULL, obs);
	double sum = 0;
	for (long long ep = 0; ep < E; ep++) {
		if (last * E + ep > 0)
			env_reset(ev, NULL, obs);
		double ret = 0;
		long long len = 0;
		int te = 0, tr = 0;
		while (!te && !tr && len < on->eval.max_episode_steps) {
			const float *q = mlp_forward(&m, obs, 1);
			double r;
			assert_int_equal(env_step(ev, q[1] > q[0], obs, &r, &te, &tr), 0);
			ret += r;
			len++;
		}
		if (ret != rets[last * E + ep] || (double)len != lens[last * E + ep]) {
			print_error("final evaluation, episode %lld: return %g in %lld steps, the run had %g in %g\n",
				    ep, ret, len, rets[last * E + ep], lens[last * E + ep]);
			fail();
		}
		sum += ret;
	}
	/* a learned policy (lengths that differ), so wrong weights would not pass by chance */
	assert_true(sum / (double)E > 50);
	free(rets);
	free(lens);
	env_free(ev);
	mlp_release(&m);
	spec_release(&s);
}

/*
 * pwrite (HDF5's sec2 driver writes with it), failing once with ENOSPC at
 * call number pwrite_fail_at when that is >= 0.
 */
static int pwrite_fail_at = -1, pwrite_calls;

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	if (pwrite_fail_at >= 0 && pwrite_calls++ == pwrite_fail_at) {
		errno = ENOSPC;
		return -1;
	}
	return syscall(SYS_pwrite64, fd, buf, n, off);
}

static void test_cellrun__failed_write_is_never_complete_with_other_data(void **state)
{
	(void)state;
	struct spec s;
	assert_int_equal(spec_load(&s, test_data_path("itrun.cfg")), 0);
	struct provenance p;
	provenance_get(&p);
	char ref[512], tref[512], path[512], tmp[512], href[65];
	snprintf(ref, sizeof(ref), "%s/ref.h5", tmpdir);
	snprintf(tref, sizeof(tref), "%s/.tmp-ref.h5", tmpdir);
	snprintf(path, sizeof(path), "%s/x.h5", tmpdir);
	snprintf(tmp, sizeof(tmp), "%s/.tmp-x.h5", tmpdir);
	struct run_result r;
	assert_int_equal(runner_run(&s.cells[0], &r, NULL, NULL), 0);
	pwrite_calls = 0;
	pwrite_fail_at = 1 << 30; /* count only */
	assert_int_equal(h5_write_run(ref, tref, s.name, &s.cells[0], &r, &p, "t"), 0);
	int writes = pwrite_calls;
	pwrite_fail_at = -1;
	assert_int_equal(h5_content_hash(ref, href), 0);
	assert_true(writes > 4);
	int failed = 0;
	for (int k = 0; k < writes; k++) {
		unlink(path);
		fflush(NULL);
		pid_t pid = fork(); /* HDF5 is not reused after a failed close */
		assert_true(pid >= 0);
		if (pid == 0) {
			if (!freopen("/dev/null", "w", stderr)) /* the expected "cannot write"s */
				_exit(3);
			pwrite_calls = 0;
			pwrite_fail_at = k;
			char h[65];
			int bad = h5_write_run(path, tmp, s.name, &s.cells[0], &r, &p, "t") == 0 &&
				  (h5_content_hash(path, h) || strcmp(h, href));
			_exit(bad ? 1 : access(tmp, F_OK) == 0 ? 2 : 0);
		}
		int st = 0;
		assert_int_equal(waitpid(pid, &st, 0), pid);
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			print_error("write %d of %d failing: %s\n", k, writes,
				    !WIFEXITED(st) ? "the writer crashed" :
				    WEXITSTATUS(st) == 1 ? "written as complete, with other results" :
				    "temporary file left");
			failed = 1;
		}
	}
	assert_false(failed);
	run_result_release(&r);
	spec_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cellrun__hash_is_the_files_and_reproducible, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cellrun__unwritable_path_is_an_error_outcome, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cellrun__record_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cellrun__bad_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cellrun__record_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cellrun__dqn_checkpoint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cellrun__failed_write_is_never_complete_with_other_data,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
