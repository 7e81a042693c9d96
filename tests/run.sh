#!/usr/bin/env bash
# tests/run.sh - runs every unit test binary (cmocka) and every integration
# test script (tests/it_*.sh), then prints one closing line:
#   tests: N passed, N failed
# Environment: BUILD (object dir), HARNESS (the binary under test), SAN.
# Integration scripts use $HARNESS (the sanitized binary under SAN=1); make's
# own variables (MAKEFLAGS carries SAN=1) are not passed on, so a script that
# builds a clone with make builds it as a plain `make` would (TEST_SAN=1 tells
# a script it is under the sanitizers).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export HARNESS=${HARNESS:-$PWD/bin/harness}
export TEST_DATA=$PWD/tests/data
export OPENBLAS_NUM_THREADS=1
passed=0; failed=0; failures=""
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -E '^\[  (PASSED|FAILED|ERROR   |  SKIPPED) \]|^\[==========\] .* run' || true
	p=$(printf '%s\n' "$out" | grep -cE '^\[       OK \]')
	f=$(printf '%s\n' "$out" | grep -cE '^\[  FAILED  \] [a-z]|^\[  ERROR   \] [a-z]')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	passed=$((passed + p)); failed=$((failed + f))
	[ "$f" -gt 0 ] && failures="$failures $(basename "$t")"
done
for s in tests/it_*.sh; do
	[ -f "$s" ] || continue
	name=$(basename "$s" .sh)
	start=$(date +%s)
	if out=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SAN TEST_SAN="${SAN:-}" bash "$s" 2>&1); then
		echo "[       OK ] $name ($(( $(date +%s) - start ))s)"
		passed=$((passed + 1))
	else
		printf '%s\n' "$out" | tail -n 30
		echo "[  FAILED  ] $name"
		failed=$((failed + 1)); failures="$failures $name"
	fi
done
[ -n "$failures" ] && echo "failing:$failures"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
