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
 * and OpenBLAS kernel; networks with conv layers also use libxsmm's kernels
 * for that CPU, gemm.h).
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
 *
 * rainbow (branches marked so): head = c51 | qr, a distributional head
 * (distributional.h); noisy = true, noisy layers with the draw schedule of
 * noisy.h from a fourth generator stream. Greedy actions, Double DQN's a*
 * and evaluation use expected values, evaluation the mean weights.
 */
#include "dqn.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "distributional.h"
#include "dqn_net.h"
#include "dqn_params.h"
#include "loss.h"
#include "noisy.h"
#include "nstep.h"
#include "optim.h"
#include "replay.h"
#include "simd.h"



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
	/* rainbow: distributional head (kind DIST_NONE: the plain Q head above) */
	struct dist_head hq, ht; /* online (2 batch rows), target (batch rows) */
	float *dtarget;  /* (batch, atoms) projected target distributions / target quantiles */
	float *draw;     /* (batch, raw width) dLoss/d network output */
	float *dloss;    /* (batch) per-sample losses (PER priorities) */
	/* rainbow: noisy layers; theta is what the optimiser and the target sync move */
	int noisy, noisy_epsilon;
	struct noisy nq, nt;
	struct rng noise;
	float *theta, *theta_t, *gtheta; /* (n_theta): q/target params and q grads, or noisy mu|sigma */
	size_t n_theta;
	long long steps, updates;
	double last_loss;
	int checkpoint; /* store the online network at the end of the run */
	int normalize;  /* network input = observation / 255 */
	int clip_reward; /* train on sign(reward) */
	float *net_obs;  /* (obs_dim) the scaled input of act/greedy */
};

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
	d->normalize = params_bool(hp, "normalize_images");
	d->clip_reward = params_bool(hp, "clip_reward");
	epsilon_schedule_init(&d->eps, hp);

	int dueling = params_bool(hp, "dueling"), n_out = d->n_actions;
	enum dist_kind kind = dqn_head_kind(hp);
	if (kind != DIST_NONE) { /* rainbow: the head does the (per-atom) dueling combination */
		int na = dqn_head_atoms(hp);
		double vmin = params_float(hp, "v_min"), vmax = params_float(hp, "v_max"),
		       kappa = params_float(hp, "qr_kappa");
		if (dist_head_init(&d->hq, kind, d->n_actions, na, dueling, vmin, vmax, kappa,
				   2 * d->batch) ||
		    dist_head_init(&d->ht, kind, d->n_actions, na, dueling, vmin, vmax, kappa, d->batch))
			BUG("dqn: head shapes passed check() but not dist_head_init()");
		n_out = dist_raw_width(d->n_actions, na, dueling);
		dueling = 0;
		d->dtarget = xcalloc((size_t)d->batch * na, sizeof(float));
		d->draw = xcalloc((size_t)d->batch * n_out, sizeof(float));
		d->dloss = xcalloc((size_t)d->batch, sizeof(float));
	}
	struct dqn_net_shape ns;
	char why[256];
	if (dqn_net_shape(hp, env, n_out + dueling, &ns, why, sizeof(why)) ||
	    dqn_net_init(&d->q, &ns, n_out, dueling, 2 * d->batch, 1) ||
	    dqn_net_init(&d->target, &ns, n_out, dueling, d->batch, 0))
		BUG("dqn: network shapes passed check() but not mlp_init()");
	d->q.naive = d->target.naive = params_bool(hp, "portable");

	uint64_t sm = seed;
	struct rng init;
	rng_seed(&init, splitmix64_next(&sm));
	rng_seed(&d->explore, splitmix64_next(&sm));
	rng_seed(&d->sample, splitmix64_next(&sm));
	mlp_init_params(&d->q, &init);
	memcpy(d->target.params, d->q.params, d->q.n_params * sizeof(float));
	d->theta = d->q.params, d->theta_t = d->target.params, d->gtheta = d->q.grads;
	d->n_theta = d->q.n_params;
	rng_seed(&d->noise, splitmix64_next(&sm)); /* a fourth stream: the other three unchanged */
	d->noisy = params_bool(hp, "noisy");
	d->noisy_epsilon = params_bool(hp, "noisy_epsilon");
	if (d->noisy) { /* rainbow: learnable mu|sigma blocks over both networks */
		noisy_init(&d->nq, &d->q);
		noisy_init(&d->nt, &d->target);
		noisy_init_params(&d->nq, params_float(hp, "noisy_sigma0"));
		memcpy(d->nt.params, d->nq.params, 2 * d->nq.n * sizeof(float));
		d->theta = d->nq.params, d->theta_t = d->nt.params, d->gtheta = d->nq.grads;
		d->n_theta = 2 * d->nq.n;
	}

	optim_init(&d->opt, !strcmp(params_str(hp, "optimizer"), "rmsprop") ? OPTIM_RMSPROP : OPTIM_ADAM,
		   d->n_theta, params_float(hp, "learning_rate"));
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
	d->net_obs = d->normalize ? xcalloc((size_t)d->obs_dim, sizeof(float)) : NULL;
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
	free(d->net_obs);
	free(d->enc_next);
	free(d->dq);
	free(d->y);
	free(d->qsa);
	free(d->dqsa);
	dist_head_release(&d->hq);
	dist_head_release(&d->ht);
	free(d->dtarget);
	free(d->draw);
	free(d->dloss);
	if (d->noisy) {
		noisy_release(&d->nq);
		noisy_release(&d->nt);
	}
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

/* x /= 255 for n floats (SB3: obs.float() / 255.0), when normalize_images is set. */
static void normalize(const struct dqn *d, float *x, size_t n)
{
	if (d->normalize)
		for (size_t i = 0; i < n; i++)
			x[i] = x[i] / 255.0f;
}

/* The network input of an observation to act on: encoded, then normalised. */
static const float *net_input(const struct dqn *d, const float *obs)
{
	const float *x = encode(d, obs, d->enc_obs);
	if (!d->normalize)
		return x;
	memcpy(d->net_obs, x, (size_t)d->obs_dim * sizeof(float));
	normalize(d, d->net_obs, (size_t)d->obs_dim);
	return d->net_obs;
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

/* Q-values (B, n_actions) of the online network: its output, or a head's expected values. */
static const float *online_q(struct dqn *d, const float *x, int B)
{
	const float *out = mlp_forward(&d->q, x, B);
	return d->hq.kind != DIST_NONE ? dist_forward(&d->hq, out, B) : out;
}

void dqn_q_values(void *self, const float *obs, float *q)
{
	struct dqn *d = self;
	if (d->noisy)
		noisy_use_mean(&d->nq); /* rainbow: the mean network */
	const float *out = online_q(d, net_input(d, obs), 1);
	memcpy(q, out, (size_t)d->n_actions * sizeof(float));
}

static int greedy(struct dqn *d, const float *obs)
{
	return argmax(online_q(d, net_input(d, obs), 1), d->n_actions);
}

static int dqn_act(void *self, const float *obs)
{
	struct dqn *d = self;
	long long t = d->steps - d->epsilon_decay_start;
	if (d->steps < d->learning_starts ||
	    ((!d->noisy || d->noisy_epsilon) && /* rainbow: noisy nets explore by their noise */
	     rng_uniform(&d->explore) < epsilon_at(&d->eps, t > 0 ? t : 0)))
		return (int)rng_below(&d->explore, (uint64_t)d->n_actions);
	if (d->noisy)
		noisy_sample(&d->nq, &d->noise); /* rainbow: a new draw for every greedy act() */
	return greedy(d, obs);
}

static int dqn_act_greedy(void *self, const float *obs, struct rng *rng)
{
	(void)rng;
	struct dqn *d = self;
	if (d->noisy)
		noisy_use_mean(&d->nq); /* rainbow: evaluation uses the mean weights */
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
		memcpy(d->theta_t, d->theta, d->n_theta * sizeof(float));
	else
		polyak(d->theta_t, d->theta, d->n_theta, (float)d->tau, (float)(1.0 - d->tau));
	if (d->noisy)
		noisy_changed(&d->nt);
}

static int diverged(const struct dqn *d, char *why, size_t wn, const char *what, double v)
{
	snprintf(why, wn, "diverged at step %lld: %s is %g (update %lld)", d->steps, what, v,
		 d->updates + 1);
	return -1;
}

/*
 * rainbow: one update of a distributional head (distributional.h) on the
 * batch just sampled: a* by the target network's expected values (Double
 * DQN: the online network's on next_obs), target distributions (C51: the
 * projection; QR: shifted quantiles) with gamma^k of the n-step return, the
 * cross-entropy or quantile Huber loss, PER priority = per-sample loss.
 */
static int update_dist(struct dqn *d, char *why, size_t wn)
{
	const int B = d->batch;
	struct replay_batch *b = &d->b;
	const float *q_sel = dist_forward(&d->ht, mlp_forward(&d->target, b->next_obs, B), B);
	if (d->double_q)
		q_sel = online_q(d, b->x, 2 * B) + (size_t)B * d->n_actions;
	else
		online_q(d, b->obs, B);
	for (int i = 0; i < B * d->n_actions; i++)
		if (!isfinite(q_sel[i]) || !isfinite(d->hq.q[i]))
			return diverged(d, why, wn, "a Q-value", isfinite(q_sel[i]) ? d->hq.q[i] : q_sel[i]);
	dist_targets(&d->ht, q_sel, b->reward, b->not_done, b->discount, B, d->dtarget);
	d->last_loss = dist_loss(&d->hq, b->action, d->dtarget, d->prioritized ? b->weight : NULL, B,
				 d->draw, d->dloss);
	if (!isfinite(d->last_loss))
		return diverged(d, why, wn, "the loss", d->last_loss);
	mlp_backward(&d->q, b->obs, d->draw, B);
	if (d->noisy)
		noisy_backward(&d->nq);
	double norm = clip_grad_norm(d->gtheta, d->n_theta, d->max_grad_norm);
	if (!isfinite(norm))
		return diverged(d, why, wn, "the gradient norm", norm);
	optim_step(&d->opt, d->theta, d->gtheta);
	if (d->noisy)
		noisy_changed(&d->nq);
	if (d->prioritized)
		replay_update_priorities(&d->rb, b->idx, d->dloss, B);
	d->updates++;
	if (d->target_in_updates && d->updates % d->target_update_interval == 0)
		update_target(d);
	return 0;
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
	normalize(d, b->x, 2 * (size_t)B * d->obs_dim);
	if (d->noisy) { /* rainbow: new noise for the online, then the target network */
		noisy_sample(&d->nq, &d->noise);
		noisy_sample(&d->nt, &d->noise);
	}
	if (d->hq.kind != DIST_NONE)
		return update_dist(d, why, wn); /* rainbow: C51 / QR heads */

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
	if (d->noisy)
		noisy_backward(&d->nq);
	double norm = clip_grad_norm(d->gtheta, d->n_theta, d->max_grad_norm);
	if (!isfinite(norm))
		return diverged(d, why, wn, "the gradient norm", norm);
	optim_step(&d->opt, d->theta, d->gtheta);
	if (d->noisy)
		noisy_changed(&d->nq);

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
	if (d->clip_reward)
		reward = reward > 0 ? 1.0 : reward < 0 ? -1.0 : 0.0; /* np.sign */
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
	struct dqn *d = self;
	if (!d->checkpoint)
		return;
	const struct mlp *m = &d->q;
	if (d->noisy) /* rainbow: a noisy network stores its mean weights (and sigma beside) */
		noisy_use_mean(&d->nq);
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
	if (d->noisy) /* rainbow: sigma arrays and the attribute noisy */
		noisy_checkpoint(&d->nq, ck);
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
	v = m->dueling || d->hq.dueling;
	checkpoint_add_ints(ck, "dueling", &v, 1);
	dist_head_checkpoint(&d->hq, ck); /* rainbow: what the last layer's units mean */
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
