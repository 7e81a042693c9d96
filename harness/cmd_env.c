/*
 * cmd_env.c - `harness envs` (every registered environment: spaces, time
 * limit, threshold, options), `harness env replay` (actions in, Gymnasium-
 * style CSV out) and `harness env optimal` (value iteration on a tabular
 * environment's transition model).
 *
 * Exit status: 0 ok, 2 for a bad argument (one line naming it), 1 when a
 * computation fails (value iteration without convergence).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../envs/dp.h"
#include "../envs/env.h"
#include "commands.h"

/* The shortest decimal that reads back as the float32 v (numpy's repr). */
static void fmt_f32(char *buf, size_t n, float v)
{
	if (isinf(v)) {
		snprintf(buf, n, "%sinf", v < 0 ? "-" : "");
		return;
	}
	for (int digits = 1; digits <= 9; digits++) {
		snprintf(buf, n, "%.*g", digits, (double)v);
		if ((float)strtod(buf, NULL) == v)
			return;
	}
}

static void print_space(const struct env_info *info)
{
	if (info->obs_kind == SPACE_DISCRETE) {
		printf("Discrete(%d)\n", info->obs_n);
		return;
	}
	char text[128];
	env_info_obs_text(info, text, sizeof(text));
	printf("%s", text);
	if (info->obs_bounds_uniform) {
		char lo[32], hi[32];
		fmt_f32(lo, sizeof(lo), info->obs_low[0]);
		fmt_f32(hi, sizeof(hi), info->obs_high[0]);
		printf(" low %s high %s (every element)\n", lo, hi);
		return;
	}
	for (int k = 0; k < 2; k++) {
		printf(k ? " high [" : " low [");
		for (int i = 0; i < info->obs_dim; i++) {
			char b[32];
			fmt_f32(b, sizeof(b), k ? info->obs_high[i] : info->obs_low[i]);
			printf("%s%s", i ? ", " : "", b);
		}
		printf("]");
	}
	printf("\n");
}

/* "name=default name=default", "(none)" for none. */
static void options_line(const struct params *opts, struct strbuf *sb)
{
	if (!opts->n)
		strbuf_addstr(sb, "(none)");
	for (int k = 0; k < opts->n; k++) {
		struct strbuf v = {0};
		param_value_text(&opts->defs[k], &opts->v[k], &v);
		strbuf_addf(sb, "%s%s=%s", k ? " " : "", opts->defs[k].name, v.len ? v.buf : "\"\"");
		strbuf_release(&v);
	}
}

int cmd_envs(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		printf("usage: harness envs [ENV_ID]\n\n"
		       "Lists every environment by its Gymnasium id: observation space (Discrete(n), or\n"
		       "Box(dim) with Gymnasium's float32 bounds), actions, time limit (the TimeLimit\n"
		       "truncation; 'none' for none), reward threshold, and options with their defaults\n"
		       "(set them with --option name=value, or in a spec). With ENV_ID, also what each\n"
		       "option does and its allowed values.\n\n"
		       "examples:\n  harness envs\n  harness envs Taxi-v4\n");
		return 0;
	}
	const char *only = NULL;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' || only) {
			error("envs: unexpected argument '%s' (see 'harness envs --help')", argv[i]);
			return 2;
		}
		only = argv[i];
	}
	if (only && !env_lookup(only)) {
		error("unknown environment '%s' (see 'harness envs')", only);
		return 2;
	}
	for (int i = 0; i < env_registry_len; i++) {
		const struct env_spec *spec = &env_registry[i];
		if (only && strcmp(only, spec->id))
			continue;
		struct params opts;
		struct env_info info;
		char why[256];
		env_options_init(spec, &opts);
		int unavailable = env_describe(spec, &opts, &info, why, sizeof(why));
		printf("%s  %s\n", spec->id, spec->doc);
		if (unavailable) {
			printf("  unavailable  %s\n", why);
		} else {
			printf("  observation  ");
			print_space(&info);
			printf("  actions      Discrete(%d)\n", info.n_actions);
		}
		if (spec->max_episode_steps)
			printf("  time limit   %d steps\n", spec->max_episode_steps);
		else
			printf("  time limit   none\n");
		if (isnan(spec->reward_threshold))
			printf("  threshold    none\n");
		else
			printf("  threshold    %g\n", spec->reward_threshold);
		struct strbuf sb = {0};
		options_line(&opts, &sb);
		printf("  options      %s\n", sb.buf);
		strbuf_release(&sb);
		if (only && opts.n)
			params_print_help(spec->vt->options, stdout, "    ");
		params_release(&opts);
		if (!only && i + 1 < env_registry_len)
			printf("\n");
	}
	return 0;
}

/* ---- harness env replay / optimal ---- */

struct env_args {
	const char *id;
	struct params opts;
	const struct env_spec *spec;
	const char *state, *seed, *actions, *gamma, *tol;
};

/* Applies one --option k=v; 0 or -1 (reported). */
static int set_option(struct env_args *a, const char *kv)
{
	const char *eq = strchr(kv, '=');
	if (!eq || eq == kv)
		return error("--option: '%s' is not name=value", kv);
	char *name = xstrdup(kv);
	name[eq - kv] = '\0';
	int rc = 0;
	char why[256];
	if (!param_find(a->spec->vt->options, name)) {
		struct strbuf sb = {0};
		options_line(&a->opts, &sb);
		if (a->opts.n)
			rc = error("--option: '%s' is not an option of '%s' (options: %s)", name, a->id,
				   sb.buf);
		else
			rc = error("--option: '%s' has no options", a->id);
		strbuf_release(&sb);
	} else if (params_set_text(&a->opts, name, eq + 1, why, sizeof(why))) {
		rc = error("--option: '%s' %s", name, why);
	}
	free(name);
	return rc;
}

/*
 * Parses ENV_ID and the flags of a subcommand; `allowed` lists the flags
 * taking a value besides --option. 0 or -1 (reported).
 */
static int parse_env_args(int argc, char **argv, const char *sub, const char *allowed,
			  struct env_args *a)
{
	memset(a, 0, sizeof(*a));
	const char *options[64];
	int nopt = 0;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (s[0] != '-') {
			if (a->id)
				return error("env %s: unexpected argument '%s'", sub, s);
			a->id = s;
			continue;
		}
		char flag[32];
		snprintf(flag, sizeof(flag), "%s ", s);
		if (strcmp(s, "--option") && !strstr(allowed, flag))
			return error("env %s: unknown option '%s' (see 'harness env %s --help')", sub, s,
				     sub);
		if (i + 1 >= argc)
			return error("env %s: %s needs a value", sub, s);
		const char *v = argv[++i];
		if (!strcmp(s, "--option")) {
			if (nopt == (int)ARRAY_SIZE(options))
				return error("--option: too many");
			options[nopt++] = v;
		} else if (!strcmp(s, "--state")) {
			a->state = v;
		} else if (!strcmp(s, "--seed")) {
			a->seed = v;
		} else if (!strcmp(s, "--actions")) {
			a->actions = v;
		} else if (!strcmp(s, "--gamma")) {
			a->gamma = v;
		} else if (!strcmp(s, "--tol")) {
			a->tol = v;
		}
	}
	if (!a->id)
		return error("env %s: missing ENV_ID (see 'harness envs')", sub);
	a->spec = env_lookup(a->id);
	if (!a->spec)
		return error("ENV_ID: unknown environment '%s' (see 'harness envs')", a->id);
	env_options_init(a->spec, &a->opts);
	for (int k = 0; k < nopt; k++)
		if (set_option(a, options[k]))
			return -1;
	struct env_info info;
	char why[512];
	if (env_describe(a->spec, &a->opts, &info, why, sizeof(why)))
		return error("%s: %s", nopt ? "--option" : a->id, why);
	return 0;
}

/* Splits "v1,v2,..." into doubles (strtod: exact); -1 (reported) on a bad one. */
static int parse_list(const char *flag, const char *text, double **out, int *n)
{
	*out = NULL;
	*n = 0;
	if (!text[0])
		return 0;
	int cap = 0;
	const char *p = text;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char *item = xstrfmt("%.*s", (int)len, p);
		double v;
		int bad = parse_double(item, &v);
		if (bad) {
			error("%s: '%s' is not a number", flag, item);
			free(item);
			free(*out);
			*out = NULL;
			return -1;
		}
		free(item);
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			*out = xrealloc(*out, (size_t)cap * sizeof(double));
		}
		(*out)[(*n)++] = v;
		if (!end)
			return 0;
		p = end + 1;
	}
}

static void csv_row(struct strbuf *sb, int t, int action, const float *obs, int dim, double reward,
		    int te, int tr)
{
	strbuf_addf(sb, "%d,%d", t, action);
	for (int i = 0; i < dim; i++)
		strbuf_addf(sb, ",%.9g", (double)obs[i]);
	strbuf_addf(sb, ",%.9g,%d,%d\n", reward, te, tr);
}

static int env_replay(int argc, char **argv)
{
	struct env_args a;
	struct env *e = NULL;
	double *state = NULL, *acts = NULL;
	float *obs = NULL;
	int nstate = 0, nacts = 0, rc = 2;
	struct strbuf out = {0};
	if (parse_env_args(argc, argv, "replay", "--state --seed --actions ", &a))
		goto out;
	if (!a.actions) {
		error("env replay: --actions is required (e.g. --actions 0,1,1)");
		goto out;
	}
	long long seed = 0;
	if (a.seed && (parse_ll(a.seed, &seed) || seed < 0)) {
		error("--seed: '%s' is not a non-negative integer", a.seed);
		goto out;
	}
	if (parse_list("--actions", a.actions, &acts, &nacts) ||
	    (a.state && parse_list("--state", a.state, &state, &nstate)))
		goto out;
	if (env_make(&e, a.id, &a.opts))
		goto out;
	for (int k = 0; k < nacts; k++) {
		if (acts[k] != floor(acts[k]) || acts[k] < 0 || acts[k] >= e->info.n_actions) {
			error("--actions: '%g' (number %d) is not an action of '%s' (Discrete(%d))",
			      acts[k], k + 1, a.id, e->info.n_actions);
			goto out;
		}
	}
	obs = xcalloc((size_t)e->info.obs_dim, sizeof(float));
	uint64_t useed = (uint64_t)seed;
	if (env_reset(e, &useed, obs))
		goto out;
	if (a.state && env_set_state(e, state, nstate, obs))
		goto out;
	int dim = e->info.obs_dim;
	strbuf_addstr(&out, "t,action");
	for (int i = 0; i < dim; i++)
		strbuf_addf(&out, ",obs_%d", i);
	strbuf_addstr(&out, ",reward,terminated,truncated\n");
	csv_row(&out, 0, -1, obs, dim, 0, 0, 0);
	int te = 0, tr = 0;
	for (int k = 0; k < nacts; k++) {
		if (te || tr) {
			error("--actions: action number %d comes after the episode ended at t=%d (%s)",
			      k + 1, k, te ? "terminated" : "truncated");
			goto out;
		}
		double reward;
		if (env_step(e, (int)acts[k], obs, &reward, &te, &tr))
			goto out;
		csv_row(&out, k + 1, (int)acts[k], obs, dim, reward, te, tr);
	}
	fwrite(out.buf, 1, out.len, stdout);
	rc = 0;
out:
	strbuf_release(&out);
	free(state);
	free(acts);
	free(obs);
	env_free(e);
	if (a.spec)
		params_release(&a.opts);
	return rc;
}

static int env_optimal(int argc, char **argv)
{
	struct env_args a;
	struct env *e = NULL;
	struct tabular_model m = {0};
	double *V = NULL;
	int rc = 2;
	double gamma = 1.0, tol = 1e-12;
	if (parse_env_args(argc, argv, "optimal", "--gamma --tol ", &a))
		goto out;
	if (a.gamma && (parse_double(a.gamma, &gamma) || !(gamma >= 0 && gamma <= 1))) {
		error("--gamma: '%s' is not a number in [0, 1]", a.gamma);
		goto out;
	}
	if (a.tol && (parse_double(a.tol, &tol) || !(tol > 0))) {
		error("--tol: '%s' is not a positive number", a.tol);
		goto out;
	}
	if (!a.spec->vt->model) {
		error("ENV_ID: '%s' is not a tabular environment (no transition model; see "
		      "'harness envs')", a.id);
		goto out;
	}
	if (env_make(&e, a.id, &a.opts) || env_model(e, &m))
		goto out;
	V = xmalloc((size_t)m.nS * sizeof(double));
	if (value_iteration(&m, gamma, tol, V, NULL)) {
		rc = 1;
		goto out;
	}
	printf("%.9g\n", start_value(&m, V));
	rc = 0;
out:
	free(V);
	if (m.start)
		tabular_model_release(&m);
	env_free(e);
	if (a.spec)
		params_release(&a.opts);
	return rc;
}

static const char replay_usage[] =
	"usage: harness env replay ENV_ID [--option NAME=VALUE ...] [--seed N]\n"
	"                          [--state V1,V2,...] --actions A0,A1,...\n\n"
	"Resets ENV_ID (seed N, default 0), then sets its internal state to --state if given\n"
	"(classic control: the float64 state, read exactly; toy text: the state index), applies\n"
	"the actions and prints a CSV: t,action,obs_0..obs_k,reward,terminated,truncated, the\n"
	"first row the reset observation (action -1). Floats have 9 significant digits, enough\n"
	"to read every float32 observation back exactly. An action after the episode ended\n"
	"(terminated, or truncated by the time limit) is an error.\n\n"
	"examples:\n"
	"  harness env replay CartPole-v1 --state 0,0,0,0 --actions 0,1,1,0\n"
	"  harness env replay CliffWalking-v1 --actions 0,1,1,1,1,1,1,1,1,1,1,1,2\n"
	"  harness env replay FrozenLake-v1 --option is_slippery=false --seed 3 --actions 1,1,2\n";

static const char optimal_usage[] =
	"usage: harness env optimal ENV_ID [--option NAME=VALUE ...] [--gamma G] [--tol T]\n\n"
	"Prints the optimal expected return from ENV_ID's start distribution, sum_s p0(s) V*(s),\n"
	"by value iteration on its transition model (tabular environments only), without the\n"
	"time limit. G defaults to 1 (undiscounted): FrozenLake then gives the best probability\n"
	"of ever reaching the goal (0.823529412 on the slippery 4x4 map), CliffWalking -13,\n"
	"Taxi 7.93. Value iteration stops when no value changes by T (default 1e-12) in a sweep.\n\n"
	"examples:\n"
	"  harness env optimal CliffWalking-v1\n"
	"  harness env optimal FrozenLake-v1 --option map_name=8x8 --gamma 0.99\n";

int cmd_env(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;
	if (sub && !strcmp(sub, "replay")) {
		if (wants_help(argc - 1, argv + 1)) {
			fputs(replay_usage, stdout);
			return 0;
		}
		return env_replay(argc - 1, argv + 1);
	}
	if (sub && !strcmp(sub, "optimal")) {
		if (wants_help(argc - 1, argv + 1)) {
			fputs(optimal_usage, stdout);
			return 0;
		}
		return env_optimal(argc - 1, argv + 1);
	}
	if (wants_help(argc, argv)) {
		printf("usage: harness env replay|optimal ENV_ID ...\n\n%s\n%s", replay_usage,
		       optimal_usage);
		return 0;
	}
	if (sub)
		error("env: unknown subcommand '%s' (replay or optimal; see 'harness env --help')", sub);
	else
		error("env: missing subcommand (replay or optimal; see 'harness env --help')");
	return 2;
}
