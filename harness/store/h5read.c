/*
 * h5read.c - reading run files back (see h5store.h): the results hash (a
 * canonical walk of everything outside /timing and /provenance, in-process or
 * in a child process), series by name, each with the file's schema version
 * checked. Writing and the size table are in h5store.c.
 */
#include "h5store.h"

#include <errno.h>
#include <hdf5.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "proc.h"
#include "store.h"

/* Largest dataset read into memory (bytes): bounds what a corrupt shape can ask for. */
#define H5_MAX_READ ((hsize_t)1 << 31)

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

/* /timing and /provenance and what is below them, exactly: the rest is the result. */
int h5_unhashed(const char *name)
{
	static const char *const skip[] = { "timing", "provenance" };
	for (size_t i = 0; i < ARRAY_SIZE(skip); i++) {
		size_t n = strlen(skip[i]);
		if (!strncmp(name, skip[i], n) && (name[n] == '\0' || name[n] == '/'))
			return 1;
	}
	return 0;
}

static herr_t hash_link(hid_t root, const char *name, const H5L_info_t *info, void *data)
{
	(void)info;
	struct walk *w = data;
	if (h5_unhashed(name))
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

/* The child's side: the hash of ctx (a path) written to fd, exit 0; exit 1 after error(). */
static int hash_to_fd(void *ctx, int fd)
{
	char h[65];
	return h5_content_hash(ctx, h) == 0 && write(fd, h, 64) == 64 ? 0 : 1;
}

int h5_content_hash_isolated(const char *path, char out[65])
{
	struct child c = CHILD_INIT;
	c.fn = hash_to_fd;
	c.ctx = (void *)path;
	c.out = PROC_PIPE;
	if (proc_start(&c))
		return -1;
	char h[65];
	size_t got = 0;
	while (got < 64) {
		ssize_t n = read(c.out_fd, h + got, 64 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	proc_finish(&c);
	if (WIFSIGNALED(c.wstatus))
		return error("'%s' is corrupt: reading it crashed the HDF5 library (%s)", path,
			     strsignal(WTERMSIG(c.wstatus)));
	if (!WIFEXITED(c.wstatus) || WEXITSTATUS(c.wstatus) || got != 64)
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
	long long version = 0;
	hid_t a = H5Aexists(file, "schema_version") > 0 ? H5Aopen(file, "schema_version", H5P_DEFAULT) : -1;
	if (a >= 0) {
		herr_t e = H5Aread(a, H5T_NATIVE_LLONG, &version);
		H5Aclose(a);
		if (e < 0)
			version = 0;
	}
	if (version > H5STORE_SCHEMA_VERSION) {
		error("run file '%s' has schema version %lld, newer than this harness (%d): read it with a newer harness",
		      path, version, H5STORE_SCHEMA_VERSION);
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

int store_read_series(const char *path, const char *name, double **data, long long dims[2])
{
	if (!h5_series_known(name))
		BUG("'%s' is not a series of the run file's size table", name);
	return h5_read_doubles(path, name, data, dims);
}

int store_hash_file(const char *path, int isolated, char out[65])
{
	return isolated ? h5_content_hash_isolated(path, out) : h5_content_hash(path, out);
}
