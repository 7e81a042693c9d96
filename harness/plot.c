/*
 * plot.c - see plot.h.
 */
#include "plot.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "h5store.h"
#include "stats.h"
#include "util.h"

static const char *const palette[] = { "#0072B2", "#D55E00", "#009E73", "#CC79A7",
				       "#E69F00", "#56B4E9", "#F0E442", "#000000" };

/*
 * A double-quoted gnuplot string in which every byte but letters, digits,
 * space and a few safe punctuation marks is an octal escape: no backtick (run
 * as a shell command even inside double quotes), quote or backslash appears
 * raw. (Single quotes with '' doubling are not enough: gnuplot 5.4 ends the
 * string at the second of two consecutive doubled quotes.)
 */
char *gnuplot_quote(const char *s)
{
	struct strbuf sb = {0};
	strbuf_addstr(&sb, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t')
			strbuf_addstr(&sb, " ");
		else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			 strchr(" _.,:;=+-/()[]#%", *p))
			strbuf_add(&sb, p, 1);
		else
			strbuf_addf(&sb, "\\%03o", *p);
	}
	strbuf_addstr(&sb, "\"");
	return strbuf_detach(&sb);
}

/* One run's curve. */
struct curve {
	double *x, *y;
	long long n;
};

struct series {
	char *config;
	struct curve *runs;
	int nruns;
};

struct panel {
	char *env;
	struct series *series;
	int nseries;
};

static int read_curve(const char *path, int use_eval, int smooth, struct curve *c)
{
	memset(c, 0, sizeof(*c));
	double *a = NULL, *b = NULL;
	long long da[2], db[2];
	if (use_eval) {
		if (h5_read_doubles(path, "/eval/step", &a, da) ||
		    h5_read_doubles(path, "/eval/returns", &b, db)) {
			free(a);
			return -1;
		}
		c->n = da[0];
		c->x = a;
		c->y = xcalloc((size_t)(c->n ? c->n : 1), sizeof(double));
		for (long long k = 0; k < c->n; k++)
			c->y[k] = stats_mean(b + k * db[1], (int)db[1]);
		free(b);
		return 0;
	}
	if (h5_read_doubles(path, "/episodes/return", &b, db))
		return -1;
	c->n = db[0];
	c->x = xcalloc((size_t)(c->n ? c->n : 1), sizeof(double));
	c->y = xcalloc((size_t)(c->n ? c->n : 1), sizeof(double));
	double s = 0;
	for (long long k = 0; k < c->n; k++) {
		s += b[k];
		if (k >= smooth)
			s -= b[k - smooth];
		long long w = k + 1 < smooth ? k + 1 : smooth;
		c->x[k] = (double)(k + 1);
		c->y[k] = s / (double)w;
	}
	free(b);
	return 0;
}

static char *slug(const char *s)
{
	struct strbuf sb = {0};
	for (const char *p = s; *p; p++) {
		char ch = *p;
		int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
			 ch == '.' || ch == '-' || ch == '_';
		strbuf_add(&sb, ok ? &ch : "_", 1);
	}
	return strbuf_detach(&sb);
}

static int run_gnuplot(const char *script)
{
	pid_t pid = fork();
	if (pid < 0)
		return error("cannot fork gnuplot: %s", strerror(errno));
	if (pid == 0) {
		execlp("gnuplot", "gnuplot", script, (char *)NULL);
		fprintf(stderr, "harness: error: cannot run gnuplot: %s (install gnuplot-nox, or run 'make deps')\n",
			strerror(errno));
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return error("gnuplot failed on '%s'", script);
	return 0;
}

/* Writes the data and script of one panel and runs gnuplot. */
static int draw_panel(const char *figdir, const char *experiment, const struct panel *p, int use_eval)
{
	char *base = slug(p->env);
	char *dat = xstrfmt("%s/%s.dat", figdir, base);
	char *gp = xstrfmt("%s/%s.gp", figdir, base);
	char *png = xstrfmt("%s/%s.png", figdir, base);
	char *pdf = xstrfmt("%s/%s.pdf", figdir, base);
	struct strbuf data = {0}, script = {0};
	struct rng rng;
	rng_seed(&rng, 20211112); /* fixed: the same runs give the same bands */
	int rc = -1;
	for (int s = 0; s < p->nseries; s++) {
		const struct series *se = &p->series[s];
		long long n = -1;
		for (int r = 0; r < se->nruns; r++)
			if (n < 0 || se->runs[r].n < n)
				n = se->runs[r].n;
		strbuf_addf(&data, "# %s\n# x mean ci_lo ci_hi seeds\n", se->config);
		double *vals = xcalloc((size_t)se->nruns, sizeof(double));
		for (long long k = 0; k < n; k++) {
			for (int r = 0; r < se->nruns; r++)
				vals[r] = se->runs[r].y[k];
			double lo, hi, m = stats_mean(vals, se->nruns);
			stats_bootstrap_mean_ci(vals, se->nruns, 1000, 0.95, &rng, &lo, &hi);
			strbuf_addf(&data, "%.17g %.17g %.17g %.17g %d\n", se->runs[0].x[k], m, lo, hi, se->nruns);
		}
		free(vals);
		strbuf_addstr(&data, "\n\n");
	}
	if (write_file_atomic(dat, data.buf, data.len))
		goto out;
	char *title = gnuplot_quote(p->env);
	char *qexp = gnuplot_quote(experiment);
	char *qdat = gnuplot_quote(dat);
	strbuf_addf(&script,
		"# learning curves of %s: mean across seeds, 95%% bootstrap CI band\n"
		"set encoding utf8\n"
		"set title %s noenhanced\n"
		"set xlabel '%s' noenhanced\n"
		"set ylabel '%s' noenhanced\n"
		"set key outside right top noenhanced box opaque\n"
		"set grid back lc rgb '#dddddd'\n"
		"set border 3\nset tics nomirror\n"
		"set style fill transparent solid 0.2 noborder\n",
		title, title, use_eval ? "environment steps" : "episode",
		use_eval ? "evaluation return (greedy)" : "training return (moving average)");
	for (int fmt = 0; fmt < 2; fmt++) {
		char *out = gnuplot_quote(fmt ? pdf : png);
		if (fmt)
			strbuf_addf(&script, "set terminal pdfcairo size 7in,3.2in font 'Sans,9'\n");
		else
			strbuf_addf(&script, "set terminal pngcairo size 1400,640 font 'Sans,12'\n");
		strbuf_addf(&script, "set output %s\nplot ", out);
		free(out);
		for (int s = 0; s < p->nseries; s++) {
			const char *col = palette[s % ARRAY_SIZE(palette)];
			char *label = gnuplot_quote(p->series[s].config);
			strbuf_addf(&script, "%s%s index %d using 1:3:4 with filledcurves lc rgb '%s' notitle, \\\n"
				     "  %s index %d using 1:2 with lines lw 2 dt %d lc rgb '%s' title %s",
				     s ? ", \\\n  " : "", qdat, s, col, qdat, s, 1 + (s / (int)ARRAY_SIZE(palette)) % 5,
				     col, label);
			free(label);
		}
		strbuf_addstr(&script, "\nunset output\n");
	}
	free(title);
	free(qexp);
	free(qdat);
	if (write_file_atomic(gp, script.buf, script.len))
		goto out;
	rc = run_gnuplot(gp);
out:
	strbuf_release(&data);
	strbuf_release(&script);
	free(base);
	free(dat);
	free(gp);
	free(png);
	free(pdf);
	return rc;
}

static struct panel *find_panel(struct panel **ps, int *n, const char *env)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp((*ps)[i].env, env))
			return &(*ps)[i];
	*ps = xrealloc(*ps, (size_t)(*n + 1) * sizeof(**ps));
	struct panel *p = &(*ps)[(*n)++];
	memset(p, 0, sizeof(*p));
	p->env = xstrdup(env);
	return p;
}

static struct series *find_series(struct panel *p, const char *config)
{
	for (int i = 0; i < p->nseries; i++)
		if (!strcmp(p->series[i].config, config))
			return &p->series[i];
	p->series = xrealloc(p->series, (size_t)(p->nseries + 1) * sizeof(*p->series));
	struct series *s = &p->series[p->nseries++];
	memset(s, 0, sizeof(*s));
	s->config = xstrdup(config);
	return s;
}

int plot_experiment(struct sqlite3 *db, const char *root, const char *experiment,
		    const char *only_commit, char **figdir_out)
{
	/* the newest complete run of every cell */
	const char *sql =
		"SELECT env_label, config_name, h5_path FROM runs r WHERE experiment = ?1"
		" AND status = 'complete' AND (?2 IS NULL OR git_commit LIKE ?2 || '%')"
		" AND id = (SELECT id FROM runs r2 WHERE r2.experiment = r.experiment AND r2.cell_id = r.cell_id"
		"   AND r2.status = 'complete' AND (?2 IS NULL OR r2.git_commit LIKE ?2 || '%')"
		"   ORDER BY r2.finished_at DESC, r2.id DESC LIMIT 1)"
		" ORDER BY cell_index";
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return error("cannot query runs: %s", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, experiment, -1, SQLITE_TRANSIENT);
	if (only_commit)
		sqlite3_bind_text(st, 2, only_commit, -1, SQLITE_TRANSIENT);
	struct panel *panels = NULL;
	int npanels = 0, rc = -1, nruns = 0;
	char **paths = NULL;
	/* first pass: do all runs have evaluations? */
	int use_eval = 1;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *env = (const char *)sqlite3_column_text(st, 0);
		const char *cfg = (const char *)sqlite3_column_text(st, 1);
		const char *path = (const char *)sqlite3_column_text(st, 2);
		struct panel *p = find_panel(&panels, &npanels, env);
		struct series *s = find_series(p, cfg);
		s->runs = xrealloc(s->runs, (size_t)(s->nruns + 1) * sizeof(*s->runs));
		memset(&s->runs[s->nruns], 0, sizeof(s->runs[0]));
		s->runs[s->nruns].x = (double *)(void *)xstrdup(path); /* path until loaded */
		s->nruns++;
		nruns++;
		double *d;
		long long dims[2];
		if (use_eval && (h5_read_doubles(path, "/eval/step", &d, dims) == 0)) {
			if (dims[0] == 0)
				use_eval = 0;
			free(d);
		} else if (use_eval) {
			goto out;
		}
	}
	if (step != SQLITE_DONE) {
		error("cannot query runs: %s", sqlite3_errmsg(db));
		goto out;
	}
	if (!nruns) {
		error("experiment '%s' has no complete runs%s%s in the database", experiment,
		      only_commit ? " at commit " : "", only_commit ? only_commit : "");
		goto out;
	}
	for (int i = 0; i < npanels; i++)
		for (int s = 0; s < panels[i].nseries; s++)
			for (int r = 0; r < panels[i].series[s].nruns; r++) {
				struct curve *c = &panels[i].series[s].runs[r];
				char *path = (char *)(void *)c->x;
				int bad = read_curve(path, use_eval, 10, c);
				free(path);
				if (bad)
					goto out;
			}
	char *figdir = xstrfmt("%s/%s/figures", root, experiment);
	if (mkdir_p(figdir, 0755)) {
		free(figdir);
		goto out;
	}
	rc = 0;
	for (int i = 0; i < npanels && !rc; i++)
		rc = draw_panel(figdir, experiment, &panels[i], use_eval);
	if (figdir_out)
		*figdir_out = figdir;
	else
		free(figdir);
out:
	sqlite3_finalize(st);
	for (int i = 0; i < npanels; i++) {
		for (int s = 0; s < panels[i].nseries; s++) {
			for (int r = 0; r < panels[i].series[s].nruns; r++) {
				free(panels[i].series[s].runs[r].x);
				free(panels[i].series[s].runs[r].y);
			}
			free(panels[i].series[s].runs);
			free(panels[i].series[s].config);
		}
		free(panels[i].series);
		free(panels[i].env);
	}
	free(panels);
	free(paths);
	return rc;
}
