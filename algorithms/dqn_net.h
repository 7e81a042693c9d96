/*
 * dqn_net.h - the DQN family's network and replay layout from its
 * hyperparameters (dqn_net.c):
 *
 *   conv   = [F, K, S, ...]  conv layers (filters, kernel, stride) with ReLU,
 *            on a (C, H, W) observation (env.h obs_rank 3); empty: none
 *   hidden = [h1, h2, ...]   fully connected ReLU layers, then the linear head
 *
 * The replay storage follows the observation's declared type: bits for
 * bool observations (MinAtar), bytes for uint8, float32 otherwise; batches
 * are the same floats either way (replay.h).
 *
 * Checkpoint layout of a conv trunk (dqn_net_checkpoint, before the linear
 * layers' layer<l>/W, layer<l>/b): conv<i>/W (F, C K K) = torch's
 * Conv2d.weight (F, C, K, K) flattened row-major, conv<i>/b (F); attributes
 * conv_layers (F, K, S per layer), input_shape (C, H, W) and conv_layout.
 */
#ifndef DQN_NET_H
#define DQN_NET_H

#include <stddef.h>
#include "learner.h"
#include "mlp.h"
#include "replay.h"

struct dqn_net_shape {
	int C, H, W;     /* network input: (C, H, W) with a conv trunk, else (n_in, 1, 1) */
	int n_conv, conv[MLP_MAX_CONV][3];
	int n_hidden, hidden[MLP_MAX_LAYERS];
	double n_params; /* with a head of n_out units */
};

/* Checks `conv` and `hidden` against the observation; -1 with why. n_out: head units. */
int dqn_net_shape(const struct params *hp, const struct env_info *env, int n_out,
		  struct dqn_net_shape *s, char *why, size_t n);
int dqn_net_init(struct mlp *m, const struct dqn_net_shape *s, int n_actions, int dueling,
		 int max_batch, int trainable);
enum replay_obs dqn_replay_storage(const struct env_info *env);
/* Adds the conv trunk's arrays and attributes (nothing without one). */
void dqn_net_checkpoint(const struct mlp *m, struct checkpoint *ck);

#endif
