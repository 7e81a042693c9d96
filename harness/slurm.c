/*
 * slurm.c - `harness run SPEC --backend slurm`: plans which cells to run
 * (as a local run would: complete cells are skipped, failed ones only with
 * --retry-failed, a cell whose uncollected record says complete is done too),
 * writes the array and collect batch scripts under <root>/<NAME>/slurm/ and
 * submits them with sbatch, or prints them with --dry-run. See slurm.h.
 *
 * The array has one task per cell, or per chunk of `per` consecutive cells
 * of the cells file when there are more cells than the cluster's
 * MaxArraySize (scontrol show config). The collect job depends on the array
 * with afterany, so it runs whatever the tasks' fates and records cells
 * whose task left no record as error.
 *
 * This process reads the database but never writes it; it refuses to submit
 * while a previous submission of the experiment is still queued.
 */
#include "slurm.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cellrun.h"
#include "options.h"
#include "commands.h"
#include "h5store.h"
#include "plan.h"
#include "provenance.h"
#include "results.h"
#include "rundb.h"
#include "store.h"
#include "spec.h"
#include "suggest.h"

/* Appends s single-quoted for the shell. */
static void add_shq(struct strbuf *sb, const char *s)
{
	strbuf_addstr(sb, "'");
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_addstr(sb, "'\\''");
		else
			strbuf_add(sb, s, 1);
	}
	strbuf_addstr(sb, "'");
}

/* s as one shell word: unchanged when plain, else single-quoted (for the commands printed). */
static void add_word(struct strbuf *sb, const char *s)
{
	int plain = *s != '\0';
	for (const char *p = s; *p && plain; p++)
		plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			strchr("_.,:/=+-@%", *p);
	if (plain)
		strbuf_addstr(sb, s);
	else
		add_shq(sb, s);
}

/*
 * Paths in the scripts: shell variables single-quoted (spaces and quotes are
 * fine), the log path outside #SBATCH lines (given to sbatch as an argument),
 * but no control character (a newline would end a line of the script, and
 * Slurm's own files cannot hold it): refused.
 */
static int slurm_path_ok(const char *what, const char *path)
{
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return error("%s '%s' has a control character (byte 0x%02x): not usable with --backend slurm",
				     what, path, *p);
	return 0;
}

/* The --output pattern of a log under dir: '%' of the path doubled (Slurm's own escape). */
static char *log_pattern(const char *dir, const char *name)
{
	struct strbuf sb = {0};
	for (const char *p = dir; *p; p++)
		strbuf_addstr(&sb, *p == '%' ? "%%" : (char[]){ *p, 0 });
	strbuf_addf(&sb, "/logs/%s", name);
	return strbuf_detach(&sb);
}

/* Values that go into #SBATCH lines: no spaces, quotes or newlines. */
static int plain_value(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      strchr("_.,:-+", *s)))
			return 0;
	return 1;
}

static long long max_array_size(int dry_run)
{
	char *argv[] = { "scontrol", "show", "config", NULL };
	char *out = NULL;
	int st = slurm_capture_q(argv, 60, &out, dry_run);
	long long m = -1;
	if (st == 0) {
		for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
			long long v;
			if (sscanf(line, "MaxArraySize = %lld", &v) == 1)
				m = v;
		}
	}
	free(out);
	if (m < 1) {
		if (!dry_run) {
			error("cannot read MaxArraySize from 'scontrol show config' (is Slurm reachable?)");
			return -1;
		}
		warning("cannot read MaxArraySize from 'scontrol show config': assuming 1001");
		m = 1001;
	}
	return m;
}

struct opts {
	const char *spec_path, *results, *partition, *time, *cpus;
	long long array_limit;
	int dry_run, force, retry_failed, no_plot, portable;
	char **only;  /* --only patterns (nonly of them; argv strings) */
	int nonly;
};

static const struct usage slurm_usage = { "run", NULL, NULL, NULL }; /* help: run.c's table */

static int not_for_slurm(const struct option *opt, const char *v)
{
	(void)v;
	usagef("run", "'--%s' does not apply to --backend slurm", opt->long_name);
	return -1;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	const char *backend = NULL;
	int quiet = 0;
	struct string_list only = { 0 };
	o->cpus = "1";
	struct option opts[] = {
		OPT_STRING(0, "backend", &backend, "B", NULL), /* checked by cmd_run */
		OPT_STRING(0, "results", &o->results, "DIR", NULL),
		OPT_STRING(0, "partition", &o->partition, "P", NULL),
		OPT_STRING(0, "time", &o->time, "T", NULL),
		OPT_STRING(0, "cpus-per-task", &o->cpus, "N", NULL),
		OPT_INT(0, "array-limit", &o->array_limit, "K", 1, LLONG_MAX, NULL, NULL),
		OPT_BOOL(0, "dry-run", &o->dry_run, NULL),
		OPT_BOOL(0, "force", &o->force, NULL),
		OPT_BOOL(0, "retry-failed", &o->retry_failed, NULL),
		OPT_BOOL(0, "no-plot", &o->no_plot, NULL),
		OPT_BOOL(0, "portable", &o->portable, NULL),
		OPT_BOOL(0, "quiet", &quiet, NULL),
		OPT_STRING_LIST(0, "only", &only, "PATTERN", NULL),
		OPT_CALLBACK('j', "jobs", NULL, "N", NULL, not_for_slurm),
		OPT_CALLBACK_F(0, "list", NULL, NULL, NULL, not_for_slurm, OPT_NOARG),
		OPT_END(),
	};
	argc = parse_options(argc, argv, opts, &slurm_usage, 0);
	for (int i = 0; argc >= 0 && i < only.nr; i++)
		o->only[o->nonly++] = (char *)only.items[i];
	string_list_release(&only);
	if (argc < 0)
		return -1;
	const char *const plain[][2] = { { "--partition", o->partition }, { "--time", o->time },
					 { "--cpus-per-task", o->cpus } };
	for (size_t i = 0; i < ARRAY_SIZE(plain); i++)
		if (plain[i][1] && !plain_value(plain[i][1]))
			return usagef("run", "%s: '%s' is not a plain Slurm option value", plain[i][0], plain[i][1]);
	long long c;
	if (parse_ll(o->cpus, &c) || c < 1)
		return usagef("run", "--cpus-per-task: '%s' is not a positive number", o->cpus);
	if (argc > 1)
		return usagef("run", "unexpected argument '%s'", argv[1]);
	if (!argc)
		return usagef("run", "missing SPEC, e.g. experiments/quickstart.cfg");
	o->spec_path = argv[0];
	return 0;
}

/* 1 when the cell is to run, 0 when it is done, -1 on error. */
static int plan_cell(struct rundb *db, const struct spec *spec, const struct cell *c,
		     const struct provenance *prov, const char *root, const char *records,
		     const struct opts *o)
{
	(void)prov; /* the cell's own code version decides (codever.h) */
	char *path = results_run_path(root, spec->name, c, c->code_version);
	char *rec = cell_record_path(records, path);
	int rc = 1;
	struct cell_record r;
	if (!access(rec, F_OK)) {
		if (cell_record_read(rec, &r)) {
			rc = -1;
			goto out;
		}
		if (!strcmp(r.out.status, "complete"))
			rc = o->force;
		else if (!strcmp(r.out.status, "failed"))
			rc = o->force || o->retry_failed;
		goto out;
	}
	struct run_row row;
	int found = db ? rundb_find(db, spec->name, c, c->code_version, &row) : 0;
	if (found < 0) {
		rc = -1;
	} else if (found && !strcmp(row.status, "complete") && !o->force) {
		char why[800];
		rc = plan_check_run_file(row.h5_path, row.content_hash, why, sizeof(why));
		if (rc)
			report("cell '%s': %s: running it again", c->cell_id, why);
	} else if (found && !strcmp(row.status, "failed")) {
		rc = o->force || o->retry_failed;
	}
out:
	free(path);
	free(rec);
	return rc;
}

static void queued_cb(void *ctx, const char *job, const char *state)
{
	(void)job;
	(void)state;
	(*(int *)ctx)++;
}

static char *self_exe(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

/*
 * The binary the jobs run: a copy of this one under <dir>/bin/, named by the
 * SHA-256 of its bytes, so rebuilding bin/harness while jobs are queued
 * changes nothing they do (they run the code that planned them). Copied
 * unless dry_run or already there. NULL after error().
 */
static char *frozen_binary(const char *exe, const char *dir, int dry_run)
{
	size_t len;
	char *data = read_file(exe, &len), hex[65];
	if (!data)
		return NULL;
	sha256_hex(data, len, hex);
	char *bindir = xstrfmt("%s/bin", dir);
	char *path = xstrfmt("%s/harness-%.16s", bindir, hex);
	if (!dry_run && access(path, X_OK) &&
	    (mkdir_p(bindir, 0755) || write_file_atomic(path, data, len) || chmod(path, 0755))) {
		error("cannot copy the harness binary to '%s': %s", path, strerror(errno));
		free(path);
		path = NULL;
	}
	free(bindir);
	free(data);
	return path;
}

static char *absolute(const char *p)
{
	if (p[0] == '/')
		return xstrdup(p);
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd)))
		return xstrdup(p);
	return xstrfmt("%s/%s", cwd, p);
}

static void sbatch_common(struct strbuf *sb, const struct opts *o, const char *name, const char *suffix)
{
	strbuf_addf(sb, "#SBATCH --job-name=harness-%s%s\n", name, suffix);
	if (o->partition)
		strbuf_addf(sb, "#SBATCH --partition=%s\n", o->partition);
	if (o->time)
		strbuf_addf(sb, "#SBATCH --time=%s\n", o->time);
}

static char *array_script(const struct opts *o, const struct spec *spec, const char *exe,
			  const char *spec_abs, const char *root, const char *dir, const char *stamp,
			  const char *cells_file, long long ntodo, long long tasks, long long per)
{
	struct strbuf sb = {0};
	strbuf_addf(&sb, "#!/bin/bash\n# harness: experiment '%s', %lld cells in %lld array tasks of up to %lld\n",
		    spec->name, ntodo, tasks, per);
	sbatch_common(&sb, o, spec->name, "");
	strbuf_addf(&sb, "#SBATCH --array=0-%lld", tasks - 1);
	if (o->array_limit)
		strbuf_addf(&sb, "%%%lld", o->array_limit);
	strbuf_addf(&sb, "\n#SBATCH --cpus-per-task=%s\n#SBATCH --ntasks=1\n", o->cpus);
	/* the log path: given to sbatch as --output (slurm_submit), in no #SBATCH line (a path may hold spaces) */
	(void)dir;
	(void)stamp;
	strbuf_addstr(&sb, "set -u\nexport OPENBLAS_NUM_THREADS=1\nHARNESS=");
	add_shq(&sb, exe);
	strbuf_addstr(&sb, "\nSPEC=");
	add_shq(&sb, spec_abs);
	strbuf_addstr(&sb, "\nRESULTS=");
	add_shq(&sb, root);
	strbuf_addstr(&sb, "\nCELLS=");
	add_shq(&sb, cells_file);
	strbuf_addf(&sb, "\nPER=%lld\nSPEC_SHA256=%s\nPORTABLE=%s\n", per, spec->spec_sha256,
		    o->portable ? "--portable" : "");
	strbuf_addstr(&sb,
		"task=${SLURM_ARRAY_TASK_ID:?not run as a Slurm array task}\n"
		"first=$((task * PER + 1))\n"
		"worst=0\n"
		"for i in $(sed -n \"${first},$((first + PER - 1))p\" \"$CELLS\"); do\n"
		"\t\"$HARNESS\" run-cell \"$SPEC\" --index \"$i\" --results \"$RESULTS\" \\\n"
		"\t\t--spec-sha256 \"$SPEC_SHA256\" --tag \"${SLURM_ARRAY_JOB_ID}_${task}\" $PORTABLE\n"
		"\trc=$?\n"
		"\t[ \"$rc\" -gt \"$worst\" ] && worst=$rc\n"
		"done\n"
		"exit \"$worst\"\n");
	return strbuf_detach(&sb);
}

static char *collect_script(const struct opts *o, const struct spec *spec, const char *exe,
			    const char *spec_abs, const char *root, const char *dir, const char *stamp,
			    const char *cells_file, long long per)
{
	struct strbuf sb = {0};
	strbuf_addf(&sb, "#!/bin/bash\n# harness: records the runs of experiment '%s' in SQLite, draws its figures\n",
		    spec->name);
	sbatch_common(&sb, o, spec->name, "-collect");
	strbuf_addstr(&sb, "#SBATCH --cpus-per-task=1\n#SBATCH --ntasks=1\n");
	(void)dir;
	(void)stamp;
	strbuf_addstr(&sb, "set -u\nexport OPENBLAS_NUM_THREADS=1\nexec ");
	add_shq(&sb, exe);
	strbuf_addstr(&sb, " collect ");
	add_shq(&sb, spec_abs);
	strbuf_addstr(&sb, " --results ");
	add_shq(&sb, root);
	if (cells_file) {
		strbuf_addstr(&sb, " --cells ");
		add_shq(&sb, cells_file);
		strbuf_addf(&sb, " --per %lld --array-job \"${HARNESS_ARRAY_JOB:?}\"", per);
	}
	if (o->no_plot)
		strbuf_addstr(&sb, " --no-plot");
	if (o->portable)
		strbuf_addstr(&sb, " --portable");
	strbuf_addstr(&sb, "\n");
	return strbuf_detach(&sb);
}

/* sbatch --parsable ...; the job id on success. */
static int sbatch(char *const argv[], char *id, size_t n)
{
	char *out;
	int st = slurm_capture(argv, 120, &out);
	if (st != 0) {
		free(out);
		return st < 0 ? -1 : error("sbatch failed (exit status %d)", st);
	}
	size_t k = strspn(out, "0123456789");
	if (!k || k >= n) {
		error("sbatch printed no job id: '%s'", out);
		free(out);
		return -1;
	}
	snprintf(id, n, "%.*s", (int)k, out);
	free(out);
	return 0;
}

static int write_text(const char *path, const char *text)
{
	return write_file_atomic(path, text, strlen(text));
}

int slurm_submit(int argc, char **argv)
{
	struct opts o;
	memset(&o, 0, sizeof(o));
	o.only = xcalloc((size_t)argc, sizeof(char *));
	unsigned char *selected = NULL;
	if (parse_opts(argc, argv, &o)) {
		free(o.only);
		return 2;
	}
	struct spec spec;
	if (spec_load_opts(&spec, o.spec_path, o.portable)) {
		free(o.only);
		return 2;
	}
	selected = xcalloc((size_t)spec.ncells + 1, 1);
	if (plan_select(&spec, o.only, o.nonly, selected)) {
		free(o.only);
		free(selected);
		spec_release(&spec);
		return 2;
	}
	struct provenance prov;
	provenance_get(&prov);
	int rc = 2;
	struct rundb *db = NULL;
	struct store *store = NULL;
	char *root = NULL, *dir = NULL, *records = NULL, *dbpath = NULL, *exe = self_exe();
	char *spec_abs = realpath(o.spec_path, NULL);
	char *cells_file = NULL, *apath = NULL, *cpath = NULL, *ascript = NULL, *cscript = NULL;
	char *alog = NULL, *clog = NULL;
	int *todo = xcalloc((size_t)spec.ncells + 1, sizeof(int));
	const char *root_opt = results_root(o.results);
	if (!exe || !spec_abs) {
		error("cannot resolve the paths of the harness binary and of '%s'", o.spec_path);
		goto out;
	}
	if (slurm_path_ok("results directory", root_opt))
		goto out;
	if (!o.dry_run) {
		if (results_prepare(root_opt, spec.name))
			goto out;
		root = realpath(root_opt, NULL);
	} else {
		root = absolute(root_opt);
	}
	if (!root) {
		error("cannot resolve the results directory '%s': %s", root_opt, strerror(errno));
		goto out;
	}
	if (slurm_path_ok("results directory", root) || slurm_path_ok("spec", spec_abs) ||
	    slurm_path_ok("harness binary", exe))
		goto out;
	dir = slurm_dir(root, spec.name);
	records = xstrfmt("%s/records", dir);
	dbpath = results_db_path(root);
	/* the planner only reads: the collect job alone writes the database */
	if (!access(dbpath, F_OK)) {
		if (store_open(&store, root, STORE_READ))
			goto out;
		db = store_rundb(store);
	}

	struct slurm_submission last;
	int have_last = slurm_submission_read(root, spec.name, &last);
	if (have_last < 0)
		goto out;
	if (have_last && (last.array_job[0] || last.collect_job[0])) {
		char jobs[160];
		int queued = 0;
		snprintf(jobs, sizeof(jobs), "%s%s%s", last.array_job,
			 last.array_job[0] && last.collect_job[0] ? "," : "", last.collect_job);
		if (slurm_queue(jobs, queued_cb, &queued) && !o.dry_run) {
			error("cannot tell whether the last submission's jobs (%s) are still queued", jobs);
			goto out;
		}
		if (queued) {
			if (!o.dry_run) {
				error("experiment '%s' has Slurm jobs still queued (%s): wait for them, or scancel them",
				      spec.name, jobs);
				goto out;
			}
			warning("experiment '%s' has Slurm jobs still queued (%s)", spec.name, jobs);
		}
	}

	long long ntodo = 0, ndone = 0, uncollected = 0;
	for (int i = 0; i < spec.ncells; i++) {
		if (!selected[i])
			continue;
		int r = plan_cell(db, &spec, &spec.cells[i], &prov, root, records, &o);
		if (r < 0)
			goto out;
		if (r) {
			todo[ntodo++] = i;
			continue;
		}
		ndone++;
		/* done through a record the database does not hold yet? */
		char *path = results_run_path(root, spec.name, &spec.cells[i], spec.cells[i].code_version);
		char *rec = cell_record_path(records, path);
		struct run_row row;
		struct cell_record cr;
		if (!access(rec, F_OK) && !cell_record_read(rec, &cr) &&
		    (!db || rundb_find(db, spec.name, &spec.cells[i], spec.cells[i].code_version, &row) != 1 ||
		     strcmp(row.status, cr.out.status) || strcmp(row.content_hash, cr.out.hash)))
			uncollected++;
		free(path);
		free(rec);
	}
	report("%s: %d cells (%d envs x %d configs x %d seeds), %lld to run, %lld already done%s",
		spec.name, spec.ncells, spec.nenvs, spec.nconfigs, spec.nseeds, ntodo, ndone,
		uncollected ? " (some not collected yet)" : "");
	if (!ntodo && !uncollected) {
		report("%s: nothing to submit", spec.name);
		rc = 0;
		goto out;
	}

	long long per = 1, tasks = 0;
	if (ntodo) {
		long long maxa = max_array_size(o.dry_run);
		if (maxa < 0)
			goto out;
		per = (ntodo + maxa - 1) / maxa;
		tasks = (ntodo + per - 1) / per;
	}
	char stamp[64], now[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(stamp, sizeof(stamp), "%s-%d", now, (int)getpid());
	char *frozen = frozen_binary(exe, dir, o.dry_run);
	if (!frozen)
		goto out;
	free(exe);
	exe = frozen;
	apath = xstrfmt("%s/array-%s.sh", dir, stamp);
	cpath = xstrfmt("%s/collect-%s.sh", dir, stamp);
	if (ntodo) {
		cells_file = xstrfmt("%s/cells-%s.txt", dir, stamp);
		ascript = array_script(&o, &spec, exe, spec_abs, root, dir, stamp, cells_file, ntodo, tasks, per);
	}
	cscript = collect_script(&o, &spec, exe, spec_abs, root, dir, stamp, cells_file, per);
	char *pa = xstrfmt("%s-%%A_%%a.out", stamp), *pc = xstrfmt("%s-collect-%%j.out", stamp);
	char *la = log_pattern(dir, pa), *lc = log_pattern(dir, pc);
	alog = xstrfmt("--output=%s", la);
	clog = xstrfmt("--output=%s", lc);
	free(pa);
	free(pc);
	free(la);
	free(lc);

	if (o.dry_run) {
		if (ntodo) {
			printf("# %s: array script (%lld cells in %lld tasks of up to %lld)\n%s\n", apath, ntodo,
			       tasks, per, ascript);
			printf("# %s: the matrix indices of the cells to run, one a line:", cells_file);
			for (long long i = 0; i < ntodo; i++)
				printf(" %d", todo[i]);
			printf("\n\n");
		}
		printf("# %s: collect script\n%s\n", cpath, cscript);
		struct strbuf cmd = {0};
		if (ntodo) {
			strbuf_addstr(&cmd, "sbatch --parsable ");
			add_word(&cmd, alog);
			strbuf_addstr(&cmd, " ");
			add_word(&cmd, apath);
			strbuf_addstr(&cmd, "\nsbatch --parsable --dependency=afterany:<array job id> "
				      "--export=ALL,HARNESS_ARRAY_JOB=<array job id> ");
		} else {
			strbuf_addstr(&cmd, "sbatch --parsable ");
		}
		add_word(&cmd, clog);
		strbuf_addstr(&cmd, " ");
		add_word(&cmd, cpath);
		printf("%s\n", cmd.buf);
		strbuf_release(&cmd);
		rc = 0;
		goto out;
	}

	char *logs = xstrfmt("%s/logs", dir);
	int mk = mkdir_p(records, 0755) || mkdir_p(logs, 0755);
	free(logs);
	if (mk)
		goto out;
	if (ntodo) {
		struct strbuf sb = {0};
		for (long long i = 0; i < ntodo; i++)
			strbuf_addf(&sb, "%d\n", todo[i]);
		int w = write_file_atomic(cells_file, sb.buf, sb.len);
		strbuf_release(&sb);
		if (w || write_text(apath, ascript))
			goto out;
		/* the cells about to run: their old records are no longer their outcome */
		for (long long i = 0; i < ntodo; i++) {
			char *path = results_run_path(root, spec.name, &spec.cells[todo[i]], spec.cells[todo[i]].code_version);
			char *rec = cell_record_path(records, path);
			if (unlink(rec) && errno != ENOENT)
				error("cannot remove '%s': %s", rec, strerror(errno));
			free(path);
			free(rec);
		}
	}
	if (write_text(cpath, cscript))
		goto out;
	char array_id[64] = "", collect_id[64] = "";
	if (ntodo) {
		char *av[] = { "sbatch", "--parsable", alog, apath, NULL };
		if (sbatch(av, array_id, sizeof(array_id)))
			goto out;
		char *dep = xstrfmt("--dependency=afterany:%s", array_id);
		char *exp = xstrfmt("--export=ALL,HARNESS_ARRAY_JOB=%s", array_id);
		char *cv[] = { "sbatch", "--parsable", clog, dep, exp, cpath, NULL };
		int s = sbatch(cv, collect_id, sizeof(collect_id));
		free(dep);
		free(exp);
		if (s)
			error("array job %s is submitted but its collect job is not: when it ends, run "
			      "'harness collect %s --results %s'", array_id, spec_abs, root);
	} else {
		char *cv[] = { "sbatch", "--parsable", clog, cpath, NULL };
		if (sbatch(cv, collect_id, sizeof(collect_id)))
			goto out;
	}
	struct strbuf sub = {0};
	strbuf_addf(&sub, "stamp=%s\nspec=%s\narray_job=%s\ncollect_job=%s\ncells_file=%s\n"
		    "tasks=%lld\nper_task=%lld\nncells=%lld\nportable=%d\n", stamp, spec_abs, array_id,
		    collect_id, cells_file ? cells_file : "", tasks, per, ntodo, o.portable);
	char *subpath = xstrfmt("%s/submission", dir);
	int w = write_file_atomic(subpath, sub.buf, sub.len);
	free(subpath);
	strbuf_release(&sub);
	if (w)
		goto out;
	if (ntodo)
		printf("submitted array job %s (%lld cells in %lld tasks) and collect job %s (afterany:%s)\n",
		       array_id, ntodo, tasks, collect_id[0] ? collect_id : "(none)", array_id);
	else
		printf("submitted collect job %s (records not yet in the database)\n", collect_id);
	printf("scripts in %s/; follow with: harness status %s%s%s\n", dir, spec.name,
	       o.results ? " --results " : "", o.results ? o.results : "");
	rc = collect_id[0] ? 0 : 2;
out:
	store_close(store);
	free(o.only);
	free(selected);
	free(todo);
	free(root);
	free(dir);
	free(records);
	free(dbpath);
	free(exe);
	free(spec_abs);
	free(cells_file);
	free(apath);
	free(cpath);
	free(ascript);
	free(cscript);
	free(alog);
	free(clog);
	spec_release(&spec);
	return rc;
}
