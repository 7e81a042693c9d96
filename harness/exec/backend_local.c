/*
 * backend_local.c - the local backend (backend.h): the cells of the plan run
 * on this machine, each in its own forked worker, at most -j at once; the
 * parent records each in the database as it ends and shows progress.
 *
 * Process model: the parent alone writes the database; a worker runs one
 * cell, writes its HDF5 file (temporary name, fsync, rename) and reports to
 * the parent over a pipe: "P <steps>" lines while it runs, then its outcome
 * in the one codec (outcome.h: key=value lines). A worker that exits through
 * die() says why in an "X <escaped message>" line first. A worker that dies
 * without a whole outcome is recorded as error, with its signal or exit
 * status; one whose outcome does not decode, with the reason. Workers die
 * with the parent (PR_SET_PDEATHSIG) and ignore SIGINT and SIGHUP: Ctrl-C,
 * SIGTERM, SIGHUP (terminal closed) or SIGPIPE (the reader of its output
 * gone) reach the parent, which stops the workers, records their cells as
 * error (interrupted), removes their temporary files and returns 130.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cellrun.h"
#include "holder.h"
#include "pipeline.h"
#include "proc.h"
#include "results.h"
#include "rundb.h"
#include "store.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

struct slot {
	struct child ch;            /* the worker (proc.h): finished with proc_finish */
	pid_t pid;
	int fd;
	int cell;
	long long row_id;
	long long steps;
	char *path, *tmp;
	char buf[8192];             /* an escaped message may take 4 bytes a byte */
	size_t len;
	struct outcome_decoder dec; /* the worker's outcome, as its lines arrive */
	char bad[300];              /* why its outcome does not decode; "" */
	char err[600];              /* its "X" line: the message it exited with */
};

struct runner_state {
	struct pipeline *p;
	const struct spec *spec;
	struct rundb *db;
	int jobs, tty, quiet;
	int done, failed, skipped, busy_waiting, total_to_run;
	long long steps_done;   /* of finished cells */
	struct plan_eta eta;    /* steps still budgeted (plan.h) */
	double t0, last_draw, last_renew;
	struct slot *slots;
	/*
	 * The queue, held here: a worker forked deep in the loop exits through a
	 * noreturn path whose registers need not keep the caller's locals, and a
	 * pointer only there would be a "definite leak" to valgrind.
	 */
	int *queue, *busy;
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
 * A child that dies without its outcome (die(), e.g. out of memory) still
 * says why: die()'s routine (util.h set_die_routine) sends the message.
 */
static void child_die_report(const char *msg, void *ctx)
{
	struct strbuf m = {0};
	strbuf_addstr(&m, "X ");
	outcome_escape(&m, msg);
	strbuf_addstr(&m, "\n");
	write_all(*(int *)ctx, m.buf, m.len);
	strbuf_release(&m);
}

static void __attribute__((noreturn)) child_main(struct runner_state *rs, const struct cell *c,
						 const char *path, const char *tmp, int fd)
{
	struct cell_outcome o;
	struct strbuf out = {0};
	set_die_routine(child_die_report, &fd);
	cell_run_to_file(rs->spec->name, c, &rs->p->prov, path, tmp, child_progress, &fd, &o);
	outcome_encode(&out, &o);
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

/* What a worker runs (proc.h runs it in the child). */
struct worker {
	struct runner_state *rs;
	const struct cell *c;
	const char *path, *tmp;
};

static void worker_setup(void *ctx)
{
	struct worker *w = ctx;
	signal(SIGPIPE, SIG_IGN); /* a closed stderr fails a write, never kills the worker */
	signal(SIGTERM, SIG_DFL);
	for (int i = 0; i < w->rs->jobs; i++)
		if (w->rs->slots[i].pid > 0)
			close(w->rs->slots[i].fd);
}

static int worker_main(void *ctx, int fd)
{
	struct worker *w = ctx;
	child_main(w->rs, w->c, w->path, w->tmp, fd);
}

static int start_cell(struct runner_state *rs, struct slot *sl, int ci)
{
	const struct cell *c = &rs->spec->cells[ci];
	char *path = results_run_path(rs->p->root, rs->spec->name, c, c->code_version);
	long long row_id;
	enum claim_result cr = pipeline_claim(rs->p, ci, path, &row_id);
	if (cr != CLAIM_OK) {
		free(path);
		return cr;
	}
	char *tmp = holder_tmp_path(path);
	struct worker w = { rs, c, path, tmp };
	struct child ch = CHILD_INIT;
	ch.fn = worker_main;
	ch.in_child = worker_setup;
	ch.ctx = &w;
	ch.out = PROC_PIPE;
	ch.pdeathsig = SIGKILL;  /* workers die with the parent */
	ch.ignore_sigint = 1;    /* SIGINT, SIGHUP: the parent stops us (SIGTERM) */
	if (proc_start(&ch)) {
		free(path);
		free(tmp);
		rundb_abandon(rs->db, row_id, "cannot start a worker");
		return -1;
	}
	pid_t pid = ch.pid;
	memset(sl, 0, sizeof(*sl));
	sl->ch = ch;
	sl->pid = pid;
	sl->fd = ch.out_fd;
	sl->cell = ci;
	sl->row_id = row_id;
	sl->path = path;
	sl->tmp = tmp;
	outcome_decoder_init(&sl->dec);
	return CLAIM_OK;
}

/* One line from the worker: progress, its exit message, or a key of its outcome. */
static void parse_line(struct slot *sl, char *line)
{
	if (line[0] == 'P' && line[1] == ' ') {
		sl->steps = atoll(line + 2);
		return;
	}
	if (line[0] == 'X' && line[1] == ' ') {
		if (outcome_unescape(line + 2, sl->err, sizeof(sl->err)) < 0)
			snprintf(sl->err, sizeof(sl->err), "%.500s", line + 2);
		return;
	}
	char *eq = strchr(line, '=');
	if (sl->bad[0])
		return;
	if (!eq) {
		snprintf(sl->bad, sizeof(sl->bad), "line '%.80s' is not key=value", line);
		return;
	}
	*eq = '\0';
	if (!outcome_decode_kv(&sl->dec, line, eq + 1, sl->bad, sizeof(sl->bad)))
		snprintf(sl->bad, sizeof(sl->bad), "unknown key '%.80s'", line);
}

static void parse_lines(struct slot *sl)
{
	char *start = sl->buf, *nl;
	while ((nl = memchr(start, '\n', sl->len - (size_t)(start - sl->buf)))) {
		*nl = '\0';
		parse_line(sl, start);
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
	proc_finish(&sl->ch); /* closes the pipe */
	int wstatus = sl->ch.wstatus;
	const struct cell *c = &rs->spec->cells[sl->cell];
	struct cell_outcome o;
	char why[300];
	int got = !sl->bad[0] && !outcome_decoder_finish(&sl->dec, &o, why, sizeof(why));
	if (!got) {
		memset(&o, 0, sizeof(o));
		snprintf(o.status, sizeof(o.status), "error");
		o.final_return = o.auc = NAN;
		if (WIFSIGNALED(wstatus))
			snprintf(o.error, sizeof(o.error), "worker killed by signal %d (%s)", WTERMSIG(wstatus),
				 strsignal(WTERMSIG(wstatus)));
		else if (WEXITSTATUS(wstatus) == 0 && sl->dec.seen)
			snprintf(o.error, sizeof(o.error), "worker sent a malformed outcome: %s",
				 sl->bad[0] ? sl->bad : why);
		else
			snprintf(o.error, sizeof(o.error), "worker exited with status %d without a result%s%.500s",
				 WEXITSTATUS(wstatus), sl->err[0] ? ": " : "", sl->err);
		unlink(sl->tmp);
	}
	if (pipeline_record(rs->db, sl->row_id, &o))
		snprintf(o.status, sizeof(o.status), "error");
	rs->steps_done += got ? o.total_steps : sl->steps;
	plan_eta_done(&rs->eta, c, got ? o.total_steps : sl->steps);
	if (!strcmp(o.status, "complete")) {
		rs->done++;
		if (!rs->tty)
			log_line(rs, "[%d/%d] %s: complete in %.2fs, final return %.4g",
				 rs->done + rs->failed, rs->total_to_run, c->cell_id, o.wall_seconds, o.final_return);
	} else {
		rs->failed++;
		log_line(rs, "[%d/%d] %s: %s: %s", rs->done + rs->failed, rs->total_to_run, c->cell_id,
			 o.status, o.error[0] ? o.error : "no message");
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
		proc_finish(&sl->ch); /* closes the pipe */
		unlink(sl->tmp);
		rundb_abandon(rs->db, sl->row_id, "interrupted");
		free(sl->path);
		free(sl->tmp);
		memset(sl, 0, sizeof(*sl));
	}
}

/* Starts cells of the queue in the free slots: -1 on a setup error. */
static int fill_slots(struct runner_state *rs, int *qi, int nq, int *nb)
{
	for (int i = 0; i < rs->jobs && *qi < nq; i++) {
		if (rs->slots[i].pid > 0)
			continue;
		int r;
		while (*qi < nq && (r = start_cell(rs, &rs->slots[i], rs->queue[*qi])) != CLAIM_OK) {
			if (r == CLAIM_DONE) {
				rs->skipped++;
				rs->total_to_run--;
				plan_eta_done(&rs->eta, &rs->spec->cells[rs->queue[*qi]], -1);
			} else if (r == CLAIM_BUSY) {
				rs->busy[(*nb)++] = rs->queue[*qi];
			} else {
				return -1;
			}
			(*qi)++;
		}
		if (*qi < nq)
			(*qi)++;
	}
	return 0;
}

/* Waits up to 200 ms for output of the running workers and finishes those at EOF; -1 if poll fails. */
static int poll_slots(struct runner_state *rs, struct pollfd *pfd)
{
	int n = 0;
	int idx[1024];
	for (int i = 0; i < rs->jobs; i++) {
		if (rs->slots[i].pid <= 0)
			continue;
		pfd[n].fd = rs->slots[i].fd;
		pfd[n].events = POLLIN;
		idx[n++] = i;
	}
	int pr = poll(pfd, (nfds_t)n, 200);
	if (pr < 0 && errno != EINTR)
		return error("poll failed: %s", strerror(errno));
	for (int k = 0; pr > 0 && k < n; k++) {
		if (!(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		struct slot *sl = &rs->slots[idx[k]];
		if (drain(sl))
			finish_cell(rs, sl);
	}
	return 0;
}

static void report_plan(const struct runner_state *rs)
{
	const struct pipeline *p = rs->p;
	const struct spec *s = rs->spec;
	struct strbuf line = {0};
	strbuf_addf(&line, "%s: %d cells (%d envs, %d configs, %d seeds), %d to run, %d already done", s->name,
		    s->ncells, s->nenvs, s->nconfigs, s->nseeds, p->ntodo, p->nskipped);
	if (p->nredo)
		strbuf_addf(&line, ", %d of them again (run file unusable)", p->nredo);
	if (p->opts->nonly)
		strbuf_addf(&line, ", %d not selected by --only", s->ncells - p->ntodo - p->nskipped);
	strbuf_addf(&line, ", -j %d", rs->jobs);
	report("%s", line.buf);
	strbuf_release(&line);
}

/*
 * Runs the queue: fills free slots, reads the workers' lines, renews this
 * process's claims, until every cell ended or a signal came. Cells another
 * process holds are waited for, then claimed. -1 when a cell could not be
 * set up (the cells already running were let finish).
 */
static int run_queue(struct runner_state *rs)
{
	struct pollfd *pfd = xcalloc((size_t)rs->jobs, sizeof(*pfd));
	int qi = 0, nq = rs->p->ntodo, nb = 0, rc = 0;
	while (!stop_signal) {
		/* after a setup error, the cells running end as they would; no new one starts */
		if (!rc && fill_slots(rs, &qi, nq, &nb))
			rc = -1;
		int running = 0;
		for (int i = 0; i < rs->jobs; i++)
			running += rs->slots[i].pid > 0;
		if (!running) {
			if (rc)
				break;
			if (qi < nq)
				continue;
			if (!nb)
				break;
			/* cells another process is running: wait for them, then claim what is left */
			if (!rs->busy_waiting && !rs->quiet)
				log_line(rs, "waiting for %d cells another harness process is running", nb);
			rs->busy_waiting = 1;
			usleep(300000);
			memcpy(rs->queue, rs->busy, (size_t)nb * sizeof(int));
			nq = nb;
			qi = 0;
			nb = 0;
			continue;
		}
		if (poll_slots(rs, pfd))
			break;
		draw_progress(rs, 0);
		/* the heartbeat of this process's claims (rundb.h) */
		if (now_seconds() - rs->last_renew >= rundb_lease_seconds() / 4.0) {
			rundb_renew(rs->db);
			rs->last_renew = now_seconds();
		}
	}
	free(pfd);
	return rc;
}

static int local_execute(struct pipeline *p)
{
	struct runner_state rs = { 0 };
	rs.p = p;
	rs.spec = p->spec;
	rs.db = p->db;
	rs.jobs = p->opts->jobs > 0 ? p->opts->jobs : 1;
	rs.quiet = p->opts->quiet;
	rs.tty = isatty(STDERR_FILENO);
	rs.skipped = p->nskipped;
	rs.total_to_run = p->ntodo;
	rs.eta = p->eta;
	if (store_put_experiment(p->store, p->spec))
		return 2;
	results_stale_tmp(p->root, p->spec->name, 1);
	if (!rs.quiet)
		report_plan(&rs);
	rs.queue = xcalloc((size_t)p->ntodo + 1, sizeof(int));
	rs.busy = xcalloc((size_t)p->ntodo + 1, sizeof(int));
	memcpy(rs.queue, p->todo, (size_t)p->ntodo * sizeof(int));

	/* each of these ends the run the same way: children stopped, cells recorded interrupted, 130 */
	static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	struct sigaction sa = { 0 }, old_sa[ARRAY_SIZE(stop_signals)];
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	stop_signal = 0;
	for (size_t k = 0; k < ARRAY_SIZE(stop_signals); k++)
		sigaction(stop_signals[k], &sa, &old_sa[k]);
	rs.slots = xcalloc((size_t)rs.jobs, sizeof(*rs.slots));
	rs.t0 = rs.last_renew = now_seconds();
	int setup_error = run_queue(&rs), rc;
	if (stop_signal) {
		stop_children(&rs);
		draw_progress(&rs, 1);
		report("interrupted by %s: %d cells complete, %d not finished; run the same command again to resume",
		       strsignal(stop_signal), rs.done, rs.total_to_run - rs.done - rs.failed);
		rc = 130;
	} else if (setup_error) {
		draw_progress(&rs, 1);
		stop_children(&rs);
		rc = 2;
	} else {
		draw_progress(&rs, 1);
		if (!rs.quiet)
			report("%s: %d complete, %d failed, %d skipped in %.1fs", rs.spec->name, rs.done, rs.failed,
			       rs.skipped, now_seconds() - rs.t0);
		rc = rs.failed ? 1 : 0;
	}
	for (size_t k = 0; k < ARRAY_SIZE(stop_signals); k++)
		sigaction(stop_signals[k], &old_sa[k], NULL);
	free(rs.slots);
	free(rs.queue);
	free(rs.busy);
	return rc;
}

const struct backend backend_local = {
	.name = "local",
	.records_dir = NULL,
	.prepare = NULL,
	.execute = local_execute,
};
