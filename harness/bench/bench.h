/*
 * bench.h - benchmark sections printed by `harness bench` (make bench).
 * Each section prints its own figures; `seconds` is the time budget per
 * measurement. Add a section here and one line in bench.c.
 */
#ifndef BENCH_H
#define BENCH_H

void bench_envs(double seconds);
void bench_tabular(double seconds);
void bench_matrix(double seconds);
void bench_dqn(double seconds);
void bench_minatar(double seconds);
/* Single-threaded sgemm 1024^3 GFLOP/s, the best single product (bench_dqn.c). */
double bench_sgemm_peak(double seconds);

/* Measuring loops (bench_timing.c). This thread's CPU time in seconds (other processes cannot inflate it). */
double bench_cpu_seconds(void);
/* CPU seconds of one dqn_train update of dqn (dqn.h), chunk updates at a time for about seconds; -1 after error(). */
double bench_update_seconds(void *dqn, int chunk, double seconds);
/* The Gymnasium bridge against a plain Python loop (bench_gym.c). */
void bench_gym(double seconds);
/*
 * Uniform-random steps per second of e (seeded: rng 1, reset seed 0), the best
 * of 5 windows of seconds / 5, stepping chunk at a time; -1 on an env error.
 */
struct env;
double bench_random_steps(struct env *e, int chunk, double seconds);
/* Pong through the bridge with the Atari wrappers, and the Nature DQN update (bench_atari.c). */
void bench_atari(double seconds);

#endif
