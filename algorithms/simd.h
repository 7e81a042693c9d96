/*
 * simd.h - HOT_LOOP marks the few elementwise kernels worth vectorising
 * (bias + ReLU, ReLU masks, optimiser updates, Polyak averaging). The project
 * builds at -O2, where GCC does not vectorise loops of unknown trip count;
 * HOT_LOOP compiles one function at -O3 and clones it for AVX-512, AVX2 and
 * baseline x86-64, picked at load time (GCC's target_clones, an ifunc).
 *
 * Contract: use it only on loops whose result cannot depend on the vector
 * width: elementwise IEEE operations (+ - * / sqrt, compares), no
 * reductions (GCC never reassociates float sums without -ffast-math, and
 * -ffp-contract=off still holds, so no FMA). Every clone then gives the same
 * bits as the plain-C reference kernels the tests compare against.
 */
#ifndef SIMD_H
#define SIMD_H

#if defined(__SANITIZE_ADDRESS__)
#define HOT_LOOP /* sanitizer builds: plain code, no ifunc */
#elif defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define HOT_LOOP \
	__attribute__((optimize("O3"), target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#elif defined(__GNUC__) && !defined(__clang__)
#define HOT_LOOP __attribute__((optimize("O3")))
#else
#define HOT_LOOP
#endif

#endif
