/*
 * run.c - `harness run SPEC`: expands the matrix, skips what is complete,
 * runs every other cell in its own child process (at most -j at once),
 * records each in SQLite and HDF5, shows progress, and draws the figures.
 *
 * Process model: the parent alone writes the database; a child runs one cell,
 * writes its HDF5 file (temporary name, fsync, rename) and reports to the
 * parent over a pipe: "P <steps>" lines while it runs, then
 * "R <status> <hash> <final> <auc> <steps> <episodes> <wall>" and optionally
 * "E <message>". A child that dies without its R line is recorded as error.
 * Children die with the parent (PR_SET_PDEATHSIG) and ignore SIGINT and
 * SIGHUP: Ctrl-C, SIGTERM, SIGHUP (terminal closed) or SIGPIPE (the reader of
 * its output gone) reach the parent, which stops the children, records their
 * cells as error (interrupted), removes their temporary files and exits 130.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cellrun.h"
#include "commands.h"
#include "h5store.h"
#include "holder.h"
#include "plan.h"
#include "plot.h"
#include "results.h"
#include "rundb.h"
#include "store.h"
#include "runner.h"
#include "slurm.h"
#include "options.h"
#include "suggest.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

struct slot {
	pid_t pid;
	int fd;
	int cell;
	long long row_id;
	long long steps;
	char *path, *tmp;
	char buf[2048];
	size_t len;
	int got_result;
	char status[16], hash[65];
	double final_return, auc, wall;
	long long total_steps, episodes;
	char err[600];
};

struct runner_state {
	const struct spec *spec;
	const char *root;
	struct provenance prov;
	struct store *store;
	struct rundb *db;
	int jobs, force, retry_failed, tty, quiet;
	int done, failed, skipped, busy_waiting, total_to_run;
	long long steps_done;   /* of finished cells */
	struct plan_eta eta;    /* steps still budgeted (plan.h) */
	double t0, last_draw, last_renew;
	struct slot *slots;
	unsigned char *redo;    /* per cell: a complete cell whose run file is unusable, run again */
	/*
	 * The plan's arrays, held here too: a worker forked deep in the loop exits
	 * through a noreturn path whose registers need not keep cmd_run's locals,
	 * and a pointer only there would be a "definite leak" to valgrind.
	 */
	int *queue, *busy;
	unsigned char *selected;
};

/* --- the child --- */

static void child_progress(void *ctx, long long steps)
{
	int fd = *(int *)ctx;
	char line[64];
	int n = snprintf(line, sizeof(line), "P %lld\n", steps);
	if (write(fd, line, (size_t)n) < 0) {
		/* the parent is gone; PDEATHSIG ends us */
	}
}

static void write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		s += w;
		n -= (size_t)w;
	}
}

/*
 * A child that dies without its R line (die(), e.g. out of memory) still says
 * why: die()'s routine sends the message as an E line through the pipe.
 */
static void child_die_report(const char *msg, void *ctx)
{
	char m[600];
	snprintf(m, sizeof(m) - 1, "E %.590s", msg);
	size_t len = strlen(m);
	m[len++] = '\n';
	write_all(*(int *)ctx, m, len);
}

static void __attribute__((noreturn)) child_main(struct runner_state *rs, const struct cell *c,
						 const char *path, const char *tmp, int fd)
{
	struct cell_outcome o;
	struct strbuf out = {0};
	set_die_routine(child_die_report, &fd);
	cell_run_to_file(rs->spec->name, c, &rs->prov, path, tmp, child_progress, &fd, &o);
	strbuf_addf(&out, "R %s %s %.17g %.17g %lld %lld %.6f\n", o.status, o.hash[0] ? o.hash : "-",
		    o.final_return, o.auc, o.total_steps, o.episodes, o.wall_seconds);
	if (o.error[0])
		strbuf_addf(&out, "E %s\n", o.error);
	write_all(fd, out.buf, out.len);
	set_die_routine(NULL, NULL);
	/* the slot's strings, copied at fork: freed so leak checkers see a clean worker */
	strbuf_release(&out);
	free((char *)path);
	free((char *)tmp);
	_exit(0);
}

/* --- the parent --- */

static void fmt_duration(char *buf, size_t n, double s)
{
	if (!(s >= 0) || s > 360000) {
		snprintf(buf, n, "--:--");
		return;
	}
	long t = (long)(s + 0.5);
	if (t >= 3600)
		snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
	else
		snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
}

static void draw_progress(struct runner_state *rs, int final)
{
	double now = now_seconds();
	if (!rs->tty || rs->quiet || (!final && now - rs->last_draw < 0.2))
		return;
	rs->last_draw = now;
	long long steps = rs->steps_done, running_steps = 0;
	int running = 0;
	for (int i = 0; i < rs->jobs; i++)
		if (rs->slots[i].pid > 0) {
			running++;
			running_steps += rs->slots[i].steps;
		}
	steps += running_steps;
	double el = now - rs->t0, rate = el > 0 ? (double)steps / el : 0;
	double eta = plan_eta_seconds(&rs->eta, running_steps, rate);
	char e[32], w[32], r[32];
	if (rate >= 1e6)
		snprintf(r, sizeof(r), "%.2fM", rate / 1e6);
	else if (rate >= 1e3)
		snprintf(r, sizeof(r), "%.1fk", rate / 1e3);
	else
		snprintf(r, sizeof(r), "%.0f", rate);
	fmt_duration(e, sizeof(e), eta);
	fmt_duration(w, sizeof(w), el);
	fprintf(stderr, "\r\033[K[%s] %d/%d done, %d running, %d failed | %s steps/s | %s elapsed, ETA %s",
		printable(rs->spec->name), rs->done, rs->total_to_run, running, rs->failed, r, w, e);
	if (final)
		fputc('\n', stderr);
	fflush(stderr);
}

static void log_line(struct runner_state *rs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_line(struct runner_state *rs, const char *fmt, ...)
{
	if (rs->quiet)
		return;
	char msg[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (rs->tty)
		fputs("\r\033[K", stderr);
	report("%s", msg);
	rs->last_draw = 0;
}

static int start_cell(struct runner_state *rs, struct slot *sl, int ci)
{
	const struct cell *c = &rs->spec->cells[ci];
	char *path = results_run_path(rs->root, rs->spec->name, c, c->code_version);
	long long row_id;
	enum claim_result cr = rundb_claim(rs->db, rs->spec->name, c, &rs->prov, path,
					   rs->force || rs->redo[ci], rs->retry_failed, &row_id);
	if (cr != CLAIM_OK) {
		free(path);
		return cr;
	}
	char *tmp = holder_tmp_path(path);
	int fds[2];
	if (pipe(fds)) {
		free(path);
		free(tmp);
		rundb_abandon(rs->db, row_id, "cannot create a pipe");
		return error("cannot create a pipe: %s", strerror(errno));
	}
	fflush(NULL);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		free(path);
		free(tmp);
		rundb_abandon(rs->db, row_id, "cannot fork");
		return error("cannot fork: %s", strerror(errno));
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		signal(SIGINT, SIG_IGN);
		signal(SIGHUP, SIG_IGN);  /* the parent stops us (SIGTERM) */
		signal(SIGPIPE, SIG_IGN); /* a closed stderr fails a write, never kills the worker */
		signal(SIGTERM, SIG_DFL);
		close(fds[0]);
		for (int i = 0; i < rs->jobs; i++)
			if (rs->slots[i].pid > 0)
				close(rs->slots[i].fd);
		child_main(rs, c, path, tmp, fds[1]);
	}
	close(fds[1]);
	memset(sl, 0, sizeof(*sl));
	sl->pid = pid;
	sl->fd = fds[0];
	sl->cell = ci;
	sl->row_id = row_id;
	sl->path = path;
	sl->tmp = tmp;
	return CLAIM_OK;
}

static void parse_lines(struct slot *sl)
{
	char *start = sl->buf, *nl;
	while ((nl = memchr(start, '\n', sl->len - (size_t)(start - sl->buf)))) {
		*nl = '\0';
		if (start[0] == 'P') {
			sl->steps = atoll(start + 2);
		} else if (start[0] == 'R') {
			char st[16], h[65];
			if (sscanf(start, "R %15s %64s %lf %lf %lld %lld %lf", st, h, &sl->final_return,
				   &sl->auc, &sl->total_steps, &sl->episodes, &sl->wall) == 7) {
				snprintf(sl->status, sizeof(sl->status), "%s", st);
				snprintf(sl->hash, sizeof(sl->hash), "%s", h);
				sl->got_result = 1;
			}
		} else if (start[0] == 'E') {
			snprintf(sl->err, sizeof(sl->err), "%s", start + 2);
		}
		start = nl + 1;
	}
	size_t rest = sl->len - (size_t)(start - sl->buf);
	memmove(sl->buf, start, rest);
	sl->len = rest;
}

/* Reads what the child wrote; returns 1 at EOF. */
static int drain(struct slot *sl)
{
	for (;;) {
		if (sl->len == sizeof(sl->buf))
			sl->len = 0; /* a runaway line: drop it */
		ssize_t n = read(sl->fd, sl->buf + sl->len, sizeof(sl->buf) - sl->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 1;
		sl->len += (size_t)n;
		parse_lines(sl);
		return 0;
	}
}

static void finish_cell(struct runner_state *rs, struct slot *sl)
{
	int wstatus = 0;
	while (waitpid(sl->pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	close(sl->fd);
	const struct cell *c = &rs->spec->cells[sl->cell];
	struct run_summary s = { 0 };
	char why[700];
	if (sl->got_result) {
		s.status = sl->status;
		s.error = sl->err;
		s.final_return = sl->final_return;
		s.auc = sl->auc;
		s.total_steps = sl->total_steps;
		s.episodes = sl->episodes;
		s.wall_seconds = sl->wall;
		s.content_hash = strcmp(sl->hash, "-") ? sl->hash : NULL;
	} else {
		if (WIFSIGNALED(wstatus))
			snprintf(why, sizeof(why), "worker killed by signal %d (%s)", WTERMSIG(wstatus),
				 strsignal(WTERMSIG(wstatus)));
		else
			snprintf(why, sizeof(why), "worker exited with status %d without a result%s%.600s",
				 WEXITSTATUS(wstatus), sl->err[0] ? ": " : "", sl->err);
		s.status = "error";
		s.error = why;
		s.final_return = s.auc = NAN;
		unlink(sl->tmp);
	}
	if (rundb_finish(rs->db, sl->row_id, &s))
		s.status = "error";
	rs->steps_done += sl->got_result ? sl->total_steps : sl->steps;
	plan_eta_done(&rs->eta, c, sl->got_result ? sl->total_steps : sl->steps);
	if (!strcmp(s.status, "complete")) {
		rs->done++;
		if (!rs->tty)
			log_line(rs, "[%d/%d] %s: complete in %.2fs, final return %.4g",
				 rs->done + rs->failed, rs->total_to_run, c->cell_id, sl->wall, sl->final_return);
	} else {
		rs->failed++;
		log_line(rs, "[%d/%d] %s: %s: %s", rs->done + rs->failed, rs->total_to_run, c->cell_id,
			 s.status, s.error && *s.error ? s.error : "no message");
	}
	free(sl->path);
	free(sl->tmp);
	memset(sl, 0, sizeof(*sl));
}

static void stop_children(struct runner_state *rs)
{
	for (int i = 0; i < rs->jobs; i++)
		if (rs->slots[i].pid > 0)
			kill(rs->slots[i].pid, SIGTERM);
	for (int i = 0; i < rs->jobs; i++) {
		struct slot *sl = &rs->slots[i];
		if (sl->pid <= 0)
			continue;
		while (waitpid(sl->pid, NULL, 0) < 0 && errno == EINTR)
			;
		close(sl->fd);
		unlink(sl->tmp);
		rundb_abandon(rs->db, sl->row_id, "interrupted");
		free(sl->path);
		free(sl->tmp);
		memset(sl, 0, sizeof(*sl));
	}
}

static const char *const run_usage_lines[] = {
	"run SPEC [-j N] [--results DIR] [--force] [--retry-failed] [--only PATTERN]...\n"
	"                 [--list] [--no-plot] [--quiet] [--portable]",
	"run SPEC --backend slurm [--partition P] [--time T] [--cpus-per-task N]\n"
	"                 [--array-limit K] [--dry-run] [--results DIR] [--force]\n"
	"                 [--retry-failed] [--only PATTERN]... [--no-plot]",
	NULL
};
static const struct usage run_usage = {
	"run", run_usage_lines,
	"Runs the matrix of an experiment spec (experiments/NAME.cfg): environments x\n"
	"algorithm configurations x seeds, each cell in its own process. Cells already\n"
	"complete with the same configuration and code version are skipped, so re-running\n"
	"the command resumes an interrupted experiment. Ends by drawing the figures.",
	"exit status: 0 all cells complete, 1 some cell failed, 2 bad input or error,\n"
	"130 interrupted (run the same command again to resume)\n\n"
	"examples:\n  harness run experiments/quickstart.cfg -j 2\n"
	"  harness run experiments/quickstart.cfg --backend slurm --partition short --time 10:00"
};

/* What `harness run` is given; the slurm entries are parsed again by slurm.c. */
struct run_args {
	const char *results, *backend, *partition, *time, *cpus;
	long long jobs, array_limit;
	int force, retry, list, no_plot, quiet, portable, dry_run;
	struct string_list only;
};

#define RUN_OPTIONS(a) \
	OPT_INT('j', "jobs", &(a)->jobs, "N", 1, 1024, "the number of cores", "cells run at once"), \
	OPT_STRING_DEF(0, "results", &(a)->results, "DIR", "$HARNESS_RESULTS or ./results", "results root"), \
	OPT_BOOL(0, "force", &(a)->force, "re-run complete cells too"), \
	OPT_BOOL(0, "retry-failed", &(a)->retry, "re-run cells whose run failed (e.g. diverged)"), \
	OPT_STRING_LIST(0, "only", &(a)->only, "PATTERN", \
			"only the cells whose id is PATTERN or matches it as a glob\n" \
			"('CartPole-v1/*', '*/seed=3'); repeatable (the union)"), \
	OPT_BOOL(0, "list", &(a)->list, "print the matrix (cell ids, config hashes, seeds) and exit"), \
	OPT_BOOL(0, "no-plot", &(a)->no_plot, "do not draw figures at the end"), \
	OPT_BOOL(0, "quiet", &(a)->quiet, "no progress display or log lines"), \
	OPT_BOOL(0, "portable", &(a)->portable, \
		 "DQN-family learners use plain-C matrix kernels instead of OpenBLAS:\n" \
		 "results bit-identical across CPU types (recorded as portable = true)"), \
	OPT_STRING_DEF(0, "backend", &(a)->backend, "B", "local", \
		       "local or slurm: submit the cells still to run as one\n" \
		       "Slurm job array (one task per cell, or per chunk of cells beyond\n" \
		       "the cluster's MaxArraySize) and a dependent job that records them\n" \
		       "in the database ('harness collect') and draws the figures; scripts\n" \
		       "and logs in <results>/<NAME>/slurm/; follow with 'harness status NAME'.\n" \
		       "The repository (bin/harness), the spec and the results directory\n" \
		       "must be on a filesystem every node shares, at the same paths"), \
	OPT_GROUP("slurm backend options (passed to sbatch):"), \
	OPT_STRING(0, "partition", &(a)->partition, "P", "the partition"), \
	OPT_STRING(0, "time", &(a)->time, "T", "the time limit of a task"), \
	OPT_STRING_DEF(0, "cpus-per-task", &(a)->cpus, "N", "1", "cores of a task"), \
	OPT_INT(0, "array-limit", &(a)->array_limit, "K", 1, LLONG_MAX, NULL, \
		"at most K array tasks at once (sbatch --array=...%K)"), \
	OPT_BOOL(0, "dry-run", &(a)->dry_run, "print the scripts and sbatch commands, submit nothing"), \
	OPT_END()

/* The backend named by argv ("local" when none), before any parsing. */
static const char *backend_of(int argc, char **argv)
{
	const char *b = "local";
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--backend") && i + 1 < argc)
			b = argv[++i];
		else if (!strncmp(argv[i], "--backend=", 10))
			b = argv[i] + 10;
	}
	return b;
}

static void list_matrix(const struct spec *s, const unsigned char *mask)
{
	printf("# %s: %d cells over %d environments, %d configurations, %d seeds\n", s->name, s->ncells,
	       s->nenvs, s->nconfigs, s->nseeds);
	printf("cell_id\tconfig_hash\tenv_seed\tlearner_seed\teval_seed\tcode_version\n");
	for (int i = 0; i < s->ncells; i++) {
		const struct cell *c = &s->cells[i];
		if (!mask[i])
			continue;
		printf("%s\t%.16s\t%llu\t%llu\t%llu\t%s\n", printable(c->cell_id), c->config_hash,
		       (unsigned long long)c->env_seed, (unsigned long long)c->learner_seed,
		       (unsigned long long)c->eval_seed, c->code_version);
	}
}

int cmd_run(int argc, char **argv)
{
	const char *backend = backend_of(argc, argv);
	if (!strcmp(backend, "slurm") && !wants_help(argc, argv))
		return slurm_submit(argc, argv);
	struct run_args ra = { .jobs = sysconf(_SC_NPROCESSORS_ONLN), .backend = "local" };
	struct option opts[] = { RUN_OPTIONS(&ra) };
	argc = parse_options(argc, argv, opts, &run_usage, 0);
	if (argc < 0)
		return string_list_release(&ra.only), opt_exit_status(argc);
	const char *bad = strcmp(ra.backend, "local") ? "--backend" : ra.partition ? "--partition"
		: ra.time ? "--time" : ra.cpus ? "--cpus-per-task" : ra.array_limit ? "--array-limit"
		: ra.dry_run ? "--dry-run" : NULL;
	if (bad && !strcmp(bad, "--backend"))
		return string_list_release(&ra.only),
		       usagef("run", "--backend: '%s' is not local or slurm", ra.backend);
	if (bad)
		return string_list_release(&ra.only), usagef("run", "'%s' applies to --backend slurm only", bad);
	if (argc != 1)
		return string_list_release(&ra.only),
		       argc ? usagef("run", "unexpected argument '%s'", argv[1])
			    : usagef("run", "missing SPEC, e.g. experiments/quickstart.cfg");
	const char *spec_path = argv[0], *results_opt = ra.results;
	long long jobs = ra.jobs < 1 ? 1 : ra.jobs;
	int force = ra.force, retry = ra.retry, list = ra.list, no_plot = ra.no_plot, quiet = ra.quiet;
	int portable = ra.portable, nonly = ra.only.nr;
	char **only = (char **)ra.only.items; /* freed below as before */

	struct spec spec;
	if (spec_load_opts(&spec, spec_path, portable)) {
		free(only);
		return 2;
	}
	unsigned char *selected = xcalloc((size_t)spec.ncells + 1, 1);
	int sel = plan_select(&spec, only, nonly, selected);
	free(only);
	if (sel || list) {
		if (!sel)
			list_matrix(&spec, selected);
		free(selected);
		spec_release(&spec);
		return sel ? 2 : 0;
	}
	struct runner_state rs = { 0 };
	rs.spec = &spec;
	rs.root = results_root(results_opt);
	rs.jobs = (int)jobs;
	rs.force = force;
	rs.retry_failed = retry;
	rs.quiet = quiet;
	rs.tty = isatty(STDERR_FILENO);
	rs.redo = xcalloc((size_t)spec.ncells + 1, 1);
	provenance_get(&rs.prov);
	int rc = 2;
	char *dbpath = NULL;
	int *queue = NULL, *busy = NULL;

	if (results_prepare(rs.root, spec.name))
		goto out;
	dbpath = results_db_path(rs.root);
	if (store_open(&rs.store, rs.root, STORE_WRITE))
		goto out;
	rs.db = store_rundb(rs.store);

	/* plan: verify complete runs' files before anything is written */
	rs.queue = queue = xcalloc((size_t)spec.ncells, sizeof(int));
	rs.busy = busy = xcalloc((size_t)spec.ncells, sizeof(int));
	rs.selected = selected;
	int nq = 0, nb = 0, nredo = 0;
	for (int i = 0; i < spec.ncells; i++) {
		if (!selected[i])
			continue;
		struct run_row row;
		int found = rundb_find(rs.db, spec.name, &spec.cells[i], spec.cells[i].code_version, &row);
		if (found < 0)
			goto out;
		int done = found && (!strcmp(row.status, "complete") ||
				     (!strcmp(row.status, "failed") && !retry));
		char why[800];
		if (done && !force && !strcmp(row.status, "complete") &&
		    plan_check_run_file(row.h5_path, row.content_hash, why, sizeof(why))) {
			/* said even with --quiet: a result is being replaced */
			report("cell '%s': %s: running it again", spec.cells[i].cell_id, why);
			rs.redo[i] = 1;
			nredo++;
			done = 0;
		}
		if (done && !force) {
			rs.skipped++;
			continue;
		}
		queue[nq++] = i;
		if (spec.cells[i].budget.steps)
			rs.eta.step_budget_left += spec.cells[i].budget.steps;
		else
			rs.eta.ep_cells_left++;
	}
	if (store_put_experiment(rs.store, &spec))
		goto out;
	results_stale_tmp(rs.root, spec.name, 1);
	rs.total_to_run = nq;
	if (!quiet) {
		struct strbuf line = {0};
		strbuf_addf(&line, "%s: %d cells (%d envs, %d configs, %d seeds), %d to run, %d already done",
			    spec.name, spec.ncells, spec.nenvs, spec.nconfigs, spec.nseeds, nq, rs.skipped);
		if (nredo)
			strbuf_addf(&line, ", %d of them again (run file unusable)", nredo);
		if (nonly)
			strbuf_addf(&line, ", %d not selected by --only", spec.ncells - nq - rs.skipped);
		strbuf_addf(&line, ", -j %d", rs.jobs);
		report("%s", line.buf);
		strbuf_release(&line);
	}

	/* each of these ends the run the same way: children stopped, cells recorded interrupted, 130 */
	static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	struct sigaction sa = { 0 }, old_sa[ARRAY_SIZE(stop_signals)];
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t k = 0; k < ARRAY_SIZE(stop_signals); k++)
		sigaction(stop_signals[k], &sa, &old_sa[k]);
	rs.slots = xcalloc((size_t)rs.jobs, sizeof(*rs.slots));
	rs.t0 = rs.last_renew = now_seconds();
	struct pollfd *pfd = xcalloc((size_t)rs.jobs, sizeof(*pfd));
	int qi = 0, setup_error = 0;
	for (;;) {
		if (stop_signal)
			break;
		/* fill free slots */
		for (int i = 0; i < rs.jobs && qi < nq && !setup_error; i++) {
			if (rs.slots[i].pid > 0)
				continue;
			int r;
			while (qi < nq && (r = start_cell(&rs, &rs.slots[i], queue[qi])) != CLAIM_OK) {
				if (r == CLAIM_DONE) {
					rs.skipped++;
					rs.total_to_run--;
					plan_eta_done(&rs.eta, &spec.cells[queue[qi]], -1);
				} else if (r == CLAIM_BUSY) {
					busy[nb++] = queue[qi];
				} else {
					setup_error = 1;
					break;
				}
				qi++;
			}
			if (qi < nq && !setup_error)
				qi++;
		}
		int running = 0;
		for (int i = 0; i < rs.jobs; i++)
			running += rs.slots[i].pid > 0;
		if (!running) {
			if (setup_error)
				break;
			if (qi < nq)
				continue;
			if (!nb)
				break;
			/* cells another process is running: wait for them, then claim what is left */
			if (!rs.busy_waiting && !quiet)
				log_line(&rs, "waiting for %d cells another harness process is running", nb);
			rs.busy_waiting = 1;
			usleep(300000);
			memcpy(queue, busy, (size_t)nb * sizeof(int));
			nq = nb;
			qi = 0;
			nb = 0;
			continue;
		}
		int n = 0;
		int idx[1024];
		for (int i = 0; i < rs.jobs; i++) {
			if (rs.slots[i].pid <= 0)
				continue;
			pfd[n].fd = rs.slots[i].fd;
			pfd[n].events = POLLIN;
			idx[n++] = i;
		}
		int pr = poll(pfd, (nfds_t)n, 200);
		if (pr < 0 && errno != EINTR) {
			error("poll failed: %s", strerror(errno));
			break;
		}
		for (int k = 0; pr > 0 && k < n; k++) {
			if (!(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			struct slot *sl = &rs.slots[idx[k]];
			if (drain(sl))
				finish_cell(&rs, sl);
		}
		draw_progress(&rs, 0);
		/* the heartbeat of this process's claims (rundb.h) */
		if (now_seconds() - rs.last_renew >= rundb_lease_seconds() / 4.0) {
			rundb_renew(rs.db);
			rs.last_renew = now_seconds();
		}
	}
	free(pfd);
	if (stop_signal) {
		stop_children(&rs);
		draw_progress(&rs, 1);
		report("interrupted by %s: %d cells complete, %d not finished; run the same command again to resume",
		       strsignal(stop_signal), rs.done, rs.total_to_run - rs.done - rs.failed);
		rc = 130;
		goto restore;
	}
	draw_progress(&rs, 1);
	if (setup_error) {
		stop_children(&rs);
		rc = 2;
		goto restore;
	}
	if (!quiet)
		report("%s: %d complete, %d failed, %d skipped in %.1fs", spec.name, rs.done, rs.failed,
		       rs.skipped, now_seconds() - rs.t0);
	rc = rs.failed ? 1 : 0;
	if (!no_plot) {
		char *figdir = NULL;
		struct selection sel;
		struct select_opts so = { NULL, 0, &rs.prov };
		if (store_select_spec(rs.store, &spec, &so, &sel)) {
			rc = rc ? rc : 2;
		} else {
			if (!quiet)
				selection_report(&sel, stderr);
			if (plot_experiment(rs.store, &sel, &figdir))
				rc = rc ? rc : 2;
			else if (!quiet && figdir)
				report("figures in %s/", figdir);
			selection_release(&sel);
		}
		free(figdir);
	}
restore:
	for (size_t k = 0; k < ARRAY_SIZE(stop_signals); k++)
		sigaction(stop_signals[k], &old_sa[k], NULL);
out:
	free(rs.slots);
	free(rs.redo);
	free(selected);
	free(queue);
	free(busy);
	free(dbpath);
	store_close(rs.store);
	spec_release(&spec);
	return rc;
}
