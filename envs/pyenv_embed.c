/*
 * pyenv_embed.c - the embedded CPython half of Gymnasium environments
 * (pyenv.c is the other half: ids, options, the describe process): the
 * interpreter started once per process with the project's venv, and the
 * environment's init, reset, step, seeding and state through harness_gym.py.
 * Built without Python, every entry refuses with a message. See pyenv.c.
 */
#include "pyconf.h"
#ifdef HAVE_PYTHON
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#endif
#include "env.h"
#include "proc.h"
#include "pyenv.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "pyenv_impl.h"

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

json_t *pyenv_describe_embedded(const struct params *o, char *why, size_t n)
{
	if (start_python(why, n))
		return NULL;
	const char *target = params_str(o, "target");
	PyObject *r = PyObject_CallMethod(bridge, "describe_json", "sssss", pyenv__kind_of(target),
					  pyenv__target_name(target), params_str(o, "modules"),
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
	PyObject *env = PyObject_CallMethod(bridge, "make", "sssss", pyenv__kind_of(target),
					    pyenv__target_name(target), params_str(opts, "modules"),
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
	if (pyenv__configure(opts, &st->info, why, sizeof(why)))
		return error("'%s': %s", target, why);
	st->hwc = pyenv__hwc(opts);
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

json_t *pyenv_describe_embedded(const struct params *o, char *why, size_t n)
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
	.configure = pyenv__configure,
	.init = pyenv_init,
	.release = pyenv_release,
	.reset = pyenv_reset,
	.step = pyenv_step,
	.seed = pyenv_seed,
	.status = pyenv_status,
	.set_state = pyenv_set_state,
};
