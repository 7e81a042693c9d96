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
#include "pyenv.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>


static const struct param_def pyenv_options[] = {
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

static const char *kind_of(const char *id)
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
static json_t *describe_embedded(const struct params *o, char *why, size_t n);

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
static const char *target_name(const char *target)
{
	return strchr(target, ':') + 1;
}

/*
 * Runs argv with stdout and stderr into one pipe and returns all it printed
 * (caller frees) and its exit status in *status (-1 when it did not exit).
 */
static char *capture(char *const argv[], int *status)
{
	int fds[2];
	*status = -1;
	if (pipe(fds))
		return NULL;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return NULL;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], argv);
		error("cannot run '%s'", argv[0]);
		_exit(127);
	}
	close(fds[1]);
	struct strbuf sb = {0};
	char buf[4096];
	ssize_t got;
	while ((got = read(fds[0], buf, sizeof(buf))) != 0) {
		if (got < 0)
			break;
		strbuf_add(&sb, buf, (size_t)got);
	}
	close(fds[0]);
	int ws;
	while (waitpid(pid, &ws, 0) < 0)
		;
	if (WIFEXITED(ws))
		*status = WEXITSTATUS(ws);
	if (!sb.buf)
		strbuf_addstr(&sb, "");
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
	char *argv[] = { py, script, "describe", (char *)kind_of(target), (char *)target_name(target),
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

static int pyenv_configure(const struct params *opts, struct env_info *info, char *why, size_t n)
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
	json_t *d = embed_here ? describe_embedded(opts, why, n) : describe_process(opts, why, n);
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

/* ---- the embedded interpreter (cell workers and `harness env`) */

struct pyenv_state {
	void *env;          /* PyObject *: the Gymnasium environment */
	struct env_info info;
	int discrete_start; /* Discrete(n, start): index = obs - start */
	int hwc;            /* observations arrive (H, W, C): transpose to info's (C, H, W) */
	int action_start;
	int have_seed;
	uint64_t seed;      /* for the next reset */
	int truncated;      /* of the last step */
	char error[512];    /* "" or the failure of the last reset/step */
};

#ifdef HAVE_PYTHON

static PyObject *bridge;    /* the harness_gym module */
static PyObject *s_reset, *s_step, *s_seed;

/* "Type: message" of the pending Python exception, one line. */
static void exception_line(char *out, size_t n)
{
	PyObject *type, *value, *tb;
	PyErr_Fetch(&type, &value, &tb);
	PyErr_NormalizeException(&type, &value, &tb);
	const char *tname = type ? ((PyTypeObject *)type)->tp_name : "error";
	PyObject *str = value ? PyObject_Str(value) : NULL;
	const char *msg = str ? PyUnicode_AsUTF8(str) : NULL;
	if (!msg)
		PyErr_Clear();
	snprintf(out, n, "%s%s%s", tname, msg && *msg ? ": " : "", msg ? msg : "");
	for (char *p = out; *p; p++)
		if (*p == '\n' || *p == '\r') {
			*p = '\0';
			break;
		}
	Py_XDECREF(str);
	Py_XDECREF(type);
	Py_XDECREF(value);
	Py_XDECREF(tb);
}

static int start_python(char *why, size_t n)
{
	if (bridge)
		return 0;
	char py[4096];
	snprintf(py, sizeof(py), "%s/bin/python", pyenv_venv());
	if (access(py, X_OK)) {
		snprintf(why, n, "Python environments need the project's virtual environment "
			 "(no %.300s): run 'make venv'", py);
		return -1;
	}
	/* Bundled BLAS libraries (numpy's) single-threaded, like the harness's own. */
	setenv("OPENBLAS_NUM_THREADS", "1", 0);
	setenv("OMP_NUM_THREADS", "1", 0);
	if (!Py_IsInitialized()) {
		PyConfig config;
		PyConfig_InitPythonConfig(&config);
		config.install_signal_handlers = 0; /* SIGINT/SIGTERM stay the harness's */
		config.parse_argv = 0;
		config.buffered_stdio = 1;
		PyStatus st = PyConfig_SetBytesString(&config, &config.program_name, py);
		if (!PyStatus_Exception(st))
			st = Py_InitializeFromConfig(&config);
		PyConfig_Clear(&config);
		if (PyStatus_Exception(st)) {
			snprintf(why, n, "cannot start Python: %s", st.err_msg ? st.err_msg : "?");
			return -1;
		}
	}
	PyObject *path = PySys_GetObject("path"); /* borrowed */
	PyObject *dir = PyUnicode_FromString(HARNESS_PYDIR);
	if (!path || !dir || PyList_Insert(path, 0, dir)) {
		Py_XDECREF(dir);
		exception_line(why, n);
		return -1;
	}
	Py_DECREF(dir);
	bridge = PyImport_ImportModule("harness_gym");
	if (!bridge) {
		exception_line(why, n);
		return -1;
	}
	s_reset = PyUnicode_InternFromString("reset");
	s_step = PyUnicode_InternFromString("step");
	s_seed = PyUnicode_InternFromString("seed");
	return 0;
}

static json_t *describe_embedded(const struct params *o, char *why, size_t n)
{
	if (start_python(why, n))
		return NULL;
	const char *target = params_str(o, "target");
	PyObject *r = PyObject_CallMethod(bridge, "describe_json", "sssss", kind_of(target),
					  target_name(target), params_str(o, "modules"),
					  params_str(o, "kwargs"), params_str(o, "wrappers"));
	if (!r) {
		exception_line(why, n);
		return NULL;
	}
	const char *text = PyUnicode_AsUTF8(r);
	json_t *d = text ? json_loads(text, 0, NULL) : NULL;
	if (!d)
		snprintf(why, n, "the bridge printed no description");
	PyErr_Clear();
	Py_DECREF(r);
	return d;
}

static int pyenv_init(void *state, const struct params *opts)
{
	struct pyenv_state *st = state;
	char why[512];
	if (start_python(why, sizeof(why)))
		return error("%s", why);
	const char *target = params_str(opts, "target");
	PyObject *env = PyObject_CallMethod(bridge, "make", "sssss", kind_of(target),
					    target_name(target), params_str(opts, "modules"),
					    params_str(opts, "kwargs"), params_str(opts, "wrappers"));
	if (!env) {
		exception_line(why, sizeof(why));
		return error("'%s': %s", target, why);
	}
	PyObject *sp = PyObject_CallMethod(bridge, "spaces", "O", env);
	if (!sp) {
		exception_line(why, sizeof(why));
		Py_DECREF(env);
		return error("'%s': %s", target, why);
	}
	PyObject *start = PyDict_GetItemString(sp, "start"); /* borrowed */
	PyObject *astart = PyDict_GetItemString(sp, "action_start");
	st->discrete_start = start ? (int)PyLong_AsLong(start) : 0;
	st->action_start = astart ? (int)PyLong_AsLong(astart) : 0;
	Py_DECREF(sp);
	st->env = env;
	if (pyenv_configure(opts, &st->info, why, sizeof(why)))
		return error("'%s': %s", target, why);
	st->hwc = described_of(opts)->hwc;
	return 0;
}

static void pyenv_release(void *state)
{
	struct pyenv_state *st = state;
	if (st->env) {
		PyObject *r = PyObject_CallMethod(st->env, "close", NULL);
		if (!r)
			PyErr_Clear();
		Py_XDECREF(r);
		Py_DECREF((PyObject *)st->env);
		st->env = NULL;
	}
}

/* Copies an observation into obs as float32, checking its size and kind. */
static int read_obs(struct pyenv_state *st, PyObject *o, float *obs)
{
	if (st->info.obs_kind == SPACE_DISCRETE) {
		long long v = PyLong_AsLongLong(o);
		if (v == -1 && PyErr_Occurred()) {
			PyErr_Clear();
			snprintf(st->error, sizeof(st->error), "returned an observation of type %s, "
				 "its observation_space is Discrete", Py_TYPE(o)->tp_name);
			return -1;
		}
		obs[0] = (float)(v - st->discrete_start);
		return 0;
	}
	Py_buffer view;
	PyObject *arr = NULL; /* a contiguous copy, for views and array-likes */
	if (PyObject_GetBuffer(o, &view, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS)) {
		PyErr_Clear();
		arr = PyObject_CallMethod(bridge, "as_array", "O", o);
		if (!arr || PyObject_GetBuffer(arr, &view, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS)) {
			PyErr_Clear();
			Py_XDECREF(arr);
			snprintf(st->error, sizeof(st->error),
				 "returned an observation of type %s, not an array", Py_TYPE(o)->tp_name);
			return -1;
		}
	}
	Py_ssize_t count = view.itemsize ? view.len / view.itemsize : 0;
	const char *f = view.format ? view.format : "B";
	if (*f == '<' || *f == '=' || *f == '@')
		f++;
	int rc = 0, C = st->info.obs_shape[0], H = st->info.obs_shape[1], W = st->info.obs_shape[2];
	if (count != st->info.obs_dim) {
		snprintf(st->error, sizeof(st->error), "returned an observation of %zd values, its "
			 "observation_space has %d", (ssize_t)count, st->info.obs_dim);
		rc = -1;
	} else if (strlen(f) != 1 || !strchr("fdB?bhHiIlLqQ", *f)) {
		snprintf(st->error, sizeof(st->error), "returned an observation of dtype format '%s'", f);
		rc = -1;
	} else {
		for (Py_ssize_t i = 0; i < count; i++) {
			/* element i of the source: (h, w, c) when hwc, into (c, h, w) */
			Py_ssize_t j = i;
			if (st->hwc) {
				Py_ssize_t c = i % C, hw = i / C;
				j = c * (Py_ssize_t)H * W + hw;
			}
			const char *p = (const char *)view.buf + i * view.itemsize;
			float v;
			switch (*f) {
			case 'f': memcpy(&v, p, sizeof(v)); break;
			case 'd': { double x; memcpy(&x, p, sizeof(x)); v = (float)x; break; }
			case 'B': case '?': v = (float)*(const unsigned char *)p; break;
			case 'b': v = (float)*(const signed char *)p; break;
			case 'h': { short x; memcpy(&x, p, sizeof(x)); v = (float)x; break; }
			case 'H': { unsigned short x; memcpy(&x, p, sizeof(x)); v = (float)x; break; }
			case 'i': { int x; memcpy(&x, p, sizeof(x)); v = (float)x; break; }
			case 'I': { unsigned x; memcpy(&x, p, sizeof(x)); v = (float)x; break; }
			default: { long long x; memcpy(&x, p, sizeof(x)); v = (float)x; break; }
			}
			obs[j] = v;
		}
	}
	PyBuffer_Release(&view);
	Py_XDECREF(arr);
	return rc;
}

static void pyenv_seed(void *state, uint64_t seed)
{
	struct pyenv_state *st = state;
	st->have_seed = 1;
	st->seed = seed;
}

static void pyenv_reset(void *state, struct rng *rng, float *obs)
{
	(void)rng;
	struct pyenv_state *st = state;
	st->error[0] = '\0';
	st->truncated = 0;
	PyObject *res;
	if (st->have_seed) {
		PyObject *kw = PyDict_New(), *args = PyTuple_New(0);
		PyObject *seed = PyLong_FromUnsignedLongLong(st->seed);
		PyObject *fn = PyObject_GetAttr(st->env, s_reset);
		res = kw && args && seed && fn && !PyDict_SetItem(kw, s_seed, seed)
			      ? PyObject_Call(fn, args, kw) : NULL;
		Py_XDECREF(kw);
		Py_XDECREF(args);
		Py_XDECREF(seed);
		Py_XDECREF(fn);
		st->have_seed = 0;
	} else {
		res = PyObject_CallMethodNoArgs(st->env, s_reset);
	}
	memset(obs, 0, sizeof(float) * (size_t)st->info.obs_dim);
	if (!res) {
		exception_line(st->error, sizeof(st->error));
		return;
	}
	if (!PyTuple_Check(res) || PyTuple_GET_SIZE(res) != 2)
		snprintf(st->error, sizeof(st->error), "reset() must return (obs, info)");
	else
		read_obs(st, PyTuple_GET_ITEM(res, 0), obs);
	Py_DECREF(res);
}

static void pyenv_step(void *state, struct rng *rng, int action, float *obs, double *reward,
		       int *terminated)
{
	(void)rng;
	struct pyenv_state *st = state;
	*reward = 0;
	*terminated = 1; /* an error ends the episode */
	st->truncated = 0;
	PyObject *a = PyLong_FromLong(action + st->action_start);
	PyObject *res = a ? PyObject_CallMethodOneArg(st->env, s_step, a) : NULL;
	Py_XDECREF(a);
	if (!res) {
		exception_line(st->error, sizeof(st->error));
		return;
	}
	if (!PyTuple_Check(res) || PyTuple_GET_SIZE(res) != 5) {
		snprintf(st->error, sizeof(st->error),
			 "step() must return (obs, reward, terminated, truncated, info)");
		Py_DECREF(res);
		return;
	}
	double r = PyFloat_AsDouble(PyTuple_GET_ITEM(res, 1));
	int te = PyObject_IsTrue(PyTuple_GET_ITEM(res, 2));
	int tr = PyObject_IsTrue(PyTuple_GET_ITEM(res, 3));
	if ((r == -1 && PyErr_Occurred()) || te < 0 || tr < 0) {
		exception_line(st->error, sizeof(st->error));
	} else if (!read_obs(st, PyTuple_GET_ITEM(res, 0), obs)) {
		*reward = r;
		*terminated = te;
		st->truncated = tr;
	}
	Py_DECREF(res);
}

static int pyenv_set_state(void *state, const double *vals, int n, float *obs, char *why,
			   size_t wn)
{
	struct pyenv_state *st = state;
	PyObject *list = PyList_New(n);
	for (int i = 0; list && i < n; i++)
		PyList_SET_ITEM(list, i, PyFloat_FromDouble(vals[i]));
	PyObject *o = list ? PyObject_CallMethod(bridge, "set_state", "OO", st->env, list) : NULL;
	Py_XDECREF(list);
	if (!o) {
		exception_line(why, wn);
		return -1;
	}
	st->error[0] = '\0';
	int rc = read_obs(st, o, obs);
	Py_DECREF(o);
	if (rc)
		snprintf(why, wn, "%s", st->error);
	return rc;
}

#else /* !HAVE_PYTHON */

static json_t *describe_embedded(const struct params *o, char *why, size_t n)
{
	(void)o;
	snprintf(why, n, "this harness was built without Python (no python3-embed)");
	return NULL;
}

static int pyenv_init(void *state, const struct params *opts)
{
	(void)state;
	return error("'%s': this harness was built without Python (no python3-embed)",
		     params_str(opts, "target"));
}
static void pyenv_release(void *state) { (void)state; }
static void pyenv_seed(void *state, uint64_t seed) { (void)state; (void)seed; }
static void pyenv_reset(void *state, struct rng *rng, float *obs) { (void)state; (void)rng; (void)obs; }
static void pyenv_step(void *state, struct rng *rng, int action, float *obs, double *reward,
		       int *terminated)
{
	(void)state; (void)rng; (void)action; (void)obs;
	*reward = 0;
	*terminated = 1;
}

static int pyenv_set_state(void *state, const double *vals, int n, float *obs, char *why,
			   size_t wn)
{
	(void)state; (void)vals; (void)n; (void)obs;
	snprintf(why, wn, "built without Python");
	return -1;
}

#endif

static const char *pyenv_status(void *state, int *truncated)
{
	struct pyenv_state *st = state;
	*truncated = st->truncated;
	return st->error[0] ? st->error : NULL;
}

const struct env_vtable pyenv_vtable = {
	.name = "gymnasium",
	.options = pyenv_options,
	.state_size = sizeof(struct pyenv_state),
	.configure = pyenv_configure,
	.init = pyenv_init,
	.release = pyenv_release,
	.reset = pyenv_reset,
	.step = pyenv_step,
	.seed = pyenv_seed,
	.status = pyenv_status,
	.set_state = pyenv_set_state,
};

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
