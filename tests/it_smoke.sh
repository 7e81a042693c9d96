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
