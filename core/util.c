/*
 * util.c - see util.h.
 */
#include "util.h"
#include "holder.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>

static struct error_capture *capture_top; /* the innermost capture, or NULL */
static die_routine_fn die_routine;
static void *die_ctx;

void error_capture_begin(struct error_capture *c, int quiet)
{
	c->msg[0] = '\0';
	c->quiet = quiet;
	c->prev = capture_top;
	capture_top = c;
}

void error_capture_end(struct error_capture *c)
{
	if (capture_top != c)
		BUG("error_capture_end of a capture that is not the innermost");
	capture_top = c->prev;
}

void set_die_routine(die_routine_fn fn, void *ctx)
{
	die_routine = fn;
	die_ctx = ctx;
}

/*
 * Control characters of a message (from a spec value, a file name) are shown
 * escaped (\n, \x1b): a message is one line and cannot drive the terminal.
 */
static void escape_controls(char *msg, size_t size)
{
	char out[4096];
	size_t k = 0;
	for (const unsigned char *p = (const unsigned char *)msg; *p && k + 5 < sizeof(out); p++) {
		if (*p == '\n')
			k += (size_t)snprintf(out + k, sizeof(out) - k, "\\n");
		else if (*p < 0x20 || *p == 0x7f)
			k += (size_t)snprintf(out + k, sizeof(out) - k, "\\x%02x", *p);
		else
			out[k++] = (char)*p;
	}
	out[k] = '\0';
	snprintf(msg, size, "%s", out);
}

const char *printable(const char *s)
{
	static struct strbuf ring[8];
	static int next;
	struct strbuf *sb = &ring[next++ % 8];
	strbuf_reset(sb);
	strbuf_addstr(sb, "");
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '\n')
			strbuf_addstr(sb, "\\n");
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_addf(sb, "\\x%02x", *p);
		else
			strbuf_add(sb, p, 1);
	}
	return sb->buf;
}

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	char msg[4096];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	escape_controls(msg, sizeof(msg));
	if (capture_top)
		snprintf(capture_top->msg, sizeof(capture_top->msg), "%.*s", (int)sizeof(capture_top->msg) - 1, msg);
	if (!capture_top || !capture_top->quiet)
		fprintf(stderr, "harness: %s%s\n", prefix, msg);
}

int error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("error: ", fmt, ap);
	va_end(ap);
	return -1;
}

/* The reporter's other forms: the same escaping, no capture. */
static void vsay(const char *prefix, const char *suffix, const char *fmt, va_list ap)
{
	char msg[4096];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	escape_controls(msg, sizeof(msg));
	fprintf(stderr, "harness: %s%s%s\n", prefix, msg, suffix);
}

void warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay("warning: ", "", fmt, ap);
	va_end(ap);
}

void report(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay("", "", fmt, ap);
	va_end(ap);
}

int usagef(const char *cmd, const char *fmt, ...)
{
	char suffix[128];
	snprintf(suffix, sizeof(suffix), " (see 'harness %s --help')", cmd);
	va_list ap;
	va_start(ap, fmt);
	vsay("error: ", suffix, fmt, ap);
	va_end(ap);
	return 2;
}

void die(const char *fmt, ...)
{
	char msg[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	escape_controls(msg, sizeof(msg));
	fprintf(stderr, "harness: %s\n", msg);
	if (die_routine) {
		die_routine_fn fn = die_routine;
		die_routine = NULL; /* a die() inside the routine does not recurse */
		fn(msg, die_ctx);
	}
	exit(2);
}

void bug_fl(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	char msg[4096];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	escape_controls(msg, sizeof(msg));
	fprintf(stderr, "harness: BUG: %s:%d: %s\n", file, line, msg);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("out of memory allocating %zu bytes", n);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		die("out of memory allocating %zu x %zu bytes", count, size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die("out of memory allocating %zu bytes", n);
	return q;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		die("out of memory");
	return p;
}

char *xstrfmt(const char *fmt, ...)
{
	struct strbuf sb = {0};
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	return strbuf_detach(&sb);
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 <= sb->alloc)
		return;
	size_t n = sb->alloc ? sb->alloc : 64;
	while (n < sb->len + extra + 1)
		n *= 2;
	sb->buf = xrealloc(sb->buf, n);
	sb->alloc = n;
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		BUG("vsnprintf failed");
	strbuf_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_add_json_str(struct strbuf *sb, const char *s)
{
	strbuf_addstr(sb, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': strbuf_addstr(sb, "\\\""); break;
		case '\\': strbuf_addstr(sb, "\\\\"); break;
		case '\n': strbuf_addstr(sb, "\\n"); break;
		case '\r': strbuf_addstr(sb, "\\r"); break;
		case '\t': strbuf_addstr(sb, "\\t"); break;
		default:
			if (*p < 0x20)
				strbuf_addf(sb, "\\u%04x", *p);
			else
				strbuf_add(sb, p, 1);
		}
	}
	strbuf_addstr(sb, "\"");
}

void strbuf_add_double(struct strbuf *sb, double v)
{
	char buf[64];
	/* shortest %.Ng that reads back to the same double */
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (v != v)
		snprintf(buf, sizeof(buf), "NaN");
	strbuf_addstr(sb, buf);
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
}

char *strbuf_detach(struct strbuf *sb)
{
	char *r = sb->buf ? sb->buf : xstrdup("");
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
	return r;
}

struct sha256_ctx {
	EVP_MD_CTX *md;
};

struct sha256_ctx *sha256_begin(void)
{
	struct sha256_ctx *c = xmalloc(sizeof(*c));
	c->md = EVP_MD_CTX_new();
	if (!c->md || EVP_DigestInit_ex(c->md, EVP_sha256(), NULL) != 1)
		die("cannot initialise SHA-256");
	return c;
}

void sha256_update(struct sha256_ctx *c, const void *data, size_t len)
{
	if (EVP_DigestUpdate(c->md, data, len) != 1)
		die("SHA-256 update failed");
}

void sha256_finish(struct sha256_ctx *c, char out[65])
{
	unsigned char d[32];
	unsigned int n = 0;
	if (EVP_DigestFinal_ex(c->md, d, &n) != 1 || n != 32)
		die("SHA-256 final failed");
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
	out[64] = '\0';
	EVP_MD_CTX_free(c->md);
	free(c);
}

void sha256_hex(const void *data, size_t len, char out[65])
{
	struct sha256_ctx *c = sha256_begin();
	sha256_update(c, data, len);
	sha256_finish(c, out);
}

uint64_t sha256_u64(const char *s)
{
	char hex[65];
	sha256_hex(s, strlen(s), hex);
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--) {
		unsigned b;
		sscanf(hex + 2 * i, "%2x", &b);
		v = (v << 8) | b;
	}
	return v;
}

char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		error("cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	struct strbuf sb = {0};
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		strbuf_release(&sb);
		error("cannot read '%s'", path);
		return NULL;
	}
	if (len)
		*len = sb.len;
	return strbuf_detach(&sb);
}

int fsync_parent_dir(const char *path)
{
	char *copy = xstrdup(path);
	char *dir = dirname(copy);
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		int r = error("cannot open directory '%s': %s", dir, strerror(errno));
		free(copy);
		return r;
	}
	int rc = fsync(fd);
	close(fd);
	free(copy);
	return rc ? error("cannot fsync directory of '%s': %s", path, strerror(errno)) : 0;
}

int write_file_atomic(const char *path, const void *data, size_t len)
{
	/* a fresh name of this process (holder.h), created exclusively: nothing planted is followed */
	char *tmp = holder_tmp_path(path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		int r = error("cannot create '%s': %s", tmp, strerror(errno));
		free(tmp);
		return r;
	}
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			error("cannot write '%s': %s", tmp, strerror(errno));
			goto fail;
		}
		p += w;
		left -= (size_t)w;
	}
	if (fsync(fd)) {
		error("cannot fsync '%s': %s", tmp, strerror(errno));
		goto fail;
	}
	if (close(fd)) {
		fd = -1;
		error("cannot close '%s': %s", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path)) {
		error("cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
		goto fail;
	}
	free(tmp);
	return fsync_parent_dir(path);
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}

int mkdir_p(const char *path, int mode)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, (mode_t)mode) && errno != EEXIST) {
			int r = error("cannot create directory '%s': %s", p, strerror(errno));
			free(p);
			return r;
		}
		*s = '/';
	}
	if (mkdir(p, (mode_t)mode) && errno != EEXIST) {
		int r = error("cannot create directory '%s': %s", p, strerror(errno));
		free(p);
		return r;
	}
	struct stat st;
	if (stat(p, &st) || !S_ISDIR(st.st_mode)) {
		int r = error("'%s' is not a directory", p);
		free(p);
		return r;
	}
	free(p);
	return 0;
}

double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void iso_time_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int parse_ll(const char *s, long long *out)
{
	if (!s || !*s)
		return -1;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int parse_double(const char *s, double *out)
{
	if (!s || !*s)
		return -1;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* Damerau-Levenshtein (optimal string alignment) distance, case-insensitive. */
static int edit_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	if (n > 64 || m > 64)
		return 1000;
	int d[65][65];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			int v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[n][m];
}

const char *did_you_mean(const char *word, const char *const *candidates, int n)
{
	const char *best = NULL;
	int best_d = 1000;
	size_t len = strlen(word);
	for (int i = 0; i < n; i++) {
		if (!candidates[i])
			continue;
		int d = edit_distance(word, candidates[i]);
		/* a prefix or a contained word counts as close ("cartpole" for CartPole-v1) */
		size_t cl = strlen(candidates[i]);
		if (len >= 3 && cl > len && !strncasecmp(candidates[i], word, len))
			d = d < 2 ? d : 2;
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	/* close enough: about a third of the word's letters wrong at most */
	int limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
	return best && best_d <= limit && strcmp(best, word) ? best : NULL;
}
