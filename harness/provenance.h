/*
 * provenance.h - the facts recorded with every run: code version (git commit,
 * dirty flag, a hash of every source file), build (compiler and flags), BLAS
 * (name, version and the core type it chose), CPU model and host.
 */
#ifndef PROVENANCE_H
#define PROVENANCE_H

struct provenance {
	char git_commit[64];
	int git_dirty;
	char source_hash[65]; /* the code version: what decides whether a cell re-runs */
	char compiler[128];
	char cflags[256];
	char blas[256];
	char blas_core[64];
	char cpu_model[128];
	char host[128];
};

void provenance_get(struct provenance *p);

#endif
