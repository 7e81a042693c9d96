/*
 * slurm_task.c - the Slurm backend's task side (`harness run-cell`, what an
 * array task runs for each of its cells): one cell run to its HDF5 file as a
 * local worker runs it (cell_run_to_file), and its outcome written to the
 * cell's record file (cellrun.h, the outcome codec); never the database
 * (`harness collect`, slurm_collect.c, records it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cellrun.h"
#include "holder.h"
#include "results.h"
#include "slurm.h"

int slurm_run_cell(const char *spec_path, long long index, const char *results_opt, const char *sha,
		   const char *tag, int portable)
{
	struct spec spec;
	if (spec_load_opts(&spec, spec_path, portable))
		return 2;
	int rc = 2;
	char *h5 = NULL, *rec = NULL, *tmp = NULL, *recdir = NULL;
	if (sha && strcmp(sha, spec.spec_sha256)) {
		error("spec '%s' changed since the job was submitted (sha256 %.12s, expected %.12s)",
		      spec_path, spec.spec_sha256, sha);
		goto out;
	}
	if (index >= spec.ncells) {
		error("cell index %lld out of range: '%s' has %d cells", index, spec_path, spec.ncells);
		goto out;
	}
	const struct cell *c = &spec.cells[index];
	const char *root = results_root(results_opt);
	struct cell_record r;
	memset(&r, 0, sizeof(r));
	provenance_get(&r.prov);
	provenance_for_cell(&r.prov, c);
	if (results_prepare(root, spec.name))
		goto out;
	rec = slurm_record_path(root, &spec, c, r.prov.source_hash, &h5);
	char *slash = strrchr(rec, '/');
	recdir = xstrfmt("%.*s", (int)(slash - rec), rec);
	if (mkdir_p(recdir, 0755))
		goto out;
	/* the holder's name (holder.h), under the task's tag so that collect can sweep what a killed task left */
	char *own = holder_tmp_path(h5);
	slash = strrchr(own, '/');
	if (tag)
		tmp = xstrfmt("%.*s/.tmp-slurm-%s-%s", (int)(slash - own), own, tag, slash + 6);
	else
		tmp = xstrdup(own);
	free(own);

	snprintf(r.experiment, sizeof(r.experiment), "%s", spec.name);
	r.cell_index = index;
	snprintf(r.cell_id, sizeof(r.cell_id), "%s", c->cell_id);
	snprintf(r.config_hash, sizeof(r.config_hash), "%s", c->config_hash);
	snprintf(r.h5_path, sizeof(r.h5_path), "%s", h5);
	snprintf(r.slurm_job, sizeof(r.slurm_job), "%s", tag ? tag : "");
	iso_time_now(r.started_at);
	cell_run_to_file(spec.name, c, &r.prov, h5, tmp, NULL, NULL, &r.out);
	iso_time_now(r.finished_at);
	if (strcmp(r.out.status, "complete") && strcmp(r.out.status, "failed"))
		unlink(tmp);
	if (cell_record_write(rec, &r))
		goto out;
	report("%s: %s in %.2fs, final return %.4g%s%s", c->cell_id, r.out.status,
		r.out.wall_seconds, r.out.final_return, r.out.error[0] ? ": " : "", r.out.error);
	rc = !strcmp(r.out.status, "complete") ? 0 : !strcmp(r.out.status, "failed") ? 1 : 2;
out:
	free(h5);
	free(rec);
	free(tmp);
	free(recdir);
	spec_release(&spec);
	return rc;
}
