/*
 * runner.h - runs one cell of the matrix in this process: the training loop
 * (act, step, observe) under the cell's budget, with greedy evaluations on a
 * separate environment with its own seed stream, collecting per-episode
 * records and the evaluation curve in memory.
 *
 * Evaluations run at step 0, every eval.every env steps, and after the last
 * training step (the budget reached, in steps or episodes), unless one just
 * ran there: the last evaluation, the "final" one, always judges the policy
 * the run ends with. A run a learner error ended (failed) gets no final
 * evaluation: its last one is the last it reached.
 *
 * At the end (also of a failed run) the learner's checkpoint hook, if any,
 * fills r->ck before the learner is freed.
 *
 * With an episode budget on an environment without a time limit (CliffWalking)
 * a training episode that reaches RUNNER_MAX_UNLIMITED_EPISODE steps without
 * terminating ends the run as failed (a learner that never reaches the goal
 * would otherwise loop forever); with a steps budget the budget bounds it.
 *
 * Determinism: the result depends only on the cell (its config and derived
 * seeds), never on time, process or scheduling. Timings are recorded apart
 * (ep_wall, eval_wall) and never feed back into the run.
 */
#ifndef RUNNER_H
#define RUNNER_H

#include "run_result.h"
#include "spec.h"

#define RUNNER_MAX_UNLIMITED_EPISODE 1000000


/* Called now and then with the env steps done so far. */
typedef void (*progress_fn)(void *ctx, long long steps);

/* 0 on a finished run (r->failed may be set by a learner error); -1 on setup error. */
int runner_run(const struct cell *c, struct run_result *r, progress_fn progress, void *ctx);
void run_result_release(struct run_result *r);

/* Summary metrics: mean return of the last evaluation (or of the last 10 training episodes). */
double run_final_return(const struct run_result *r);
/* Mean over evaluations of the mean evaluation return (NaN without evaluations). */
double run_auc(const struct run_result *r);

#endif
