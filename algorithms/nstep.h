/*
 * nstep.h - the n-step return accumulator of one environment stream.
 *
 * Fed every transition (s_t, a_t, r_t, s_{t+1}, terminated, truncated) in
 * order, it emits (s_t, a_t, R, s', gamma^k, done) with
 *   R = r_t + gamma r_{t+1} + ... + gamma^(k-1) r_{t+k-1}
 * and s' = s_{t+k}: k = n while the episode goes on. When the episode ends
 * every pending transition is flushed, oldest first, with k = the steps it
 * actually accumulated: after `terminated` with done = 1 (no bootstrap),
 * after `truncated` (time limit) with done = 0, bootstrapping from the last
 * observation with gamma^k. n = 1 gives the plain one-step transitions.
 * The return is summed in double (oldest reward first).
 */
#ifndef NSTEP_H
#define NSTEP_H

struct nstep_out {
	const float *obs;      /* (obs_dim) s_t */
	int action;
	double ret;            /* R */
	const float *next_obs; /* (obs_dim) s_{t+k} */
	double discount;       /* gamma^k */
	int done;              /* 1: terminated within the k steps */
	int k;
};

typedef void (*nstep_emit_fn)(void *ctx, const struct nstep_out *t);

struct nstep {
	int n, obs_dim;
	double gamma;
	int head, count;   /* ring of pending transitions: oldest at head */
	float *obs;        /* (n, obs_dim) */
	int *action;       /* (n) */
	double *reward;    /* (n) */
};

void nstep_init(struct nstep *s, int n, int obs_dim, double gamma);
void nstep_release(struct nstep *s);
/* Adds one transition and emits what is complete; returns how many were emitted. */
int nstep_push(struct nstep *s, const float *obs, int action, double reward,
	       const float *next_obs, int terminated, int truncated, nstep_emit_fn emit,
	       void *ctx);
/* Drops pending transitions (e.g. when a stream is abandoned mid-episode). */
void nstep_clear(struct nstep *s);

#endif
