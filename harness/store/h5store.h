/*
 * h5store.h - one HDF5 file per run: a private part of the results store
 * (store.h; readers use store_read_series). Layout (schema_version 1):
 *
 *   /                       attributes: schema_version, experiment, cell_id, env_id,
 *                           env_label, env_options (JSON), learner, config_name,
 *                           hparams (JSON), config (JSON), config_hash, seed,
 *                           env_seed, learner_seed, eval_seed, status
 *   /episodes/return        float64 (n_episodes)     undiscounted training return
 *   /episodes/length        int64   (n_episodes)
 *   /episodes/end_step      int64   (n_episodes)     env steps done at the episode's end
 *   /episodes/terminated    uint8   (n_episodes)     1 terminated, 0 truncated
 *   /eval/step              int64   (n_evals)        env steps done at the evaluation
 *   /eval/returns           float64 (n_evals, eval_episodes)
 *   /eval/lengths           int64   (n_evals, eval_episodes)
 *   /checkpoint             only when the learner's `checkpoint` hyperparameter is
 *                           true (learner.h): its parameters at the end of the run,
 *                           float32 arrays at the paths it names, and its attributes.
 *                           DQN: layer<l>/W (in, out) -- the transpose of
 *                           torch.nn.Linear.weight -- and layer<l>/b (out) of the
 *                           online network; attributes network, layout, input,
 *                           layer_sizes (n_layers + 1), n_layers, n_actions,
 *                           dueling, steps, updates
 *   /timing/episode_wall_seconds, /timing/eval_wall_seconds   float64
 *   /provenance             attributes: git_commit, git_dirty, source_hash, compiler,
 *                           cflags, libraries, blas, blas_core, cpu_model, host,
 *                           python_versions ("" for built-in environments),
 *                           started_at, wall_seconds, env_observation
 *
 * Every dataset is chunked, extendible along dimension 0, shuffled and
 * deflated, little-endian, no compound types; strings are variable-length
 * UTF-8. Object timestamps are off, so the same data gives the same bytes.
 *
 * The results hash (h5_content_hash) is SHA-256 over a canonical walk of
 * everything except /timing and /provenance: those are the run's results, and
 * are bit-for-bit reproducible from the spec; timings and build facts are not
 * part of a result. /checkpoint is a result (deterministic like the rest) and
 * is hashed; a file without it hashes as before it existed.
 */
#ifndef H5STORE_H
#define H5STORE_H

#include "provenance.h"
#include "run_result.h"
#include "spec.h"

#define H5STORE_SCHEMA_VERSION 1

/* Writes the run to tmp_path, fsyncs, renames it to path and fsyncs the directory. */
int h5_write_run(const char *path, const char *tmp_path, const char *experiment,
		 const struct cell *c, const struct run_result *r, const struct provenance *p,
		 const char *started_at);

/* Opens path read-only and hashes its results; -1 if it cannot be read. */
int h5_content_hash(const char *path, char out[65]);
/*
 * The same in a child process: a corrupt file that crashes the HDF5 library
 * (libhdf5 1.10 does, on some; see make fuzz) is reported as corrupt instead
 * of taking the caller down. For files this process did not just write.
 */
int h5_content_hash_isolated(const char *path, char out[65]);

/* HDF5's own error printing off (errors go through error()). */
void h5_quiet(void);
/* 1 if name ("eval/returns") is a series of the size table. */
int h5_series_known(const char *name);
/* 1 if a path below / is outside the results hash: /timing, /provenance and below, exactly. */
int h5_unhashed(const char *name);
/* Row i of the size table: its name and whether it is hashed; NULL past the end. */
const char *h5_series_name(int i, int *hashed);
/* The README's table rows of the series (Markdown, one line each). */
void h5_series_doc(struct strbuf *sb);

/* Reads a float64 or int64 dataset (1-D or 2-D) as doubles; dims[1] = 1 for 1-D. */
int h5_read_doubles(const char *path, const char *dataset, double **data, long long dims[2]);

#endif
