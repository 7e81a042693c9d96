/*
 * fuzz_h5.c - libFuzzer target for reading a run's HDF5 file back: each
 * input is written to r.h5 in a private temporary directory, then hashed
 * (h5_content_hash: the walk over every group, attribute and dataset) and
 * read (h5_read_doubles of the datasets the figures and exports use).
 * Corrupt input must give an error, never a crash or an unbounded
 * allocation. Note: libhdf5 itself is not instrumented, so coverage guides
 * the fuzzer through our code only; crashes inside libhdf5 still show.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "h5store.h"

static char path[256];

static void remove_dir(void)
{
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char dir[] = "/tmp/fuzz_h5.XXXXXX";
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/r.h5", dir);
	atexit(remove_dir);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 20)
		return 0;
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
	char hash[65];
	h5_content_hash(path, hash);
	static const char *const sets[] = { "/episodes/return", "/episodes/length", "/eval/returns",
					    "/eval/step" };
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		double *v = NULL;
		long long dims[2];
		if (h5_read_doubles(path, sets[i], &v, dims) == 0)
			free(v);
	}
	return 0;
}
