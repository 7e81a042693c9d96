/*
 * blascore.c - pick OpenBLAS's AVX-512 kernels on CPUs it does not know.
 *
 * OpenBLAS (Debian 12: 0.3.21, DYNAMIC_ARCH) chooses its kernels by CPU
 * model when the library loads. A newer CPU than the library (AMD Zen 5, say)
 * falls back to the AVX2 "Haswell" kernels, although the CPU has AVX-512:
 * measured here on an AMD EPYC (family 0x1a), sgemm 1024^3 runs at 121
 * GFLOP/s with them and at 225 with SkylakeX's, and a 256x256 DQN update
 * 1.7 times as fast.
 *
 * The choice can only be made before the library initialises, through the
 * OPENBLAS_CORETYPE environment variable, so blas_pick_core() sets it and
 * re-executes the program once, at the very start of main(). It does nothing
 * when OPENBLAS_CORETYPE is already set (the user's choice, or a re-executed
 * process), when OpenBLAS already runs an AVX-512 kernel, when the CPU or the
 * OS lacks AVX-512, or when HARNESS_BLAS_AUTO=0. The kernel a run used is
 * recorded in its provenance (blas_core).
 */
#include "blascore.h"

#include <cblas.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static int avx512_kernel(const char *core)
{
	static const char *const k[] = { "skylakex", "cooperlake", "sapphirerapids" };
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (!strcasecmp(core, k[i]))
			return 1;
	return 0;
}

const char *blas_best_core(void)
{
	__builtin_cpu_init();
	/* what OpenBLAS's SkylakeX kernels use (F, CD, BW, DQ, VL); libgcc checks the OS saves the state */
	if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512cd") ||
	    !__builtin_cpu_supports("avx512bw") || !__builtin_cpu_supports("avx512dq") ||
	    !__builtin_cpu_supports("avx512vl"))
		return NULL;
	return __builtin_cpu_supports("avx512bf16") ? "Cooperlake" : "SkylakeX";
}

void blas_pick_core(char **argv)
{
	const char *auto_ = getenv("HARNESS_BLAS_AUTO");
	if (getenv("OPENBLAS_CORETYPE") || (auto_ && !strcmp(auto_, "0")))
		return;
	const char *core = blas_best_core();
	if (!core || avx512_kernel(openblas_get_corename()))
		return;
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return;
	self[n] = '\0';
	if (setenv("OPENBLAS_CORETYPE", core, 1))
		return;
	execv(self, argv);
	unsetenv("OPENBLAS_CORETYPE"); /* exec failed: go on with the kernels we have */
}
