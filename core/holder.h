/*
 * holder.h - who holds a claim or a temporary file, robustly: the identity of
 * a process that survives PID reuse, PID namespaces and several hosts on one
 * shared results directory.
 *
 * A holder is (boot id, proc id, pid, start time, host):
 *   boot id    /proc/sys/kernel/random/boot_id: one per booted kernel, so a
 *              machine after a reboot, or another machine, is another boot
 *   proc id    st_dev of /proc: the procfs instance the pid and start time are
 *              read through (one per PID namespace a /proc is mounted for)
 *   pid, start fields 1 and 22 of /proc/self/stat: the pid as that /proc shows
 *              it (`unshare --pid` without a new /proc: the outer pid, not 1)
 *              and the start time in clock ticks after boot, which a later
 *              process reusing the pid does not share
 *   host       the hostname (UTS namespace): shown, never used to decide
 *
 * holder_check() from another process: on the same boot and procfs it looks
 * the process up (/proc/<pid>/stat): alive when it exists with the same start
 * time, else dead (exited, or the pid was reused). Anywhere else (another
 * host, container or boot) it cannot tell: HOLDER_UNKNOWN, and the caller
 * relies on a lease (rundb.h: a heartbeat renews it, its expiry frees it).
 *
 * Temporary files carry their holder in their name,
 *   <dir>/.tmp-<boot id, 12 hex>-<proc id>-<pid>-<start>-<16 random hex>-<name>
 * are created with O_CREAT|O_EXCL|O_NOFOLLOW (or HDF5's H5F_ACC_EXCL, which
 * opens with O_EXCL) in the target's own directory, so a planted file or
 * symlink is never followed or truncated, and only removed by their holder,
 * or by a sweep that holder_check()s their holder dead.
 */
#ifndef HOLDER_H
#define HOLDER_H

#include <stddef.h>

struct holder {
	char boot_id[40];          /* 36-character UUID, "" when unknown */
	unsigned long long proc_dev;
	long long pid;
	unsigned long long start;  /* clock ticks after boot */
	char host[256];
};

enum holder_state { HOLDER_DEAD = 0, HOLDER_ALIVE = 1, HOLDER_UNKNOWN = 2 };

/* This process (computed once). */
const struct holder *holder_self(void);
/* The canonical text form, "v1 <boot id> <proc id> <pid> <start> <host>" (caller frees). */
char *holder_format(const struct holder *h);
/* Parses holder_format's text; 0, or -1 when it is not one (no error printed). */
int holder_parse(const char *text, struct holder *h);
/* Whether h is alive, as seen from this process (above). */
enum holder_state holder_check(const struct holder *h);
/* The same for a pid and start time of this boot and procfs (used by the tests). */
enum holder_state holder_check_pid(long long pid, unsigned long long start);

/*
 * A fresh temporary name for path, in path's directory, owned by this
 * process (the form above; caller frees). Nothing is created.
 */
char *holder_tmp_path(const char *path);
/*
 * For a directory entry name: 1 when it is a temporary file whose holder is
 * dead (safe to remove), 0 when it is not a temporary name, its holder is
 * alive or cannot be checked from here.
 */
int holder_tmp_is_stale(const char *name);
/* 1 when name has the temporary-file form at all. */
int holder_tmp_name(const char *name);
/* Removes the stale temporary files (holder_tmp_is_stale) of dir; how many. */
int holder_sweep_dir(const char *dir);

#endif
