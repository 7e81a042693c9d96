"""make_extra.py - regenerates the extra MinAtar reference trajectories in this folder
(the files listed in EXTRA below; the others come from ../shared/reference/minatar).

Each file is produced by MinAtar 1.0.15's own Python (kenjyoung/MinAtar, GPL-3.0; nothing of it
is in this project) driven by a scripted policy that reads the game's internals to reach rules
the shared files reach rarely or never: Space Invaders' wave wrapping round on its last
descent and the ramp's floor, Seaquest's maximal ramp, shots from submarines that die on their
shot frame, torpedo hits on cells holding two enemies, a seventh diver met with six on board,
oxygen running out. Same format and seeding as the shared files (env.seed(S) then reset();
unseeded reset() after each end; sticky actions 0.1, difficulty ramping on, all 6 actions);
the actions are recorded, so replaying needs none of this.

Usage: python3 make_extra.py [MINATAR_SOURCE_DIR]   (numpy 1.24; writes next to this script)
Without the argument `import minatar` must find MinAtar 1.0.15.
"""
import copy
import os
import sys

import numpy as np

if len(sys.argv) > 1:
    sys.path.insert(0, sys.argv[1])
from minatar.environment import Environment  # noqa: E402

# file, game, seed, policy, steps, probability of a random action, lines kept (None: all)
EXTRA = [
    ("traj_space_invaders_seed2_wrap.csv", "space_invaders", 2, "wrap", 1200, 0.0, None),
    ("traj_space_invaders_seed4_lookahead.csv", "space_invaders", 4, "look", 5000, 0.01, 1500),
    ("traj_seaquest_seed3_bob.csv", "seaquest", 3, "bob", 3000, 0.03, 1500),
    ("traj_seaquest_seed45_hunt.csv", "seaquest", 45, "hunt", 4000, 0.1, 460),
    ("traj_seaquest_seed115_hunt.csv", "seaquest", 115, "hunt", 400, 0.1, None),
    ("traj_seaquest_seed506_hunt.csv", "seaquest", 506, "hunt", 830, 0.1, None),
    ("traj_seaquest_seed304_greedy6.csv", "seaquest", 304, "greedy6", 320, 0.1, None),
    ("traj_seaquest_seed50_drown.csv", "seaquest", 50, "drown", 1500, 0.05, 460),
]


def si_wrap(e, prng):
    """Shoot the bottom row's aliens right of the wave's third column, then wait at the right
    dodging: the wave's last descent then happens with the cannon alive (the wrap-around)."""
    pos, aliens = e.pos, e.alien_map
    bottom = max(r for r in range(10) if aliens[r].any())
    left = min(c for c in range(10) if aliens[:, c].any())
    targets = [c for c in range(left + 3, 10) if aliens[bottom, c]]
    if targets:
        if e.e_bullet_map[8, pos] or e.e_bullet_map[7, pos]:
            return 1 if pos > 0 else 3
        if pos == targets[0]:
            return 5
        return 3 if pos < targets[0] else 1

    def danger(p):
        return (e.e_bullet_map[8, p] or e.e_bullet_map[7, p] or aliens[9, p]
                or aliens[8, p] and bottom == 8)
    best = None
    for a in (0, 1, 3):
        p = min(9, max(0, pos + (-1 if a == 1 else 1 if a == 3 else 0)))
        score = -10 * bool(danger(p)) - 3 * (p < 6) + 0.1 * prng.rand()
        if best is None or score > best[0]:
            best = (score, a)
    return best[1]


def si_lookahead(e, prng):
    """Two actions then six no-ops simulated on a copy: survive, hit, stay near the aliens."""
    best = None
    for a in (5, 0, 1, 3):
        for b in (5, 0, 1, 3):
            c = copy.deepcopy(e)
            total, dead = 0, False
            for k, x in enumerate([a, b, 0, 0, 0, 0, 0, 0]):
                r, t = c.act(x)
                total += r * (0.9 ** k)
                if t:
                    dead = True
                    break
            cols = [cc for cc in range(10) if c.alien_map[:, cc].any()]
            near = min(abs(cc - c.pos) for cc in cols) if cols else 0
            score = total - 100 * dead - 0.1 * near + 0.01 * prng.rand()
            if best is None or score > best[0]:
                best = (score, a)
    return best[1]


def nearest_diver(e):
    return min(e.divers, key=lambda d: abs(d[0] - e.sub_x) + abs(d[1] - e.sub_y))


def seaquest_policy(e, policy, prng):
    """A goal cell from the policy's rule, then the one-step move nearest it away from danger.
    bob: after a six-diver surfacing (count -1) dive and surface again and again (the ramp);
    hunt: bob, then at the top of the ramp go to the busiest row and fire; greedy6: with six
    on board keep chasing divers; drown: never surface."""
    x, y = e.sub_x, e.sub_y
    enemies = [(z[0], z[1]) for z in e.e_fish + e.e_subs] + [(b[0], b[1]) for b in e.e_bullets]

    def danger(px, py):
        return sum(1 for (ex, ey) in enemies if ey == py and abs(ex - px) <= 1)
    hunt = policy == "hunt" and e.ramp_index >= 19 and e.diver_count < 0 and e.oxygen > 60
    if policy == "drown":
        goal = tuple(nearest_diver(e)[:2]) if e.divers else (x, 4)
        goal = (goal[0], max(1, goal[1]))
    elif policy == "greedy6" and e.diver_count >= 6 and e.oxygen > 50 and e.divers:
        goal = tuple(nearest_diver(e)[:2])
    elif hunt:
        per_row = [sum(1 for (ex, ey) in enemies if ey == r) for r in range(10)]
        goal = (x, max(range(1, 9), key=lambda r: (per_row[r], -abs(r - y))))
    elif policy in ("bob", "hunt") and e.diver_count < 0:
        goal = (x, 0) if y > 0 else (x, 1)
    elif (e.diver_count >= 6 or (e.oxygen < 40 + 10 * y and e.diver_count != 0)
          or (policy in ("bob", "hunt") and e.diver_count > 0 and e.oxygen < 150)):
        goal = (x, 0)
    elif e.divers:
        goal = tuple(nearest_diver(e)[:2])
    else:
        goal = (x, 4)
    best = None
    for a in range(6):
        px, py = x, y
        if a == 1:
            px = max(0, x - 1)
        elif a == 3:
            px = min(9, x + 1)
        elif a == 2:
            py = max(0, y - 1)
        elif a == 4:
            py = min(8, y + 1)
        score = -5 * danger(px, py)
        if py == 0 and y > 0 and (e.diver_count == 0 or policy == "drown"):
            score -= 20
        score -= abs(goal[0] - px) + abs(goal[1] - py)
        if a == 5:
            ahead = [ex for (ex, ey) in enemies if ey == y and ((ex > x) if e.sub_or else (ex < x))]
            if ahead and e.shot_timer == 0:
                score += 4.0 if hunt else 1.5
        score += 0.3 * prng.rand()
        if best is None or score > best[0]:
            best = (score, a)
    return best[1]


def trajectory(game, seed, policy, steps, eps, lines):
    env = Environment(game)
    env.seed(seed)
    env.reset()
    prng = np.random.RandomState(20000 + seed)

    def state():
        return np.packbits(env.state().astype(np.uint8).ravel()).tobytes().hex()
    rows = ["episode,t,action,action_taken,reward,terminated,state",
            "0,0,-1,-1,0,0," + state()]
    ep, t = 0, 0
    for _ in range(steps):
        if lines is not None and len(rows) >= lines:
            break
        if prng.rand() < eps:
            a = prng.randint(6)
        elif policy == "wrap":
            a = si_wrap(env.env, prng)
        elif policy == "look":
            a = si_lookahead(env.env, prng)
        else:
            a = seaquest_policy(env.env, policy, prng)
        r, term = env.act(a)
        t += 1
        rows.append("%d,%d,%d,%d,%d,%d,%s" % (ep, t, a, env.last_action, r, int(term), state()))
        if term:
            ep, t = ep + 1, 0
            env.reset()
            rows.append("%d,0,-1,-1,0,0,%s" % (ep, state()))
    return rows[:lines] if lines is not None else rows


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for name, game, seed, policy, steps, eps, lines in EXTRA:
        rows = trajectory(game, seed, policy, steps, eps, lines)
        with open(os.path.join(here, name), "w") as f:
            f.write("\n".join(rows) + "\n")
        print(name, len(rows) - 1, "rows")


if __name__ == "__main__":
    main()
