"""A user-defined Gymnasium environment for tests/it_gym.sh: a corridor to walk right along.

Options for the tests: fail_at raises in step number fail_at; bad_shape returns
three values where the observation space has two; bad_type returns a string.
"""
import gymnasium as gym
import numpy as np

class Corridor(gym.Env):
    """Walk right to the end of a corridor of length n: reward 1 at the end."""
    def __init__(self, n=5, fail_at=-1, bad_shape=False, bad_type=False):
        self.n, self.fail_at, self.bad_shape, self.bad_type = n, fail_at, bad_shape, bad_type
        self.observation_space = gym.spaces.Box(0, n, (2,), np.float32)
        self.action_space = gym.spaces.Discrete(2)
    def reset(self, seed=None, options=None):
        super().reset(seed=seed)
        self.pos, self.t = int(self.np_random.integers(0, 2)), 0
        return self._obs(), {}
    def _obs(self):
        if self.bad_type:
            return "position %d" % self.pos
        if self.bad_shape:
            return np.zeros(3, np.float32)
        return np.array([self.pos, self.n - self.pos], np.float32)
    def step(self, a):
        self.t += 1
        if self.t == self.fail_at:
            raise RuntimeError("the corridor collapsed")
        self.pos = max(0, self.pos + (1 if a == 1 else -1))
        done = self.pos >= self.n
        return self._obs(), float(done), done, self.t >= 50, {}
