#!/usr/bin/env bash
# tests/run.sh - runs every unit test binary (cmocka) and every integration
# test script (tests/it_*.sh), then prints one closing line:
#   tests: N passed, M failed, K skipped
# A script that exits 77 was skipped (it prints why): counted as skipped, never
# as passed. Every test runs under a time limit (TEST_TIMEOUT seconds, default
# 1800 per script and 600 per unit test binary; then SIGTERM, SIGKILL 30 s
# later): a test that hangs fails, saying so, and the others still run.
# TEST_JOBS=N runs up to N integration scripts at once (default 1: in turn;
# some scripts kill processes at chosen moments and are steadier alone).
# Environment: BUILD (object dir), HARNESS (the binary under test), SAN.
# Integration scripts use $HARNESS (the sanitized binary under SAN=1); make's
# own variables (MAKEFLAGS carries SAN=1) are not passed on, so a script that
# builds a clone with make builds it as a plain `make` would (TEST_SAN=1 tells
# a script it is under the sanitizers). ONLY=regex runs the matching tests.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export HARNESS=${HARNESS:-$PWD/bin/harness}
export TEST_DATA=$PWD/tests/data
export OPENBLAS_NUM_THREADS=1
IT_TIMEOUT=${TEST_TIMEOUT:-1800}
UNIT_TIMEOUT=${TEST_TIMEOUT:-600}
JOBS=${TEST_JOBS:-1}
ONLY=${ONLY:-}
passed=0; failed=0; skipped=0; failures=""; skips=""
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	[ -z "$ONLY" ] || [[ $(basename "$t") =~ $ONLY ]] || continue
	out=$(timeout --kill-after=30 "$UNIT_TIMEOUT" "$t" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -E '^\[  (PASSED|FAILED|ERROR   |  SKIPPED) \]|^\[==========\] .* run' || true
	p=$(printf '%s\n' "$out" | grep -cE '^\[       OK \]')
	f=$(printf '%s\n' "$out" | grep -cE '^\[  FAILED  \] [a-z]|^\[  ERROR   \] [a-z]')
	k=$(printf '%s\n' "$out" | grep -cE '^\[  SKIPPED \] [a-z]')
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "[  FAILED  ] $(basename "$t"): timed out after ${UNIT_TIMEOUT}s"
		f=$((f + 1))
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + k))
	[ "$f" -gt 0 ] && failures="$failures $(basename "$t")"
done

# integration scripts: each into its own log, up to JOBS at once, reported in order
L=$(mktemp -d /tmp/tests_run.XXXXXX)
trap 'rm -rf "$L"' EXIT
scripts=()
for s in tests/it_*.sh; do
	[ -f "$s" ] || continue
	[ -z "$ONLY" ] || [[ $(basename "$s" .sh) =~ $ONLY ]] || continue
	scripts+=("$s")
done
run_one() { # script: writes $L/<name>.out and $L/<name>.rc (exit status, seconds)
	local s=$1 name start rc
	name=$(basename "$s" .sh)
	start=$(date +%s)
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SAN TEST_SAN="${SAN:-}" \
		timeout --kill-after=30 "$IT_TIMEOUT" bash "$s" > "$L/$name.out" 2>&1
	rc=$?
	echo "$rc $(( $(date +%s) - start ))" > "$L/$name.rc"
}
report() { # script
	local name rc secs
	name=$(basename "$1" .sh)
	read -r rc secs < "$L/$name.rc"
	if [ "$rc" -eq 0 ]; then
		echo "[       OK ] $name (${secs}s)"
		passed=$((passed + 1))
	elif [ "$rc" -eq 77 ]; then
		echo "[  SKIPPED ] $name: $(grep -i 'skip' "$L/$name.out" | tail -n 1)"
		skipped=$((skipped + 1)); skips="$skips $name"
	else
		tail -n 30 "$L/$name.out"
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			echo "[  FAILED  ] $name: timed out after ${IT_TIMEOUT}s"
		else
			echo "[  FAILED  ] $name (exit $rc, ${secs}s)"
		fi
		failed=$((failed + 1)); failures="$failures $name"
	fi
}
running=0
for s in "${scripts[@]}"; do
	if [ "$JOBS" -le 1 ]; then
		run_one "$s"
		report "$s"
		continue
	fi
	run_one "$s" &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then
		wait -n
		running=$((running - 1))
	fi
done
if [ "$JOBS" -gt 1 ]; then
	wait
	for s in "${scripts[@]}"; do report "$s"; done
fi
[ -n "$skips" ] && echo "skipped:$skips"
[ -n "$failures" ] && echo "failing:$failures"
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
