/*
 * h5store.c - see h5store.h: writing a run file, and the size table of its
 * series (reading back: h5read.c). Every HDF5 call is checked; each function holding
 * several handles cleans up through one label. HDF5's own error printing is
 * off: errors are reported through error().
 */
#include "h5store.h"
#include "store.h"

#include <errno.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <hdf5.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>


void h5_quiet(void)
{
	H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

/* An attribute: a scalar when n < 0, else 1-D of n values. */
static int attr_write(hid_t loc, const char *name, hid_t ftype, hid_t mtype, const void *value,
		      int n)
{
	int rc = -1;
	hsize_t dims[1] = { (hsize_t)(n < 0 ? 1 : n) };
	hid_t space = -1, attr = -1;
	if ((space = n < 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, dims, NULL)) < 0)
		goto out;
	if ((attr = H5Acreate2(loc, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT)) < 0)
		goto out;
	if (H5Awrite(attr, mtype, value) < 0)
		goto out;
	rc = 0;
out:
	/* a close can write (and fail): checked like the calls before it */
	if (attr >= 0 && H5Aclose(attr) < 0)
		rc = -1;
	if (space >= 0 && H5Sclose(space) < 0)
		rc = -1;
	return rc ? error("cannot write attribute '%s'", name) : 0;
}

static int attr_num(hid_t loc, const char *name, hid_t ftype, hid_t mtype, const void *value)
{
	return attr_write(loc, name, ftype, mtype, value, -1);
}

/* A scalar string attribute: variable-length UTF-8. */
static int attr_str(hid_t loc, const char *name, const char *value)
{
	hid_t type = H5Tcopy(H5T_C_S1);
	if (type < 0 || H5Tset_size(type, H5T_VARIABLE) < 0 || H5Tset_cset(type, H5T_CSET_UTF8) < 0) {
		if (type >= 0)
			H5Tclose(type);
		return error("cannot write attribute '%s'", name);
	}
	int rc = attr_num(loc, name, type, type, &value);
	H5Tclose(type);
	return rc;
}

static int attr_i64(hid_t loc, const char *name, long long v)
{
	return attr_num(loc, name, H5T_STD_I64LE, H5T_NATIVE_LLONG, &v);
}

static int attr_u64(hid_t loc, const char *name, uint64_t v)
{
	unsigned long long u = v;
	return attr_num(loc, name, H5T_STD_U64LE, H5T_NATIVE_ULLONG, &u);
}

static int attr_f64(hid_t loc, const char *name, double v)
{
	return attr_num(loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v);
}

/* A 1-D int64 attribute of n values. */
static int attr_i64_array(hid_t loc, const char *name, const long long *v, int n)
{
	return attr_write(loc, name, H5T_STD_I64LE, H5T_NATIVE_LLONG, v, n);
}

/* A chunked, extendible, shuffled and deflated dataset of rank 1 or 2 (cols > 0). */
static int write_dataset(hid_t loc, const char *name, hid_t ftype, hid_t mtype, const void *data,
			 long long rows, long long cols)
{
	int rc = -1, rank = cols > 0 ? 2 : 1;
	hsize_t dims[2] = { (hsize_t)rows, (hsize_t)(cols > 0 ? cols : 1) };
	hsize_t maxd[2] = { H5S_UNLIMITED, dims[1] };
	hsize_t chunk[2] = { rows < 1 ? 1 : rows > 4096 ? 4096 : (hsize_t)rows, dims[1] ? dims[1] : 1 };
	hid_t space = -1, dcpl = -1, ds = -1;
	if ((space = H5Screate_simple(rank, dims, maxd)) < 0)
		goto out;
	if ((dcpl = H5Pcreate(H5P_DATASET_CREATE)) < 0 || H5Pset_chunk(dcpl, rank, chunk) < 0 ||
	    H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, 4) < 0 || H5Pset_obj_track_times(dcpl, 0) < 0)
		goto out;
	if ((ds = H5Dcreate2(loc, name, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0)
		goto out;
	if (rows > 0 && H5Dwrite(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
		goto out;
	rc = 0;
out:
	/*
	 * H5Dclose writes the chunks still in the chunk cache: a failed write
	 * there (disk full) leaves the dataset without them, read back as fill
	 * values from a file that otherwise closes fine. Its failure is the
	 * dataset's.
	 */
	if (ds >= 0 && H5Dclose(ds) < 0)
		rc = -1;
	if (dcpl >= 0 && H5Pclose(dcpl) < 0)
		rc = -1;
	if (space >= 0 && H5Sclose(space) < 0)
		rc = -1;
	return rc ? error("cannot write dataset '%s'", name) : 0;
}

static hid_t make_group(hid_t file, const char *name)
{
	hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
	if (gcpl < 0)
		return -1;
	H5Pset_obj_track_times(gcpl, 0);
	hid_t g = H5Gcreate2(file, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
	H5Pclose(gcpl);
	if (g < 0)
		error("cannot create group '%s'", name);
	return g;
}

/* Closes *g (and sets it to -1): a failed close is a failed write. */
static int close_group(hid_t *g)
{
	herr_t e = H5Gclose(*g);
	*g = -1;
	return e < 0 ? error("cannot close a group") : 0;
}

/*
 * The group holding name's last component below g ("layer0/W": g/layer0),
 * creating the groups on the way; *leaf points into name. Close it after.
 */
static hid_t parent_group(hid_t g, const char *name, const char **leaf)
{
	const char *slash = strrchr(name, '/');
	*leaf = slash ? slash + 1 : name;
	if (!slash)
		return H5Gopen2(g, ".", H5P_DEFAULT);
	char *path = xstrdup(name);
	path[slash - name] = '\0';
	hid_t parent = -1;
	for (char *p = strchr(path, '/');; p = strchr(p + 1, '/')) {
		if (p)
			*p = '\0';
		htri_t there = H5Lexists(g, path, H5P_DEFAULT);
		if (there < 0)
			goto out;
		if (there == 0) {
			hid_t made = make_group(g, path);
			if (made < 0 || close_group(&made))
				goto out;
		}
		if (!p)
			break;
		*p = '/';
	}
	parent = H5Gopen2(g, path, H5P_DEFAULT);
out:
	free(path);
	return parent;
}

/*
 * /checkpoint: the learner's attributes and float32 arrays, each array at its
 * path below the group. Nothing at all when the learner added nothing.
 */
static int write_checkpoint(hid_t file, const struct checkpoint *ck)
{
	if (!ck->n_arrays && !ck->n_attrs)
		return 0;
	int rc = -1;
	hid_t g = make_group(file, "checkpoint");
	if (g < 0)
		return -1;
	for (int i = 0; i < ck->n_attrs; i++) {
		const struct checkpoint_attr *a = &ck->attrs[i];
		if (a->str ? attr_str(g, a->name, a->str) :
		    a->n == 1 ? attr_i64(g, a->name, a->ints[0]) :
		    attr_i64_array(g, a->name, a->ints, a->n))
			goto out;
	}
	for (int i = 0; i < ck->n_arrays; i++) {
		const struct checkpoint_array *a = &ck->arrays[i];
		const char *leaf;
		hid_t parent = parent_group(g, a->name, &leaf);
		int bad = parent < 0 ||
			  write_dataset(parent, leaf, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, a->data,
					a->dims[0], a->rank == 2 ? a->dims[1] : 0);
		if (parent >= 0 && close_group(&parent))
			bad = 1;
		if (bad) {
			error("cannot write checkpoint array '%s'", a->name);
			goto out;
		}
	}
	rc = 0;
out:
	if (close_group(&g))
		rc = -1;
	return rc;
}

static int fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return error("cannot open '%s' to fsync: %s", path, strerror(errno));
	int rc = fsync(fd);
	int e = errno;
	close(fd);
	return rc ? error("cannot fsync '%s': %s", path, strerror(e)) : 0;
}

/*
 * The size table of a run file's series: one row per dataset drives writing
 * (h5_write_run), reading by name (store_read_series), the docs
 * (h5_series_doc: the README's table) and says which are hashed (everything
 * outside /timing and /provenance is: see h5_content_hash). A new series is one
 * row here and one array in struct run_result.
 */
enum series_type { SERIES_F64, SERIES_I64, SERIES_U8 };
enum series_rows { SERIES_EPISODES, SERIES_EVALS };
struct h5_series_def {
	const char *name;      /* path below / */
	enum series_type type;
	enum series_rows rows;
	int per_eval_episode;  /* 2-D: (rows, eval episodes) */
	size_t offset;         /* of the array in struct run_result */
	int hashed;            /* part of the results hash (h5_unhashed agrees: test_store.c) */
	const char *doc;
};
#define RR(f) offsetof(struct run_result, f)
static const struct h5_series_def h5_series[] = {
	{ "episodes/return", SERIES_F64, SERIES_EPISODES, 0, RR(ep_return), 1, "undiscounted return of each training episode" },
	{ "episodes/length", SERIES_I64, SERIES_EPISODES, 0, RR(ep_length), 1, "steps of each episode" },
	{ "episodes/end_step", SERIES_I64, SERIES_EPISODES, 0, RR(ep_end_step), 1, "env steps done when the episode ended" },
	{ "episodes/terminated", SERIES_U8, SERIES_EPISODES, 0, RR(ep_terminated), 1, "1 terminated, 0 truncated (time limit)" },
	{ "eval/step", SERIES_I64, SERIES_EVALS, 0, RR(eval_step), 1, "env steps done at each evaluation" },
	{ "eval/returns", SERIES_F64, SERIES_EVALS, 1, RR(eval_returns), 1, "greedy return of each evaluation episode" },
	{ "eval/lengths", SERIES_I64, SERIES_EVALS, 1, RR(eval_lengths), 1, "their lengths" },
	{ "timing/episode_wall_seconds", SERIES_F64, SERIES_EPISODES, 0, RR(ep_wall), 0, "wall time of each episode" },
	{ "timing/eval_wall_seconds", SERIES_F64, SERIES_EVALS, 0, RR(eval_wall), 0, "wall time of each evaluation" },
};
#undef RR

static hid_t file_type(enum series_type t)
{
	return t == SERIES_F64 ? H5T_IEEE_F64LE : t == SERIES_I64 ? H5T_STD_I64LE : H5T_STD_U8LE;
}

static hid_t mem_type(enum series_type t)
{
	return t == SERIES_F64 ? H5T_NATIVE_DOUBLE : t == SERIES_I64 ? H5T_NATIVE_LLONG : H5T_NATIVE_UCHAR;
}

static const char *const type_names[] = { "float64", "int64", "uint8" };

void h5_series_doc(struct strbuf *sb)
{
	for (size_t i = 0; i < ARRAY_SIZE(h5_series); i++) {
		const struct h5_series_def *d = &h5_series[i];
		strbuf_addf(sb, "| `/%s` | %s (%s%s) | %s%s |\n", d->name, type_names[d->type],
			    d->rows == SERIES_EPISODES ? "n_episodes" : "n_evals",
			    d->per_eval_episode ? ", episodes" : "", d->doc, d->hashed ? "" : " (not hashed)");
	}
}

const char *h5_series_name(int i, int *hashed)
{
	if (i < 0 || i >= (int)ARRAY_SIZE(h5_series))
		return NULL;
	*hashed = h5_series[i].hashed;
	return h5_series[i].name;
}

int h5_series_known(const char *name)
{
	if (name[0] == '/')
		name++;
	for (size_t i = 0; i < ARRAY_SIZE(h5_series); i++)
		if (!strcmp(h5_series[i].name, name))
			return 1;
	return 0;
}

int h5_write_run(const char *path, const char *tmp_path, const char *experiment,
		 const struct cell *c, const struct run_result *r, const struct provenance *p,
		 const char *started_at)
{
	h5_quiet();
	int rc = -1;
	hid_t fcpl = -1, file = -1, g = -1;
	int created = 0;
	struct strbuf sb = {0};
	errno = 0; /* HDF5's messages lack the system's reason: errno of its failed write gives it */
	if ((fcpl = H5Pcreate(H5P_FILE_CREATE)) < 0 || H5Pset_obj_track_times(fcpl, 0) < 0)
		goto out;
	/*
	 * H5F_ACC_EXCL opens with O_CREAT|O_EXCL: an existing file or symlink is
	 * never followed. What is at the name before is not ours and stays; from
	 * then on the name (a fresh one of this process, holder.h) is ours, also
	 * when H5Fcreate fails after creating it.
	 */
	struct stat lst;
	if (lstat(tmp_path, &lst) == 0) {
		error("cannot create '%s': it exists (not ours: left alone)", tmp_path);
		goto out;
	}
	created = 1;
	if ((file = H5Fcreate(tmp_path, H5F_ACC_EXCL, fcpl, H5P_DEFAULT)) < 0) {
		error("cannot create '%s'", tmp_path);
		goto out;
	}
	if (attr_i64(file, "schema_version", H5STORE_SCHEMA_VERSION) ||
	    attr_str(file, "experiment", experiment) || attr_str(file, "cell_id", c->cell_id) ||
	    attr_str(file, "env_id", c->env->id) || attr_str(file, "env_label", c->env_label))
		goto out;
	params_to_json(&c->env_opts, &sb);
	if (attr_str(file, "env_options", sb.buf))
		goto out;
	strbuf_reset(&sb);
	params_to_json(&c->hp, &sb);
	if (attr_str(file, "hparams", sb.buf) || attr_str(file, "learner", c->learner->name) ||
	    attr_str(file, "config_name", c->config_name) || attr_str(file, "config", c->config_json) ||
	    attr_str(file, "config_hash", c->config_hash) || attr_i64(file, "seed", c->seed) ||
	    attr_u64(file, "env_seed", c->env_seed) || attr_u64(file, "learner_seed", c->learner_seed) ||
	    attr_u64(file, "eval_seed", c->eval_seed) ||
	    attr_str(file, "status", r->failed ? "failed" : "complete") ||
	    attr_str(file, "error", r->failed ? r->error : "") ||
	    attr_i64(file, "total_steps", r->total_steps))
		goto out;

	/* the series, group by group in table order, each group's attributes with it */
	for (size_t i = 0; i < ARRAY_SIZE(h5_series); i++) {
		const struct h5_series_def *d = &h5_series[i];
		const char *slash = strchr(d->name, '/');
		size_t glen = (size_t)(slash - d->name);
		if (!i || strncmp(h5_series[i - 1].name, d->name, glen + 1)) {
			if (g >= 0 && close_group(&g))
				goto out;
			if (!strncmp(d->name, "timing/", 7) && write_checkpoint(file, &r->ck))
				goto out; /* /checkpoint sits between /eval and /timing, as it always did */
			char *gname = xstrfmt("%.*s", (int)glen, d->name);
			g = make_group(file, gname);
			free(gname);
			if (g < 0)
				goto out;
			if (!strncmp(d->name, "eval/", 5) &&
			    (attr_i64(g, "every", c->eval.every) || attr_i64(g, "episodes", r->eval_episodes)))
				goto out;
			if (!strncmp(d->name, "timing/", 7) && attr_str(g, "units", "seconds"))
				goto out;
		}
		long long rows = d->rows == SERIES_EPISODES ? r->n_episodes : r->n_evals;
		long long cols = d->per_eval_episode ? (r->eval_episodes ? r->eval_episodes : 1) : 0;
		const void *data = *(const void *const *)((const char *)r + d->offset);
		if (write_dataset(g, slash + 1, file_type(d->type), mem_type(d->type), data, rows, cols))
			goto out;
	}
	if (close_group(&g))
		goto out;
	if ((g = make_group(file, "provenance")) < 0)
		goto out;
	if (attr_str(g, "git_commit", p->git_commit) || attr_i64(g, "git_dirty", p->git_dirty) ||
	    attr_str(g, "source_hash", p->source_hash) || attr_str(g, "compiler", p->compiler) ||
	    attr_str(g, "cflags", p->cflags) || attr_str(g, "libraries", p->libs) || attr_str(g, "blas", p->blas) ||
	    attr_str(g, "blas_core", p->blas_core) || attr_str(g, "cpu_model", p->cpu_model) ||
	    attr_str(g, "host", p->host) || attr_str(g, "python_versions", p->python_versions) ||
	    attr_str(g, "started_at", started_at) ||
	    attr_f64(g, "wall_seconds", r->wall_seconds))
		goto out;
	{ /* the observation space as this build describes it: outside the content hash */
		struct env_info info;
		char why[256], obs_text[128] = "unknown";
		if (!env_describe(c->env, &c->env_opts, &info, why, sizeof(why)))
			env_info_obs_text(&info, obs_text, sizeof(obs_text));
		if (attr_str(g, "env_observation", obs_text))
			goto out;
	}
	if (close_group(&g))
		goto out;
	if (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) {
		error("cannot flush '%s'", tmp_path);
		goto out;
	}
	if (H5Fclose(file) < 0) {
		file = -1;
		error("cannot close '%s'", tmp_path);
		goto out;
	}
	file = -1;
	if (fsync_path(tmp_path))
		goto out;
	if (rename(tmp_path, path)) {
		error("cannot rename '%s' to '%s': %s", tmp_path, path, strerror(errno));
		goto out;
	}
	if (fsync_parent_dir(path))
		goto out;
	rc = 0;
out:
	if (rc && (errno == ENOSPC || errno == EDQUOT || errno == EIO || errno == EROFS || errno == EFBIG))
		error("cannot write '%s': %s", tmp_path, strerror(errno));
	strbuf_release(&sb);
	if (g >= 0)
		H5Gclose(g);
	if (file >= 0)
		H5Fclose(file);
	if (fcpl >= 0)
		H5Pclose(fcpl);
	if (rc && created)
		unlink(tmp_path);
	return rc;
}
