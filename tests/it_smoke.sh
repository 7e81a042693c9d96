#!/usr/bin/env bash
# it_smoke.sh - the smoke experiment against its committed baseline: any commit
# that changes a number fails here, with the regress table saying which cells
# changed and how. Intended changes: make baseline NAME=smoke, commit the JSON.
set -euo pipefail
H=${HARNESS:?}
cd "$(dirname "$0")/.."
T=$(mktemp -d /tmp/it_smoke.XXXXXX)
trap 'rm -rf "$T"' EXIT
st=0
"$H" regress smoke --baseline --strict --results "$T" -j 2 > "$T/out" 2> "$T/err" || st=$?
cat "$T/out"
[ "$st" -eq 0 ] || { tail -5 "$T/err"; echo "FAIL: smoke results differ from experiments/baselines/smoke.json (exit $st)"; exit 1; }
grep -q "0 regressed, 0 changed where bit-identity was expected" "$T/out"
# the gate fails when a cell crashes: a worker segfaulting on one cell (fault injection) is a
# lost cell under --strict (exit 1, named), and without --strict the exit status says so too
C=$(mktemp -d /tmp/it_smoke_crash.XXXXXX)
trap 'rm -rf "$T" "$C"' EXIT
cp -a "$T/harness.db" "$T/smoke" "$C/"
sqlite3 "$C/harness.db" "DELETE FROM runs WHERE cell_id = 'CartPole-v1/dqn/seed=1'"
for strict in --strict ""; do
	st=0
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0 HARNESS_TEST_CRASH_CELL='CartPole-v1/dqn/seed=1' "$H" regress smoke --baseline $strict --results "$C" -j 2 \
		> "$C/out" 2> "$C/err" || st=$?
	[ "$st" -eq 1 ] || { cat "$C/out"; echo "FAIL: a crashed cell passed the smoke gate ($strict exit $st)"; exit 1; }
	grep -q "1 cells complete in the base are missing, errored or failed in the head" "$C/out" &&
		grep -q "CartPole-v1/dqn/seed=1: error in head: worker killed by signal 11" "$C/out" ||
		{ cat "$C/out"; echo "FAIL: the crashed cell is not named ($strict)"; exit 1; }
	sqlite3 "$C/harness.db" "DELETE FROM runs WHERE cell_id = 'CartPole-v1/dqn/seed=1'"
done
echo "it_smoke: baseline reproduced; a crashed cell fails the gate"
