/*
 * noisy.h - factorised Gaussian noisy linear layers (Fortunato et al. 2018,
 * "Noisy Networks for Exploration", section 3.2) over an mlp.h network.
 *
 * Every linear layer of the wrapped network becomes noisy (a conv trunk's
 * layers do not: their sigma stays 0, their weights mu): with p inputs and
 * q outputs,
 *   W = mu_W + sigma_W * (f(e_in) f(e_out)^T),   b = mu_b + sigma_b * f(e_out),
 *   f(x) = sgn(x) sqrt(|x|),  e_in (p), e_out (q) independent N(0, 1),
 * so a layer's draw costs p + q Gaussians (factorised noise). The network
 * itself (struct mlp) is untouched: its parameter block holds the effective
 * weights W, b of the current draw, its forward and backward run as ever,
 * and noisy_backward maps its gradients to the learnable block:
 *   dL/dmu = dL/dW,   dL/dsigma = dL/dW * (f(e_in) f(e_out)^T)   (b alike).
 * Learnable block `params` (2 n_params floats, one allocation): mu in the
 * mlp's layout (layer by layer W then b), then sigma in the same layout;
 * `grads` likewise. The optimiser, gradient clipping and the target sync
 * work on these blocks.
 *
 * Initialisation (the paper's factorised case): mu ~ U(-1/sqrt(p), 1/sqrt(p))
 * -- the wrapped network's own initial weights, drawn by mlp_init_params,
 * which is that distribution -- and sigma = sigma0 / sqrt(p), sigma0 = 0.5.
 *
 * Draws: noisy_sample takes, layer by layer, e_in then e_out from the
 * caller's generator (Box-Muller, two uniforms per Gaussian, in order), so a
 * seeded generator fixes every draw. noisy_use_mean sets W = mu, b = mu_b
 * (the noise-free network) without drawing. `state` records which weights
 * the mlp holds, so that repeated mean forwards (an evaluation) compute the
 * effective weights once; noisy_changed marks them stale after mu or sigma
 * moved (an optimiser step, a target sync).
 *
 * DQN's use (dqn.c, noisy = true), the NoisyNet-DQN schedule of the paper:
 * a new draw of the online network for every act() that consults it (after
 * learning_starts, whose actions stay uniform); at every update a new draw
 * of the online network (one draw for its forward on obs and, Double DQN,
 * on next_obs), then one of the target network. All draws come from a
 * fourth stream of the learner seed (after init, explore, sample: those
 * three are unchanged). Epsilon-greedy is off unless noisy_epsilon. The
 * evaluation policy (act_greedy), dqn_q_values and the checkpoint use the
 * mean network (mu): evaluation draws nothing, so it cannot perturb training.
 */
#ifndef NOISY_H
#define NOISY_H

#include <stddef.h>
#include "learner.h"
#include "mlp.h"
#include "rng.h"

enum noisy_state { NOISY_STALE, NOISY_MEAN, NOISY_SAMPLED };

struct noisy {
	struct mlp *m;     /* the network run: m->params = effective weights */
	size_t n;          /* m->n_params */
	float *params;     /* (2n) mu, then sigma */
	float *grads;      /* (2n), NULL when m has no gradients */
	float *f;          /* per layer l at foff[l]: f(e_in) (in), then f(e_out) (out) */
	size_t foff[MLP_MAX_LAYERS];
	enum noisy_state state;
};

void noisy_init(struct noisy *z, struct mlp *m);
void noisy_release(struct noisy *z);
/* mu = m's current parameters, sigma = sigma0 / sqrt(in) of each layer. */
void noisy_init_params(struct noisy *z, double sigma0);
/* A new factorised draw from rng; m->params = mu + sigma * noise. */
void noisy_sample(struct noisy *z, struct rng *rng);
/* m->params = mu (no draw; nothing to do when it already holds them). */
void noisy_use_mean(struct noisy *z);
/* params (mu or sigma) changed: the effective weights must be recomputed. */
void noisy_changed(struct noisy *z);
/* grads from m->grads (the last mlp_backward) and the current draw. */
void noisy_backward(struct noisy *z);

/* layer<l>/sigma_W (in, out), layer<l>/sigma_b (out) and the attribute noisy = 1. */
void noisy_checkpoint(const struct noisy *z, struct checkpoint *ck);

/* dqn.c's hyperparameters of noisy layers (PARAM_OMIT_DEFAULT: off, in no configuration). */
#define NOISY_PARAMS                                                                          \
	{ "noisy", PARAM_BOOL, "false", 0, 1, NULL,                                            \
	  "factorised Gaussian noisy linear layers (all of them); epsilon-greedy off unless "   \
	  "noisy_epsilon", PARAM_OMIT_DEFAULT },                                               \
	{ "noisy_sigma0", PARAM_FLOAT, "0.5", 0, 100, NULL,                                    \
	  "noisy: initial sigma = noisy_sigma0 / sqrt(inputs of the layer)", PARAM_OMIT_DEFAULT }, \
	{ "noisy_epsilon", PARAM_BOOL, "false", 0, 1, NULL,                                    \
	  "noisy: explore epsilon-greedily as well (after learning_starts)", PARAM_OMIT_DEFAULT }

/* N(0, 1) by Box-Muller from two uniforms; f(x) = sgn(x) sqrt(|x|). */
double noisy_gaussian(struct rng *rng);
float noisy_f(double x);

#endif
