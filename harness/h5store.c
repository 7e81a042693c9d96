/*
 * h5store.c - see h5store.h. Every HDF5 call is checked; each function holding
 * several handles cleans up through one label. HDF5's own error printing is
 * off: errors are reported through error().
 */
#include "h5store.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Largest dataset read into memory (bytes): bounds what a corrupt shape can ask for. */
#define H5_MAX_READ ((hsize_t)1 << 31)

static void h5_quiet(void)
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

int h5_write_run(const char *path, const char *tmp_path, const char *experiment,
		 const struct cell *c, const struct run_result *r, const struct provenance *p,
		 const char *started_at)
{
	h5_quiet();
	int rc = -1;
	hid_t fcpl = -1, file = -1, g = -1;
	struct strbuf sb = {0};
	errno = 0; /* HDF5's messages lack the system's reason: errno of its failed write gives it */
	if ((fcpl = H5Pcreate(H5P_FILE_CREATE)) < 0 || H5Pset_obj_track_times(fcpl, 0) < 0)
		goto out;
	if ((file = H5Fcreate(tmp_path, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT)) < 0) {
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

	if ((g = make_group(file, "episodes")) < 0)
		goto out;
	long long ne = r->n_episodes;
	if (write_dataset(g, "return", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, r->ep_return, ne, 0) ||
	    write_dataset(g, "length", H5T_STD_I64LE, H5T_NATIVE_LLONG, r->ep_length, ne, 0) ||
	    write_dataset(g, "end_step", H5T_STD_I64LE, H5T_NATIVE_LLONG, r->ep_end_step, ne, 0) ||
	    write_dataset(g, "terminated", H5T_STD_U8LE, H5T_NATIVE_UCHAR, r->ep_terminated, ne, 0))
		goto out;
	if (close_group(&g))
		goto out;
	if ((g = make_group(file, "eval")) < 0)
		goto out;
	long long nv = r->n_evals, m = r->eval_episodes;
	if (attr_i64(g, "every", c->eval.every) || attr_i64(g, "episodes", m) ||
	    write_dataset(g, "step", H5T_STD_I64LE, H5T_NATIVE_LLONG, r->eval_step, nv, 0) ||
	    write_dataset(g, "returns", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, r->eval_returns, nv, m ? m : 1) ||
	    write_dataset(g, "lengths", H5T_STD_I64LE, H5T_NATIVE_LLONG, r->eval_lengths, nv, m ? m : 1))
		goto out;
	if (close_group(&g))
		goto out;
	if (write_checkpoint(file, &r->ck))
		goto out;
	if ((g = make_group(file, "timing")) < 0)
		goto out;
	if (attr_str(g, "units", "seconds") ||
	    write_dataset(g, "episode_wall_seconds", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, r->ep_wall, ne, 0) ||
	    write_dataset(g, "eval_wall_seconds", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, r->eval_wall, nv, 0))
		goto out;
	if (close_group(&g))
		goto out;
	if ((g = make_group(file, "provenance")) < 0)
		goto out;
	if (attr_str(g, "git_commit", p->git_commit) || attr_i64(g, "git_dirty", p->git_dirty) ||
	    attr_str(g, "source_hash", p->source_hash) || attr_str(g, "compiler", p->compiler) ||
	    attr_str(g, "cflags", p->cflags) || attr_str(g, "blas", p->blas) ||
	    attr_str(g, "blas_core", p->blas_core) || attr_str(g, "cpu_model", p->cpu_model) ||
	    attr_str(g, "host", p->host) || attr_str(g, "started_at", started_at) ||
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
	if (rc)
		unlink(tmp_path);
	return rc;
}

/* --- reading back --- */

struct walk {
	struct sha256_ctx *sha;
	int failed;
};

static void hash_str(struct walk *w, const char *tag, const char *s)
{
	uint64_t n = strlen(s);
	sha256_update(w->sha, tag, strlen(tag));
	sha256_update(w->sha, &n, sizeof(n));
	sha256_update(w->sha, s, n);
}

static herr_t hash_attr(hid_t loc, const char *name, const H5A_info_t *info, void *data)
{
	(void)info;
	struct walk *w = data;
	hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
	hid_t ftype = attr >= 0 ? H5Aget_type(attr) : -1;
	if (ftype < 0) {
		w->failed = 1;
		goto out;
	}
	hash_str(w, "A", name);
	if (H5Tget_class(ftype) == H5T_STRING) {
		hid_t mt = H5Tcopy(H5T_C_S1);
		H5Tset_size(mt, H5T_VARIABLE);
		H5Tset_cset(mt, H5T_CSET_UTF8);
		char *s = NULL;
		if (H5Aread(attr, mt, &s) < 0 || !s) {
			w->failed = 1;
		} else {
			hash_str(w, "s", s);
			H5free_memory(s);
		}
		H5Tclose(mt);
	} else {
		hid_t nt = H5Tget_native_type(ftype, H5T_DIR_ASCEND);
		size_t sz = H5Tget_size(nt);
		unsigned char buf[64];
		if (sz > sizeof(buf) || H5Aread(attr, nt, buf) < 0)
			w->failed = 1;
		else {
			int cls = H5Tget_class(ftype);
			sha256_update(w->sha, &cls, sizeof(cls));
			sha256_update(w->sha, buf, sz);
		}
		H5Tclose(nt);
	}
out:
	if (ftype >= 0)
		H5Tclose(ftype);
	if (attr >= 0)
		H5Aclose(attr);
	return w->failed ? -1 : 0;
}

static int hash_attrs(hid_t obj, struct walk *w)
{
	hsize_t idx = 0;
	if (H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, hash_attr, w) < 0)
		w->failed = 1;
	return w->failed ? -1 : 0;
}

static herr_t hash_link(hid_t root, const char *name, const H5L_info_t *info, void *data)
{
	(void)info;
	struct walk *w = data;
	if (!strncmp(name, "timing", 6) || !strncmp(name, "provenance", 10))
		return 0;
	hid_t obj = H5Oopen(root, name, H5P_DEFAULT);
	if (obj < 0) {
		w->failed = 1;
		return -1;
	}
	H5I_type_t t = H5Iget_type(obj);
	hash_str(w, t == H5I_GROUP ? "G" : "D", name);
	hash_attrs(obj, w);
	if (t == H5I_DATASET && !w->failed) {
		hid_t ft = H5Dget_type(obj), sp = H5Dget_space(obj);
		hid_t nt = ft >= 0 ? H5Tget_native_type(ft, H5T_DIR_ASCEND) : -1;
		int rank = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
		hsize_t dims[8] = {0};
		if (nt < 0 || rank < 0 || rank > 8 || H5Sget_simple_extent_dims(sp, dims, NULL) < 0) {
			w->failed = 1;
		} else {
			int cls = H5Tget_class(ft);
			size_t sz = H5Tget_size(nt);
			hsize_t n = 1;
			for (int i = 0; i < rank; i++)
				n = dims[i] && n > H5_MAX_READ / dims[i] ? H5_MAX_READ + 1 : n * dims[i];
			if (sz == 0 || n > H5_MAX_READ / sz) /* a corrupt or hostile shape */
				w->failed = 1;
			sha256_update(w->sha, &cls, sizeof(cls));
			sha256_update(w->sha, &sz, sizeof(sz));
			sha256_update(w->sha, &rank, sizeof(rank));
			sha256_update(w->sha, dims, sizeof(hsize_t) * (size_t)rank);
			if (n > 0 && !w->failed) {
				void *buf = xmalloc((size_t)n * sz);
				if (H5Dread(obj, nt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
					w->failed = 1;
				else
					sha256_update(w->sha, buf, (size_t)n * sz);
				free(buf);
			}
		}
		if (nt >= 0)
			H5Tclose(nt);
		if (ft >= 0)
			H5Tclose(ft);
		if (sp >= 0)
			H5Sclose(sp);
	}
	H5Oclose(obj);
	return w->failed ? -1 : 0;
}

int h5_content_hash(const char *path, char out[65])
{
	h5_quiet();
	hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
	if (file < 0)
		return error("'%s' is not a readable HDF5 file", path);
	struct walk w = { sha256_begin(), 0 };
	hash_attrs(file, &w);
	if (!w.failed && H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, hash_link, &w) < 0)
		w.failed = 1;
	char hex[65];
	sha256_finish(w.sha, hex);
	H5Fclose(file);
	if (w.failed)
		return error("'%s' is corrupt: its contents cannot be read back", path);
	memcpy(out, hex, 65);
	return 0;
}

int h5_content_hash_isolated(const char *path, char out[65])
{
	int fds[2];
	if (pipe(fds))
		return error("cannot create a pipe: %s", strerror(errno));
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return error("cannot fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(fds[0]);
		char h[65];
		if (h5_content_hash(path, h) == 0 && write(fds[1], h, 64) == 64)
			_exit(0);
		_exit(1);
	}
	close(fds[1]);
	char h[65];
	size_t got = 0;
	while (got < 64) {
		ssize_t n = read(fds[0], h + got, 64 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st))
		return error("'%s' is corrupt: reading it crashed the HDF5 library (%s)", path,
			     strsignal(WTERMSIG(st)));
	if (!WIFEXITED(st) || WEXITSTATUS(st) || got != 64)
		return -1; /* the child said why */
	h[64] = '\0';
	memcpy(out, h, 65);
	return 0;
}

int h5_read_doubles(const char *path, const char *dataset, double **data, long long dims[2])
{
	h5_quiet();
	int rc = -1;
	hid_t file = -1, ds = -1, sp = -1;
	*data = NULL;
	if ((file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0) {
		error("'%s' is not a readable HDF5 file", path);
		goto out;
	}
	if ((ds = H5Dopen2(file, dataset, H5P_DEFAULT)) < 0 || (sp = H5Dget_space(ds)) < 0) {
		error("'%s' has no dataset '%s'", path, dataset);
		goto out;
	}
	int rank = H5Sget_simple_extent_ndims(sp);
	hsize_t d[2] = { 0, 1 };
	if (rank < 1 || rank > 2 || H5Sget_simple_extent_dims(sp, d, NULL) < 0) {
		error("'%s': dataset '%s' has an unexpected shape", path, dataset);
		goto out;
	}
	if ((d[1] && d[0] > H5_MAX_READ / sizeof(double) / d[1]) || d[0] > H5_MAX_READ) {
		error("'%s': dataset '%s' is too large to read (corrupt?)", path, dataset);
		goto out;
	}
	dims[0] = (long long)d[0];
	dims[1] = rank == 2 ? (long long)d[1] : 1;
	size_t n = (size_t)(dims[0] * dims[1]);
	*data = xcalloc(n ? n : 1, sizeof(double));
	if (n && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *data) < 0) {
		error("'%s': cannot read dataset '%s'", path, dataset);
		free(*data);
		*data = NULL;
		goto out;
	}
	rc = 0;
out:
	if (sp >= 0)
		H5Sclose(sp);
	if (ds >= 0)
		H5Dclose(ds);
	if (file >= 0)
		H5Fclose(file);
	return rc;
}
