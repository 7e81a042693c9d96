/*
 * registry.c - every learner name a spec can use: an implementation and the
 * hyperparameter overrides that make the preset. One line each.
 */
#include <stdlib.h>
#include "suggest.h"
#include "util.h"
#include "learner.h"

extern const struct learner_vtable tabular_vtable;
extern const struct learner_vtable dqn_vtable;

const struct learner_spec learner_registry[] = {
	{ "q_learning", &tabular_vtable, "update=q_learning",
	  "tabular Q-learning, epsilon-greedy (Watkins 1989; Sutton & Barto 6.5)" },
	{ "sarsa", &tabular_vtable, "update=sarsa",
	  "tabular SARSA, on-policy TD(0) control (Rummery & Niranjan 1994; Sutton & Barto 6.4)" },
	{ "expected_sarsa", &tabular_vtable, "update=expected_sarsa",
	  "tabular Expected SARSA, bootstraps on the epsilon-greedy expectation (Sutton & Barto 6.6)" },
	{ "nstep_sarsa", &tabular_vtable, "update=sarsa;n=4",
	  "tabular n-step SARSA, n=4 (Sutton & Barto 7.2)" },
	{ "nstep_expected_sarsa", &tabular_vtable, "update=expected_sarsa;n=4",
	  "tabular n-step Expected SARSA, n=4 (Sutton & Barto 7.2)" },
	{ "dqn", &dqn_vtable, NULL, "deep Q-network, SB3-style training (Mnih et al. 2015)" },
	{ "double_dqn", &dqn_vtable, "double=true", "DQN with the Double DQN target (van Hasselt et al. 2016)" },
	{ "per", &dqn_vtable, "prioritized=true", "DQN with proportional prioritized replay (Schaul et al. 2016)" },
	{ "nstep", &dqn_vtable, "n_step=3", "DQN with 3-step returns (Sutton 1988; Hessel et al. 2018)" },
	{ "dueling_dqn", &dqn_vtable, "dueling=true", "DQN with a dueling head (Wang et al. 2016)" },
	{ "dqn_all", &dqn_vtable, "double=true;prioritized=true;n_step=3;dueling=true",
	  "DQN with Double target, PER, 3-step returns and dueling head together" },
	/* MinAtar's examples/dqn.py (Young & Tian 2019), its settings as constants there */
	{ "minatar_dqn", &dqn_vtable,
	  "conv=16,3,1;hidden=128;optimizer=rmsprop;rmsprop_centered=true;rmsprop_alpha=0.95;"
	  "optim_eps=0.01;learning_rate=0.00025;gamma=0.99;loss=huber;max_grad_norm=0;batch_size=32;"
	  "buffer_size=100000;learning_starts=5000;train_freq=1;gradient_steps=1;"
	  "target_update_interval=1000;target_update_unit=updates;epsilon_schedule=linear;epsilon=1;"
	  "epsilon_min=0.1;epsilon_decay_steps=100000;epsilon_decay_start=5000",
	  "MinAtar's DQN: 16 3x3 conv + 128 units, centered RMSprop, epsilon 1 -> 0.1 over 100k "
	  "frames after 5000, target every 1000 updates" },
	{ "c51", &dqn_vtable, "head=c51",
	  "DQN with a categorical distributional head, C51 (Bellemare, Dabney & Munos 2017)" },
	{ "qrdqn", &dqn_vtable, "head=qr",
	  "DQN with a quantile regression head, QR-DQN (Dabney et al. 2018)" },
	{ "noisy_dqn", &dqn_vtable, "noisy=true",
	  "DQN with factorised noisy layers instead of epsilon-greedy (Fortunato et al. 2018)" },
	{ "rainbow", &dqn_vtable, "head=c51;noisy=true;dueling=true;double=true;n_step=3;prioritized=true",
	  "Rainbow: C51, noisy layers, dueling, Double target, 3-step returns, PER (Hessel et al. 2018)" },
	/* The Nature DQN network (Mnih et al. 2015) with rl-baselines3-zoo's Atari DQN settings
	 * (hyperparams/dqn.yml, atari: exploration_fraction 0.1 of 10M steps) */
	{ "nature_dqn", &dqn_vtable,
	  "conv=32,8,4,64,4,2,64,3,1;hidden=512;normalize_images=true;clip_reward=true;"
	  "learning_rate=0.0001;batch_size=32;buffer_size=100000;learning_starts=100000;"
	  "target_update_interval=1000;train_freq=4;gradient_steps=1;epsilon_decay_steps=1000000;"
	  "epsilon_min=0.01",
	  "Nature DQN (conv 32 8x8/4, 64 4x4/2, 64 3x3/1, dense 512) with rl-zoo's Atari settings: "
	  "images / 255, sign rewards, Adam 1e-4, buffer 100k, learning starts 100k" },
};

const int learner_registry_len = (int)(sizeof(learner_registry) / sizeof(learner_registry[0]));

const char *learner_suggest(const char *name)
{
	const char **c = xcalloc((size_t)learner_registry_len + 1, sizeof(*c));
	for (int i = 0; i < learner_registry_len; i++)
		c[i] = learner_registry[i].name;
	const char *r = suggest_word(name, c);
	free(c);
	return r;
}
