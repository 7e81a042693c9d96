/*
 * holder.c - see holder.h.
 */
#include "holder.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"

/* Fields 1 (pid) and 22 (starttime) of a /proc/<pid>/stat; 0 or -1. */
static int read_stat(const char *path, long long *pid, unsigned long long *start)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char buf[1024];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* "pid (comm) state ppid ...": comm may hold spaces and ')', so parse after the last ')' */
	char *rp = strrchr(buf, ')');
	if (!rp || sscanf(buf, "%lld", pid) != 1)
		return -1;
	char *p = rp + 1;
	/* after ')': field 3 (state) ... field 22 (starttime) is the 20th */
	for (int field = 3; field < 22; field++) {
		p += strspn(p, " ");
		p += strcspn(p, " ");
		if (!*p)
			return -1;
	}
	return sscanf(p, " %llu", start) == 1 ? 0 : -1;
}

static unsigned long long proc_dev(void)
{
	struct stat st;
	return stat("/proc/self", &st) ? 0 : (unsigned long long)st.st_dev;
}

const struct holder *holder_self(void)
{
	static struct holder self;
	static long long for_pid;
	if (for_pid == (long long)getpid())
		return &self;
	memset(&self, 0, sizeof(self));
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	if (f) {
		if (!fgets(self.boot_id, sizeof(self.boot_id), f))
			self.boot_id[0] = '\0';
		fclose(f);
		self.boot_id[strcspn(self.boot_id, "\n")] = '\0';
	}
	self.proc_dev = proc_dev();
	if (read_stat("/proc/self/stat", &self.pid, &self.start)) {
		self.pid = (long long)getpid();
		self.start = 0;
	}
	if (gethostname(self.host, sizeof(self.host) - 1))
		snprintf(self.host, sizeof(self.host), "unknown");
	for (char *p = self.host; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			*p = '_';
	for_pid = (long long)getpid();
	return &self;
}

char *holder_format(const struct holder *h)
{
	return xstrfmt("v1 %s %llu %lld %llu %s", h->boot_id[0] ? h->boot_id : "-", h->proc_dev, h->pid,
		       h->start, h->host);
}

int holder_parse(const char *text, struct holder *h)
{
	memset(h, 0, sizeof(*h));
	int off = 0;
	if (!text || sscanf(text, "v1 %39s %llu %lld %llu %n", h->boot_id, &h->proc_dev, &h->pid, &h->start,
			    &off) != 4 || !off)
		return -1;
	if (!strcmp(h->boot_id, "-"))
		h->boot_id[0] = '\0';
	snprintf(h->host, sizeof(h->host), "%s", text + off);
	return 0;
}

enum holder_state holder_check_pid(long long pid, unsigned long long start)
{
	if (pid <= 0)
		return HOLDER_DEAD;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%lld/stat", pid);
	long long p;
	unsigned long long s;
	if (read_stat(path, &p, &s)) {
		/* hidden (hidepid) or unreadable, yet a process has that pid: cannot tell */
		if (kill((pid_t)pid, 0) == 0 || errno == EPERM)
			return HOLDER_UNKNOWN;
		return HOLDER_DEAD;
	}
	return s == start ? HOLDER_ALIVE : HOLDER_DEAD;
}

enum holder_state holder_check(const struct holder *h)
{
	const struct holder *me = holder_self();
	if (!me->boot_id[0] || !h->boot_id[0] || strcmp(h->boot_id, me->boot_id) ||
	    !me->proc_dev || h->proc_dev != me->proc_dev)
		return HOLDER_UNKNOWN;
	if (h->pid == me->pid && h->start == me->start)
		return HOLDER_ALIVE;
	return holder_check_pid(h->pid, h->start);
}

/* The first 12 hex digits of a boot id (dashes dropped). */
static void boot12(const char *boot_id, char out[13])
{
	int k = 0;
	for (const char *p = boot_id; *p && k < 12; p++)
		if (*p != '-')
			out[k++] = *p;
	while (k < 12)
		out[k++] = '0';
	out[12] = '\0';
}

char *holder_tmp_path(const char *path)
{
	const struct holder *me = holder_self();
	unsigned char r[8];
	size_t got = 0;
	while (got < sizeof(r)) {
		ssize_t n = getrandom(r + got, sizeof(r) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("cannot read random bytes for a temporary name: %s", strerror(errno));
		got += (size_t)n;
	}
	char b[13];
	boot12(me->boot_id, b);
	const char *slash = strrchr(path, '/');
	int dlen = slash ? (int)(slash - path) + 1 : 0;
	return xstrfmt("%.*s.tmp-%s-%llu-%lld-%llu-%02x%02x%02x%02x%02x%02x%02x%02x-%s", dlen, path, b,
		       me->proc_dev, me->pid, me->start, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7],
		       slash ? slash + 1 : path);
}

/* Parses a temporary name's holder; 0 or -1. */
static int tmp_holder(const char *name, char b[13], unsigned long long *dev, long long *pid,
		      unsigned long long *start)
{
	char rnd[17];
	int off = 0;
	if (sscanf(name, ".tmp-%12[0-9a-f]-%llu-%lld-%llu-%16[0-9a-f]-%n", b, dev, pid, start, rnd, &off) != 5 ||
	    !off || strlen(b) != 12 || strlen(rnd) != 16)
		return -1;
	return 0;
}

int holder_tmp_name(const char *name)
{
	char b[13];
	unsigned long long dev, start;
	long long pid;
	return tmp_holder(name, b, &dev, &pid, &start) == 0;
}

int holder_tmp_is_stale(const char *name)
{
	char b[13], mine[13];
	unsigned long long dev, start;
	long long pid;
	if (tmp_holder(name, b, &dev, &pid, &start))
		return 0;
	const struct holder *me = holder_self();
	boot12(me->boot_id, mine);
	if (!me->boot_id[0] || strcmp(b, mine) || dev != me->proc_dev)
		return 0; /* another boot, host or procfs: not ours to judge */
	if (pid == me->pid && start == me->start)
		return 0;
	return holder_check_pid(pid, start) == HOLDER_DEAD;
}

int holder_sweep_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!holder_tmp_is_stale(de->d_name))
			continue;
		char *p = xstrfmt("%s/%s", dir, de->d_name);
		n += unlink(p) == 0;
		free(p);
	}
	closedir(d);
	return n;
}
