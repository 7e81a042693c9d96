/*
 * run_result.h - what one run of a cell produced, in memory: the per-episode
 * records, the evaluation curve, the learner's checkpoint. The runner
 * (harness/exec/runner.h) fills it; the store (h5store.h) writes it to the run
 * file. It is the store's input type, so it lives here, below both.
 */
#ifndef RUN_RESULT_H
#define RUN_RESULT_H

#include "learner.h"

struct run_result {
	long long n_episodes;
	double *ep_return;          /* (n_episodes) undiscounted training return */
	long long *ep_length;       /* (n_episodes) */
	long long *ep_end_step;     /* (n_episodes) env steps done when the episode ended */
	unsigned char *ep_terminated; /* (n_episodes) 1 terminated, 0 truncated */
	double *ep_wall;            /* (n_episodes) seconds the episode took */
	long long n_evals;
	int eval_episodes;
	long long *eval_step;       /* (n_evals) env steps done at the evaluation */
	double *eval_returns;       /* (n_evals, eval_episodes) greedy returns */
	long long *eval_lengths;    /* (n_evals, eval_episodes) */
	double *eval_wall;          /* (n_evals) seconds the evaluation took */
	long long total_steps;
	double wall_seconds;
	int failed;                 /* a learner error ended the run */
	char error[512];
	struct checkpoint ck;       /* the learner's parameters at the end (learner.h); often empty */
	long long cap_ep, cap_ev;
};

#endif
