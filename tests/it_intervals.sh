#!/usr/bin/env bash
# it_intervals.sh - one computation per interval: the aggregate interval of tables/final.md is the
# one of figures/aggregate.dat (same bootstrap, seeded from the estimand's name), and adding an
# unrelated configuration (first in the spec, so every other configuration changes position)
# leaves every existing interval of the table, the aggregate figure and the learning curves
# unchanged. Every table and figure states n and the interval method.
set -euo pipefail
H=${HARNESS:?}
T=$(mktemp -d /tmp/it_intervals.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
spec() { # $1: extra algorithm entry placed first
	cat > "$T/iv.cfg" <<CFG
name = "iv";
seed = 4;
seeds = 6;
budget = { steps = 3000; };
eval = { every = 1000; episodes = 25; };
envs = ( { id = "FrozenLake-v1"; }, { id = "CliffWalking-v1"; } );
algorithms = ( $1 { name = "q"; learner = "q_learning"; learning_rate = [0.1, 0.5]; epsilon = 0.2; } );
CFG
}
spec ""
"$H" run "$T/iv.cfg" --results "$T/r" -j 2 --quiet
F=$T/r/iv/figures; TB=$T/r/iv/tables
mkdir -p "$T/before" && cp "$F"/*.dat "$TB/final.md" "$T/before/"
spec '{ name = "aaa"; learner = "sarsa"; learning_rate = 0.3; epsilon = 0.2; },'
"$H" run "$T/iv.cfg" --results "$T/r" -j 2 --quiet
mkdir -p "$T/after" && cp "$F"/*.dat "$TB/final.md" "$T/after/"
/usr/bin/python3 - "$T" <<'PY' || fail "intervals moved or disagree (see above)"
import re, sys, os
T = sys.argv[1]
def table(path):
    rows = [l for l in open(path) if l.startswith("|")]
    head = [c.strip().replace("\\", "") for c in rows[0].strip().strip("|").split("|")]
    out = {}
    for l in rows[2:]:
        cells = [c.strip().replace("\\", "").replace("*", "").replace(" †", "") for c in l.strip().strip("|").split("|")]
        for h, c in zip(head[1:], cells[1:]):
            out[(re.sub(r" \(\d+ of \d+ environments\)", "", cells[0]), h)] = c
    return out
def agg(path, algos):  # {(metric, algo): "point lo hi"}
    out, metric = {}, None
    for l in open(path):
        if l.startswith("# ") and not l.startswith("# n =") and "algorithm" not in l:
            metric = l[2:].strip()
        elif l.strip() and not l.startswith("#"):
            f = l.split()
            out[(metric, algos[int(f[0])])] = " ".join(f[1:4])
    return out
def curves(path):  # {algo: block text}
    out, name = {}, None
    for l in open(path):
        if l.startswith("# ") and not l.startswith("# x ") and not l.startswith("# learning") and "bootstrap" not in l:
            name = l[2:].strip(); out[name] = ""
        elif name and not l.startswith("#"):
            out[name] += l
    return out
def order(path):  # configurations in the figures' order: the table's columns
    l = [l for l in open(path) if l.startswith("|")][0]
    return [c.strip().replace("\\", "") for c in l.strip().strip("|").split("|")][1:]
old, new = order(f"{T}/before/final.md"), order(f"{T}/after/final.md")
bad = 0
if sorted(new) != sorted(old + ["aaa"]):
    print("unexpected configurations", old, new); bad += 1
tb, ta = table(f"{T}/before/final.md"), table(f"{T}/after/final.md")
for k, v in tb.items():
    if ta.get(k) != v:
        print("table entry moved:", k, v, "->", ta.get(k)); bad += 1
ab, aa = agg(f"{T}/before/aggregate.dat", old), agg(f"{T}/after/aggregate.dat", new)
for k, v in ab.items():
    if aa.get(k) != v:
        print("aggregate.dat moved:", k, v, "->", aa.get(k)); bad += 1
for f in os.listdir(f"{T}/before"):
    if f.endswith(".dat") and f not in ("aggregate.dat", "profile.dat", "poi.dat"):
        cb, ca = curves(f"{T}/before/{f}"), curves(f"{T}/after/{f}")
        for k, v in cb.items():
            if ca.get(k) != v:
                print("curve band moved:", f, k); bad += 1
# the table's normalised row is the aggregate figure's IQM interval, digit for digit
for a in new:
    p, lo, hi = (float(x) for x in aa[("IQM", a)].split())
    want = "%.3g [%.3g, %.3g]" % (p, lo, hi)
    if ta[("Normalised score", a)].split(" (n=")[0] != want:
        print("table and figure disagree:", a, ta[("Normalised score", a)], "vs", want); bad += 1
if len(ab) != 8 or len(tb) != 6:
    print("parsed too little:", len(ab), len(tb)); bad += 1
sys.exit(1 if bad else 0)
PY
# n and the method stated; the warning below 10 runs
grep -q '^n = 6 runs per configuration and environment; 95% percentile bootstrap (10000 resamples); fewer than 10 runs' "$TB/final.md" || fail "final.md does not state n and the method: $(head -3 "$TB/final.md")"
grep -q 'n = 6 runs' "$TB/final.tex" || fail "final.tex does not state n"
grep -q 'n = 6 runs.*stratified percentile bootstrap (10000 resamples)' "$F/aggregate.dat" || fail "aggregate.dat does not state n"
for g in aggregate profile poi; do
	grep -q '(final; n = 6, few; 95% CI)' "$F/$g.gp" || fail "$g figure does not state n and the interval"
done
grep -q 'FrozenLake-v1 (n = 6, 95% CI)' "$F/FrozenLake-v1.gp" || fail "curve figure does not state n and its band"
grep -q 'CliffWalking-v1 (n = 6, 95% CI)' "$F/curves.gp" || fail "curve panels do not state n and their band"
# --metric-of: the score is stated and changes the numbers (AUC averages the whole curve)
"$H" plot iv --results "$T/r" --metric-of auc --format png > /dev/null
grep -q '^IQM of the AUC (mean evaluation return over the run) across seeds (--metric-of auc)' "$TB/final.md" || fail "plot --metric-of auc not stated: $(head -1 "$TB/final.md")"
grep -q "(auc; n = 6, few; 95% CI)" "$F/aggregate.gp" || fail "aggregate figure does not name the score"
cmp -s "$TB/final.md" "$T/after/final.md" && fail "--metric-of auc gave the final-return table"
"$H" plot iv --results "$T/r" --metric-of last:2 --format png > /dev/null
grep -q 'mean evaluation return over the last 2 points' "$TB/final.md" || fail "plot --metric-of last:2 not stated"
st=0; "$H" plot iv --results "$T/r" --metric-of last:0 2> "$T/err" || st=$?
[ "$st" -eq 2 ] && grep -q "metric-of must be final, auc, last:K or best" "$T/err" || fail "bad --metric-of accepted"
echo "it_intervals: ok"
