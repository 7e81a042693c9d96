/*
 * codever.c - see codever.h.
 */
#include "codever.h"

#include <cblas.h>
#include <gnu/libc-version.h>
#include <gsl/gsl_version.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ftw.h>
#include <glob.h>
#include <sys/stat.h>
#include "pyenv.h"
#include "store.h"
#include "util.h"

const char *code_libraries(void)
{
	static char libs[1024];
	if (libs[0])
		return libs;
	/* OpenBLAS's configuration without the kernel it chose for this CPU (a platform fact, blas_core) */
	char blas[256];
	snprintf(blas, sizeof(blas), "%s", openblas_get_config());
	const char *core = openblas_get_corename();
	char *nl = strchr(blas, '\n');
	if (nl)
		*nl = '\0';
	char *at = core && *core ? strstr(blas, core) : NULL;
	if (at) {
		size_t skip = strlen(core) + (at[strlen(core)] == ' ');
		memmove(at, at + skip, strlen(at + skip) + 1);
	}
	char store_libs[128];
	store_lib_versions(store_libs, sizeof(store_libs));
	snprintf(libs, sizeof(libs), "%s; %s; glibc %s; GSL %s; Jansson %s; %s", blas, store_libs,
		 gnu_get_libc_version(), gsl_version, jansson_version_str(), OpenSSL_version(OPENSSL_VERSION));
	return libs;
}

const struct code_unit *code_unit_of(const void *vtable)
{
	for (int i = 0; i < build_nunits; i++)
		if (build_units[i].vtable == vtable)
			return &build_units[i];
	return NULL;
}

/* SHA-256 of the bridge script's bytes and of the venv's installed packages (static). */
static const char *python_side(void)
{
	static char hex[65];
	if (hex[0])
		return hex;
	struct strbuf sb = {0};
	char *script = xstrfmt("%s/harness_gym.py", pyenv_pydir());
	size_t len = 0;
	char *bytes = access(script, R_OK) ? NULL : read_file(script, &len);
	strbuf_addf(&sb, "bridge %zu\n", bytes ? len : 0);
	if (bytes)
		strbuf_add(&sb, bytes, len);
	free(bytes);
	free(script);
	char *pattern = xstrfmt("%s/lib/python*/site-packages/*.dist-info", pyenv_venv());
	glob_t g;
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			const char *slash = strrchr(g.gl_pathv[i], '/');
			strbuf_addf(&sb, "\npackage %s", slash ? slash + 1 : g.gl_pathv[i]);
		}
		globfree(&g);
	}
	free(pattern);
	sha256_hex(sb.buf, sb.len, hex);
	strbuf_release(&sb);
	return hex;
}

/* nftw has no context argument: the buffer the .py files of a package go to */
static struct strbuf *tree_sb;

static int add_py(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	size_t n = strlen(path), len = 0;
	if (type != FTW_F || n < 3 || strcmp(path + n - 3, ".py"))
		return 0;
	char *bytes = read_file(path, &len);
	char hex[65];
	sha256_hex(bytes ? bytes : "", bytes ? len : 0, hex);
	strbuf_addf(tree_sb, "\nfile %s %s", path, hex);
	free(bytes);
	return 0;
}

/*
 * A user's module `name` (dotted), wherever Python could find it outside the
 * venv: every directory of PYTHONPATH, the current one and the bridge's. Every
 * candidate counts (M.py, or every .py under package M), not only the one
 * Python would pick first.
 */
static void user_module(struct strbuf *sb, const char *name)
{
	char *rel = xstrdup(name);
	for (char *p = rel; *p; p++)
		if (*p == '.')
			*p = '/';
	const char *pp = getenv("PYTHONPATH");
	char *dirs = xstrfmt("%s:.:%s", pp ? pp : "", pyenv_pydir());
	strbuf_addf(sb, "|module %s", name);
	char *save = NULL;
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *file = xstrfmt("%s/%s.py", d, rel), *pkg = xstrfmt("%s/%s", d, rel);
		struct stat st;
		if (!stat(file, &st) && S_ISREG(st.st_mode))
			add_py(file, &st, FTW_F, NULL);
		if (!stat(pkg, &st) && S_ISDIR(st.st_mode))
			nftw(pkg, add_py, 16, FTW_PHYS);
		free(file);
		free(pkg);
	}
	free(dirs);
	free(rel);
}

/* The modules a Python environment imports from outside the venv: py:M:Class, gym:M:ID, `modules`. */
static void user_modules(struct strbuf *sb, const char *id, const struct params *opts)
{
	tree_sb = sb;
	const char *rest = strchr(id, ':') + 1, *colon = strchr(rest, ':');
	if (colon) {
		char *m = xstrfmt("%.*s", (int)(colon - rest), rest);
		user_module(sb, m);
		free(m);
	}
	const struct param_def *d = opts ? param_find(opts->defs, "modules") : NULL;
	const char *mods = d && d->type == PARAM_STRING ? params_str(opts, "modules") : "";
	char *copy = xstrdup(mods), *save = NULL;
	for (char *m = strtok_r(copy, ", ", &save); m; m = strtok_r(NULL, ", ", &save))
		user_module(sb, m);
	free(copy);
}

void code_version_for_cell(const struct env_spec *env, const struct params *env_opts,
			   const struct learner_spec *learner, char out[65])
{
	const struct code_unit *e = code_unit_of(env->vt), *l = code_unit_of(learner->vt);
	struct strbuf sb = {0};
	strbuf_addf(&sb, "harness-code-v2|core=%s|env=%s|learner=%s|libs=%s", build_core_hash,
		    e ? e->hash : build_hash, l ? l->hash : build_hash, code_libraries());
	if (pyenv_is_python_id(env->id)) {
		const char *v = env_opts ? pyenv_versions(env_opts) : NULL;
		strbuf_addf(&sb, "|python=%s|versions=%s", python_side(), v ? v : "");
		user_modules(&sb, env->id, env_opts);
	}
	sha256_hex(sb.buf, sb.len, out);
	strbuf_release(&sb);
}

void code_version_build(char out[65])
{
	char *s = xstrfmt("harness-code-v2|build=%s|libs=%s", build_hash, code_libraries());
	sha256_hex(s, strlen(s), out);
	free(s);
}
