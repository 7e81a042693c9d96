/*
 * backend_slurm.c - the Slurm backend (backend.h): submits the cells of the
 * plan as one job array and a dependent collect job, or prints them with
 * --dry-run. It records nothing itself: the array tasks (`harness run-cell`)
 * leave record files under <root>/<NAME>/slurm/records/ and the collect job
 * (`harness collect`, slurm_collect.c) is their recorder. See slurm.h for the
 * files.
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
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cellrun.h"
#include "pipeline.h"
#include "results.h"
#include "slurm.h"

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

static long long max_array_size(int dry_run)
{
	char *argv[] = { "scontrol", "show", "config", NULL };
	char *out = NULL;
	int st = slurm_run(argv, 60, &out, dry_run);
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

static void sbatch_common(struct strbuf *sb, const struct slurm_opts *o, const char *name, const char *suffix)
{
	strbuf_addf(sb, "#SBATCH --job-name=harness-%s%s\n", name, suffix);
	if (o->partition)
		strbuf_addf(sb, "#SBATCH --partition=%s\n", o->partition);
	if (o->time)
		strbuf_addf(sb, "#SBATCH --time=%s\n", o->time);
}

static char *array_script(const struct slurm_opts *o, const struct spec *spec, const char *exe,
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

static char *collect_script(const struct slurm_opts *o, const struct spec *spec, const char *exe,
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
	int st = slurm_run(argv, 120, &out, 0);
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

/* The binary, the spec and the results root as the jobs see them (absolute, checked); -1 after error(). */
static int resolve_paths(const struct pipeline *p, char **exe, char **spec_abs, char **root)
{
	const struct slurm_opts *o = p->opts->slurm;
	*exe = self_exe();
	*spec_abs = realpath(o->spec_path, NULL);
	*root = NULL;
	if (!*exe || !*spec_abs)
		return error("cannot resolve the paths of the harness binary and of '%s'", o->spec_path);
	if (slurm_path_ok("results directory", p->root))
		return -1;
	if (!o->dry_run) {
		if (results_prepare(p->root, p->spec->name))
			return -1;
		*root = realpath(p->root, NULL);
	} else {
		*root = absolute(p->root);
	}
	if (!*root)
		return error("cannot resolve the results directory '%s': %s", p->root, strerror(errno));
	if (slurm_path_ok("results directory", *root) || slurm_path_ok("spec", *spec_abs) ||
	    slurm_path_ok("harness binary", *exe))
		return -1;
	return 0;
}

/* Refuses (or with --dry-run warns) while the last submission's jobs are queued. */
static int check_queue(const char *root, const char *name, int dry_run)
{
	struct slurm_submission last;
	int have_last = slurm_submission_read(root, name, &last);
	if (have_last < 0)
		return -1;
	if (!have_last || !(last.array_job[0] || last.collect_job[0]))
		return 0;
	char jobs[160];
	int queued = 0;
	snprintf(jobs, sizeof(jobs), "%s%s%s", last.array_job, last.array_job[0] && last.collect_job[0] ? "," : "",
		 last.collect_job);
	if (slurm_queue(jobs, queued_cb, &queued) && !dry_run)
		return error("cannot tell whether the last submission's jobs (%s) are still queued", jobs);
	if (!queued)
		return 0;
	if (!dry_run)
		return error("experiment '%s' has Slurm jobs still queued (%s): wait for them, or scancel them", name,
			     jobs);
	warning("experiment '%s' has Slurm jobs still queued (%s)", name, jobs);
	return 0;
}

static int slurm_prepare(struct pipeline *p)
{
	char *exe, *spec_abs, *root;
	int rc = resolve_paths(p, &exe, &spec_abs, &root);
	if (!rc)
		rc = check_queue(root, p->spec->name, p->opts->slurm->dry_run);
	free(exe);
	free(spec_abs);
	free(root);
	return rc;
}

static char *slurm_records_dir(const char *root, const char *experiment)
{
	char *dir = slurm_dir(root, experiment);
	char *records = xstrfmt("%s/records", dir);
	free(dir);
	return records;
}

/* One submission being made: its files (absolute paths) and shape. */
struct submission {
	const struct slurm_opts *o;
	const struct spec *spec;
	const int *todo;
	long long ntodo, tasks, per;
	const char *exe, *spec_abs, *root, *dir, *records, *stamp;
	const char *cells_file, *ascript, *cscript;
	char *apath, *cpath, *alog, *clog; /* (sbatch's argv) */
};

/* --dry-run: the scripts and the sbatch commands, printed. */
static void print_submission(const struct submission *b)
{
	long long ntodo = b->ntodo, tasks = b->tasks, per = b->per;
	const int *todo = b->todo;
	const char *apath = b->apath, *cpath = b->cpath, *ascript = b->ascript, *cscript = b->cscript;
	const char *cells_file = b->cells_file, *alog = b->alog, *clog = b->clog;
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
}

/* Writes the cells file, the scripts and the submission file, and submits: the exit status. */
static int submit(const struct submission *b)
{
	const struct slurm_opts *o = b->o;
	const struct spec *spec = b->spec;
	const int *todo = b->todo;
	long long ntodo = b->ntodo, tasks = b->tasks, per = b->per;
	const char *exe = b->exe, *spec_abs = b->spec_abs, *root = b->root, *dir = b->dir, *records = b->records;
	const char *stamp = b->stamp, *cells_file = b->cells_file, *ascript = b->ascript, *cscript = b->cscript;
	char *apath = b->apath, *cpath = b->cpath, *alog = b->alog, *clog = b->clog;
	(void)exe;
	int rc = 2;
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
			char *path = results_run_path(root, spec->name, &spec->cells[todo[i]], spec->cells[todo[i]].code_version);
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
		    collect_id, cells_file ? cells_file : "", tasks, per, ntodo, o->portable);
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
	printf("scripts in %s/; follow with: harness status %s%s%s\n", dir, spec->name,
	       o->results ? " --results " : "", o->results ? o->results : "");
	rc = collect_id[0] ? 0 : 2;
out:
	return rc;
}

static int slurm_execute(struct pipeline *p)
{
	const struct slurm_opts *o = p->opts->slurm;
	const struct spec *spec = p->spec;
	const int *todo = p->todo;
	long long ntodo = p->ntodo;
	int rc = 2;
	char *exe = NULL, *spec_abs = NULL, *root = NULL, *dir = NULL, *records = NULL;
	char *cells_file = NULL, *apath = NULL, *cpath = NULL, *ascript = NULL, *cscript = NULL;
	char *alog = NULL, *clog = NULL;
	if (resolve_paths(p, &exe, &spec_abs, &root))
		goto out;
	dir = slurm_dir(root, spec->name);
	records = xstrfmt("%s/records", dir);
	report("%s: %d cells (%d envs x %d configs x %d seeds), %lld to run, %d already done%s",
		spec->name, spec->ncells, spec->nenvs, spec->nconfigs, spec->nseeds, ntodo, p->nskipped,
		p->nuncollected ? " (some not collected yet)" : "");
	if (!ntodo && !p->nuncollected) {
		report("%s: nothing to submit", spec->name);
		rc = 0;
		goto out;
	}

	long long per = 1, tasks = 0;
	if (ntodo) {
		long long maxa = max_array_size(o->dry_run);
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
	char *frozen = frozen_binary(exe, dir, o->dry_run);
	if (!frozen)
		goto out;
	free(exe);
	exe = frozen;
	apath = xstrfmt("%s/array-%s.sh", dir, stamp);
	cpath = xstrfmt("%s/collect-%s.sh", dir, stamp);
	if (ntodo) {
		cells_file = xstrfmt("%s/cells-%s.txt", dir, stamp);
		ascript = array_script(o, spec, exe, spec_abs, root, dir, stamp, cells_file, ntodo, tasks, per);
	}
	cscript = collect_script(o, spec, exe, spec_abs, root, dir, stamp, cells_file, per);
	char *pa = xstrfmt("%s-%%A_%%a.out", stamp), *pc = xstrfmt("%s-collect-%%j.out", stamp);
	char *la = log_pattern(dir, pa), *lc = log_pattern(dir, pc);
	alog = xstrfmt("--output=%s", la);
	clog = xstrfmt("--output=%s", lc);
	free(pa);
	free(pc);
	free(la);
	free(lc);

	struct submission b = { o, spec, todo, ntodo, tasks, per, exe, spec_abs, root, dir, records, stamp,
				cells_file, ascript, cscript, apath, cpath, alog, clog };
	if (o->dry_run) {
		print_submission(&b);
		rc = 0;
	} else {
		rc = submit(&b);
	}
out:
	free(exe);
	free(spec_abs);
	free(root);
	free(dir);
	free(records);
	free(cells_file);
	free(apath);
	free(cpath);
	free(ascript);
	free(cscript);
	free(alog);
	free(clog);
	return rc;
}

const struct backend backend_slurm = {
	.name = "slurm",
	.records_dir = slurm_records_dir,
	.prepare = slurm_prepare,
	.execute = slurm_execute,
};
