/*
 * dqn_params.c - the DQN family's hyperparameters (the table `harness learners
 * dqn` prints; presets in registry.c set some of them) and the spec-time check
 * of a configuration against an environment: network, replay and batch
 * activation memory bounds, head options. See dqn.c for what they do.
 */
#include "dqn_params.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dqn_net.h"
#include "noisy.h"
#include "nstep.h"
#include "optim.h"
#include "replay.h"

#define DQN_MAX_ONEHOT 4096
#define DQN_MAX_PARAMS (1 << 26) /* 256 MiB of float32 per copy of the weights */
#define DQN_MAX_REPLAY_BYTES 17179869184.0 /* 16 GiB */
#define DQN_MAX_ACTIVATION_BYTES 4294967296.0 /* 4 GiB of batch x width workspace */

const struct param_def dqn_params[] = {
	{ "portable", PARAM_BOOL, "false", 0, 1, NULL,
	  "plain-C matrix kernels instead of OpenBLAS: bit-identical across CPU types, slower",
	  PARAM_KERNEL },
	{ "hidden", PARAM_INT_LIST, "64,64", 1, 8192, NULL, "hidden layer sizes (ReLU), e.g. 256,256" },
	{ "conv", PARAM_INT_LIST, "", 1, 4096, NULL,
	  "conv layers before 'hidden', as filters,kernel,stride triples, e.g. 16,3,1 (image "
	  "observations)", PARAM_OMIT_DEFAULT },
	{ "dueling", PARAM_BOOL, "false", 0, 1, NULL, "dueling head: Q = V + A - mean(A)" },
	DIST_PARAMS, NOISY_PARAMS, /* rainbow: distributional.h, noisy.h */
	{ "double", PARAM_BOOL, "false", 0, 1, NULL,
	  "Double DQN target: online network picks a*, target network values it" },
	{ "n_step", PARAM_INT, "1", 1, 100, NULL,
	  "n-step returns (bootstrap with gamma^k; k < n when the episode ends)" },
	{ "prioritized", PARAM_BOOL, "false", 0, 1, NULL, "proportional prioritized replay" },
	{ "per_alpha", PARAM_FLOAT, "0.6", 0, 1, NULL, "PER priority exponent alpha" },
	{ "per_beta0", PARAM_FLOAT, "0.4", 0, 1, NULL, "PER importance exponent at step 0" },
	{ "per_beta_steps", PARAM_INT, "100000", 1, 1e12, NULL,
	  "env steps over which beta rises linearly to 1 (set it to the run's budget)" },
	{ "per_eps", PARAM_FLOAT, "1e-6", 0, 1, NULL, "PER priority = |TD error| + per_eps" },
	{ "gamma", PARAM_FLOAT, "0.99", 0, 1, NULL, "discount factor" },
	{ "learning_rate", PARAM_FLOAT, "1e-4", 0, 10, NULL, "optimiser step size" },
	{ "optimizer", PARAM_STRING, "adam", 0, 0, "adam|rmsprop",
	  "torch.optim.Adam (0.9, 0.999) or RMSprop (centered: rmsprop_centered)" },
	{ "optim_eps", PARAM_FLOAT, "1e-8", 0, 1, NULL, "optimiser epsilon" },
	{ "rmsprop_alpha", PARAM_FLOAT, "0.99", 0, 1, NULL, "RMSprop smoothing constant" },
	{ "rmsprop_centered", PARAM_BOOL, "false", 0, 1, NULL,
	  "centered RMSprop: divide by sqrt(v - mean(g)^2) + eps (PyTorch's centered=True)",
	  PARAM_OMIT_DEFAULT },
	{ "loss", PARAM_STRING, "huber", 0, 0, "huber|mse", "TD loss: Huber (smooth L1, delta 1) or MSE" },
	{ "max_grad_norm", PARAM_FLOAT, "10", 0, 1e12, NULL,
	  "clip the global gradient L2 norm to this (0: no clipping)" },
	{ "batch_size", PARAM_INT, "32", 1, 65536, NULL, "transitions per update" },
	{ "buffer_size", PARAM_INT, "1000000", 1, 1e9, NULL, "replay capacity (transitions)" },
	{ "learning_starts", PARAM_INT, "100", 0, 1e12, NULL,
	  "env steps of uniform random actions before training" },
	{ "train_freq", PARAM_INT, "4", 1, 1e9, NULL, "env steps between training rounds" },
	{ "gradient_steps", PARAM_INT, "1", -1, 1e6, NULL,
	  "updates per training round (-1: train_freq)", PARAM_NOT_ZERO },
	{ "target_update_interval", PARAM_INT, "10000", 1, 1e12, NULL,
	  "env steps (or updates, see target_update_unit) between target-network updates" },
	{ "target_update_unit", PARAM_STRING, "steps", 0, 0, "steps|updates",
	  "what target_update_interval counts: env steps or gradient updates", PARAM_OMIT_DEFAULT },
	{ "tau", PARAM_FLOAT, "1", 0, 1, NULL,
	  "target update: 1 copies, < 1 is Polyak target = tau online + (1 - tau) target", PARAM_MIN_OPEN },
	{ "epsilon_schedule", PARAM_STRING, "linear", 0, 0, "constant|linear|exponential",
	  "how epsilon moves from epsilon to epsilon_min" },
	{ "epsilon", PARAM_FLOAT, "1", 0, 1, NULL, "exploration rate at step 0" },
	{ "epsilon_min", PARAM_FLOAT, "0.05", 0, 1, NULL,
	  "final epsilon (linear) or floor (exponential)" },
	{ "epsilon_decay_steps", PARAM_INT, "10000", 1, 1e12, NULL,
	  "linear: env steps from epsilon to epsilon_min (SB3: exploration_fraction x budget)" },
	{ "epsilon_decay_rate", PARAM_FLOAT, "0.999", 0, 1, NULL,
	  "exponential: factor applied per step" },
	{ "epsilon_decay_start", PARAM_INT, "0", 0, 1e12, NULL,
	  "env steps before the schedule starts (epsilon until then; MinAtar: learning_starts)",
	  PARAM_OMIT_DEFAULT },
	{ "checkpoint", PARAM_BOOL, "false", 0, 1, NULL,
	  "store the online network's weights at the end of the run under /checkpoint of its file",
	  PARAM_OMIT_DEFAULT | PARAM_NO_SEED },
	{ "normalize_images", PARAM_BOOL, "false", 0, 1, NULL,
	  "the network sees observation / 255 (SB3's CnnPolicy on uint8 images; replay keeps the bytes)",
	  PARAM_OMIT_DEFAULT },
	{ "clip_reward", PARAM_BOOL, "false", 0, 1, NULL,
	  "train on sign(reward) (SB3's ClipRewardEnv); the recorded returns stay unclipped",
	  PARAM_OMIT_DEFAULT },
	PARAM_END
};

/* rainbow: the output head a configuration asks for, and its atoms per action. */
enum dist_kind dqn_head_kind(const struct params *hp)
{
	const char *h = params_str(hp, "head");
	return !strcmp(h, "c51") ? DIST_C51 : !strcmp(h, "qr") ? DIST_QR : DIST_NONE;
}

int dqn_head_atoms(const struct params *hp)
{
	return (int)params_int(hp, dqn_head_kind(hp) == DIST_C51 ? "num_atoms" : "num_quantiles");
}

int dqn_check(const struct params *hp, const struct env_info *env, char *why, size_t n)
{
	/* weights are held ~5 times (online, target, grads, two optimiser moments) */
	struct dqn_net_shape ns;
	int units = env->n_actions + (int)params_bool(hp, "dueling");
	if (dqn_head_kind(hp) != DIST_NONE) /* rainbow: per-atom outputs */
		units = dist_raw_width(env->n_actions, dqn_head_atoms(hp), params_bool(hp, "dueling"));
	if (dqn_net_shape(hp, env, units, &ns, why, n))
		return -1;
	double np = ns.n_params;
	if (params_bool(hp, "noisy")) /* rainbow: mu and sigma */
		np *= 2;
	if (np > DQN_MAX_PARAMS) {
		snprintf(why, n, "%s a network of %.0f parameters, at most %d (memory)",
			 ns.n_conv ? "'conv' and 'hidden' give" : "'hidden' gives", np, DQN_MAX_PARAMS);
		return -1;
	}
	/*
	 * batch x width activations (mlp_init's workspace): the online network holds
	 * 2 * batch_size rows (s and s' in one pass), the target batch_size, each row
	 * the input, every layer's outputs, two backward buffers of the widest layer
	 * and a conv layer's unfolded input (im2col), the largest one
	 */
	double in0 = (double)ns.C * ns.H * ns.W, width = in0, outs = 0, col = 0;
	double bsz = (double)params_int(hp, "batch_size");
	for (int i = 0, C = ns.C, H = ns.H, W = ns.W; i < ns.n_conv; i++) {
		int F = ns.conv[i][0], K = ns.conv[i][1], S = ns.conv[i][2], Ho = (H - K) / S + 1, Wo = (W - K) / S + 1;
		double out = (double)F * Ho * Wo, unfolded = (double)C * K * K * Ho * Wo;
		outs += out;
		width = out > width ? out : width;
		col = unfolded > col ? unfolded : col;
		C = F, H = Ho, W = Wo;
	}
	for (int i = 0; i <= ns.n_hidden; i++) {
		double head = 2.0 * env->n_actions + 1 > units ? 2.0 * env->n_actions + 1 : (double)units;
		double out = i < ns.n_hidden ? (double)ns.hidden[i] : head;
		outs += out;
		width = out > width ? out : width;
	}
	double act_bytes = 4.0 * 3 * bsz * (2 * width + outs + 2 * in0 + col);
	if (act_bytes > DQN_MAX_ACTIVATION_BYTES) {
		snprintf(why, n, "'batch_size' %.0f with layers up to %.0f wide needs %.1f GiB of activations, "
			 "at most %.0f", bsz, width, act_bytes / (1 << 30), DQN_MAX_ACTIVATION_BYTES / (1 << 30));
		return -1;
	}
	if (env->obs_kind == SPACE_DISCRETE && env->obs_n > DQN_MAX_ONEHOT) {
		snprintf(why, n, "discrete observations are one-hot encoded; %d states is more than %d",
			 env->obs_n, DQN_MAX_ONEHOT);
		return -1;
	}
	if (env->n_actions < 1) {
		snprintf(why, n, "needs a discrete action space");
		return -1;
	}
	if (dqn_head_kind(hp) == DIST_C51 && !(params_float(hp, "v_min") < params_float(hp, "v_max"))) {
		snprintf(why, n, "'v_min' %g must be below 'v_max' %g", params_float(hp, "v_min"),
			 params_float(hp, "v_max"));
		return -1;
	}
	if (params_int(hp, "batch_size") > params_int(hp, "buffer_size")) {
		snprintf(why, n, "'batch_size' %lld is larger than 'buffer_size' %lld",
			 params_int(hp, "batch_size"), params_int(hp, "buffer_size"));
		return -1;
	}
	if (params_bool(hp, "rmsprop_centered") && strcmp(params_str(hp, "optimizer"), "rmsprop")) {
		snprintf(why, n, "'rmsprop_centered' needs optimizer = \"rmsprop\"");
		return -1;
	}
	/* the replay buffer: obs and next_obs (float32, bytes or bits), 13 bytes of the rest, PER trees */
	double dim = env->obs_kind == SPACE_DISCRETE ? env->obs_n : env->obs_dim;
	double row = (double)replay_row_bytes(dqn_replay_storage(env), (int)dim);
	double bytes = (double)params_int(hp, "buffer_size") * (2 * row + 13 + 32);
	if (bytes > DQN_MAX_REPLAY_BYTES) {
		snprintf(why, n, "'buffer_size' %lld needs %.1f GiB of replay memory, at most %.0f",
			 params_int(hp, "buffer_size"), bytes / (1 << 30), DQN_MAX_REPLAY_BYTES / (1 << 30));
		return -1;
	}
	return 0;
}
