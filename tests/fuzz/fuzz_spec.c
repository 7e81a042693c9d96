/*
 * fuzz_spec.c - libFuzzer target for the spec parser: each input is written
 * to a file f.cfg in a private temporary directory and loaded with
 * spec_load (libconfig, validation, matrix expansion), then released.
 * Any crash, sanitizer report, leak or exit() (die) is a finding; a refused
 * spec is the expected outcome for most inputs. `make fuzz` runs it with
 * libFuzzer; `make test` replays tests/fuzz/fuzz_spec/ through
 * tests/fuzz/replay_main.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "spec.h"

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
	char dir[] = "/tmp/fuzz_spec.XXXXXX";
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/f.cfg", dir);
	atexit(remove_dir);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return 0;
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
	struct spec s;
	if (spec_load(&s, path) == 0)
		spec_release(&s);
	return 0;
}
