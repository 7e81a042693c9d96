/*
 * pyenv.c - Gymnasium environments (Python) as harness environments.
 *
 * Spelling in a spec: `id = "gym:ID"` is Gymnasium's id ID (`gym:CartPole-v1`,
 * `gym:ALE/Pong-v5`, `gym:mymod:MyEnv-v0`, which imports mymod first, as
 * gymnasium.make does); `id = "py:module:Class"` is a user's class. An id
 * without a prefix is always the harness's built-in C environment.
 * Options: `kwargs` (gymnasium.make's keyword arguments), `wrappers`
 * (gymnasium.wrappers applied in order), `modules` (imported first, e.g. ones
 * that register ids); a spec may give kwargs and wrappers as libconfig groups
 * and lists, which the spec reader turns into JSON text.
 *
 * How it runs: the process that steps an environment (a cell's worker, or
 * `harness env`) embeds CPython (Debian's libpython, with the project's
 * virtual environment's site-packages) and calls env.reset/env.step directly;
 * an exception there ends the episode with an error carrying the exception's
 * last line, so it ends only that cell. The spec checker, which runs in the
 * harness's own process (that later forks workers), never starts Python: it
 * asks a separate `python harness_gym.py describe` process for the spaces,
 * once per distinct environment. Seeding follows Gymnasium: the first reset
 * gets the derived seed (reset(seed=S)), later ones continue the stream.
 *
 * Built without Python (no python3-embed pkg-config), every gym:/py: id is
 * refused with a message saying so.
 */
#include "pyconf.h"
#ifdef HAVE_PYTHON
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#endif
#include "env.h"
#include "proc.h"
#include "pyenv.h"
#include "pyenv_impl.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


const struct param_def pyenv_options[] = {
	{ "target", PARAM_STRING, "", 0, 0, NULL,
	  "the Gymnasium id or module:Class (set from the spec's id)" },
	{ "kwargs", PARAM_STRING, "{}", 0, 0, NULL,
	  "gymnasium.make keyword arguments: a group, e.g. { continuous = false; }", PARAM_JSON },
	{ "wrappers", PARAM_STRING, "[]", 0, 0, NULL,
	  "gymnasium.wrappers in order: a list of names or (name, { args })", PARAM_JSON },
	{ "modules", PARAM_STRING, "", 0, 0, NULL, "modules to import first, comma-separated" },
	{ "image_layout", PARAM_STRING, "auto", 0, 0, "auto|chw|hwc",
	  "3-D observations: channels first or last (auto: first only when axis 0 is the smallest)" },
	PARAM_END
};

const char *pyenv_venv(void)
{
	const char *v = getenv("HARNESS_VENV");
	return v && *v ? v : HARNESS_VENV;
}

const char *pyenv_pydir(void)
{
	return HARNESS_PYDIR;
}

const char *pyenv__kind_of(const char *id)
{
	return !strncmp(id, "py:", 3) ? "class" : "id";
}

/* ---- interned specs: one per distinct gym:/py: id, for the process's lifetime */

struct interned {
	struct env_spec spec;
	char *defaults;
	struct interned *next;
};
static struct interned *interned_specs;
extern const struct env_vtable pyenv_vtable;

int pyenv_is_python_id(const char *id)
{
	return !strncmp(id, "gym:", 4) || !strncmp(id, "py:", 3);
}

const struct env_spec *pyenv_lookup(const char *id)
{
	if (!pyenv_is_python_id(id) || strchr(id, ';') || strchr(id, '=') || !id[strcspn(id, ":") + 1])
		return NULL;
	for (struct interned *s = interned_specs; s; s = s->next)
		if (!strcmp(s->spec.id, id))
			return &s->spec;
	struct interned *s = xcalloc(1, sizeof(*s));
	s->spec.id = xstrdup(id);
	s->spec.vt = &pyenv_vtable;
	s->defaults = xstrfmt("target=%s", id);
	s->spec.option_defaults = s->defaults;
	s->spec.max_episode_steps = 0; /* Gymnasium's own TimeLimit truncates */
	s->spec.reward_threshold = NAN;
	s->spec.doc = !strncmp(id, "py:", 3) ? "a user's Python environment class (Gymnasium API)"
					     : "a Gymnasium environment (Python)";
	s->next = interned_specs;
	interned_specs = s;
	return &s->spec;
}

/* ---- spaces, from a describe process (cached) or the embedded interpreter */

/* Set in processes that step environments (pyenv_embed_here): they describe in-process. */
static int embed_here;

void pyenv_embed_here(void)
{
	embed_here = 1;
}

struct described {
	char *key;
	struct env_info info;
	int hwc; /* (H, W, C) observations transposed to (C, H, W) */
	char *versions;
	struct described *next;
};
static struct described *described_cache;

static char *options_key(const struct params *o)
{
	struct strbuf sb = {0};
	params_to_json(o, &sb);
	return strbuf_detach(&sb);
}

static double bound(json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v)[0] == '-' ? -INFINITY : INFINITY;
	return json_number_value(v);
}

/*
 * Fills info from describe()'s JSON; -1 with why when the spaces do not fit.
 * Shapes: rank 1 as is; rank 2 (H, W) is (1, H, W); rank 3 is (C, H, W) as
 * the conv layers take it. Gymnasium's images are (H, W, C) (raw Atari
 * frames, MinAtar's grids) and are transposed (*hwc), except where axis 0 is
 * strictly the smallest ((4, 84, 84) of FrameStackObservation); the option
 * image_layout says it explicitly.
 */
static int info_from_json(json_t *d, const char *layout, struct env_info *info, int *hwc,
			  char *why, size_t n)
{
	const char *obs = json_string_value(json_object_get(d, "obs"));
	json_t *shape = json_object_get(d, "shape");
	*hwc = 0;
	info->n_actions = (int)json_integer_value(json_object_get(d, "n_actions"));
	if (!obs || !json_is_array(shape) || info->n_actions < 1) {
		snprintf(why, n, "the bridge described no usable spaces");
		return -1;
	}
	if (!strcmp(obs, "discrete")) {
		info->obs_kind = SPACE_DISCRETE;
		info->obs_n = (int)json_integer_value(json_object_get(d, "n"));
		info->obs_dim = 1;
		info->state_dim = 0;
		return 0;
	}
	info->state_dim = (int)json_integer_value(json_object_get(d, "state_dim"));
	if (info->state_dim > ENV_MAX_STATE)
		info->state_dim = 0;
	int rank = (int)json_array_size(shape), sh[ENV_MAX_RANK] = { 1, 1, 1 };
	long long dim = 1;
	if (rank > ENV_MAX_RANK) {
		snprintf(why, n, "observations of rank %d are not supported (at most %d: C, H, W)", rank,
			 ENV_MAX_RANK);
		return -1;
	}
	for (int k = 0; k < rank; k++) {
		sh[k] = (int)json_integer_value(json_array_get(shape, (size_t)k));
		dim *= sh[k];
	}
	if (dim < 1 || dim > (1LL << 26)) {
		snprintf(why, n, "observation of %lld values is not supported", dim);
		return -1;
	}
	info->obs_kind = SPACE_BOX;
	info->obs_dim = (int)dim;
	if (rank <= 1) {
		info->obs_rank = 1;
		info->obs_shape[0] = (int)dim;
	} else if (rank == 2) {
		info->obs_rank = 3;
		info->obs_shape[0] = 1;
		info->obs_shape[1] = sh[0];
		info->obs_shape[2] = sh[1];
	} else {
		*hwc = !strcmp(layout, "hwc") || (!strcmp(layout, "auto") && !(sh[0] < sh[1] && sh[0] < sh[2]));
		info->obs_rank = 3;
		info->obs_shape[0] = *hwc ? sh[2] : sh[0];
		info->obs_shape[1] = *hwc ? sh[0] : sh[1];
		info->obs_shape[2] = *hwc ? sh[1] : sh[2];
	}
	const char *dt = json_string_value(json_object_get(d, "dtype"));
	info->obs_dtype = dt && !strcmp(dt, "uint8") ? OBS_UINT8 : dt && !strcmp(dt, "bool") ? OBS_BOOL
											      : OBS_FLOAT32;
	json_t *lo = json_object_get(d, "low"), *hi = json_object_get(d, "high");
	if (info->obs_dim > ENV_MAX_BOUNDS || *hwc) {
		info->obs_bounds_uniform = 1;
		info->obs_low[0] = (float)bound(json_object_get(d, "low_min"));
		info->obs_high[0] = (float)bound(json_object_get(d, "high_max"));
	} else {
		for (int i = 0; i < info->obs_dim; i++) {
			info->obs_low[i] = (float)bound(json_array_get(lo, (size_t)i));
			info->obs_high[i] = (float)bound(json_array_get(hi, (size_t)i));
		}
	}
	return 0;
}

/* "gym:ID" -> ID, "py:mod:Class" -> mod:Class */
const char *pyenv__target_name(const char *target)
{
	return strchr(target, ':') + 1;
}

/*
 * Runs argv with stdout and stderr into one pipe (proc.h) and returns all it
 * printed (caller frees) and its exit status in *status (-1 when it did not
 * exit: could not start, or killed).
 */
static char *capture(char *const argv[], int *status)
{
	struct child c = CHILD_INIT;
	c.argv = argv;
	c.out = PROC_PIPE;
	c.err = PROC_TO_OUT;
	struct strbuf sb = {0};
	int st = proc_capture(&c, 0, &sb);
	*status = st >= 0 && st < 128 ? st : -1;
	return strbuf_detach(&sb);
}

/* The last non-empty line of text, in place. */
static const char *last_line(char *text)
{
	size_t n = strlen(text);
	while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		text[--n] = '\0';
	char *nl = strrchr(text, '\n');
	return nl ? nl + 1 : text;
}

/* Runs `python harness_gym.py describe ...` and reads its marker line. */
static json_t *describe_process(const struct params *o, char *why, size_t n)
{
	char py[4096], script[4096];
	snprintf(py, sizeof(py), "%s/bin/python", pyenv_venv());
	snprintf(script, sizeof(script), "%s/harness_gym.py", HARNESS_PYDIR);
	if (access(py, X_OK)) {
		snprintf(why, n, "Python environments need the project's virtual environment "
			 "(no %.300s): run 'make venv'", py);
		return NULL;
	}
	const char *target = params_str(o, "target");
	char *argv[] = { py, script, "describe", (char *)pyenv__kind_of(target), (char *)pyenv__target_name(target),
			 (char *)params_str(o, "modules"), (char *)params_str(o, "kwargs"),
			 (char *)params_str(o, "wrappers"), NULL };
	int status;
	char *out = capture(argv, &status);
	if (!out) {
		snprintf(why, n, "cannot run %s", py);
		return NULL;
	}
	json_t *d = NULL;
	const char *marker = "harness-describe ";
	for (char *line = out; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (!strncmp(line, marker, strlen(marker)))
			d = json_loads(line + strlen(marker), 0, NULL);
		if (nl)
			*nl = '\n';
		line = nl ? nl + 1 : NULL;
	}
	if (status != 0 || !d) {
		snprintf(why, n, "%s", status == 0 ? "the bridge printed no description" : last_line(out));
		json_decref(d);
		d = NULL;
	}
	free(out);
	return d;
}

int pyenv__configure(const struct params *opts, struct env_info *info, char *why, size_t n)
{
	const char *target = params_str(opts, "target");
	if (!pyenv_is_python_id(target) || !target[strcspn(target, ":") + 1]) {
		snprintf(why, n, "'%s' is not gym:ID or py:module:Class", target);
		return -1;
	}
	char *key = options_key(opts);
	for (struct described *c = described_cache; c; c = c->next)
		if (!strcmp(c->key, key)) {
			free(key);
			*info = c->info;
			return 0;
		}
	json_t *d = embed_here ? pyenv_describe_embedded(opts, why, n) : describe_process(opts, why, n);
	int hwc;
	if (!d || info_from_json(d, params_str(opts, "image_layout"), info, &hwc, why, n)) {
		json_decref(d);
		free(key);
		return -1;
	}
	struct described *c = xcalloc(1, sizeof(*c));
	c->key = key;
	c->info = *info;
	c->hwc = hwc;
	const char *v = json_string_value(json_object_get(d, "versions"));
	c->versions = xstrdup(v ? v : "");
	c->next = described_cache;
	described_cache = c;
	json_decref(d);
	return 0;
}

static const struct described *described_of(const struct params *opts)
{
	char *key = options_key(opts);
	const struct described *c = described_cache;
	while (c && strcmp(c->key, key))
		c = c->next;
	free(key);
	return c;
}

int pyenv__hwc(const struct params *opts)
{
	const struct described *d = described_of(opts);
	return d ? d->hwc : 0;
}

const char *pyenv_versions(const struct params *opts)
{
	char *key = options_key(opts);
	const char *v = NULL;
	for (struct described *c = described_cache; c && !v; c = c->next)
		if (!strcmp(c->key, key))
			v = c->versions;
	free(key);
	return v;
}

double pyenv_loop_rate(const char *gym_id, double seconds)
{
	return pyenv_loop_rate_wrapped(gym_id, NULL, NULL, seconds);
}

double pyenv_loop_rate_wrapped(const char *gym_id, const char *kwargs_json,
			       const char *wrappers_json, double seconds)
{
	char py[4096], script[4096], secs[32];
	snprintf(py, sizeof(py), "%s/bin/python", pyenv_venv());
	snprintf(script, sizeof(script), "%s/harness_gym.py", HARNESS_PYDIR);
	snprintf(secs, sizeof(secs), "%g", seconds);
	char *argv[] = { py, script, "loop-rate", (char *)gym_id, secs,
			 (char *)(kwargs_json ? kwargs_json : "{}"),
			 (char *)(wrappers_json ? wrappers_json : "[]"), NULL };
	int status;
	char *out = capture(argv, &status);
	double rate = -1;
	const char *m = out ? strstr(out, "harness-loop-rate ") : NULL;
	if (status == 0 && m)
		rate = strtod(m + strlen("harness-loop-rate "), NULL);
	free(out);
	return rate;
}
