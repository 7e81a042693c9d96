/*
 * provenance.c - see provenance.h. Build facts come from build/version.c,
 * which the Makefile regenerates at every build (codever.h).
 */
#include "provenance.h"

#include <cblas.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "codever.h"
#include "pyenv.h"
#include "spec.h"

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

void provenance_for_cell(struct provenance *p, const struct cell *c)
{
	copy(p->source_hash, sizeof(p->source_hash), c->code_version);
	const char *v = pyenv_is_python_id(c->env->id) ? pyenv_versions(&c->env_opts) : NULL;
	copy(p->python_versions, sizeof(p->python_versions), v);
}

void provenance_get(struct provenance *p)
{
	memset(p, 0, sizeof(*p));
	copy(p->git_commit, sizeof(p->git_commit), build_git_commit);
	p->git_dirty = build_git_dirty;
	code_version_build(p->source_hash);
	copy(p->compiler, sizeof(p->compiler), build_cc);
	copy(p->cflags, sizeof(p->cflags), build_cflags);
	copy(p->libs, sizeof(p->libs), code_libraries());
	copy(p->blas, sizeof(p->blas), openblas_get_config());
	copy(p->blas_core, sizeof(p->blas_core), openblas_get_corename());
	char *nl;
	if ((nl = strchr(p->blas, '\n')))
		*nl = '\0';
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (f) {
		char line[512];
		while (fgets(line, sizeof(line), f)) {
			if (!strncmp(line, "model name", 10)) {
				char *colon = strchr(line, ':');
				if (colon) {
					colon++;
					while (*colon == ' ')
						colon++;
					copy(p->cpu_model, sizeof(p->cpu_model), colon);
					if ((nl = strchr(p->cpu_model, '\n')))
						*nl = '\0';
				}
				break;
			}
		}
		fclose(f);
	}
	if (gethostname(p->host, sizeof(p->host) - 1))
		copy(p->host, sizeof(p->host), "unknown");
}
