#!/usr/bin/env bash
# it_fuzz_replay.sh - replays the fuzzing seed corpora (tests/fuzz/<target>/)
# through the fuzz targets built with the project's compiler and a plain
# main (tests/fuzz/replay_main.c): under `make test SAN=1` with ASan+UBSan.
# No input may crash, leak (SAN) or exit early; each corpus is replayed whole.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${BUILD:-build}
fail() { echo "FAIL: $*" >&2; exit 1; }
for t in fuzz_spec fuzz_h5; do
	[ -x "$B/fuzz/$t" ] || fail "$B/fuzz/$t not built (make test builds it)"
	n=$(ls tests/fuzz/$t | wc -l)
	[ "$n" -ge 3 ] || fail "corpus tests/fuzz/$t has $n inputs"
	out=$(LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp "$B/fuzz/$t" tests/fuzz/$t/* 2>/dev/null) || fail "$t crashed on its corpus"
	[ "$out" = "replayed $n inputs" ] || fail "$t: $out (expected $n inputs)"
done
echo "it_fuzz_replay: all checks passed"
