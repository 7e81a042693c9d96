/*
 * dqn.c - deep Q-learning (Mnih et al. 2015) with composable extensions:
 * Double DQN (van Hasselt et al. 2016), prioritized replay (Schaul et al.
 * 2016), n-step returns (Sutton 1988; Hessel et al. 2018), dueling head
 * (Wang et al. 2016). Training follows Stable-Baselines3's DQN:
 *
 * - Env steps are counted in observe(). The first `learning_starts` actions
 *   are uniform random; afterwards epsilon-greedy with the learner.h epsilon
 *   schedule at the current step (SB3's exploration_fraction f of a budget T
 *   is epsilon_decay_steps = f T, schedule linear).
 * - Every `target_update_interval` env steps the target network moves:
 *   target = tau online + (1 - tau) target (tau = 1: an exact copy).
 * - Every `train_freq` env steps, once more than `learning_starts` steps were
 *   taken, `gradient_steps` updates run (-1: as many as train_freq).
 * - One update: a batch from the replay buffer; y = R + (1 - done) gamma^k
 *   Q_target(s', a*) with a* = argmax Q_target(s') or, Double DQN, argmax of
 *   the online network; loss (Huber or MSE; PER: importance-weighted) of
 *   Q(s, a) against y; global gradient-norm clipping; Adam or RMSprop; PER
 *   priorities |y - Q(s, a)| + per_eps.
 *
 * Terminated transitions are not bootstrapped; truncated ones are (from
 * next_obs, with the discount of the steps actually accumulated, nstep.h).
 * Discrete observations are one-hot encoded (obs_n inputs), so DQN runs on
 * the toy-text environments too. Greedy actions break ties by the lowest
 * index (as torch.argmax); act_greedy never draws from its generator.
 *
 * Randomness: the learner seed is expanded with SplitMix64 into three
 * streams: network initialisation, exploration, replay sampling. OpenBLAS
 * runs single-threaded, so a seed fixes every bit of a run (on one machine
 * and OpenBLAS kernel).
 *
 * A non-finite loss, gradient norm, target or Q-value makes observe() return
 * -1 with "diverged at step N: ...".
 *
 * checkpoint = true: at the end of the run the online network's weights go
 * to /checkpoint of the run file (dqn_checkpoint, learner.h).
 *
 * MinAtar's DQN (Young & Tian 2019, examples/dqn.py) needs, each off by
 * default so no earlier configuration changes: `conv` layers before
 * `hidden` (dqn_net.h; image observations, replayed as bits), centered
 * RMSprop (`rmsprop_centered`), an epsilon decay that starts after
 * `epsilon_decay_start` steps, and target updates every
 * `target_update_interval` gradient updates (`target_update_unit =
 * updates`) instead of env steps.
 */
#include "dqn.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dqn_net.h"
#include "loss.h"
#include "nstep.h"
#include "optim.h"
#include "replay.h"
#include "simd.h"

#define DQN_MAX_ONEHOT 4096
#define DQN_MAX_PARAMS (1 << 26) /* 256 MiB of float32 per copy of the weights */
#define DQN_MAX_REPLAY_BYTES 17179869184.0 /* 16 GiB */

static const struct param_def dqn_params[] = {
	{ "portable", PARAM_BOOL, "false", 0, 1, NULL,
	  "plain-C matrix kernels instead of OpenBLAS: bit-identical across CPU types, slower",
	  PARAM_KERNEL },
	{ "hidden", PARAM_INT_LIST, "64,64", 1, 8192, NULL, "hidden layer sizes (ReLU), e.g. 256,256" },
	{ "conv", PARAM_INT_LIST, "", 1, 4096, NULL,
	  "conv layers before 'hidden', as filters,kernel,stride triples, e.g. 16,3,1 (image "
	  "observations)", PARAM_OMIT_DEFAULT },
	{ "dueling", PARAM_BOOL, "false", 0, 1, NULL, "dueling head: Q = V + A - mean(A)" },
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
	  "updates per training round (-1: train_freq)" },
	{ "target_update_interval", PARAM_INT, "10000", 1, 1e12, NULL,
	  "env steps (or updates, see target_update_unit) between target-network updates" },
	{ "target_update_unit", PARAM_STRING, "steps", 0, 0, "steps|updates",
	  "what target_update_interval counts: env steps or gradient updates", PARAM_OMIT_DEFAULT },
	{ "tau", PARAM_FLOAT, "1", 0, 1, NULL,
	  "target update: 1 copies, < 1 is Polyak target = tau online + (1 - tau) target" },
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
	PARAM_END
};

struct dqn {
	int obs_dim;       /* network inputs (obs_n when one-hot) */
	int env_dim;       /* floats of an environment observation */
	int onehot;        /* discrete observations: one-hot of obs[0] */
	int n_actions;
	int double_q, prioritized, batch, train_freq, gradient_steps;
	long long learning_starts, target_update_interval, per_beta_steps, epsilon_decay_start;
	int target_in_updates; /* target_update_interval counts updates, not env steps */
	double gamma, tau, max_grad_norm, per_beta0;
	enum loss_kind loss;
	struct epsilon_schedule eps;
	struct mlp q, target;
	struct optim opt;
	struct replay rb;
	struct replay_batch b;
	struct nstep ns;
	struct rng explore, sample;
	float *enc_obs, *enc_next; /* (obs_dim) encoded observations */
	float *dq;    /* (batch, n_actions) dLoss/dQ: one nonzero per row */
	float *y;     /* (batch) targets */
	float *qsa;   /* (batch) Q(s, a) */
	float *dqsa;  /* (batch) dLoss/dQ(s, a) */
	long long steps, updates;
	double last_loss;
	int checkpoint; /* store the online network at the end of the run */
};

static int dqn_check(const struct params *hp, const struct env_info *env, char *why, size_t n)
{
	/* weights are held ~5 times (online, target, grads, two optimiser moments) */
	struct dqn_net_shape ns;
	if (dqn_net_shape(hp, env, env->n_actions + (int)params_bool(hp, "dueling"), &ns, why, n))
		return -1;
	double np = ns.n_params;
	if (np > DQN_MAX_PARAMS) {
		snprintf(why, n, "'conv' and 'hidden' give a network of %.0f parameters, at most %d (memory)", np,
			 DQN_MAX_PARAMS);
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
	if (params_int(hp, "gradient_steps") == 0) {
		snprintf(why, n, "'gradient_steps' must be -1 or at least 1");
		return -1;
	}
	if (params_float(hp, "tau") <= 0) {
		snprintf(why, n, "'tau' must be in (0, 1]");
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

static void *dqn_create(const struct params *hp, const struct env_info *env, uint64_t seed)
{
	openblas_set_num_threads(1);
	struct dqn *d = xcalloc(1, sizeof(*d));
	d->onehot = env->obs_kind == SPACE_DISCRETE;
	d->obs_dim = d->onehot ? env->obs_n : env->obs_dim;
	d->env_dim = env->obs_dim;
	d->n_actions = env->n_actions;
	d->double_q = params_bool(hp, "double");
	d->prioritized = params_bool(hp, "prioritized");
	d->batch = (int)params_int(hp, "batch_size");
	d->train_freq = (int)params_int(hp, "train_freq");
	long long gs = params_int(hp, "gradient_steps");
	d->gradient_steps = gs < 0 ? d->train_freq : (int)gs;
	d->learning_starts = params_int(hp, "learning_starts");
	d->target_update_interval = params_int(hp, "target_update_interval");
	d->target_in_updates = !strcmp(params_str(hp, "target_update_unit"), "updates");
	d->epsilon_decay_start = params_int(hp, "epsilon_decay_start");
	d->per_beta_steps = params_int(hp, "per_beta_steps");
	d->per_beta0 = params_float(hp, "per_beta0");
	d->gamma = params_float(hp, "gamma");
	d->tau = params_float(hp, "tau");
	d->max_grad_norm = params_float(hp, "max_grad_norm");
	d->loss = !strcmp(params_str(hp, "loss"), "mse") ? LOSS_MSE : LOSS_HUBER;
	d->checkpoint = params_bool(hp, "checkpoint");
	epsilon_schedule_init(&d->eps, hp);

	int dueling = params_bool(hp, "dueling");
	struct dqn_net_shape ns;
	char why[256];
	if (dqn_net_shape(hp, env, d->n_actions + dueling, &ns, why, sizeof(why)) ||
	    dqn_net_init(&d->q, &ns, d->n_actions, dueling, 2 * d->batch, 1) ||
	    dqn_net_init(&d->target, &ns, d->n_actions, dueling, d->batch, 0))
		BUG("dqn: network shapes passed check() but not mlp_init()");
	d->q.naive = d->target.naive = params_bool(hp, "portable");

	uint64_t sm = seed;
	struct rng init;
	rng_seed(&init, splitmix64_next(&sm));
	rng_seed(&d->explore, splitmix64_next(&sm));
	rng_seed(&d->sample, splitmix64_next(&sm));
	mlp_init_params(&d->q, &init);
	memcpy(d->target.params, d->q.params, d->q.n_params * sizeof(float));

	optim_init(&d->opt, !strcmp(params_str(hp, "optimizer"), "rmsprop") ? OPTIM_RMSPROP : OPTIM_ADAM,
		   d->q.n_params, params_float(hp, "learning_rate"));
	d->opt.eps = params_float(hp, "optim_eps");
	d->opt.alpha = params_float(hp, "rmsprop_alpha");
	if (params_bool(hp, "rmsprop_centered"))
		optim_set_centered(&d->opt);
	if (replay_init_typed(&d->rb, (int)params_int(hp, "buffer_size"), d->obs_dim,
			      dqn_replay_storage(env), d->prioritized, params_float(hp, "per_alpha"),
			      params_float(hp, "per_eps")))
		BUG("dqn: replay_init failed after check()");
	replay_batch_init(&d->b, d->batch, d->obs_dim);
	nstep_init(&d->ns, (int)params_int(hp, "n_step"), d->obs_dim, d->gamma);

	d->enc_obs = xcalloc((size_t)d->obs_dim, sizeof(float));
	d->enc_next = xcalloc((size_t)d->obs_dim, sizeof(float));
	d->dq = xcalloc((size_t)d->batch * d->n_actions, sizeof(float));
	d->y = xcalloc((size_t)d->batch, sizeof(float));
	d->qsa = xcalloc((size_t)d->batch, sizeof(float));
	d->dqsa = xcalloc((size_t)d->batch, sizeof(float));
	return d;
}

static void dqn_free(void *self)
{
	struct dqn *d = self;
	if (!d)
		return;
	mlp_release(&d->q);
	mlp_release(&d->target);
	optim_release(&d->opt);
	replay_release(&d->rb);
	replay_batch_release(&d->b);
	nstep_release(&d->ns);
	free(d->enc_obs);
	free(d->enc_next);
	free(d->dq);
	free(d->y);
	free(d->qsa);
	free(d->dqsa);
	free(d);
}

/* The network input of an environment observation (one-hot for discrete spaces). */
static const float *encode(const struct dqn *d, const float *obs, float *buf)
{
	if (!d->onehot)
		return obs;
	int s = (int)obs[0];
	if (s < 0 || s >= d->obs_dim)
		BUG("dqn: discrete observation %d outside 0..%d", s, d->obs_dim - 1);
	memset(buf, 0, (size_t)d->obs_dim * sizeof(float));
	buf[s] = 1.0f;
	return buf;
}

/* Index of the largest of n values, the first on ties. */
static int argmax(const float *v, int n)
{
	int best = 0;
	for (int j = 1; j < n; j++)
		if (v[j] > v[best])
			best = j;
	return best;
}

void dqn_q_values(void *self, const float *obs, float *q)
{
	struct dqn *d = self;
	const float *out = mlp_forward(&d->q, encode(d, obs, d->enc_obs), 1);
	memcpy(q, out, (size_t)d->n_actions * sizeof(float));
}

static int greedy(struct dqn *d, const float *obs)
{
	return argmax(mlp_forward(&d->q, encode(d, obs, d->enc_obs), 1), d->n_actions);
}

static int dqn_act(void *self, const float *obs)
{
	struct dqn *d = self;
	long long t = d->steps - d->epsilon_decay_start;
	if (d->steps < d->learning_starts ||
	    rng_uniform(&d->explore) < epsilon_at(&d->eps, t > 0 ? t : 0))
		return (int)rng_below(&d->explore, (uint64_t)d->n_actions);
	return greedy(d, obs);
}

static int dqn_act_greedy(void *self, const float *obs, struct rng *rng)
{
	(void)rng;
	return greedy(self, obs);
}

/* target = tau online + (1 - tau) target, as SB3's polyak_update (float32). */
HOT_LOOP static void polyak(float *restrict t, const float *restrict p, size_t n, float tau,
			    float keep)
{
	for (size_t i = 0; i < n; i++)
		t[i] = t[i] * keep + tau * p[i];
}

static void update_target(struct dqn *d)
{
	if (d->tau >= 1.0)
		memcpy(d->target.params, d->q.params, d->q.n_params * sizeof(float));
	else
		polyak(d->target.params, d->q.params, d->q.n_params, (float)d->tau,
		       (float)(1.0 - d->tau));
}

static int diverged(const struct dqn *d, char *why, size_t wn, const char *what, double v)
{
	snprintf(why, wn, "diverged at step %lld: %s is %g (update %lld)", d->steps, what, v,
		 d->updates + 1);
	return -1;
}

/* One gradient update from a replay batch. */
static int update(struct dqn *d, char *why, size_t wn)
{
	const int B = d->batch, nA = d->n_actions;
	struct replay_batch *b = &d->b;
	double beta = 1.0;
	if (d->prioritized) {
		double f = (double)d->steps / (double)d->per_beta_steps;
		beta = d->per_beta0 + (1.0 - d->per_beta0) * (f < 1.0 ? f : 1.0);
	}
	replay_sample(&d->rb, &d->sample, B, beta, b);

	/* Targets, from the target network (and the online one's argmax for Double DQN). */
	const float *qo;
	if (d->double_q) {
		qo = mlp_forward(&d->q, b->x, 2 * B); /* rows: obs, then next_obs */
		const float *qt = mlp_forward(&d->target, b->next_obs, B);
		for (int i = 0; i < B; i++) {
			int a = argmax(qo + (size_t)(B + i) * nA, nA);
			d->y[i] = qt[(size_t)i * nA + a];
		}
	} else {
		const float *qt = mlp_forward(&d->target, b->next_obs, B);
		for (int i = 0; i < B; i++)
			d->y[i] = qt[(size_t)i * nA + argmax(qt + (size_t)i * nA, nA)];
		qo = mlp_forward(&d->q, b->obs, B);
	}
	for (int i = 0; i < B; i++) {
		d->y[i] = b->reward[i] + (b->not_done[i] * b->discount[i]) * d->y[i];
		d->qsa[i] = qo[(size_t)i * nA + b->action[i]];
		if (!isfinite(d->y[i]))
			return diverged(d, why, wn, "a TD target", d->y[i]);
		if (!isfinite(d->qsa[i]))
			return diverged(d, why, wn, "a Q-value", d->qsa[i]);
	}

	d->last_loss = loss_compute(d->loss, d->qsa, d->y, d->prioritized ? b->weight : NULL, B,
				    d->dqsa);
	if (!isfinite(d->last_loss))
		return diverged(d, why, wn, "the loss", d->last_loss);
	memset(d->dq, 0, (size_t)B * nA * sizeof(float));
	for (int i = 0; i < B; i++)
		d->dq[(size_t)i * nA + b->action[i]] = d->dqsa[i];
	mlp_backward(&d->q, b->obs, d->dq, B);
	double norm = clip_grad_norm(d->q.grads, d->q.n_params, d->max_grad_norm);
	if (!isfinite(norm))
		return diverged(d, why, wn, "the gradient norm", norm);
	optim_step(&d->opt, d->q.params, d->q.grads);

	if (d->prioritized) {
		for (int i = 0; i < B; i++)
			d->dqsa[i] = d->y[i] - d->qsa[i]; /* reused as the TD errors */
		replay_update_priorities(&d->rb, b->idx, d->dqsa, B);
	}
	d->updates++;
	if (d->target_in_updates && d->updates % d->target_update_interval == 0)
		update_target(d);
	return 0;
}

int dqn_train(void *self, int n, char *why, size_t wn)
{
	struct dqn *d = self;
	if (d->rb.size < 1)
		return 0;
	for (int i = 0; i < n; i++)
		if (update(d, why, wn))
			return -1;
	return 0;
}

static void store(void *ctx, const struct nstep_out *t)
{
	struct dqn *d = ctx;
	replay_add(&d->rb, t->obs, t->action, (float)t->ret, t->next_obs, (float)t->discount,
		   t->done);
}

static int dqn_observe(void *self, const float *obs, int action, double reward,
		       const float *next_obs, int terminated, int truncated, char *why, size_t n)
{
	struct dqn *d = self;
	const float *o = encode(d, obs, d->enc_obs), *no = encode(d, next_obs, d->enc_next);
	d->steps++;
	nstep_push(&d->ns, o, action, reward, no, terminated, truncated, store, d);
	if (!d->target_in_updates && d->steps % d->target_update_interval == 0)
		update_target(d);
	if (d->steps % d->train_freq == 0 && d->steps > d->learning_starts)
		return dqn_train(d, d->gradient_steps, why, n);
	return 0;
}

long long dqn_updates(const void *self)
{
	return ((const struct dqn *)self)->updates;
}

const struct mlp *dqn_network(const void *self)
{
	return &((const struct dqn *)self)->q;
}

const struct mlp *dqn_target_network(const void *self)
{
	return &((const struct dqn *)self)->target;
}

/*
 * The online network: layer<l>/W (in, out) and layer<l>/b (out) for every
 * linear layer, with the attributes that say how to use them (h5store.h).
 */
static void dqn_checkpoint(void *self, struct checkpoint *ck)
{
	const struct dqn *d = self;
	if (!d->checkpoint)
		return;
	const struct mlp *m = &d->q;
	long long sizes[MLP_MAX_LAYERS + 1];
	sizes[0] = m->n_layers ? m->layer[0].in : m->n_in;
	dqn_net_checkpoint(m, ck);
	for (int l = 0; l < m->n_layers; l++) {
		const struct mlp_layer *L = &m->layer[l];
		char name[32];
		snprintf(name, sizeof(name), "layer%d/W", l);
		checkpoint_add_array(ck, name, m->params + L->w, L->in, L->out);
		snprintf(name, sizeof(name), "layer%d/b", l);
		checkpoint_add_array(ck, name, m->params + L->b, L->out, 0);
		sizes[l + 1] = L->out;
	}
	long long v;
	checkpoint_add_str(ck, "network", "online");
	checkpoint_add_str(ck, "layout",
			   "layer l: z = x W + b, W (in, out) is the transpose of torch.nn.Linear.weight; "
			   "ReLU after every layer but the last; dueling: the last layer gives [V, A_0..A_n-1] "
			   "and Q = V + A - mean(A)");
	checkpoint_add_str(ck, "input", d->onehot ? "one-hot of the discrete observation" :
				       "the observation (float32)");
	checkpoint_add_ints(ck, "layer_sizes", sizes, m->n_layers + 1);
	v = m->n_layers;
	checkpoint_add_ints(ck, "n_layers", &v, 1);
	v = d->n_actions;
	checkpoint_add_ints(ck, "n_actions", &v, 1);
	v = m->dueling;
	checkpoint_add_ints(ck, "dueling", &v, 1);
	checkpoint_add_ints(ck, "steps", &d->steps, 1);
	checkpoint_add_ints(ck, "updates", &d->updates, 1);
}

const struct learner_vtable dqn_vtable = {
	.name = "dqn",
	.params = dqn_params,
	.check = dqn_check,
	.create = dqn_create,
	.act = dqn_act,
	.act_greedy = dqn_act_greedy,
	.observe = dqn_observe,
	.free = dqn_free,
	.checkpoint = dqn_checkpoint,
	.uses_blas = 1,
};
