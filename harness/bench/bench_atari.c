/*
 * bench_atari.c - `harness bench --only atari`: the costs of one Atari DQN
 * cell (experiments/atari.cfg) on one core, OpenBLAS single-threaded.
 *
 *   - Pong through the Gymnasium bridge with the spec's wrapper stack
 *     (ALE/Pong-v5, frameskip 1 and no sticky actions in make, then
 *     AtariPreprocessing (frame skip 4, 84x84 grayscale) and
 *     FrameStackObservation 4): agent steps/s and game frames/s (4 per step,
 *     random actions, reset at episode end, best of five windows), against a
 *     plain Python loop over the same wrapped environment;
 *   - the nature_dqn update (batch 32, (4, 84, 84) uint8 observations, a
 *     buffer of 1000 random frames): updates/s, MFLOP per update (2 flops per
 *     multiply-add: forward of the online and target networks on the batch,
 *     backward dW of every layer and dX of all but the first conv), GFLOP/s
 *     and the share of the single-threaded sgemm 1024^3 peak; the greedy
 *     action's forward pass (one row) per env step;
 *   - the projected CPU time of one 10M-step cell: env steps + one forward
 *     per step + 2.475M updates (train_freq 4 after 100k learning starts),
 *     evaluations not included.
 * Times are this thread's CPU time, except the bridge's and the Python
 * loop's (wall clock: the bridge's Python work runs in this thread, the
 * loop's in a child process).
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "util.h"
#include "dqn.h"
#include "env.h"
#include "pyenv.h"

#define PONG "ALE/Pong-v5"
#define PONG_KWARGS "{\"frameskip\": 1, \"repeat_action_probability\": 0.0}"
#define PONG_WRAPPERS                                                                           \
	"[[\"AtariPreprocessing\", {\"noop_max\": 30, \"frame_skip\": 4, \"screen_size\": 84}], " \
	"[\"FrameStackObservation\", {\"stack_size\": 4, \"padding_type\": \"zero\"}]]"
#define BATCH 32
#define CELL_STEPS 10e6
#define CELL_UPDATES ((10e6 - 100e3) / 4)

static int make_pong(struct env **e)
{
	const char *id = "gym:" PONG;
	const struct env_spec *spec = env_lookup(id);
	if (!spec)
		return -1;
	struct params opts;
	char why[256];
	env_options_init(spec, &opts);
	int rc = params_set_text(&opts, "kwargs", PONG_KWARGS, why, sizeof(why)) ||
			 params_set_text(&opts, "wrappers", PONG_WRAPPERS, why, sizeof(why)) ?
		 error("bench: %s", why) :
		 env_make(e, id, &opts);
	params_release(&opts);
	return rc;
}

/* Agent steps/s of the wrapped Pong through env_step (wall clock), or -1. */
static double pong_rate(double seconds)
{
	struct env *e;
	if (make_pong(&e))
		return -1;
	double r = bench_random_steps(e, 64, seconds);
	env_free(e);
	return r;
}

static void bench_update(double seconds, double peak, double env_step_s)
{
	struct env_info info;
	memset(&info, 0, sizeof(info));
	info.obs_kind = SPACE_BOX;
	info.obs_rank = 3;
	info.obs_shape[0] = 4, info.obs_shape[1] = 84, info.obs_shape[2] = 84;
	info.obs_dim = 4 * 84 * 84;
	info.obs_dtype = OBS_UINT8;
	info.obs_bounds_uniform = 1;
	info.obs_high[0] = 255;
	info.n_actions = 6;
	const struct learner_spec *spec = learner_lookup("nature_dqn");
	if (!spec) {
		printf("  (nature_dqn not registered)\n");
		return;
	}
	struct params hp;
	char why[256];
	learner_params_init(spec, &hp);
	const char *kv[][2] = { { "learning_starts", "1000000" }, { "buffer_size", "1000" } };
	for (size_t i = 0; i < ARRAY_SIZE(kv); i++)
		if (params_set_text(&hp, kv[i][0], kv[i][1], why, sizeof(why)))
			BUG("bench_atari: %s: %s", kv[i][0], why);
	if (spec->vt->check(&hp, &info, why, sizeof(why)))
		BUG("bench_atari: %s", why);
	void *ln = spec->vt->create(&hp, &info, 1);
	struct rng r;
	rng_seed(&r, 2);
	float *o = xcalloc((size_t)info.obs_dim, sizeof(float)),
	      *no = xcalloc((size_t)info.obs_dim, sizeof(float));
	for (int t = 0; t < 1000; t++) {
		for (int i = 0; i < info.obs_dim; i++)
			no[i] = (float)rng_below(&r, 256);
		if (spec->vt->observe(ln, o, (int)rng_below(&r, 6), 0, no, 0, 0, why, sizeof(why)))
			BUG("bench_atari: %s", why);
		memcpy(o, no, (size_t)info.obs_dim * sizeof(float));
	}
	double upd_s = bench_update_seconds(ln, 5, seconds), t0, t;
	if (upd_s < 0)
		goto out;
	long acts = 0;
	t0 = bench_cpu_seconds();
	do {
		for (int i = 0; i < 20; i++)
			acts += spec->vt->act_greedy(ln, o, NULL) >= 0;
		t = bench_cpu_seconds() - t0;
	} while (t < seconds / 2);
	double act_s = t / acts;

	const struct mlp *m = dqn_network(ln);
	double flops = 2.0 * BATCH * (2 * mlp_macs_per_row(m) + mlp_backward_macs_per_row(m));
	printf("  nature_dqn update, batch %d: %.1f updates/s (%.1f ms), %.0f MFLOP, %.1f GFLOP/s, "
	       "%.0f%% of the sgemm peak\n",
	       BATCH, 1 / upd_s, upd_s * 1e3, flops / 1e6, flops / upd_s / 1e9,
	       100 * flops / upd_s / 1e9 / peak);
	printf("  greedy action (forward of one frame stack): %.2f ms\n", act_s * 1e3);
	if (env_step_s > 0) {
		double cell = CELL_STEPS * (env_step_s + act_s) + CELL_UPDATES * upd_s;
		printf("  one 10M-step cell (env steps + a forward per step + %.3gM updates): %.1f h "
		       "(%.0f%% in updates)\n",
		       CELL_UPDATES / 1e6, cell / 3600, 100 * CELL_UPDATES * upd_s / cell);
	}
out:
	spec->vt->free(ln);
	params_release(&hp);
	free(o);
	free(no);
}

void bench_atari(double seconds)
{
	openblas_set_num_threads(1);
	double peak = bench_sgemm_peak(seconds < 1 ? seconds : 1);
	printf("atari: %s with AtariPreprocessing (frame skip 4, 84x84 gray) + FrameStackObservation 4, "
	       "and the nature_dqn learner, single thread\n",
	       PONG);
	printf("  OpenBLAS kernels: %s; sgemm 1024^3 peak %.1f GFLOP/s\n", openblas_get_corename(),
	       peak);
	double h = pong_rate(seconds), p = h > 0 ? pyenv_loop_rate_wrapped(PONG, PONG_KWARGS,
									 PONG_WRAPPERS, seconds) : -1;
	if (h < 0)
		printf("  Pong through the bridge: not available (make venv)\n");
	else
		printf("  Pong through the bridge: %.0f steps/s = %.0f frames/s; plain Python loop %.0f "
		       "steps/s (time ratio %.2fx)\n",
		       h, 4 * h, p, p > 0 ? p / h : 0);
	bench_update(seconds, peak, h > 0 ? 1 / h : -1);
}
