#!/usr/bin/env bash
# it_signals.sh - SIGHUP (terminal closed) and SIGPIPE (the reader of its
# output gone, as in `harness run ... 2>&1 | head -n 1`) end a run as SIGTERM
# does: exit 130, the cells in flight recorded as error "interrupted", nothing
# left running, no temporary files; the same command resumes to results
# identical to an uninterrupted run.
set -euo pipefail
H=${HARNESS:?}
T=$(mktemp -d /tmp/it_signals.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$T/spec"
# -j 2 starts the long cell (FrozenLake 8x8) beside a short one (4x4): the short one's log
# line comes while the long one runs, whatever the machine's speed
cat > "$T/spec/itsig.cfg" <<'CFG'
name = "itsig";
seed = 5;
seeds = 1;
eval = { every = 4000000; episodes = 5; };
envs = ( { id = "FrozenLake8x8-v1"; budget = { steps = 12000000; }; },
         { id = "FrozenLake-v1"; budget = { steps = 1000000; }; },
         { id = "FrozenLake-v1"; is_slippery = false; budget = { steps = 1000000; }; } );
algorithms = ( { name = "q"; learner = "q_learning"; epsilon = 0.3; } );
CFG
S=$T/spec/itsig.cfg
q() { sqlite3 "$1/harness.db" "$2"; }
hashes() { q "$1" "SELECT cell_id, content_hash FROM runs WHERE status='complete' ORDER BY cell_id"; }
check_interrupted() { # results-dir what
	[ "$(q "$1" "SELECT count(*) FROM runs WHERE status='running'")" = 0 ] || fail "$2: rows left running"
	[ "$(q "$1" "SELECT count(*) FROM runs WHERE status='error' AND error='interrupted'")" -ge 1 ] || fail "$2: no cell recorded interrupted: $(q "$1" "SELECT cell_id, status, error FROM runs")"
	[ -z "$(ls -A "$1/itsig/runs" | grep '^\.tmp-' || true)" ] || fail "$2: temporary files left"
	"$H" run "$S" --results "$1" -j 2 --quiet --no-plot || fail "$2: resume failed"
	[ "$(hashes "$1")" = "$(hashes "$T/ref")" ] || fail "$2: resumed results differ"
}
"$H" run "$S" --results "$T/ref" -j 2 --quiet --no-plot
[ "$(hashes "$T/ref" | wc -l)" = 3 ] || fail "reference run incomplete"

# --- SIGHUP ---
"$H" run "$S" --results "$T/hup" -j 2 --quiet --no-plot &
pid=$!
for _ in $(seq 1 100); do
	[ "$(q "$T/hup" "SELECT count(*) FROM runs WHERE status='running'" 2>/dev/null || echo 0)" -ge 1 ] && break
	sleep 0.05
done
sleep 0.3
kill -HUP "$pid"
st=0; wait "$pid" || st=$?
[ "$st" -eq 130 ] || fail "SIGHUP: exit $st, expected 130"
check_interrupted "$T/hup" SIGHUP

# --- SIGPIPE: the reader of stderr exits after the first line ---
set +o pipefail
"$H" run "$S" --results "$T/pipe" -j 2 --no-plot 2>&1 | head -n 1 > "$T/first"
st=${PIPESTATUS[0]}
set -o pipefail
[ "$st" -eq 130 ] || fail "SIGPIPE: exit $st, expected 130"
grep -q "itsig: 3 cells" "$T/first" || fail "SIGPIPE: unexpected first line: $(cat "$T/first")"
check_interrupted "$T/pipe" SIGPIPE
echo "it_signals: all checks passed"
