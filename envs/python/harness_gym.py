"""harness_gym - the Python side of the harness's Gymnasium bridge.

The harness embeds CPython in each cell's worker process and calls make() once
per environment instance; describe() tells the spec checker (run as a separate
`python harness_gym.py describe ...` process, so the harness's own process never
hosts Python) the spaces. Everything else (reset, step) the C side calls on the
environment object directly.

An id is either a Gymnasium id ("CartPole-v1", "ALE/Pong-v5", "mod:MyEnv-v0",
which imports mod first, as gymnasium.make does) or, with kind "class", a
"module:Class" whose instances are Gymnasium environments.
"""
import importlib
import json
import sys



def _register_ale(gym):
    gym.register_envs(_import("ale_py"))


def _register_minatar(gym):
    if "MinAtar/Breakout-v0" not in gym.registry:
        _import("minatar.gym").register_envs()


# Namespaces whose ids a package registers only when asked.
NAMESPACES = {"ALE": _register_ale, "MinAtar": _register_minatar}


def _import(name):
    try:
        return importlib.import_module(name)
    except ImportError as e:
        raise ImportError(f"cannot import '{name}': {e}") from None


def make(kind, env_id, modules, kwargs_json, wrappers_json):
    import gymnasium as gym
    for m in filter(None, (s.strip() for s in modules.split(","))):
        _import(m)
    kwargs = json.loads(kwargs_json) if kwargs_json else {}
    if not isinstance(kwargs, dict):
        raise ValueError("kwargs must be a JSON object")
    if kind == "class":
        mod, sep, cls = env_id.partition(":")
        if not sep or not mod or not cls:
            raise ValueError(f"'{env_id}' is not module:Class")
        env = getattr(_import(mod), cls)(**kwargs)
    else:
        ns = env_id.split("/", 1)[0] if "/" in env_id else None
        if ns in NAMESPACES:
            NAMESPACES[ns](gym)
        env = gym.make(env_id, **kwargs)
    wrappers = json.loads(wrappers_json) if wrappers_json else []
    if not isinstance(wrappers, list):
        raise ValueError("wrappers must be a JSON list")
    for w in wrappers:
        name, args = (w, {}) if isinstance(w, str) else (w[0], w[1] if len(w) > 1 else {})
        cls = getattr(gym.wrappers, name, None)
        if cls is None:
            raise ValueError(f"no wrapper gymnasium.wrappers.{name}")
        env = cls(env, **args)
    if not isinstance(env.action_space, gym.spaces.Discrete):
        raise ValueError(f"action space {env.action_space} is not Discrete "
                         "(the harness's learners take discrete actions only)")
    return env


def _num(x):
    """A bound for JSON: infinities as the strings "inf" and "-inf"."""
    x = float(x)
    return x if x == x and abs(x) != float("inf") else ("inf" if x > 0 else "-inf")


def spaces(env):
    """The spaces as a dict the C side reads (also printed by describe)."""
    import gymnasium as gym
    import numpy as np
    o, a = env.observation_space, env.action_space
    d = {"n_actions": int(a.n), "action_start": int(a.start)}
    if isinstance(o, gym.spaces.Discrete):
        d.update(obs="discrete", n=int(o.n), start=int(o.start), shape=[1], dtype="int64")
    elif isinstance(o, gym.spaces.Box):
        d.update(obs="box", shape=[int(s) for s in o.shape], dtype=str(o.dtype),
                 low=[_num(x) for x in np.ravel(o.low)][:64],
                 high=[_num(x) for x in np.ravel(o.high)][:64],
                 low_min=_num(np.min(o.low)), high_max=_num(np.max(o.high)))
    else:
        raise ValueError(f"observation space {o} is neither Box nor Discrete")
    d["state_dim"] = _state_dim(env)
    spec = getattr(env, "spec", None)
    d["max_episode_steps"] = int(spec.max_episode_steps) if spec and spec.max_episode_steps else 0
    return d


def as_array(obs):
    """A C-contiguous numeric array of an observation (views, LazyFrames, lists); raises otherwise."""
    import numpy as np
    a = np.ascontiguousarray(obs)
    if a.dtype.kind not in "biuf":
        raise TypeError(f"observation of dtype {a.dtype}")
    return a


def _state_dim(env):
    """Length of env.unwrapped.state when it is a flat float array (classic control), else 0."""
    import numpy as np
    st = getattr(env.unwrapped, "state", None)
    try:
        a = np.asarray(st, dtype=np.float64)
    except (TypeError, ValueError):
        return 0
    return int(a.size) if st is not None and a.ndim == 1 else 0


def set_state(env, values):
    """Sets env.unwrapped.state (float64) after a reset; returns the observation.

    Classic control keeps its whole state there; the observation is the
    environment's own view of it (_get_ob / _get_obs), else the state as float32.
    """
    import numpy as np
    u = env.unwrapped
    u.state = np.array(values, dtype=np.float64)
    for name in ("_get_ob", "_get_obs"):
        if hasattr(u, name):
            return getattr(u, name)()
    return np.array(u.state, dtype=np.float32)


def versions(env_id=""):
    """Python and package versions that can change a Python environment's results."""
    from importlib import metadata
    out = {"python": sys.version.split()[0]}
    for p in ("gymnasium", "numpy", "ale-py", "box2d", "pygame", "minatar"):
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            pass
    return ";".join(f"{k}={v}" for k, v in out.items())


def describe(kind, env_id, modules, kwargs_json, wrappers_json):
    env = make(kind, env_id, modules, kwargs_json, wrappers_json)
    try:
        env.reset(seed=0)  # classic control makes its state at reset
        d = spaces(env)
    finally:
        env.close()
    d["versions"] = versions()
    return d


def loop_rate(env_id, seconds):
    """Steps/s of a plain Python loop over env.step (random actions, reset at episode end):
    the yardstick for the bridge's overhead (harness bench --only gym)."""
    import random
    import time
    env = make("id", env_id, "", "", "")
    n_actions, rnd = int(env.action_space.n), random.Random(1)
    env.reset(seed=0)
    best = 0.0
    for _ in range(5):  # best of five windows, as harness bench does
        n, t0 = 0, time.perf_counter()
        while True:
            for _ in range(256):
                _, _, te, tr, _ = env.step(rnd.randrange(n_actions))
                if te or tr:
                    env.reset()
            n += 256
            t = time.perf_counter() - t0
            if t >= seconds / 5:
                break
        best = max(best, n / t)
    env.close()
    return best


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "loop-rate":
        print("harness-loop-rate %.1f" % loop_rate(sys.argv[2], float(sys.argv[3])))
        sys.exit(0)
    if len(sys.argv) != 7 or sys.argv[1] != "describe":
        print("usage: harness_gym.py describe KIND ID MODULES KWARGS WRAPPERS", file=sys.stderr)
        sys.exit(2)
    try:
        # A marker line: packages may print banners to stdout (ale-py does).
        print("harness-describe " + json.dumps(describe(*sys.argv[2:])))
    except BaseException as e:  # one line for the harness's error message
        print(f"{type(e).__name__}: {e}".splitlines()[0] if str(e) else type(e).__name__,
              file=sys.stderr)
        sys.exit(1)
