/*
 * dqn_net.c - the value network of the DQN family from its hyperparameters:
 * `conv` (filters, kernel, stride triples, applied to a (C, H, W)
 * observation) then `hidden` (fully connected sizes), as mlp.h builds it;
 * the replay storage that fits the environment's observations; and the
 * checkpoint entries of a conv trunk. See dqn_net.h.
 */
#include "dqn_net.h"

#include <stdio.h>
#include <string.h>

int dqn_net_shape(const struct params *hp, const struct env_info *env, int n_out,
		  struct dqn_net_shape *s, char *why, size_t n)
{
	int nc, nh;
	const long long *cl = params_list(hp, "conv", &nc);
	const long long *hl = params_list(hp, "hidden", &nh);
	memset(s, 0, sizeof(*s));
	if (nc % 3) {
		snprintf(why, n, "'conv' takes filters, kernel, stride triples; %d values is not one", nc);
		return -1;
	}
	s->n_conv = nc / 3;
	if (s->n_conv > MLP_MAX_CONV) {
		snprintf(why, n, "'conv' has %d layers, at most %d", s->n_conv, MLP_MAX_CONV);
		return -1;
	}
	if (nh > MLP_MAX_LAYERS - 1) {
		snprintf(why, n, "'hidden' has %d layers, at most %d", nh, MLP_MAX_LAYERS - 1);
		return -1;
	}
	s->n_hidden = nh;
	for (int i = 0; i < nh; i++)
		s->hidden[i] = (int)hl[i];
	s->C = env->obs_kind == SPACE_DISCRETE ? env->obs_n : env->obs_dim;
	s->H = s->W = 1;
	double np = 0, in = s->C;
	if (s->n_conv) {
		if (env->obs_kind != SPACE_BOX || env->obs_rank != 3) {
			snprintf(why, n, "'conv' needs image observations (C, H, W); this environment's "
				 "are not");
			return -1;
		}
		s->C = env->obs_shape[0], s->H = env->obs_shape[1], s->W = env->obs_shape[2];
		int C = s->C, H = s->H, W = s->W;
		for (int i = 0; i < s->n_conv; i++) {
			int F = (int)cl[3 * i], K = (int)cl[3 * i + 1], S = (int)cl[3 * i + 2];
			s->conv[i][0] = F, s->conv[i][1] = K, s->conv[i][2] = S;
			if (K > H || K > W) {
				snprintf(why, n, "'conv' layer %d: kernel %d does not fit its %dx%d input", i + 1,
					 K, H, W);
				return -1;
			}
			np += (double)F * C * K * K + F;
			C = F, H = (H - K) / S + 1, W = (W - K) / S + 1;
		}
		in = (double)C * H * W;
	}
	for (int i = 0; i <= nh; i++) {
		double out = i < nh ? (double)hl[i] : n_out;
		np += (in + 1) * out;
		in = out;
	}
	s->n_params = np;
	return 0;
}

int dqn_net_init(struct mlp *m, const struct dqn_net_shape *s, int n_actions, int dueling,
		 int max_batch, int trainable)
{
	return mlp_init_conv(m, s->C, s->H, s->W, (const int (*)[3])s->conv, s->n_conv, s->hidden,
			     s->n_hidden, n_actions, dueling, max_batch, trainable);
}

enum replay_obs dqn_replay_storage(const struct env_info *env)
{
	if (env->obs_kind != SPACE_BOX)
		return REPLAY_OBS_F32;
	return env->obs_dtype == OBS_BOOL ? REPLAY_OBS_BITS :
	       env->obs_dtype == OBS_UINT8 ? REPLAY_OBS_U8 : REPLAY_OBS_F32;
}

void dqn_net_checkpoint(const struct mlp *m, struct checkpoint *ck)
{
	if (!m->n_conv)
		return;
	long long shape[3 * MLP_MAX_CONV], in[3] = { m->conv[0].s.C, m->conv[0].s.H, m->conv[0].s.W };
	for (int i = 0; i < m->n_conv; i++) {
		const struct mlp_conv *L = &m->conv[i];
		char name[32];
		snprintf(name, sizeof(name), "conv%d/W", i);
		checkpoint_add_array(ck, name, m->params + L->w, L->s.F,
				     (long long)L->s.C * L->s.K * L->s.K);
		snprintf(name, sizeof(name), "conv%d/b", i);
		checkpoint_add_array(ck, name, m->params + L->b, L->s.F, 0);
		shape[3 * i] = L->s.F, shape[3 * i + 1] = L->s.K, shape[3 * i + 2] = L->s.S;
	}
	checkpoint_add_ints(ck, "conv_layers", shape, 3 * m->n_conv);
	checkpoint_add_ints(ck, "input_shape", in, 3);
	checkpoint_add_str(ck, "conv_layout",
			   "the input (C, H, W) goes through conv0.. first: z = relu(conv2d(x, W, b)), valid "
			   "padding, conv_layers = filters, kernel, stride per layer; conv<i>/W (F, C K K) is "
			   "torch.nn.Conv2d.weight (F, C, K, K) flattened; the last conv output, flattened "
			   "(F, Ho, Wo) as torch.flatten, is layer0's input");
}
