#!/usr/bin/env bash
# it_labels.sh - readable at paper width: the spec's `label` (with sweep placeholders) names
# configurations in tables, figures and compare (and is accepted as a name), without moving any
# interval; names that do not fit at --width 3.5 become C1.. with a key table; legends cut long
# names in the middle; 4+ configurations get fainter bands, --no-bands none; --config/--env
# draw a subset.
set -euo pipefail
H=${HARNESS:?}
T=$(mktemp -d /tmp/it_labels.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$T/spec"
cat > "$T/spec/lab.cfg" <<'CFG'
name = "lab";
seed = 5;
seeds = 4;
budget = { steps = 3000; };
eval = { every = 1000; episodes = 10; };
envs = ( { id = "FrozenLake-v1"; }, { id = "CliffWalking-v1"; } );
algorithms = (
  { name = "q"; learner = "q_learning"; label = "Q a={learning_rate} e={epsilon}"; learning_rate = [0.1, 0.5]; epsilon = [0.1, 0.3]; },
  { name = "sarsa_with_a_rather_long_configuration_name"; learner = "sarsa"; learning_rate = [0.1, 0.5]; }
);
CFG
"$H" run "$T/spec/lab.cfg" --results "$T/r" -j 2 --quiet
F=$T/r/lab/figures; TB=$T/r/lab/tables
head -4 "$TB/final.md" | grep -q '| Environment | Q a=0.1 e=0.1 | Q a=0.1 e=0.3 | Q a=0.5 e=0.1 | Q a=0.5 e=0.3 | sarsa' || fail "labels not in final.md: $(head -4 "$TB/final.md")"
grep -q '"Q a=0.5 e=0.3 (n=8)"' "$F/curves.gp" || fail "labels not in the curves' legend"
# the same intervals as without labels: numbers from the names' bootstrap
cp "$TB/final.md" "$T/with.md"
sed -i 's/label = "Q a={learning_rate} e={epsilon}"; //' "$T/spec/lab.cfg"
"$H" run "$T/spec/lab.cfg" --results "$T/r" -j 2 --quiet
grep -q '| q\\\[learning\\_rate=0.1,epsilon=0.1\\\] |' "$TB/final.md" || fail "without labels: names expected: $(sed -n 4p "$TB/final.md")"
[ "$(tail -n +5 "$T/with.md" | cut -d'|' -f3-)" = "$(tail -n +5 "$TB/final.md" | cut -d'|' -f3-)" ] || fail "a label moved an interval"
sed -i 's/learner = "q_learning"; learning_rate/learner = "q_learning"; label = "Q a={learning_rate} e={epsilon}"; learning_rate/' "$T/spec/lab.cfg"
"$H" run "$T/spec/lab.cfg" --results "$T/r" -j 2 --quiet
# one column: names too long for 45% of 3.5 in become C1..C6 with a key table under the figure
"$H" plot lab --results "$T/r" --width 3.5 --format png > /dev/null
# a long name in a legend keeps both ends (and its n)
grep -qF '"sarsa_with_a_rather\342\200\246ning_rate=0.5] (n=4)"' "$F/FrozenLake-v1.gp" || fail "long name not cut in the middle: $(grep -o 'title "sarsa[^"]*"' "$F/FrozenLake-v1.gp")"
grep -q '"C6"' "$F/aggregate.gp" || fail "aggregate at 3.5 in: no short labels"
grep -q '"C1 = Q a=0.1 e=0.1"' "$F/aggregate.gp" || fail "aggregate at 3.5 in: no key table"
grep -q '"C5 = sarsa_with.*rate=0.1\]"' "$F/aggregate.gp" || fail "key table cuts names at the end: $(grep 'C5 =' "$F/aggregate.gp")"
grep -q '"C1 = Q a=0.1 e=0.1"' "$F/poi.gp" || fail "poi at 3.5 in: no key table"
# short labels that fit need no key
"$H" plot lab --results "$T/r" --width 3.5 --config 'Q a=0.1 e=0.1' --config 'Q a=0.5 e=0.3' --format png > /dev/null
grep -q '"C1 = ' "$F/aggregate.gp" && fail "aggregate of labels that fit should not need a key"
grep -q '"Q a=0.5 e=0.3" 1' "$F/aggregate.gp" || fail "aggregate should list the labels themselves"
"$H" plot lab --results "$T/r" --format png > /dev/null
# bands: 6 configurations -> fainter; --no-bands -> none
grep -q 'filledcurves.*solid 0.1 ' "$F/curves.gp" || fail "6 configurations: bands not fainter"
"$H" plot lab --results "$T/r" --no-bands --format png > /dev/null
grep -q filledcurves "$F/curves.gp" && fail "--no-bands drew bands"
# subsets, by label or name
"$H" plot lab --results "$T/r" --config 'Q a=0.1 e=0.1' --config 'sarsa_with_a_rather_long_configuration_name[learning_rate=0.5]' --env CliffWalking-v1 --format png > /dev/null
[ "$(grep -c '^| CliffWalking-v1' "$TB/final.md")" -eq 1 ] || fail "--env: $(cat "$TB/final.md")"
grep -q '^| FrozenLake-v1' "$TB/final.md" && fail "--env CliffWalking-v1 kept FrozenLake"
[ "$(sed -n 4p "$TB/final.md" | tr '|' '\n' | grep -c .)" -eq 3 ] || fail "--config: want 2 columns: $(sed -n 4p "$TB/final.md")"
st=0; "$H" plot lab --results "$T/r" --config nosuch 2> "$T/err" || st=$?
[ "$st" -eq 2 ] && grep -q "no configuration of that name or label" "$T/err" || fail "--config nosuch: exit $st"
# compare accepts and prints labels
out=$("$H" compare lab 'Q a=0.1 e=0.1' 'Q a=0.5 e=0.1' --results "$T/r" --format none) || true
printf '%s\n' "$out" | grep -q '^B = Q a=0.5 e=0.1  vs  A = Q a=0.1 e=0.1' || fail "compare by label: $out"
echo "it_labels: ok"
