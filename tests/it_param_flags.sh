#!/usr/bin/env bash
# it_param_flags.sh - a hyperparameter or environment option added with
# PARAM_OMIT_DEFAULT moves nothing: in a scratch copy of this tree, one flagged
# row is added to the tabular table, two to DQN's (one also PARAM_NO_SEED) and
# one to FrozenLake's options; the copy's harness then gives the smoke
# experiment the same cell ids, config hashes and seeds as this one
# (`run --list`), and `regress smoke --baseline --strict` finds every results
# hash of experiments/baselines/smoke.json with no "config changed". Controls
# (so the check can fail): the same rows without the flag move the config
# hashes; the new knob set to a non-default value gives a new config hash
# (NO_SEED: the same seeds).
set -euo pipefail
H=${HARNESS:?}
SRC=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /tmp/it_param_flags.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# the tree as it is (tracked and untracked files), with its objects for a fast rebuild
mkdir "$T/c"
(cd "$SRC" && git ls-files -co --exclude-standard -z | grep -zv '^results/' | xargs -0 tar cf - 2>/dev/null) | tar xf - -C "$T/c"
[ -d "$SRC/build" ] && cp -a "$SRC/build" "$T/c/build"
cd "$T/c"

# $1: the flags to give the new rows
add_rows() {
	cp "$SRC/algorithms/tabular.c" algorithms/tabular.c
	cp "$SRC/algorithms/dqn_params.c" algorithms/dqn_params.c
	cp "$SRC/envs/frozenlake.c" envs/frozenlake.c
	/usr/bin/python3 - "$1" <<'EOF'
import re, sys
flags = sys.argv[1]
def add(path, table, rows):
    s = open(path).read()
    i = s.index(table)
    j = s.index("PARAM_END", i)
    s = s[:j] + rows + "\n\t" + s[j:]
    open(path, "w").write(s)
add("algorithms/tabular.c", "tabular_params[]",
    '{ "my_new_knob", PARAM_INT, "0", 0, 10, NULL, "test", %s },' % flags)
add("algorithms/dqn_params.c", "dqn_params[]",
    '{ "my_new_rate", PARAM_FLOAT, "0.5", 0, 1, NULL, "test", %s },\n\t'
    '{ "my_new_store", PARAM_BOOL, "false", 0, 1, NULL, "test", %s | PARAM_NO_SEED },' % (flags, flags))
add("envs/frozenlake.c", "frozenlake_options[]",
    '{ "my_new_option", PARAM_BOOL, "false", 0, 0, NULL, "test", %s },' % flags)
EOF
	grep -q my_new_knob algorithms/tabular.c && grep -q my_new_store algorithms/dqn_params.c &&
		grep -q my_new_option envs/frozenlake.c || fail "could not add the rows"
	make -s -j2 bin/harness > "$T/build.log" 2>&1 || { tail -20 "$T/build.log"; fail "scratch build failed"; }
}

grep -q 'tabular_params\[\]' algorithms/tabular.c && grep -q 'dqn_params\[\]' algorithms/dqn_params.c &&
	grep -q 'frozenlake_options\[\]' envs/frozenlake.c || fail "tables not found under their names"

# cell id, config hash, seeds (not the code version: the copy's code differs)
list() { "$@" | cut -f1-5; }
list "$H" run experiments/smoke.cfg --list > "$T/list.orig"
[ "$(wc -l < "$T/list.orig")" -gt 10 ] || fail "no matrix listed"

add_rows PARAM_OMIT_DEFAULT
./bin/harness learners q_learning | grep -q my_new_knob || fail "the copy does not have the new knob"
list ./bin/harness run experiments/smoke.cfg --list > "$T/list.flag"
diff "$T/list.orig" "$T/list.flag" > /dev/null || { diff "$T/list.orig" "$T/list.flag" | head; fail "flagged rows moved config hashes or seeds"; }
st=0; ./bin/harness regress smoke --baseline --strict --results "$T/r" -j 2 > "$T/out" 2> "$T/err" || st=$?
[ "$st" -eq 0 ] || { cat "$T/out"; tail -3 "$T/err"; fail "flagged rows: strict regress against the smoke baseline exited $st"; }
grep -q "0 regressed, 0 changed where bit-identity was expected" "$T/out" || fail "flagged rows changed results: $(cat "$T/out")"
grep -q "config changed" "$T/out" && fail "flagged rows changed a config hash: $(cat "$T/out")"
[ "$(grep -c ' identical$' "$T/out")" -eq 7 ] || fail "expected 7 identical rows: $(cat "$T/out")"

# controls: a non-default value is a new configuration; a NO_SEED one keeps the seeds
sed -e 's/learner = "q_learning";/learner = "q_learning"; my_new_knob = 3;/' \
    -e 's/learner = "dqn_all";/learner = "dqn_all"; my_new_store = true;/' experiments/smoke.cfg > "$T/knob.cfg"
sed -i 's/^name = "smoke";//' "$T/knob.cfg"
list ./bin/harness run "$T/knob.cfg" --list > "$T/list.knob"
q_orig=$(grep '^FrozenLake-v1/q/seed=0' "$T/list.flag" | cut -f2)
q_knob=$(grep '^FrozenLake-v1/q/seed=0' "$T/list.knob" | cut -f2)
[ -n "$q_orig" ] && [ "$q_orig" != "$q_knob" ] || fail "my_new_knob = 3 kept the config hash"
d_orig=$(grep '^CartPole-v1/dqn/seed=0' "$T/list.flag")
d_knob=$(grep '^CartPole-v1/dqn/seed=0' "$T/list.knob")
[ "$(echo "$d_orig" | cut -f2)" != "$(echo "$d_knob" | cut -f2)" ] || fail "my_new_store = true kept the config hash"
[ "$(echo "$d_orig" | cut -f3-)" = "$(echo "$d_knob" | cut -f3-)" ] || fail "a PARAM_NO_SEED knob changed the seeds"

# control: the same rows without the flag do move the config hashes
add_rows 0
list ./bin/harness run experiments/smoke.cfg --list > "$T/list.noflag"
n=$(diff "$T/list.orig" "$T/list.noflag" | grep -c '^>' || true)
[ "$n" -eq 21 ] || fail "unflagged rows should change all 21 cells' config hashes, changed $n"
echo "it_param_flags: all checks passed"
