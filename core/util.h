/*
 * util.h - error reporting, checked allocation, a growable string buffer,
 * JSON string escaping and SHA-256, shared by every module.
 *
 * Conventions (after git's usage.c): library functions return 0 on success
 * and -1 on error, reporting through error(), so callers write
 * `return error("...")`. Messages are lower-case, without a full stop, the
 * subject in quotes. die() is for main() only; BUG() for broken invariants.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Prints "harness: error: <msg>" to stderr and returns -1. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Every message to stderr goes through error(), warning(), report() ("harness:
 * <msg>", for progress and outcomes) or usagef() ("harness: error: <msg> (see
 * 'harness CMD --help')", returns 2, for bad arguments): each escapes the
 * control characters of the whole message, so nothing from a spec, a file
 * name or an argument can drive the terminal or forge a line.
 */
void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int usagef(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * The candidate closest to word (edit distance with transpositions, case
 * ignored; a candidate word is a prefix of counts as close), when it is close
 * enough to be a likely typo; else NULL. NULL entries are skipped.
 */
const char *did_you_mean(const char *word, const char *const *candidates, int n);
/*
 * s with its control characters escaped as the reporter shows them (\n,
 * \x1b): for text from a spec or the database printed to stdout (a
 * description, a label, a run's error). The result lives until 8 more calls.
 */
const char *printable(const char *s);
/* Prints "harness: <msg>" and exits with status 2. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
#define BUG(...) bug_fl(__FILE__, __LINE__, __VA_ARGS__)
void bug_fl(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

/*
 * Capturing error() messages, explicitly and scoped (after git's
 * set_error_routine): between error_capture_begin(&c, quiet) and
 * error_capture_end(&c), in the same function, every error() message
 * (escaped) is copied into c.msg (the last one wins); with quiet, error()
 * prints nothing (for checks that recover and say why themselves). Captures
 * nest: end restores the one before. c.msg is "" when nothing was reported.
 */
struct error_capture {
	char msg[600];
	int quiet;
	struct error_capture *prev;
};
void error_capture_begin(struct error_capture *c, int quiet);
void error_capture_end(struct error_capture *c);
/*
 * die()'s routine (after git's set_die_routine): called with the escaped
 * message after it is printed and before exit(2), e.g. by a worker to send
 * its reason through its pipe. NULL removes it.
 */
typedef void (*die_routine_fn)(const char *msg, void *ctx);
void set_die_routine(die_routine_fn fn, void *ctx);

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Growable NUL-terminated buffer; {0} is a valid empty one.
 * libconfig exports its own strbuf_release(), which would interpose ours (or
 * the reverse) at dynamic link time: ours is linked as harness_strbuf_release.
 */
#define strbuf_release harness_strbuf_release
struct strbuf {
	char *buf;
	size_t len, alloc;
};
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* Appends s as a JSON string literal, quotes included. */
void strbuf_add_json_str(struct strbuf *sb, const char *s);
/* Appends a double in the shortest form that reads back exactly ("%.17g" trimmed). */
void strbuf_add_double(struct strbuf *sb, double v);
void strbuf_reset(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
/* Returns the buffer (caller frees) and leaves sb empty. */
char *strbuf_detach(struct strbuf *sb);

/* SHA-256 of data as 64 lower-case hex digits plus NUL. */
void sha256_hex(const void *data, size_t len, char out[65]);
/* The first 8 bytes of sha256(s), least significant first: seeds derived from names. */
uint64_t sha256_u64(const char *s);

/* Incremental SHA-256 (wraps OpenSSL's EVP). */
struct sha256_ctx;
struct sha256_ctx *sha256_begin(void);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void sha256_finish(struct sha256_ctx *c, char out[65]);

/* Reads a whole file; returns NULL and reports on error. */
char *read_file(const char *path, size_t *len);
/*
 * Writes data to path atomically: a fresh temporary name of this process in
 * path's directory (holder_tmp_path), created O_EXCL|O_NOFOLLOW, fsync,
 * rename, fsync dir. Readers see the old file or the new one, never a part.
 */
int write_file_atomic(const char *path, const void *data, size_t len);
/* fsyncs the directory containing path. */
int fsync_parent_dir(const char *path);
/* mkdir -p. */
int mkdir_p(const char *path, int mode);

/* Monotonic seconds (for timings only: never a seed). */
double now_seconds(void);
/* Wall clock as ISO 8601 UTC, e.g. 2026-11-23T12:00:00Z. */
void iso_time_now(char out[32]);

/* Parses a whole string as a long long / double; 0 ok, -1 if not. */
int parse_ll(const char *s, long long *out);
int parse_double(const char *s, double *out);

#endif
