/*
 * distributional.h - the distributional output heads of the DQN family:
 * categorical C51 (Bellemare, Dabney & Munos 2017) and quantile regression
 * QR-DQN (Dabney, Rowland, Bellemare & Munos 2018). The network (mlp.h) is
 * unchanged; its last linear layer simply has more units, and this module
 * turns them into per-action distributions, values, targets and losses.
 *
 * Raw network output of one row (n = atoms or quantiles, nA actions):
 *   plain:   [z_0 (n), z_1 (n), ..., z_{nA-1} (n)]          nA n units
 *   dueling: [V (n), A_0 (n), ..., A_{nA-1} (n)]          (nA + 1) n units
 *   with z_a[i] = V[i] + A_a[i] - mean_b A_b[i]: the value/advantage streams
 *   are per atom (Hessel et al. 2018, eq. 6, before the softmax for C51).
 *
 * C51: z_a are logits over the fixed support s_i = v_min + i dz,
 *   dz = (v_max - v_min) / (n - 1); p_a = softmax(z_a); Q_a = sum_i p_a[i] s_i.
 *   Target of a transition (r, gamma^k, done) given the next-state
 *   distribution p' (of a*): every atom j moves to Tz_j = r + (1 - done)
 *   gamma^k s_j, clipped to [v_min, v_max], and its mass p'_j is split
 *   between the neighbouring atoms l = floor(b), u = ceil(b), b = (Tz_j -
 *   v_min) / dz, in proportions (u - b) and (b - l); when b is an integer
 *   (l == u) all of p'_j goes to atom l (the naive formula would drop it).
 *   Loss per sample: the cross-entropy -sum_i m_i log p_a[i] (a the action
 *   taken), d/dz_a[i] = p_a[i] sum_k m_k - m_i.
 *
 * QR: z_a are n quantile estimates theta_a[i] at tau_i = (2i + 1) / (2n);
 *   Q_a = mean_i theta_a[i]. Target T_j = r + (1 - done) gamma^k theta'_{a*}[j].
 *   Loss per sample, with u_ij = T_j - theta_a[i], kappa = 1 by default:
 *     L = sum_i (1/n) sum_j |tau_i - 1{u_ij < 0}| H_kappa(u_ij) / kappa,
 *     H_kappa(u) = u^2 / 2 if |u| <= kappa, else kappa (|u| - kappa / 2).
 *   Normalisation: a sum over the online quantiles i and a mean over the
 *   target quantiles j, as SB3-contrib's quantile_huber_loss
 *   (sum_over_quantiles=True) and Dopamine's JAX QR agent; the mean over both
 *   i and j (SB3-contrib's sum_over_quantiles=False, or a plain mean of the
 *   (n, n) matrix) is n times smaller: scale learning_rate accordingly.
 *
 * Both: the batch loss is (1/B) sum_b w_b L_b (w: PER importance weights or
 * 1), and L_b is what PER uses as the priority. a* = argmax_a Q_a of the
 * selector rows (the target network's next-state values, or the online
 * network's for Double DQN), the lowest index on ties. Values, softmax and
 * losses are float32 with double accumulation of the sums; every function
 * is plain C in a fixed order (deterministic).
 */
#ifndef DISTRIBUTIONAL_H
#define DISTRIBUTIONAL_H

#include <stddef.h>
#include <stdint.h>
#include "learner.h"

enum dist_kind { DIST_NONE, DIST_C51, DIST_QR };

struct dist_head {
	enum dist_kind kind;
	int n_actions, n;   /* n: atoms (C51) or quantiles (QR) per action */
	int dueling;        /* raw rows are [V, A_0..] per atom */
	int max_batch;
	double v_min, v_max, dz; /* C51 support */
	double *support;    /* (n) C51 atoms v_min + i dz */
	double kappa;       /* QR Huber threshold */
	float *z;           /* (max_batch, n_actions, n) logits (C51) or quantiles (QR) */
	float *p;           /* (max_batch, n_actions, n) C51 probabilities, NULL for QR */
	float *q;           /* (max_batch, n_actions) expected values */
	float *lse;         /* (max_batch, n_actions) C51: log sum exp of z_a (log-softmax) */
	float *dz_buf;      /* (max_batch, n_actions, n) backward scratch (dueling) */
};

/* Units of the network's last layer for one row. */
int dist_raw_width(int n_actions, int n, int dueling);
/* -1 (through error()) for impossible shapes. */
int dist_head_init(struct dist_head *h, enum dist_kind kind, int n_actions, int n, int dueling,
		   double v_min, double v_max, double kappa, int max_batch);
void dist_head_release(struct dist_head *h);

/* From the raw outputs raw (B, raw width): h->z, h->p and the values h->q (B, n_actions). */
const float *dist_forward(struct dist_head *h, const float *raw, int B);

/*
 * Targets (B, n) from the last dist_forward of ht (the next states): a* from
 * q_sel (B, n_actions) and the bootstrap factor not_done[b] discount[b].
 */
void dist_targets(const struct dist_head *ht, const float *q_sel, const float *reward,
		  const float *not_done, const float *discount, int B, float *target);

/*
 * Batch loss of the first B rows of h's last forward against target (B, n),
 * action a_b of each row, weights (B) or NULL. draw (B, raw width) gets
 * dLoss/d raw output, per_sample (B) the unweighted L_b (may be NULL).
 */
double dist_loss(const struct dist_head *h, const int32_t *action, const float *target,
		 const float *weight, int B, float *draw, float *per_sample);

/* The attributes that say how to read the last layer (nothing for DIST_NONE). */
void dist_head_checkpoint(const struct dist_head *h, struct checkpoint *ck);

/*
 * The hyperparameters of dqn.c's table that choose a head. PARAM_OMIT_DEFAULT:
 * at their defaults (head = q) they are not part of any configuration.
 */
#define DIST_PARAMS                                                                            \
	{ "head", PARAM_STRING, "q", 0, 0, "q|c51|qr",                                          \
	  "output head: q (one value per action), c51 (categorical), qr (quantile regression)", \
	  PARAM_OMIT_DEFAULT },                                                                 \
	{ "num_atoms", PARAM_INT, "51", 2, 1024, NULL, "c51: atoms of the support",             \
	  PARAM_OMIT_DEFAULT },                                                                 \
	{ "v_min", PARAM_FLOAT, "-10", -1e9, 1e9, NULL, "c51: lowest atom", PARAM_OMIT_DEFAULT }, \
	{ "v_max", PARAM_FLOAT, "10", -1e9, 1e9, NULL, "c51: highest atom", PARAM_OMIT_DEFAULT }, \
	{ "num_quantiles", PARAM_INT, "200", 1, 1024, NULL, "qr: quantiles per action",         \
	  PARAM_OMIT_DEFAULT },                                                                 \
	{ "qr_kappa", PARAM_FLOAT, "1", 1e-6, 1e6, NULL, "qr: quantile Huber threshold kappa",  \
	  PARAM_OMIT_DEFAULT }

/* C51 projection of one next-state distribution p (n) onto the support: m (n). */
void c51_project(const float *p, int n, double v_min, double v_max, double reward, double g,
		 float *m);
/* QR loss of one sample, theta (n) against T (n); grad (n) = dL/dtheta (unweighted), may be NULL. */
double qr_huber_loss(const float *theta, const float *T, int n, double kappa, float *grad);
/* The same by the direct sum over the n x n pairs (the tests' reference; O(n^2)). */
double qr_huber_loss_pairs(const float *theta, const float *T, int n, double kappa, float *grad);

#endif
