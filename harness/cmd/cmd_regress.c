/*
 * cmd_regress.c - regression checking across code versions:
 *   harness regress NAME --base REV [--head REV] [--strict]   two commits (or a commit and the tree)
 *   harness regress NAME --baseline [--strict]                 the tree against a committed baseline
 *   harness baseline NAME                                      writes experiments/baselines/NAME.json
 *   harness version                                            this binary's code version
 *
 * A commit's binary is built once in a git worktree under <results>/.regress/<commit>/ and its runs
 * stored in that worktree's own results directory (an old binary may not know a newer database
 * schema), so a second regress against the same commit is instant. The working tree's runs are
 * the current binary's, in the main results directory. Both sides run the spec of the working tree.
 *
 * Per cell, equal results hashes mean "bit-identical". Per (env, config), final return and area
 * under the curve are compared across seeds with Welch's t-test and a bootstrap CI of the
 * difference, p-values Holm-corrected across every test of the report. Verdicts: identical,
 * changed (not significant), improved, regressed. Exit 0 when nothing regressed, 1 when something
 * did (or, with --strict, when a cell expected to be bit-identical changed), 2 on error. A cell
 * complete in the base and missing, errored or failed in the head is "lost": named in the table's
 * footer and the report, and exit 1 with or without --strict (a crash never passes the gate).
 * Both sides are read through the store, read-only (store.h).
 *
 * Bit-identity is expected for every cell when both sides ran on the same CPU type and BLAS
 * kernel; otherwise only for learners that do not use BLAS (tabular ones), and the report says
 * which cells were compared by statistics only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "commands.h"
#include "options.h"
#include "codever.h"
#include "regress.h"
#include "regress_cells.h"
#include "pipeline.h"
#include "proc.h"
#include "provenance.h"
#include "results.h"
#include "store.h"
#include "spec.h"

/* --- running a command and capturing its output --- */

/* Runs argv (proc.h), its stdout and stderr into log_path when not NULL: the exit status. */
static int run_argv(char *const argv[], const char *log_path)
{
	struct child c = CHILD_INIT;
	c.argv = argv;
	if (log_path) {
		c.out_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (c.out_fd < 0)
			return error("cannot open '%s': %s", log_path, strerror(errno));
		c.out = PROC_FD;
		c.err = PROC_TO_OUT;
	}
	int rc = proc_run(&c);
	if (log_path)
		close(c.out_fd);
	return rc;
}

static int resolve_commit(const char *rev, char out[64])
{
	for (const char *p = rev; *p; p++)
		if (!strchr("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-./~^@{}", *p))
			return error("--base/--head: '%s' is not a git revision", rev);
	char *arg = xstrfmt("%s^{commit}", rev);
	struct child c = CHILD_INIT;
	c.argv = (char *const[]){ "git", "rev-parse", "--verify", "--quiet", arg, NULL };
	c.out = PROC_PIPE;
	c.err = PROC_NULL;
	struct strbuf sb = {0};
	int st = proc_capture(&c, 60, &sb);
	free(arg);
	size_t len = strcspn(sb.buf, " \n");
	snprintf(out, 64, "%.*s", (int)len, sb.buf);
	strbuf_release(&sb);
	if (st != 0 || strlen(out) != 40)
		return error("'%s' is not a commit of this repository", rev);
	return 0;
}

/* Builds (once) the harness of a commit in a worktree; returns the binary's path. */
static char *commit_binary(const char *root, const char *commit)
{
	char *dir = xstrfmt("%s/.regress/%s", root, commit);
	char *bin = xstrfmt("%s/bin/harness", dir);
	char *log = xstrfmt("%s/.regress/%s.build.log", root, commit);
	struct stat st;
	if (stat(bin, &st) == 0) {
		/* a binary that does not run (truncated by a killed build, say) is rebuilt, not reused */
		char *vargv[] = { bin, "version", NULL };
		if (run_argv(vargv, log) == 0)
			goto done;
		report("the binary of %.10s in %s does not run: rebuilding it", commit, dir);
		unlink(bin);
	}
	char *rdir = xstrfmt("%s/.regress", root);
	int bad = mkdir_p(rdir, 0755);
	free(rdir);
	if (bad)
		goto fail;
	if (stat(dir, &st) != 0) {
		char *argv[] = { "git", "worktree", "add", "--detach", "--force", dir, (char *)commit, NULL };
		if (run_argv(argv, log)) {
			error("cannot check out %.10s into '%s' (see %s)", commit, dir, log);
			goto fail;
		}
	}
	report("building %.10s in %s", commit, dir);
	char *argv[] = { "make", "-C", dir, "-j2", "bin/harness", NULL };
	if (run_argv(argv, log)) {
		error("cannot build %.10s (see %s)", commit, log);
		goto fail;
	}
done:
	free(dir);
	free(log);
	return bin;
fail:
	free(dir);
	free(bin);
	free(log);
	return NULL;
}

static int run_spec(const char *bin, const char *spec, const char *root, const char *jobs)
{
	char *argv[] = { (char *)bin, "run", (char *)spec, "--results", (char *)root, "-j", (char *)jobs,
			 "--no-plot", NULL };
	int rc = run_argv(argv, NULL);
	if (rc == 0 || rc == 1)
		return 0; /* failed cells are results too */
	return error("running '%s' with %s failed (exit status %d)", spec, bin, rc);
}

/* --- commands --- */

/*
 * The working tree's side: this binary's own pipeline, in this process
 * (pipeline.h, local backend, no figures), not a re-executed harness run.
 */
static int self_run(const char *spec_path, const char *root, const char *jobs)
{
	int rc = pipeline_run_local(spec_path, root, atoi(jobs), 0); /* jobs: checked by parse_common */
	if (rc == 0 || rc == 1)
		return 0; /* failed cells are results too */
	return error("running '%s' failed (exit status %d)", spec_path, rc);
}

static const char *const version_lines[] = { "version", NULL };
static const struct usage version_usage = {
	"version", version_lines,
	"Prints the git commit and dirty flag this binary was built from, its code version\n"
	"(source_hash: of the whole binary; a cell's is made of the core hash and the units of its\n"
	"environment and learner, see README \"What re-runs\"), build facts and runtime libraries.",
	NULL
};

int cmd_version(int argc, char **argv)
{
	struct option opts[] = { OPT_END() };
	argc = parse_options(argc, argv, opts, &version_usage, 0);
	if (argc < 0)
		return opt_exit_status(argc);
	if (argc)
		return usagef("version", "unexpected argument '%s'", argv[0]);
	struct provenance p;
	provenance_get(&p);
	printf("git_commit  %s%s\nsource_hash %s\ncore_hash   %s\ncompiler    %s\ncflags      %s\nldflags     %s\n"
	       "libraries   %s\nblas        %s\nblas_core   %s\n",
	       p.git_commit, p.git_dirty ? " (dirty)" : "", p.source_hash, build_core_hash, p.compiler, p.cflags,
	       build_ldflags, p.libs, p.blas, p.blas_core);
	for (int i = 0; i < build_nunits; i++)
		printf("unit        %-22s %.16s %s\n", build_units[i].symbol, build_units[i].hash,
		       build_units[i].objects[0] ? build_units[i].objects : "(all in the core)");
	return 0;
}

/*
 * Parses a table whose positional argument is the experiment NAME; checks the
 * name and -j. 0, or the command's exit status (help printed, or reported).
 */
static int parse_common(int argc, char **argv, const struct option *opts, const struct usage *u,
			const char **name, const char *const *jobs)
{
	argc = parse_options(argc, argv, opts, u, 0);
	if (argc < 0)
		return argc == OPT_HELP ? -1 : 2;
	if (argc > 1)
		return usagef(u->cmd, "unexpected argument '%s'", argv[1]);
	if (!argc)
		return usagef(u->cmd, "give an experiment NAME (experiments/NAME.cfg)");
	*name = argv[0];
	if (!valid_experiment_name(*name)) {
		error("experiment name '%s' is not valid: letters, digits, _ . - only, no path characters", *name);
		return 2;
	}
	long long j;
	if (parse_ll(*jobs, &j) || j < 1 || j > 1024)
		return usagef(u->cmd, "--jobs: '%s' is not a number of jobs between 1 and 1024", *jobs);
	return 0;
}

/* parse_common()'s status as the command's: -1 (help printed) is 0. */
#define COMMON_STATUS(rc) ((rc) < 0 ? 0 : (rc))

static const char *const baseline_lines[] = { "baseline NAME [-j N] [--results DIR]", NULL };
static const struct usage baseline_usage = {
	"baseline", baseline_lines,
	"Runs experiments/NAME.cfg with this binary (reusing complete runs) and writes\n"
	"experiments/baselines/NAME.json: every cell's results hash, final return and AUC,\n"
	"with the platform facts they depend on. Commit it; then 'harness regress NAME\n"
	"--baseline' (run by make test for the smoke experiment) says which cells changed.",
	NULL
};

int cmd_baseline(int argc, char **argv)
{
	const char *name = NULL, *results = NULL, *jobs = "2";
	struct option opts[] = {
		OPT_STRING_DEF('j', "jobs", &jobs, "N", "2", "cells run at once"),
		OPT_STRING_DEF(0, "results", &results, "DIR", "$HARNESS_RESULTS or ./results", "results root"),
		OPT_END(),
	};
	int prc = parse_common(argc, argv, opts, &baseline_usage, &name, &jobs);
	if (prc)
		return COMMON_STATUS(prc);
	const char *root = results_root(results);
	char *spec_path = xstrfmt("experiments/%s.cfg", name);
	struct spec s;
	int rc = 2;
	struct cellres *cells = NULL;
	if (spec_load(&s, spec_path)) {
		free(spec_path);
		return 2;
	}
	struct provenance p;
	provenance_get(&p);
	cells = xcalloc((size_t)s.ncells, sizeof(*cells));
	if (!self_run(spec_path, root, jobs) && !regress_load_side(root, &s, NULL, 1, cells) &&
	    !regress_write_baseline(&s, cells, &p))
		rc = 0;
	free(cells);
	free(spec_path);
	spec_release(&s);
	return rc;
}

/*
 * Runs with the commit's binary only the cells whose code version (or config
 * hash) differs from other's (this binary's); the others take other's
 * results: the same code version computes the same results.
 */
static int changed_cells_side(const char *bin, const char *root, const char *db, const char *spec_path,
			      const char *jobs, const struct spec *s, const int *same, struct side *side,
			      const struct side *other)
{
	int *idx = xcalloc((size_t)s->ncells, sizeof(*idx)), n = 0, bad = 0;
	if (!access(db, F_OK))
		bad = regress_load_side(root, s, side->commit, 0, side->cells);
	for (int i = 0; i < s->ncells && !bad; i++)
		if (!same[i] && !side->cells[i].present)
			idx[n++] = i;
	if (!bad && n) {
		report("%.10s: %d of %d cells at another code version: running them", side->commit, n, s->ncells);
		char *log = xstrfmt("%s/../../%s.cells.log", root, side->commit);
		bad = regress_run_cells(bin, spec_path, root, idx, n, atoi(jobs), log) ||
		      regress_load_side(root, s, side->commit, 0, side->cells);
		free(log);
	}
	for (int i = 0; i < s->ncells && !bad; i++)
		if (same[i]) {
			side->cells[i] = other->cells[i];
			side->reused++;
		}
	free(idx);
	return bad ? -1 : 0;
}

/* One side at a commit: build it (once), run the spec (or what differs from other) with it, load its results. */
static int commit_side(const char *abs_root, const char *rev, const char *spec_path, const char *jobs,
		       const struct spec *s, struct side *side, const struct side *other)
{
	if (resolve_commit(rev, side->commit))
		return -1;
	char *bin = commit_binary(abs_root, side->commit);
	if (!bin)
		return -1;
	char *root = xstrfmt("%s/.regress/%s/results", abs_root, side->commit);
	char *db = results_db_path(root);
	int *same = xcalloc((size_t)s->ncells, sizeof(*same)), bad;
	if (other && regress_same_code(bin, spec_path, s, same) > 0)
		bad = changed_cells_side(bin, root, db, spec_path, jobs, s, same, side, other);
	else
		bad = run_spec(bin, spec_path, root, jobs) || regress_load_side(root, s, side->commit, 0, side->cells);
	free(same);
	free(bin);
	free(db);
	free(root);
	snprintf(side->label, sizeof(side->label), "%.10s", side->commit);
	return bad ? -1 : 0;
}

static const char *const regress_lines[] = {
	"regress NAME --base REV [--head REV] [--strict] [--metric-of final|auc] [-j N] [--results DIR]",
	"regress NAME --baseline [--strict] [--metric-of final|auc] [-j N] [--results DIR]", NULL
};
static const struct usage regress_usage = {
	"regress", regress_lines,
	"Compares the runs of experiments/NAME.cfg at two code versions: the commit REV\n"
	"(built once in a git worktree under <results>/.regress/) and --head REV, or by default\n"
	"the working tree (this binary). Missing runs are produced first; complete ones are\n"
	"reused. With --baseline, the working tree is compared with\n"
	"experiments/baselines/NAME.json (see 'harness baseline').\n\n"
	"Per cell, equal results hashes are 'bit-identical'. Per (environment, configuration),\n"
	"final return and AUC are compared across seeds (Welch's t-test, bootstrap CI of the\n"
	"difference, Holm-corrected): identical, changed (not significant), improved, regressed.\n"
	"--metric-of final or auc tests only that score (default: both; either can regress).\n"
	"Prints a table and writes results/NAME/regress-BASE-HEAD.md.",
	"exit status: 0 nothing regressed, 1 something regressed, or a cell complete in the\n"
	"base is missing, errored (crashed) or failed in the head (named; with or without\n"
	"--strict), or with --strict a cell expected to be bit-identical changed; 2 error.\n"
	"So 'git bisect run make regress\n"
	"NAME=x BASE=good' finds the commit that broke a result.\n\n"
	"examples:\n  harness regress quickstart --base HEAD~1\n  harness regress smoke --baseline --strict"
};

int cmd_regress(int argc, char **argv)
{
	const char *name = NULL, *results = NULL, *jobs = "2", *base_rev = NULL, *head_rev = NULL;
	const char *metric_of = NULL;
	int strict = 0, use_baseline = 0;
	struct option opts[] = {
		OPT_STRING(0, "base", &base_rev, "REV", "the base commit (built in a worktree)"),
		OPT_STRING_DEF(0, "head", &head_rev, "REV", "the working tree (this binary)", "the head commit"),
		OPT_BOOL(0, "baseline", &use_baseline, "compare with experiments/baselines/NAME.json"),
		OPT_BOOL(0, "strict", &strict, "a cell expected to be bit-identical that changed fails"),
		OPT_STRING_DEF(0, "metric-of", &metric_of, "final|auc", "both; either can regress",
			       "test only that score"),
		OPT_STRING_DEF('j', "jobs", &jobs, "N", "2", "cells run at once"),
		OPT_STRING_DEF(0, "results", &results, "DIR", "$HARNESS_RESULTS or ./results", "results root"),
		OPT_END(),
	};
	int prc = parse_common(argc, argv, opts, &regress_usage, &name, &jobs);
	if (prc)
		return COMMON_STATUS(prc);
	int which = 3;
	if (metric_of && (strcmp(metric_of, "final") && strcmp(metric_of, "auc"))) {
		error("regress: --metric-of must be final or auc (regress compares stored scores), got '%s'", metric_of);
		return 2;
	}
	if (metric_of)
		which = !strcmp(metric_of, "final") ? 1 : 2;
	if (!!base_rev == !!use_baseline) {
		error("regress: give either --base REV or --baseline");
		return 2;
	}
	char *root_abs = realpath(".", NULL);
	const char *root = results_root(results);
	char *spec_path = xstrfmt("%s/experiments/%s.cfg", root_abs, name);
	free(root_abs);
	struct spec s;
	if (spec_load(&s, spec_path)) {
		free(spec_path);
		return 2;
	}
	int rc = 2;
	struct side base = { 0 }, head = { 0 };
	base.cells = xcalloc((size_t)s.ncells, sizeof(*base.cells));
	head.cells = xcalloc((size_t)s.ncells, sizeof(*head.cells));
	struct provenance p;
	provenance_get(&p);
	char *report = NULL;
	if (mkdir_p(root, 0755))
		goto out;
	char *abs_root = realpath(root, NULL);
	/* head */
	if (head_rev) {
		if (commit_side(abs_root, head_rev, spec_path, jobs, &s, &head, NULL))
			goto out_abs;
	} else {
		if (self_run(spec_path, abs_root, jobs) || regress_load_side(abs_root, &s, NULL, 1, head.cells))
			goto out_abs;
		snprintf(head.label, sizeof(head.label), "working tree (%.10s%s, source %.10s)", p.git_commit,
			 p.git_dirty ? "+dirty" : "", p.source_hash);
	}
	/* base */
	if (use_baseline) {
		if (regress_read_baseline(&s, base.cells, base.label, sizeof(base.label)))
			goto out_abs;
	} else {
		if (commit_side(abs_root, base_rev, spec_path, jobs, &s, &base, head_rev ? NULL : &head))
			goto out_abs;
	}
	char *edir = xstrfmt("%s/%s", root, s.name);
	int bad_dir = mkdir_p(edir, 0755);
	free(edir);
	if (bad_dir)
		goto out_abs;
	report = xstrfmt("%s/%s/regress-%.10s-%.10s.md", root, s.name,
			 use_baseline ? "baseline" : base.commit, head_rev ? head.commit : "worktree");
	rc = regress_compare_sides(&s, &base, &head, strict, which, report);
out_abs:
	free(abs_root);
out:
	free(report);
	free(base.cells);
	free(head.cells);
	free(spec_path);
	spec_release(&s);
	return rc;
}
