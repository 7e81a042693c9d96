/*
 * rundb_impl.h - what rundb.c, rundb_claim.c and store.c share inside the SQLite part
 * of the results store (never included elsewhere): the handle and the
 * checked statement helpers. Its users are the store's files (Makefile
 * STORE_SRCS), the only ones that include sqlite3.h.
 */
#ifndef RUNDB_IMPL_H
#define RUNDB_IMPL_H

#include "rundb.h"

/* A run row as the claim and lease code reads it (fixed buffers: internal to the store). */
struct run_row {
	long long id;
	char status[16];
	long long pid;
	char host[128];
	char h5_path[1024];
	char content_hash[65];
	char error[512];
	double final_return, auc;
	long long total_steps, episodes;
	double wall_seconds;
	char holder[400];   /* holder_format() text of the claimant, "" for rows before schema 3 */
	double lease_until; /* Unix seconds; 0 when none */
};
/* 1 found, 0 not found, -1 error. */
int rundb_find(struct rundb *db, const char *experiment, const struct cell *c,
	       const char *source_hash, struct run_row *row);

/* 1 when row is running and its holder is alive or its lease unexpired (above). */
int rundb_row_held(const struct run_row *row);

struct sqlite3;
struct sqlite3_stmt;

struct rundb {
	struct sqlite3 *db;
	char *path;
	char *root;   /* the results root: the directory holding the database */
	int readonly; /* opened by a read-only command: never written, never migrated */
	char *snapshot; /* a private copy of database and WAL read instead (see open_readonly) */
	int version;  /* its schema version (PRAGMA user_version) */
};

/* error() naming the database, what failed and SQLite's message; -1. */
int rundb__error(struct rundb *db, const char *what);
/* Runs sql (no result rows): 0, or -1 after error(). */
int rundb__exec(struct rundb *db, const char *sql);
/* A prepared statement, or NULL after error(). */
struct sqlite3_stmt *rundb__prepare(struct rundb *db, const char *sql);
/* The row of a cell at source_hash: 1 found, 0 none, -1 after error(). */
int rundb__find(struct rundb *db, const char *experiment, const struct cell *c, const char *source_hash,
		struct run_row *row);

#endif
