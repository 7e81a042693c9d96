#!/usr/bin/env bash
# it_fulldisk.sh - a results directory on a 2 MB tmpfs that fills up mid-run:
# the run ends non-zero with "No space left on device" or "disk is full", no
# run is recorded complete without its verified file, earlier results stay
# intact (`harness verify`), no temporary file is left, and after the disk
# grows a re-run completes with the results of a run on a roomy disk.
# Needs root and mount(2) (skipped, saying so, where mounting is not allowed).
set -euo pipefail
H=${HARNESS:?}
D=${TEST_DATA:?}
T=$(mktemp -d /tmp/it_fulldisk.XXXXXX)
cleanup() { umount "$T/disk" 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$T/disk"
if ! mount -t tmpfs -o size=2m tmpfs "$T/disk" 2>/dev/null; then
	echo "it_fulldisk: SKIPPED: cannot mount a tmpfs here (needs root and mount permission)"
	exit 77 # tests/run.sh counts it as skipped
fi
cp "$D/fdfill.cfg" "$D/fdsmall.cfg" "$T/"
R="$T/disk/r"
hashes() { sqlite3 "$1/harness.db" "SELECT cell_id, content_hash FROM runs WHERE experiment='$2' AND status='complete' ORDER BY cell_id"; }

"$H" run "$T/fdsmall.cfg" --results "$R" -j 2 --quiet --no-plot
small=$(hashes "$R" fdsmall)
st=0
"$H" run "$T/fdfill.cfg" --results "$R" -j 2 --quiet --no-plot 2> "$T/err" || st=$?
[ "$st" -ne 0 ] || fail "a run on a full disk exited 0"
grep -qE "No space left on device|database or disk is full" "$T/err" || fail "no clear message: $(cat "$T/err")"
n=$(sqlite3 "$R/harness.db" "SELECT count(*) FROM runs WHERE experiment='fdfill' AND status='complete'" 2>/dev/null || echo 0)
[ "$n" -lt 12 ] || fail "the disk did not fill up: all 12 cells complete"
# whatever is recorded complete verifies (earlier results included); nothing half-written is left
out=$("$H" verify --results "$R") || fail "verify after a full disk: $out"
printf '%s\n' "$out" | grep -q " 0 do not verify, 0 files no run knows, 0 stale temporary files" || fail "verify: $out"
[ "$(hashes "$R" fdsmall)" = "$small" ] || fail "earlier results changed"
[ -z "$(ls -A "$R/fdfill/runs" | grep '^\.tmp-' || true)" ] || fail "temporary files left on the full disk"
sqlite3 "$R/harness.db" "SELECT error FROM runs WHERE status='error'" | grep -q "No space left on device" || \
	[ "$(sqlite3 "$R/harness.db" "SELECT count(*) FROM runs WHERE status='running'")" -gt 0 ] || \
	fail "the cell that hit the full disk is neither error nor left to re-run"

# more room: the same command completes, with the results of an unconstrained run
mount -o remount,size=32m "$T/disk"
"$H" run "$T/fdfill.cfg" --results "$R" -j 2 --quiet --no-plot
[ "$(sqlite3 "$R/harness.db" "SELECT count(*) FROM runs WHERE experiment='fdfill' AND status='complete'")" -eq 12 ] || fail "re-run after freeing space incomplete"
[ "$(sqlite3 "$R/harness.db" "SELECT count(*) FROM runs WHERE experiment='fdfill'")" -eq 12 ] || fail "not one row per cell"
out=$("$H" verify --results "$R") || fail "verify after the re-run: $out"
"$H" run "$T/fdfill.cfg" --results "$T/roomy" -j 2 --quiet --no-plot
[ "$(hashes "$R" fdfill)" = "$(hashes "$T/roomy" fdfill)" ] || fail "results after a full disk differ from a roomy disk's"
echo "it_fulldisk: all checks passed"
