#!/usr/bin/env bash
# it_regress_report.sh - what a regress report says, without building other commits: a baseline is
# written, one cell of it is edited (another results hash and final return), and regress --baseline
# must report: bit-identical rows without interval or p-value and outside the Holm family, the
# changed row with final and AUC differences, the changed cell in the per-seed detail, and a base
# line whose parenthesis closes.
set -euo pipefail
H=${HARNESS:?}
T=$(mktemp -d /tmp/it_regress_report.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$T/experiments"
cat > "$T/experiments/rr.cfg" <<'CFG'
name = "rr";
seeds = 4;
budget = { steps = 2000; };
eval = { every = 500; episodes = 5; };
envs = ( { id = "FrozenLake-v1"; is_slippery = false; } );
algorithms = ( { name = "q"; learner = "q_learning"; learning_rate = [0.1, 0.5]; epsilon = 0.3; } );
CFG
cd "$T"
"$H" baseline rr --results "$T/r" -j 2 > /dev/null 2>&1
b=experiments/baselines/rr.json
/usr/bin/python3 - "$b" <<'PY'
import json, sys
p = sys.argv[1]; d = json.load(open(p))
c = [c for c in d["cells"] if c["cell_id"].endswith("q[learning_rate=0.5]/seed=2")][0]
c["content_hash"] = "0" * 64
c["final_return"] = c["final_return"] - 0.5
c["auc"] = c["auc"] - 0.25
json.dump(d, open(p, "w"))
PY
st=0; out=$("$H" regress rr --baseline --results "$T/r" -j 2 2>/dev/null) || st=$?
[ "$st" -eq 0 ] || fail "exit $st: $out"
md=$T/r/rr/regress-baseline-worktree.md
row() { grep "| $1 |" "$md"; }
r1=$(row 'q\[learning_rate=0.1\]' || row 'q[learning_rate=0.1]') || fail "no row of q[learning_rate=0.1]: $(cat "$md")"
r5=$(row 'q\[learning_rate=0.5\]' || row 'q[learning_rate=0.5]') || fail "no row of q[learning_rate=0.5]"
# identical row: no interval, no p-value
case "$r1" in *"| 4/4 |"*"| - | - |"*"| - | - | identical |") ;; *) fail "identical row with an interval or p: $r1";; esac
# changed row: final and AUC differences (+0.5/4 = +0.125 and +0.25/4 = +0.0625) with intervals and p-values
case "$r5" in *"| 3/4 |"*"| +0.125 ["*"| +0.0625 ["*) ;; *) fail "changed row lacks final/AUC differences: $r5";; esac
grep -q 'Holm-corrected across the 2 tests of rows that are not bit-identical' "$md" || fail "Holm family should be 2 tests"
grep -q '^## Cells that changed' "$md" || fail "no per-seed detail"
grep -q '^| FrozenLake-v1(is_slippery=false)/q\[learning_rate=0.5\]/seed=2 |.*| +0.5 |.*| +0.25 | 0000000000 |' "$md" || fail "changed cell not detailed: $(sed -n '/Cells that changed/,$p' "$md")"
[ "$(grep -c '/seed=' "$md")" -eq 1 ] || fail "unchanged cells listed as changed"
grep -q '^base: baseline experiments/baselines/rr.json ([0-9a-f]*)  $' "$md" || grep -q '^base: baseline experiments/baselines/rr.json (.*)  $' "$md" || fail "base line: $(grep '^base:' "$md")"
head -4 "$md" | grep '^base:' | grep -q ')  $' || fail "base line does not close its parenthesis"
# strict: the edited cell was expected bit-identical
st=0; "$H" regress rr --baseline --strict --results "$T/r" -j 2 > /dev/null 2>&1 || st=$?
[ "$st" -eq 1 ] || fail "--strict with a changed cell: exit $st"
# --metric-of auc: only the AUC is tested (one test in the family), and the report says so
"$H" regress rr --baseline --metric-of auc --results "$T/r" -j 2 > "$T/out" 2>/dev/null || true
grep -q 'Scores tested: AUC (--metric-of)' "$md" || fail "--metric-of auc not stated"
grep -q 'Holm-corrected across the 1 tests' "$md" || fail "--metric-of auc: want 1 test"
grep -q '^scores tested: AUC;' "$T/out" || fail "terminal does not state the scores tested"
st=0; "$H" regress rr --baseline --metric-of best --results "$T/r" 2> "$T/err" > /dev/null || st=$?
[ "$st" -eq 2 ] && grep -q 'metric-of must be final or auc' "$T/err" || fail "--metric-of best: exit $st"
echo "it_regress_report: ok"
