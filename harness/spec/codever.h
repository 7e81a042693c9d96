/*
 * codever.h - code versions: which code a cell runs, as a hash that changes
 * whenever that code can give other results and only then (README: "What
 * re-runs: code versions").
 *
 * The build writes build/version.c (harness/spec/code_version.py): a core hash
 * (the token hashes of every object a cell's path can reach outside the
 * environments and learners, the compiler, the link flags) and one hash per
 * environment and learner implementation, found by their vtables. At run time
 * the versions of the shared libraries loaded (OpenBLAS, HDF5, SQLite, glibc,
 * GSL, Jansson, OpenSSL) are added:
 *
 *   version(cell) = SHA-256("harness-code-v2|core=<core>|env=<unit of the env's vtable>|
 *                            learner=<unit of the learner's vtable>|libs=<libraries>")
 *
 * A vtable the build did not see gets the hash of the whole binary.
 */
#ifndef CODEVER_H
#define CODEVER_H

#include "learner.h"
#include "env.h"

struct code_unit {
	const void *vtable;   /* an env_vtable or a learner_vtable */
	const char *symbol;   /* its name: "cartpole_vtable" */
	const char *hash;     /* SHA-256 of the token hashes of its objects */
	const char *objects;  /* "envs/cartpole.o", space-separated */
};

/* Written by the build into build/version.c. */
extern const char build_git_commit[];
extern const int build_git_dirty;  /* tracked changes or untracked files in the source folders */
extern const char build_cc[];      /* the compiler's --version line */
extern const char build_cflags[];  /* every compile flag, user CFLAGS included */
extern const char build_ldflags[];
extern const char build_core_hash[];
extern const char build_hash[];    /* core and every unit */
extern const struct code_unit build_units[];
extern const int build_nunits;

/* The runtime libraries: "OpenBLAS 0.3.21 ...; HDF5 1.10.8; SQLite 3.40.1; ..." (static). */
const char *code_libraries(void);
/*
 * The code version of a cell of env (with its options) x learner (64 hex
 * digits). A Python environment (gym:, py:) also depends on what runs outside
 * the binary: the bridge script (envs/python/harness_gym.py), every package
 * installed in the venv (its dist-info names) and the versions the spec check
 * saw; those are added, and the .py files of the user's own modules
 * (py:M:Class, gym:M:ID, `modules`) on PYTHONPATH, in . and in the bridge's folder.
 */
void code_version_for_cell(const struct env_spec *env, const struct params *env_opts,
			   const struct learner_spec *learner, char out[65]);
/* The code version of the whole binary: core, every unit, libraries. */
void code_version_build(char out[65]);
/* The unit of a vtable, or NULL. */
const struct code_unit *code_unit_of(const void *vtable);

#endif
