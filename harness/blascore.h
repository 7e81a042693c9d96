/*
 * blascore.h - choose OpenBLAS's fastest kernels this CPU supports (see blascore.c).
 */
#ifndef BLASCORE_H
#define BLASCORE_H

/* "Cooperlake" or "SkylakeX" when the CPU and OS support AVX-512, else NULL. */
const char *blas_best_core(void);
/*
 * Re-executes the program with OPENBLAS_CORETYPE set to blas_best_core()
 * when OpenBLAS chose a kernel without AVX-512 on a CPU that has it; returns
 * (doing nothing) otherwise. Call first thing in main(), with main's argv.
 */
void blas_pick_core(char **argv);

#endif
