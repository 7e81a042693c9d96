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
#include "dp.h"
#include "env.h"
#include "pyenv.h"
#include "commands.h"
#include "suggest.h"

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

static const char *const envs_lines[] = { "envs [ENV_ID]", NULL };
static const struct usage envs_usage = {
	"envs", envs_lines,
	"Lists every environment by its Gymnasium id: observation space (Discrete(n), or\n"
	"Box(dim) with Gymnasium's float32 bounds), actions, time limit (the TimeLimit\n"
	"truncation; 'none' for none), reward threshold, and options with their defaults\n"
	"(set them with --option name=value, or in a spec). With ENV_ID, also what each\n"
	"option does and its allowed values.",
	"examples:\n  harness envs\n  harness envs Taxi-v4"
};

int cmd_envs(int argc, char **argv)
{
	struct option opts[] = { OPT_END() };
	argc = parse_options(argc, argv, opts, &envs_usage, 0);
	if (argc < 0)
		return opt_exit_status(argc);
	if (argc > 1)
		return usagef("envs", "unexpected argument '%s'", argv[1]);
	const char *only = argc ? argv[0] : NULL;
	if (only && !env_lookup(only)) {
		error("unknown environment '%s' (%ssee 'harness envs')", only, env_suggest(only));
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

static const char *const replay_lines[] = {
	"env replay ENV_ID [--option NAME=VALUE ...] [--seed N]\n"
	"                          [--state V1,V2,...] --actions A0,A1,...|@FILE", NULL
};
static const struct usage replay_usage = {
	"env replay", replay_lines,
	"Resets ENV_ID (seed N, default 0), then sets its internal state to --state if given\n"
	"(classic control: the float64 state, read exactly; toy text: the state index), applies\n"
	"the actions and prints a CSV: t,action,obs_0..obs_k,reward,terminated,truncated, the\n"
	"first row the reset observation (action -1). Floats have 9 significant digits, enough\n"
	"to read every float32 observation back exactly. Bool image observations (MinAtar)\n"
	"print one column `state` instead of obs_*: the (H, W, C) grid as numpy.packbits in\n"
	"hex, the encoding of MinAtar's reference trajectories. An action 'r' resets without a\n"
	"seed (the stream continues; a row t=0, action -1); an action after the episode ended\n"
	"(terminated, or truncated by the time limit) without 'r' is an error. --actions @FILE\n"
	"reads the list from FILE (separators: commas, spaces, newlines).",
	"examples:\n"
	"  harness env replay CartPole-v1 --state 0,0,0,0 --actions 0,1,1,0\n"
	"  harness env replay CliffWalking-v1 --actions 0,1,1,1,1,1,1,1,1,1,1,1,2\n"
	"  harness env replay FrozenLake-v1 --option is_slippery=false --seed 3 --actions 1,1,2\n"
	"  harness env replay MinAtar/Breakout-v0 --seed 3 --actions 3,3,3,r,0,1 | cut -d, -f1-3\n"
	"  harness env replay MinAtar/Freeway-v1 --actions @actions.txt"
};

static const char *const optimal_lines[] = {
	"env optimal ENV_ID [--option NAME=VALUE ...] [--gamma G] [--tol T]", NULL
};
static const struct usage optimal_usage = {
	"env optimal", optimal_lines,
	"Prints the optimal expected return from ENV_ID's start distribution, sum_s p0(s) V*(s),\n"
	"by value iteration on its transition model (tabular environments only), without the\n"
	"time limit. G defaults to 1 (undiscounted): FrozenLake then gives the best probability\n"
	"of ever reaching the goal (0.823529412 on the slippery 4x4 map), CliffWalking -13,\n"
	"Taxi 7.93. Value iteration stops when no value changes by T (default 1e-12) in a sweep.",
	"examples:\n"
	"  harness env optimal CliffWalking-v1\n"
	"  harness env optimal FrozenLake-v1 --option map_name=8x8 --gamma 0.99"
};

/*
 * Parses ENV_ID and the options of a subcommand (replay or optimal) from
 * its table. 0, OPT_HELP (help printed) or OPT_ERROR (reported).
 */
static int parse_env_args(int argc, char **argv, int replay, struct env_args *a)
{
	memset(a, 0, sizeof(*a));
	struct string_list options = { 0 };
	struct option replay_opts[] = {
		OPT_STRING_LIST(0, "option", &options, "NAME=VALUE", "set an environment option (repeatable)"),
		OPT_STRING_DEF(0, "seed", &a->seed, "N", "0", "the reset's seed"),
		OPT_STRING(0, "state", &a->state, "V1,V2,...", "the internal state set after the reset"),
		OPT_STRING(0, "actions", &a->actions, "A0,A1,...|@FILE", "the actions to apply (required)"),
		OPT_END(),
	};
	struct option optimal_opts[] = {
		OPT_STRING_LIST(0, "option", &options, "NAME=VALUE", "set an environment option (repeatable)"),
		OPT_STRING_DEF(0, "gamma", &a->gamma, "G", "1", "the discount, in [0, 1]"),
		OPT_STRING_DEF(0, "tol", &a->tol, "T", "1e-12", "value iteration's tolerance"),
		OPT_END(),
	};
	const struct usage *u = replay ? &replay_usage : &optimal_usage;
	const char *sub = replay ? "replay" : "optimal";
	argc = parse_options(argc, argv, replay ? replay_opts : optimal_opts, u, 0);
	if (argc < 0)
		return string_list_release(&options), argc;
	if (argc > 1) {
		string_list_release(&options);
		return error("env %s: unexpected argument '%s'", sub, argv[1]);
	}
	a->id = argc ? argv[0] : NULL;
	const char **opt_items = options.items; /* freed below: the list's only allocation */
	int nopt = options.nr;
	const char *const *optv = opt_items;
	if (!a->id)
		return free(opt_items), error("env %s: missing ENV_ID (see 'harness envs')", sub);
	a->spec = env_lookup(a->id);
	if (!a->spec)
		return free(opt_items), error("ENV_ID: unknown environment '%s' (%ssee 'harness envs')", a->id, env_suggest(a->id));
	env_options_init(a->spec, &a->opts);
	for (int k = 0; k < nopt; k++)
		if (set_option(a, optv[k]))
			return free(opt_items), -1;
	struct env_info info;
	char why[512];
	free(opt_items);
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

/*
 * The action list of env replay: actions and 'r' (a reset without a seed:
 * the environment's stream continues), comma-separated; from --actions @FILE
 * also separated by whitespace and newlines. where[k] is the token's line in
 * the file, or its position in the argument. 0 or -1 (reported).
 */
#define ACT_RESET (-1)
struct action_list {
	int *a, *where, n;
	const char *file; /* NULL: the argument itself */
};

static int parse_actions(const char *arg, struct action_list *l)
{
	memset(l, 0, sizeof(*l));
	char *text = NULL;
	const char *seps = ",";
	if (arg[0] == '@') {
		l->file = arg + 1;
		if (!(text = read_file(l->file, NULL)))
			return -1; /* reported, naming the file */
		seps = ", \t\r\n";
	} else {
		text = xstrdup(arg);
	}
	int cap = 0, line = 1, rc = 0;
	for (char *p = text; *p;) {
		size_t skip = strspn(p, seps);
		for (size_t i = 0; i < skip; i++)
			line += p[i] == '\n';
		p += skip;
		if (!*p)
			break;
		size_t len = strcspn(p, seps);
		char *tok = xstrfmt("%.*s", (int)len, p);
		p += len;
		long long v = 0;
		if (strcmp(tok, "r") && (parse_ll(tok, &v) || v < 0 || v > 1 << 30)) {
			if (l->file)
				rc = error("%s:%d: '%s' is not an action (an integer, or 'r' to reset)",
					   l->file, line, tok);
			else
				rc = error("--actions: '%s' (number %d) is not an action (an integer, or "
					   "'r' to reset)", tok, l->n + 1);
			free(tok);
			break;
		}
		if (l->n == cap) {
			cap = cap ? 2 * cap : 64;
			l->a = xrealloc(l->a, (size_t)cap * sizeof(int));
			l->where = xrealloc(l->where, (size_t)cap * sizeof(int));
		}
		l->a[l->n] = strcmp(tok, "r") ? (int)v : ACT_RESET;
		l->where[l->n] = l->file ? line : l->n + 1;
		l->n++;
		free(tok);
	}
	free(text);
	return rc;
}

static void action_list_release(struct action_list *l)
{
	free(l->a);
	free(l->where);
}

/* A bool image (MinAtar's grids): its frames print as one `state` column. */
static int state_column(const struct env_info *info)
{
	return info->obs_kind == SPACE_BOX && info->obs_dtype == OBS_BOOL && info->obs_rank == 3;
}

/*
 * The (C, H, W) bool observation as MinAtar's reference files write a frame:
 * the (H, W, C) grid packed 8 cells a byte, first cell in the high bit
 * (numpy.packbits), zero-padded, in hex.
 */
static void add_state_hex(struct strbuf *sb, const struct env_info *info, const float *obs)
{
	static const char digits[] = "0123456789abcdef";
	const int C = info->obs_shape[0], HW = info->obs_shape[1] * info->obs_shape[2];
	unsigned byte = 0;
	int bits = 0;
	for (int p = 0; p < HW; p++)
		for (int c = 0; c < C; c++) {
			byte = byte << 1 | (obs[c * HW + p] != 0.0f);
			if (++bits == 8) {
				strbuf_addf(sb, "%c%c", digits[byte >> 4], digits[byte & 15]);
				byte = 0;
				bits = 0;
			}
		}
	if (bits) {
		byte <<= 8 - bits;
		strbuf_addf(sb, "%c%c", digits[byte >> 4], digits[byte & 15]);
	}
}

static void csv_row(struct strbuf *sb, const struct env_info *info, int t, int action,
		    const float *obs, double reward, int te, int tr)
{
	strbuf_addf(sb, "%d,%d", t, action);
	if (state_column(info)) {
		strbuf_addstr(sb, ",");
		add_state_hex(sb, info, obs);
	} else {
		for (int i = 0; i < info->obs_dim; i++)
			strbuf_addf(sb, ",%.9g", (double)obs[i]);
	}
	strbuf_addf(sb, ",%.9g,%d,%d\n", reward, te, tr);
}

static int env_replay(int argc, char **argv)
{
	struct env_args a;
	struct env *e = NULL;
	double *state = NULL;
	struct action_list acts = {0};
	float *obs = NULL;
	int nstate = 0, rc = 2;
	struct strbuf out = {0};
	int pr = parse_env_args(argc, argv, 1, &a);
	if (pr) {
		rc = pr == OPT_HELP ? 0 : 2;
		goto out;
	}
	if (!a.actions) {
		error("env replay: --actions is required (e.g. --actions 0,1,1)");
		goto out;
	}
	long long seed = 0;
	if (a.seed && (parse_ll(a.seed, &seed) || seed < 0)) {
		error("--seed: '%s' is not a non-negative integer", a.seed);
		goto out;
	}
	if (parse_actions(a.actions, &acts) ||
	    (a.state && parse_list("--state", a.state, &state, &nstate)))
		goto out;
	if (env_make(&e, a.id, &a.opts))
		goto out;
	for (int k = 0; k < acts.n; k++) {
		if (acts.a[k] != ACT_RESET && acts.a[k] >= e->info.n_actions) {
			if (acts.file)
				error("%s:%d: %d is not an action of '%s' (Discrete(%d))", acts.file,
				      acts.where[k], acts.a[k], a.id, e->info.n_actions);
			else
				error("--actions: '%d' (number %d) is not an action of '%s' (Discrete(%d))",
				      acts.a[k], k + 1, a.id, e->info.n_actions);
			goto out;
		}
	}
	obs = xcalloc((size_t)e->info.obs_dim, sizeof(float));
	uint64_t useed = (uint64_t)seed;
	if (env_reset(e, &useed, obs))
		goto out;
	if (a.state && env_set_state(e, state, nstate, obs))
		goto out;
	const struct env_info *info = &e->info;
	strbuf_addstr(&out, "t,action");
	if (state_column(info))
		strbuf_addstr(&out, ",state");
	else
		for (int i = 0; i < info->obs_dim; i++)
			strbuf_addf(&out, ",obs_%d", i);
	strbuf_addstr(&out, ",reward,terminated,truncated\n");
	csv_row(&out, info, 0, -1, obs, 0, 0, 0);
	int te = 0, tr = 0, t = 0;
	for (int k = 0; k < acts.n; k++) {
		if (acts.a[k] == ACT_RESET) {
			if (env_reset(e, NULL, obs))
				goto out;
			t = te = tr = 0;
			csv_row(&out, info, 0, -1, obs, 0, 0, 0);
			continue;
		}
		if (te || tr) {
			if (acts.file)
				error("%s:%d: an action after the episode ended at t=%d (%s); 'r' resets",
				      acts.file, acts.where[k], t, te ? "terminated" : "truncated");
			else
				error("--actions: action number %d comes after the episode ended at t=%d "
				      "(%s); 'r' resets", k + 1, t, te ? "terminated" : "truncated");
			goto out;
		}
		double reward;
		if (env_step(e, acts.a[k], obs, &reward, &te, &tr))
			goto out;
		csv_row(&out, info, ++t, acts.a[k], obs, reward, te, tr);
	}
	fwrite(out.buf, 1, out.len, stdout);
	rc = 0;
out:
	strbuf_release(&out);
	free(state);
	action_list_release(&acts);
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
	int pr = parse_env_args(argc, argv, 0, &a);
	if (pr) {
		rc = pr == OPT_HELP ? 0 : 2;
		goto out;
	}
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

int cmd_env(int argc, char **argv)
{
	pyenv_embed_here(); /* replays step environments in this process */
	const char *sub = argc > 1 ? argv[1] : NULL;
	if (sub && !strcmp(sub, "replay"))
		return env_replay(argc - 1, argv + 1);
	if (sub && !strcmp(sub, "optimal"))
		return env_optimal(argc - 1, argv + 1);
	if (wants_help(argc, argv)) {
		struct option none[] = { OPT_END() };
		printf("usage: harness env replay|optimal ENV_ID ...\n\n");
		usage_with_options(stdout, none, &replay_usage);
		printf("\n");
		usage_with_options(stdout, none, &optimal_usage);
		printf("\n'harness env replay --help' and 'harness env optimal --help' list their options.\n");
		return 0;
	}
	if (sub)
		error("env: unknown subcommand '%s' (replay or optimal; see 'harness env --help')", sub);
	else
		error("env: missing subcommand (replay or optimal; see 'harness env --help')");
	return 2;
}
