#!/usr/bin/env bash
# tests/it_atari.sh - a short Atari Pong smoke run through the whole pipeline:
# ALE/Pong-v5 (ale-py, through the Gymnasium bridge) with the wrapper stack of
# experiments/atari.cfg (frameskip 1 in make, AtariPreprocessing's frame skip
# 4 and 84x84 grayscale, FrameStackObservation 4) and the nature_dqn learner
# (the Nature network on (4, 84, 84) uint8 frames) with a small
# learning_starts: 2 seeds x 500 agent steps (2000 frames, 50 updates each).
# Checks: the observation space is Box(4, 84, 84) uint8; every cell completes
# and trains; results (content hashes) are byte-identical at -j 1 and -j 2;
# verify passes; recorded returns are Pong scores (integers in -21..21, the
# game's, not clipped); the spec's atari.cfg is accepted as written (100k
# uint8 transitions pass the replay memory bound).
# Needs the project's virtual environment (make test makes it: make venv).
set -u
cd "$(dirname "$0")/.."
H=${HARNESS:-$PWD/bin/harness}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0

KW='{"frameskip": 1, "repeat_action_probability": 0.0}'
WR='[["AtariPreprocessing", {"frame_skip": 4, "screen_size": 84}], ["FrameStackObservation", {"stack_size": 4, "padding_type": "zero"}]]'
"$H" env replay gym:ALE/Pong-v5 --option "kwargs=$KW" --option "wrappers=$WR" --seed 3 \
	--actions 0,2,3,1,2,2 > "$T/replay" 2> "$T/replay_err" || fail "env replay: $(tail -n 2 "$T/replay_err")"
# t, action, 4 x 84 x 84 observation values, reward, terminated, truncated; bytes; zero padding
awk -F, 'NR == 1 { if (NF != 28229) print "header of " NF " fields"; next }
	 { for (i = 3; i <= 28226; i++) if ($i !~ /^[0-9]+$/ || $i > 255) { print "row " NR ": " $i; exit } }
	 NR == 2 { z = 0; for (i = 3; i <= 3 + 3 * 7056 - 1; i++) z += $i != 0; if (z) print "reset stack not zero-padded" }
	 END { if (NR != 8) print NR " rows" }' "$T/replay" > "$T/bad"
[ ! -s "$T/bad" ] || fail "wrapped Pong's observations: $(head -n 2 "$T/bad")"

# the cluster spec as written passes the checker (no cell is run)
"$H" run experiments/atari.cfg --list --results "$T/l" > "$T/list" 2>&1 ||
	fail "atari.cfg refused: $(tail -n 2 "$T/list")"
[ "$(grep -c '/dqn/seed=' "$T/list")" = 6 ] || fail "atari.cfg: expected 6 cells: $(head -n 3 "$T/list")"

cat > "$T/pongsmoke.cfg" <<'CFG'
name = "pongsmoke";
seed = 0;
seeds = 2;
budget = { steps = 500; };
eval = { every = 500; episodes = 1; max_episode_steps = 150; };
envs = (
  { id = "gym:ALE/Pong-v5";
    kwargs = { frameskip = 1; repeat_action_probability = 0.0; };
    wrappers = ( ("AtariPreprocessing", { frame_skip = 4; screen_size = 84; }),
                 ("FrameStackObservation", { stack_size = 4; padding_type = "zero"; }) ); }
);
algorithms = ( { name = "dqn"; learner = "nature_dqn"; learning_starts = 300; buffer_size = 1000;
                 epsilon_decay_steps = 400; } );
CFG
hashes() { sqlite3 "$1/harness.db" "SELECT cell_id, content_hash FROM runs WHERE status='complete' ORDER BY cell_id"; }
"$H" run "$T/pongsmoke.cfg" -j 2 --results "$T/a" --no-plot --quiet > "$T/run_a" 2>&1 ||
	fail "run -j 2: $(tail -n 3 "$T/run_a")"
(cd / && "$H" run "$T/pongsmoke.cfg" -j 1 --results "$T/b" --no-plot --quiet > "$T/run_b" 2>&1) ||
	fail "run -j 1: $(tail -n 3 "$T/run_b")"
[ "$(hashes "$T/a" | wc -l)" = 2 ] || fail "expected 2 complete cells, got: $(hashes "$T/a")"
[ "$(hashes "$T/a")" = "$(hashes "$T/b")" ] || fail "results differ between -j 2 and -j 1"
"$H" verify pongsmoke --results "$T/a" > "$T/verify" 2>&1 || fail "verify: $(tail -n 2 "$T/verify")"
"$H" export pongsmoke --csv --what eval --results "$T/a" -o "$T/ev.csv" 2> "$T/exp" ||
	fail "export: $(cat "$T/exp")"
# the greedy evaluation's returns are the game's points (integers, at most 21 a side)
awk -F, 'NR > 1 { n++; if ($NF !~ /^-?[0-9]+(\.0*)?$/ || $NF < -21 || $NF > 21) print "return " $NF }
	 END { if (n < 2) print n " evaluations" }' "$T/ev.csv" > "$T/bad"
[ ! -s "$T/bad" ] || fail "evaluations: $(head -n 2 "$T/bad")"
echo "it_atari: $fails failures"
[ "$fails" -eq 0 ]
