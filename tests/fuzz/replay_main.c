/*
 * replay_main.c - a main() for a libFuzzer target without libFuzzer: runs
 * LLVMFuzzerTestOneInput once on each file named on the command line (the
 * corpus), so `make test` (and `make test SAN=1`, under ASan+UBSan) checks
 * that no corpus input crashes, with the project's own compiler.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	LLVMFuzzerInitialize(&argc, &argv);
	int n = 0;
	for (int i = 1; i < argc; i++) {
		size_t len;
		char *data = read_file(argv[i], &len);
		if (!data)
			return 2;
		LLVMFuzzerTestOneInput((const uint8_t *)data, len);
		free(data);
		n++;
	}
	printf("replayed %d inputs\n", n);
	return 0;
}
