#!/usr/bin/env bash
# it_testrunner.sh - tests/run.sh itself, on a tree of stand-in tests: a script
# exiting 77 counts as skipped (not passed), a failing one as failed, one that
# hangs is stopped at TEST_TIMEOUT and fails saying so; a cmocka binary's
# passes, failures and skips are counted; the closing line reads
# "tests: N passed, M failed, K skipped" and the exit status is non-zero when
# something failed; TEST_JOBS=2 counts the same.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /tmp/it_testrunner.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$T/tests" "$T/build/tests"
cp "$SRC/tests/run.sh" "$T/tests/"
printf '#!/bin/bash\necho ok\n' > "$T/tests/it_a_pass.sh"
printf '#!/bin/bash\necho "it_b: SKIPPED: no frobnicator here"\nexit 77\n' > "$T/tests/it_b_skip.sh"
printf '#!/bin/bash\necho "FAIL: broken"\nexit 1\n' > "$T/tests/it_c_fail.sh"
printf '#!/bin/bash\nsleep 300\n' > "$T/tests/it_d_hang.sh"
# a cmocka-like binary: two OK, one SKIPPED
cat > "$T/build/tests/test_fake" <<'SH'
#!/bin/bash
printf '[==========] Running 3 test(s).\n[       OK ] test_fake__a\n[       OK ] test_fake__b\n[  SKIPPED ] test_fake__c\n[==========] 3 test(s) run.\n[  PASSED  ] 2 test(s).\n'
SH
chmod +x "$T/build/tests/test_fake"
for jobs in 1 2; do
	st=0; out=$(BUILD=build TEST_TIMEOUT=2 TEST_JOBS=$jobs HARNESS=/bin/true bash "$T/tests/run.sh" 2>&1) || st=$?
	[ "$st" -ne 0 ] || fail "jobs $jobs: exit 0 with failures"
	last=$(printf '%s\n' "$out" | tail -n 1)
	[ "$last" = "tests: 3 passed, 2 failed, 2 skipped" ] || fail "jobs $jobs: summary '$last': $out"
	printf '%s\n' "$out" | grep -q '^\[  SKIPPED \] it_b_skip: it_b: SKIPPED: no frobnicator here$' || fail "jobs $jobs: skip not reported: $out"
	printf '%s\n' "$out" | grep -q '^\[  FAILED  \] it_d_hang: timed out after 2s$' || fail "jobs $jobs: hang not reported: $out"
	printf '%s\n' "$out" | grep -q '^\[  FAILED  \] it_c_fail (exit 1' || fail "jobs $jobs: failure not reported: $out"
	printf '%s\n' "$out" | grep -q '^failing: it_c_fail it_d_hang$' || fail "jobs $jobs: failing list: $out"
done
# all passing or skipped: exit 0
rm "$T/tests/it_c_fail.sh" "$T/tests/it_d_hang.sh"
out=$(BUILD=build HARNESS=/bin/true bash "$T/tests/run.sh" 2>&1) || fail "exit non-zero without failures: $out"
[ "$(printf '%s\n' "$out" | tail -n 1)" = "tests: 3 passed, 0 failed, 2 skipped" ] || fail "summary: $out"
echo "it_testrunner: all checks passed"
