/*
 * provenance.h - the facts recorded with every run: code version (git commit,
 * dirty flag, the code version: codever.h), build (compiler and every flag),
 * runtime libraries, BLAS (name, version and the core type it chose), CPU
 * model and host; for a Python environment's cell, the Python, Gymnasium and
 * package versions the worker hosts (python_versions, also part of the
 * cell's code version).
 *
 * provenance_get() gives the binary's: source_hash is the code version of the
 * whole binary. A run records its cell's own code version instead
 * (code_version_for_cell, struct cell's code_version): that is what decides
 * whether it re-runs.
 */
#ifndef PROVENANCE_H
#define PROVENANCE_H

struct provenance {
	char git_commit[64];
	int git_dirty;
	char source_hash[65]; /* the code version (of the binary, or of a run's cell) */
	char compiler[128];
	char cflags[1024];
	char libs[1024];      /* runtime library versions (code_libraries) */
	char blas[256];
	char blas_core[64];
	char cpu_model[128];
	char host[128];
	char python_versions[1024]; /* "" for the built-in C environments (pyenv_versions) */
};

void provenance_get(struct provenance *p);
struct cell;
/* p as recorded with a run of cell c: its code version, its Python versions. */
void provenance_for_cell(struct provenance *p, const struct cell *c);

#endif
