/*
 * outcome.h - the outcome of running one cell, and its one codec.
 *
 * Every path a run's outcome travels goes through this type and this codec:
 * the local backend's worker sends it up its pipe (backend_local.c), a Slurm
 * array task writes it into its record file (cellrun.h), collect reads it
 * back, and outcome_summary() turns it into the database row's summary
 * (rundb_finish). No other code formats or parses an outcome.
 *
 * Status, as rundb.h defines it: complete (file in place, hash set), failed
 * (the run itself failed, e.g. diverged; its file is written and hashed too),
 * error (setup or I/O error: no hash).
 *
 * Encoding: one "key=value\n" line per field, in this order, all always
 * present:
 *   status        complete | failed | error
 *   content_hash  64 lower-case hex digits, or "-" when there is no file
 *                 (required for complete and failed)
 *   final_return, auc, wall_seconds   %.17g (bit-exact round trip), "nan"
 *   total_steps, episodes             decimal integers
 *   error         the message, escaped (below); "" when none
 * Values are escaped so that a value is always one line: '\\' -> "\\\\",
 * newline -> "\\n", CR -> "\\r", tab -> "\\t", other bytes below 0x20 and
 * 0x7f -> "\\xHH". Decoding undoes exactly that; an unknown escape is an
 * error. A decoder is fed one key=value at a time (the record file holds
 * other keys too) and says at the end what is missing or inconsistent.
 */
#ifndef OUTCOME_H
#define OUTCOME_H

#include <stddef.h>
#include "util.h"

struct cell_outcome {
	char status[16];   /* complete | failed | error */
	char hash[65];     /* results hash, "" when there is no file */
	double final_return, auc, wall_seconds;
	long long total_steps, episodes;
	char error[600];   /* "" when none (longer messages are cut) */
};

/* Appends o's key=value lines to sb. */
void outcome_encode(struct strbuf *sb, const struct cell_outcome *o);

/* Appends s escaped as above (one line, no '\n'). */
void outcome_escape(struct strbuf *sb, const char *s);
/* Undoes outcome_escape into out (n bytes): 0, 1 when it was cut to fit, -1 on a bad escape. */
int outcome_unescape(const char *s, char *out, size_t n);

struct outcome_decoder {
	struct cell_outcome o;
	unsigned seen;      /* bit per key decoded */
};
void outcome_decoder_init(struct outcome_decoder *d);
/*
 * Decodes one key=value: 1 when key is an outcome key and value is good, 0
 * when key is not an outcome key (nothing changed), -1 when value is bad:
 * the reason, one line naming the key and value, in why.
 */
int outcome_decode_kv(struct outcome_decoder *d, const char *key, const char *value, char *why, size_t n);
/* 0 with *o filled when every key was decoded and they agree; else -1, the reason in why. */
int outcome_decoder_finish(const struct outcome_decoder *d, struct cell_outcome *o, char *why, size_t n);

/* Decodes a whole encoding (outcome_encode's text; any other key is an error). */
int outcome_decode(const char *text, struct cell_outcome *o, char *why, size_t n);

/* The database row's summary of o (rundb.h); its strings point into o. */
struct run_summary;
void outcome_summary(const struct cell_outcome *o, struct run_summary *s);

#endif
