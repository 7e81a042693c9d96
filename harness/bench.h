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
/* The Gymnasium bridge against a plain Python loop (bench_gym.c). */
void bench_gym(double seconds);

#endif
