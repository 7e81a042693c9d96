#!/usr/bin/env bash
# tests/it_gym.sh - Gymnasium environments through the harness (envs/pyenv.c):
#  - cross-checks: Gymnasium's own CartPole-v1, MountainCar-v0 and Acrobot-v1,
#    given the same internal state and actions, reproduce the built-in C
#    environments' trajectories bit for bit (`harness env replay` of both);
#  - MinAtar's Python package and the harness's C games agree frame for frame;
#  - a user's own environment (tests/data/gym/corridor_env.py, py:module:Class)
#    and Gymnasium ids (gym:FrozenLake-v1 with make kwargs, gym:CartPole-v1)
#    through run -> store -> verify -> figures, byte-identical across -j;
#  - bad input: unknown id, missing module, continuous actions (one-line
#    errors naming the spec file, line and key); a Python exception in step
#    and an observation of the wrong shape or type end only that cell, recorded
#    as error with the exception's last line.
# Needs the project's virtual environment (make test makes it: make venv).
set -u
cd "$(dirname "$0")/.."
H=${HARNESS:-$PWD/bin/harness}
DATA=${TEST_DATA:-$PWD/tests/data}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
export PYTHONPATH=$DATA/gym
# Python's own allocations are never freed before exit (no Py_Finalize in a
# worker): not ours to report under LeakSanitizer.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0

# --- cross-checks with the built-in environments, bit for bit -----------------
# id, actions, and states to start from (the float64 state, read exactly)
check() {
	local id=$1 na=$2
	shift 2
	for st in "$@"; do
		for k in 1 2; do
			acts=$(/usr/bin/python3 -c "import random; r = random.Random($k); print(','.join(str(r.randrange($na)) for _ in range(120)))")
			# up to the end of the episode, when it ends sooner
			"$H" env replay "$id" --state "$st" --actions "$acts" > "$T/c" 2>&1 ||
				acts=$(echo "$acts" | cut -d, -f"1-$(sed -n 's/.*episode ended at t=\([0-9]*\).*/\1/p' "$T/c")")
			"$H" env replay "$id" --state "$st" --actions "$acts" > "$T/c" 2>&1
			"$H" env replay "gym:$id" --state "$st" --actions "$acts" > "$T/p" 2>&1
			[ "$(wc -l < "$T/c")" -gt 8 ] || fail "$id from $st: the built-in replay printed $(cat "$T/c")"
			cmp -s "$T/c" "$T/p" || fail "gym:$id differs from the built-in $id from state $st: $(diff "$T/c" "$T/p" | head -n 3)"
		done
	done
}
check CartPole-v1 2 0.01,-0.02,0.03,0.04 -0.04,0.01,-0.02,0.03 0,0,0.1,0
check MountainCar-v0 3 -0.5,0 -0.6,0.01 -0.45,-0.02
check Acrobot-v1 3 0.1,-0.1,0.05,0.02 -0.08,0.03,0.09,-0.1 0,0,0,0

# MinAtar: the Python package (through Gymnasium) and the harness's C games
# agree frame for frame for the same seed, all five games, both action sets.
# Both print bool frames as one `state` column (numpy.packbits of the
# (10, 10, C) grid, hex): Gymnasium's bool (10, 10, C) observations are a bool
# image too, transposed to (C, 10, 10) and packed back in MinAtar's order.
for g in Asterix Breakout Freeway Seaquest SpaceInvaders; do
	for v in v0 v1; do
		na=$("$H" envs "MinAtar/$g-$v" 2>/dev/null | grep -o "Discrete([0-9]*)" | tail -n 1 | tr -dc 0-9)
		[ -n "$na" ] || { fail "harness envs MinAtar/$g-$v: no action space"; continue; }
		for seed in 0 123456; do
			acts=$(/usr/bin/python3 -c "import random; r = random.Random($seed); print(','.join(str(r.randrange($na)) for _ in range(300)))")
			"$H" env replay "MinAtar/$g-$v" --seed $seed --actions "$acts" > "$T/c" 2> "$T/ce" ||
				acts=$(echo "$acts" | cut -d, -f"1-$(sed -n 's/.*episode ended at t=\([0-9]*\).*/\1/p' "$T/ce")")
			"$H" env replay "MinAtar/$g-$v" --seed $seed --actions "$acts" > "$T/c" 2>&1
			"$H" env replay "gym:MinAtar/$g-$v" --seed $seed --actions "$acts" > "$T/p" 2> /dev/null
			[ "$(wc -l < "$T/c")" -gt 3 ] || fail "MinAtar/$g-$v seed $seed: $(head -c 300 "$T/c")"
			cmp -s "$T/c" "$T/p" || fail "gym:MinAtar/$g-$v differs from MinAtar/$g-$v, seed $seed"
		done
	done
done

# The same with the options set and across episodes: MinAtar's own Environment
# plays (random for every game; deep states from a heuristic for Breakout and
# Freeway), with sticky 0.3 and ramping off, the action lists ('r' where an
# episode ended) replayed by both.
cat > "$T/play.py" <<'PY'
import random, sys
from minatar import Environment
game, policy, seed, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
env = Environment(game, sticky_action_prob=0.3, difficulty_ramping=False)
env.seed(seed)
env.reset()
rng, acts = random.Random(seed), []
for _ in range(n):
    g = env.env
    if policy == "random":
        a = rng.randrange(6)
    elif game == "breakout":
        a = 1 if g.ball_x < g.pos else 3 if g.ball_x > g.pos else 0
    else:
        a = 2  # freeway: up
    acts.append(str(a))
    if env.act(a)[1]:
        acts.append("r")
        env.reset()
print(",".join(acts))
PY
for play in asterix:Asterix:random breakout:Breakout:random freeway:Freeway:random seaquest:Seaquest:random \
	space_invaders:SpaceInvaders:random breakout:Breakout:heuristic freeway:Freeway:heuristic; do
	IFS=: read -r game g policy <<< "$play"
	"$PWD/.venv/bin/python" "$T/play.py" "$game" "$policy" 9 1500 > "$T/acts" || { fail "MinAtar's Environment: $game"; continue; }
	"$H" env replay "MinAtar/$g-v0" --option sticky_action_prob=0.3 --option difficulty_ramping=false --seed 9 \
		--actions @"$T/acts" > "$T/c" 2>&1
	"$H" env replay "gym:MinAtar/$g-v0" --option 'kwargs={"sticky_action_prob": 0.3, "difficulty_ramping": false}' \
		--seed 9 --actions @"$T/acts" > "$T/p" 2> /dev/null
	[ "$(wc -l < "$T/c")" -gt 1500 ] || fail "MinAtar/$g-v0 ($policy, options): $(head -c 300 "$T/c")"
	cmp -s "$T/c" "$T/p" || fail "gym:MinAtar/$g-v0 differs from MinAtar/$g-v0 ($policy, sticky 0.3, ramping off)"
done

# Seeding follows Gymnasium: reset(seed=S) once, then the stream continues.
"$H" env replay gym:CartPole-v1 --seed 7 --actions 0 > "$T/s7" 2>&1 || fail "replay --seed 7: $(cat "$T/s7")"
want=$("$PWD/.venv/bin/python" -c '
import gymnasium as gym
e = gym.make("CartPole-v1"); o, _ = e.reset(seed=7)
print(",".join("%.9g" % x for x in o))')
[ "$(sed -n 2p "$T/s7" | cut -d, -f3-6)" = "$want" ] || fail "reset(seed=7): harness $(sed -n 2p "$T/s7"), Gymnasium $want"

# --- a user's environment and Gymnasium ids through the whole pipeline --------
cat > "$T/gympipe.cfg" <<'EOF'
name = "gympipe";
seed = 0;
seeds = 2;
budget = { steps = 2000; };
eval = { every = 1000; episodes = 3; };
envs = (
  { id = "gym:FrozenLake-v1"; kwargs = { is_slippery = false; }; },
  { id = "py:corridor_env:Corridor"; kwargs = { n = 4; }; },
  { id = "gym:CartPole-v1"; }
);
algorithms = (
  { name = "q"; learner = "q_learning"; envs = ["gym:FrozenLake-v1"]; },
  { name = "dqn"; learner = "dqn"; envs = ["py:corridor_env:Corridor", "gym:CartPole-v1"];
    learning_starts = 200; hidden = [16]; }
);
EOF
hashes() { sqlite3 "$1/harness.db" "SELECT cell_id, content_hash FROM runs WHERE status='complete' ORDER BY cell_id"; }
"$H" run "$T/gympipe.cfg" -j 2 --results "$T/a" > "$T/run_a" 2>&1 || fail "run -j 2: $(tail -n 3 "$T/run_a")"
(cd / && "$H" run "$T/gympipe.cfg" -j 1 --results "$T/b" --no-plot > "$T/run_b" 2>&1) || fail "run -j 1: $(tail -n 3 "$T/run_b")"
[ "$(hashes "$T/a" | wc -l)" = 6 ] || fail "expected 6 complete cells, got: $(hashes "$T/a")"
[ "$(hashes "$T/a")" = "$(hashes "$T/b")" ] || fail "results differ between -j 2 and -j 1"
"$H" verify gympipe --results "$T/a" > "$T/verify" 2>&1 || fail "verify: $(tail -n 2 "$T/verify")"
ls "$T/a/gympipe/figures/"*.png > /dev/null 2>&1 || fail "no figures"
# the Python side's versions are in every run's provenance: database, run file and export
pyv=$(sqlite3 "$T/a/harness.db" "SELECT DISTINCT python_versions FROM runs")
[ "$(printf '%s\n' "$pyv" | wc -l)" = 1 ] || fail "python_versions differ between runs: $pyv"
case "$pyv" in python=3.*gymnasium=1.*numpy=*) ;; *) fail "python_versions in the database: '$pyv'" ;; esac
f=$(sqlite3 "$T/a/harness.db" "SELECT h5_path FROM runs WHERE cell_id LIKE 'gym:CartPole-v1/%' LIMIT 1")
h5dump -a /provenance/python_versions "$T/a/$f" > "$T/pyv_h5" || fail "h5dump of /provenance/python_versions"
grep -qF "\"$pyv\"" "$T/pyv_h5" || fail "the run file's python_versions is not the database's: $(cat "$T/pyv_h5")"
"$H" export gympipe --csv --results "$T/a" -o "$T/runs.csv" || fail "export"
/usr/bin/python3 - "$T/runs.csv" "$pyv" <<'PY' || fail "export's python_versions column"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 6 and all(r["python_versions"] == sys.argv[2] for r in rows), rows[0].get("python_versions")
PY

# --- bad input ----------------------------------------------------------------
bad_spec() { # name, env entry, algorithm envs, expected text
	cat > "$T/$1.cfg" <<EOF
name = "$1";
seeds = 1;
budget = { steps = 100; };
envs = ( $2 );
algorithms = ( { name = "dqn"; learner = "dqn"; envs = ["$3"]; } );
EOF
	if "$H" run "$T/$1.cfg" --results "$T/bad" > "$T/out" 2>&1; then
		fail "$1: accepted"
	fi
	grep -q "$4" "$T/out" || fail "$1: expected '$4', got: $(cat "$T/out")"
	[ "$(grep -c . "$T/out")" = 1 ] || fail "$1: more than one line: $(cat "$T/out")"
	grep -q "$1.cfg:4" "$T/out" || fail "$1: no file and line in: $(cat "$T/out")"
}
bad_spec unknown_id '{ id = "gym:NoSuchEnv-v0"; }' gym:NoSuchEnv-v0 "NameNotFound"
bad_spec no_module '{ id = "py:no_such_module:Env"; }' py:no_such_module:Env "cannot import 'no_such_module'"
bad_spec continuous '{ id = "gym:Pendulum-v1"; }' gym:Pendulum-v1 "is not Discrete"
bad_spec builtin_typo '{ id = "CartPole-v9"; }' CartPole-v9 "unknown environment 'CartPole-v9'"
[ ! -e "$T/bad/harness.db" ] || [ "$(sqlite3 "$T/bad/harness.db" "SELECT count(*) FROM runs")" = 0 ] ||
	fail "a refused spec left runs behind"

# A Python exception in step, a wrong shape and a wrong type end only that cell.
cat > "$T/gymerr.cfg" <<'EOF'
name = "gymerr";
seeds = 1;
budget = { steps = 300; };
envs = (
  { id = "py:corridor_env:Corridor"; kwargs = { fail_at = 5; }; },
  { id = "py:corridor_env:Corridor"; kwargs = { bad_shape = true; }; },
  { id = "py:corridor_env:Corridor"; kwargs = { bad_type = true; }; },
  { id = "gym:CartPole-v1"; }
);
algorithms = ( { name = "dqn"; learner = "dqn"; learning_starts = 50; hidden = [8]; } );
EOF
"$H" run "$T/gymerr.cfg" --results "$T/e" --no-plot > "$T/out" 2>&1 && fail "a run with errored cells exited 0"
st() { sqlite3 "$T/e/harness.db" "SELECT status || ' ' || coalesce(error, '') FROM runs WHERE cell_id LIKE '$1%'"; }
case "$(st 'py:corridor_env:Corridor(kwargs={"fail_at": 5})')" in
"error "*"RuntimeError: the corridor collapsed"*) ;;
*) fail "exception in step: $(st 'py:corridor_env:Corridor(kwargs={"fail_at": 5})')" ;;
esac
case "$(st 'py:corridor_env:Corridor(kwargs={"bad_shape": true})')" in
"error "*"observation of 3 values, its observation_space has 2"*) ;;
*) fail "wrong shape: $(st 'py:corridor_env:Corridor(kwargs={"bad_shape": true})')" ;;
esac
case "$(st 'py:corridor_env:Corridor(kwargs={"bad_type": true})')" in
"error "*"observation of type str"*) ;;
*) fail "wrong type: $(st 'py:corridor_env:Corridor(kwargs={"bad_type": true})')" ;;
esac
[ "$(st gym:CartPole-v1)" = "complete " ] || fail "the good cell beside them: $(st gym:CartPole-v1)"

echo "it_gym: $fails failures"
[ "$fails" -eq 0 ]
