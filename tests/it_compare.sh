#!/usr/bin/env bash
# it_compare.sh - `harness compare` end to end on fast tabular experiments:
#   a learning rate that learns (0.5) against one that cannot (0) is "B better" on every row
#   with a small Holm-corrected p, exit 1;
#   two configurations of the same distribution (an irrelevant hyperparameter changed, so other
#   seeds) are "no detectable difference" on every row, exit 0; identical hyperparameters under
#   two names give identical runs;
#   --factor on a 2x2 sweep gives both main effects, the one of the learning rate significant;
#   reports (Markdown, LaTeX, PNG, PDF) are written and reproducible; bad input exits 2.
set -euo pipefail
H=${HARNESS:?}
T=$(mktemp -d /tmp/it_compare.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cat > "$T/cmp.cfg" <<'CFG'
name = "cmp";
seed = 1;
seeds = 10;
budget = { steps = 3000; };
eval = { every = 1000; episodes = 20; };
envs = ( { id = "FrozenLake-v1"; is_slippery = false; }, { id = "CliffWalking-v1"; } );
algorithms = (
  { name = "q"; learner = "q_learning"; learning_rate = [0.0, 0.5]; epsilon = 0.3; },
  { name = "other"; learner = "q_learning"; learning_rate = 0.5; epsilon = 0.3; epsilon_decay_steps = 777; },
  { name = "twin"; learner = "q_learning"; learning_rate = 0.5; epsilon = 0.3; }
);
CFG
"$H" run "$T/cmp.cfg" --results "$T/r" -j 2 --quiet --no-plot
R=$T/r/cmp/compare

# B clearly better
st=0; out=$("$H" compare cmp 'q[learning_rate=0]' 'q[learning_rate=0.5]' --results "$T/r") || st=$?
[ "$st" -eq 1 ] || fail "learning vs not learning: exit $st (want 1): $out"
[ "$(printf '%s\n' "$out" | grep -c ' B better$')" -eq 3 ] || fail "want B better on 2 environments and the aggregate: $out"
md=$R/q_learning_rate_0.5_--vs--q_learning_rate_0_-final.md
[ -s "$md" ] || fail "no Markdown report $md"
# the corrected t-test p of every row is tiny
[ "$(grep -c '| <1e-4 |' "$md")" -eq 3 ] || fail "corrected p-values not < 1e-4: $(cat "$md")"
grep -q 'Holm-corrected across the 3 rows' "$md" || fail "report does not state the Holm family"
grep -q 'Score: final return' "$md" || fail "report does not state the score"
grep -q '10000 resamples' "$md" || fail "report does not state the resamples"
for f in tex png pdf gp dat; do [ -s "${md%.md}.$f" ] || fail "no .$f beside the report"; done
grep -q 'toprule' "${md%.md}.tex" || fail "LaTeX report without booktabs rules"
# reproducible: the same report again
cp "$md" "$T/md1"
"$H" compare cmp 'q[learning_rate=0]' 'q[learning_rate=0.5]' --results "$T/r" > /dev/null || true
cmp -s "$md" "$T/md1" || fail "two identical compares wrote different reports"

# the same distribution under another name (different seeds): no detectable difference
st=0; out=$("$H" compare cmp 'q[learning_rate=0.5]' other --results "$T/r" --format none) || st=$?
[ "$st" -eq 0 ] || fail "same distribution: exit $st (want 0): $out"
[ "$(printf '%s\n' "$out" | grep -c 'no detectable difference (could detect')" -eq 3 ] || fail "want no detectable difference with a detectable size: $out"
# identical hyperparameters, another name: the same seeds, identical runs
st=0; out=$("$H" compare cmp 'q[learning_rate=0.5]' twin --results "$T/r" --format none) || st=$?
[ "$st" -eq 0 ] || fail "identical configurations: exit $st"
[ "$(printf '%s\n' "$out" | grep -c 'no detectable difference (identical scores)')" -eq 3 ] || fail "twin: $out"

# all pairs: 4 configurations -> 6 comparisons x 3 rows in one Holm family
st=0; out=$("$H" compare cmp --all-pairs --results "$T/r" --format none --metric-of auc) || st=$?
[ "$st" -eq 1 ] || fail "all pairs: exit $st"
[ "$(printf '%s\n' "$out" | grep -c '^B = ')" -eq 6 ] || fail "all pairs: want 6 comparisons: $out"
printf '%s\n' "$out" | grep -q 'Holm-corrected across the 18 rows' || fail "all pairs: Holm family of 18 rows"
printf '%s\n' "$out" | grep -q 'Score: AUC' || fail "--metric-of auc not stated"
[ -s "$R/all-pairs-auc.md" ] || fail "no all-pairs-auc.md"

# --env: one environment's rows, no aggregate, its own report
out=$("$H" compare cmp 'q[learning_rate=0]' 'q[learning_rate=0.5]' --env CliffWalking-v1 --results "$T/r" --format none) || true
[ "$(printf '%s\n' "$out" | grep -c ' B better$')" -eq 1 ] || fail "--env: want one row: $out"
printf '%s\n' "$out" | grep -q '^aggregate' && fail "--env with one environment: no aggregate row"
[ -s "$R/q_learning_rate_0.5_--vs--q_learning_rate_0_-final-CliffWalking-v1.md" ] || fail "--env report not under its own name"

# a 2x2 sweep: both main effects
cat > "$T/fac.cfg" <<'CFG'
name = "fac";
seed = 2;
seeds = 8;
budget = { steps = 3000; };
eval = { every = 1000; episodes = 10; };
envs = ( { id = "FrozenLake-v1"; is_slippery = false; } );
algorithms = ( { name = "q"; learner = "q_learning"; learning_rate = [0.0, 0.5]; epsilon = [0.1, 0.3]; } );
CFG
"$H" run "$T/fac.cfg" --results "$T/r" -j 2 --quiet --no-plot
st=0; out=$("$H" compare fac --factor learning_rate --factor epsilon --results "$T/r") || st=$?
[ "$st" -eq 1 ] || fail "factor: exit $st"
printf '%s\n' "$out" | grep -q '^B = learning_rate=0.5  vs  A = learning_rate=0  (main effect, averaged' || fail "no learning-rate main effect: $out"
printf '%s\n' "$out" | grep -q '^B = epsilon=0.3  vs  A = epsilon=0.1  (main effect, averaged' || fail "no epsilon main effect: $out"
lr=$(printf '%s\n' "$out" | sed -n '/^B = learning_rate/{n;n;p}')
case "$lr" in *"16/16"*"B better") ;; *) fail "learning-rate main effect not B better over 16/16 runs: $lr";; esac
[ -s "$T/r/fac/compare/factor-learning_rate-epsilon-final.png" ] || fail "no factor figure"
out2=$("$H" compare fac --factors --results "$T/r" --format none) || true
[ "$(printf '%s\n' "$out2" | grep -c '(main effect')" -eq 2 ] || fail "--factors: want 2 main effects"

# paired seeds: paired tests, pairs resampled together
cat > "$T/pair.cfg" <<'CFG'
name = "pair";
seed = 3;
paired_seeds = true;
seeds = 10;
budget = { steps = 3000; };
eval = { every = 1000; episodes = 20; };
envs = ( { id = "FrozenLake-v1"; is_slippery = false; } );
algorithms = ( { name = "q"; learner = "q_learning"; learning_rate = [0.0, 0.5]; epsilon = 0.3; } );
CFG
"$H" run "$T/pair.cfg" --results "$T/r" -j 2 --quiet --no-plot
st=0; out=$("$H" compare pair 'q[learning_rate=0]' 'q[learning_rate=0.5]' --results "$T/r" --format none) || st=$?
[ "$st" -eq 1 ] || fail "paired: exit $st"
printf '%s\n' "$out" | grep -q '^Seeds: paired (paired_seeds = true)' || fail "paired seeds not used: $out"
printf '%s\n' "$out" | grep -q 'p U: Wilcoxon signed-rank' || fail "paired: no Wilcoxon test"
printf '%s\n' "$out" | grep -q ' B better$' || fail "paired: not B better: $out"
# the unpaired experiment says so
"$H" compare cmp 'q[learning_rate=0.5]' other --results "$T/r" --format none | grep -q '^Seeds: not paired' || fail "unpaired not stated"

# bad input: one line, exit 2
for args in "cmp nosuch other" "cmp other other" "cmp --all-pairs --metric-of last:0" "cmp other" \
	    "fac --factor nosuch" "cmp --all-pairs --resamples 5" "nosuchexp --all-pairs" "cmp --all-pairs --env nosuch"; do
	st=0; err=$("$H" compare $args --results "$T/r" 2>&1 >/dev/null) || st=$?
	[ "$st" -eq 2 ] || fail "compare $args: exit $st (want 2)"
	[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "compare $args: want one error line: $err"
done
"$H" compare --help | grep -q 'exit status: 0 no detectable difference' || fail "--help lacks the exit status"
echo "it_compare: ok"
