#!/usr/bin/env bash
# it_portable.sh - what is bit-stable across CPU types, checked by forcing
# OpenBLAS to other kernels (OPENBLAS_CORETYPE) on this machine:
#   --portable DQN results are identical whatever kernel OpenBLAS would pick;
#   regress against a baseline made with another kernel compares DQN cells by
#   statistics only (and says so), while portable cells must stay identical.
set -euo pipefail
H=${HARNESS:?}
D=${TEST_DATA:?}
T=$(mktemp -d /tmp/it_portable.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$T/w/experiments"
cp "$D/pt.cfg" "$T/w/experiments/pt.cfg"
cd "$T/w"
hashes() { sqlite3 "$1/harness.db" "SELECT group_concat(content_hash) FROM (SELECT content_hash FROM runs WHERE status='complete' ORDER BY cell_id)"; }
for core in Haswell Prescott; do
	OPENBLAS_CORETYPE=$core "$H" run experiments/pt.cfg --results "r-$core" -j 2 --quiet --no-plot --portable
	[ "$(sqlite3 "r-$core/harness.db" "SELECT DISTINCT blas_core FROM runs")" = "$core" ] || fail "OPENBLAS_CORETYPE=$core not honoured"
done
[ -n "$(hashes r-Haswell)" ] && [ "$(hashes r-Haswell)" = "$(hashes r-Prescott)" ] || fail "portable results differ across BLAS kernels"
sqlite3 r-Haswell/harness.db "SELECT config_json FROM runs LIMIT 1" | grep -q '"portable":true' || fail "portable not recorded in the config"

# the kernel a process runs is the one OPENBLAS_CORETYPE names
[ "$(OPENBLAS_CORETYPE=Prescott "$H" version | awk '$1 == "blas_core" { print $2 }')" = Prescott ] || fail "OPENBLAS_CORETYPE not honoured by version"

# a baseline made with one kernel, checked with another
OPENBLAS_CORETYPE=Haswell "$H" baseline pt --results b1 -j 2 > /dev/null 2>&1
st=0; OPENBLAS_CORETYPE=Prescott "$H" regress pt --baseline --strict --results b2 -j 2 > out 2>/dev/null || st=$?
[ "$st" -eq 0 ] || { cat out; fail "cross-kernel strict regress of BLAS cells exited $st"; }
grep -q "compared by statistics only" out || { cat out; fail "the report does not say the cells were compared by statistics only"; }
echo 'portable = true;' >> experiments/pt.cfg
OPENBLAS_CORETYPE=Haswell "$H" baseline pt --results b3 -j 2 > /dev/null 2>&1
st=0; OPENBLAS_CORETYPE=Prescott "$H" regress pt --baseline --strict --results b4 -j 2 > out 2>/dev/null || st=$?
[ "$st" -eq 0 ] || { cat out; fail "portable cross-kernel strict regress exited $st"; }
grep -q " 2/2 .* identical" out || { cat out; fail "portable cells are not bit-identical across kernels"; }
grep -q "compared by statistics only" out && fail "portable cells should be expected bit-identical"
echo "it_portable: all checks passed"
