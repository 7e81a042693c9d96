/*
 * results.c - see results.h.
 */
#include "results.h"
#include "holder.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *results_root(const char *option)
{
	if (option && *option)
		return option;
	const char *env = getenv("HARNESS_RESULTS");
	return env && *env ? env : "results";
}

static void slug(struct strbuf *sb, const char *s, size_t max)
{
	size_t n = 0;
	for (const char *p = s; *p && n < max; p++, n++) {
		char c = *p;
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			 c == '.' || c == '-' || c == '_' || c == '=';
		strbuf_add(sb, ok ? &c : "_", 1);
	}
}

char *results_run_path(const char *root, const char *experiment, const struct cell *c,
		       const char *source_hash)
{
	char both[200], hex[65];
	snprintf(both, sizeof(both), "%s|%s", c->config_hash, source_hash);
	sha256_hex(both, strlen(both), hex);
	struct strbuf sb = {0};
	strbuf_addf(&sb, "%s/%s/runs/", root, experiment);
	slug(&sb, c->env_label, 60);
	strbuf_addstr(&sb, "__");
	slug(&sb, c->config_name, 80);
	strbuf_addf(&sb, "__seed%lld-%.10s.h5", c->seed, hex);
	return strbuf_detach(&sb);
}

char *results_db_path(const char *root)
{
	return xstrfmt("%s/harness.db", root);
}

int results_prepare(const char *root, const char *experiment)
{
	char *runs = xstrfmt("%s/%s/runs", root, experiment);
	int rc = mkdir_p(runs, 0755);
	if (!rc && access(runs, W_OK | X_OK))
		rc = error("results directory '%s' is not writable: %s", runs, strerror(errno));
	if (!rc && access(root, W_OK | X_OK))
		rc = error("results directory '%s' is not writable: %s", root, strerror(errno));
	free(runs);
	return rc;
}

int results_stale_tmp(const char *root, const char *experiment, int remove)
{
	char *dir = xstrfmt("%s/%s/runs", root, experiment);
	int n = 0;
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *de;
		while ((de = readdir(d))) {
			if (!holder_tmp_is_stale(de->d_name))
				continue;
			char *path = xstrfmt("%s/%s", dir, de->d_name);
			if (remove)
				unlink(path);
			else
				printf("stale temporary file\t%s\n", path);
			free(path);
			n++;
		}
		closedir(d);
	}
	free(dir);
	return n;
}
