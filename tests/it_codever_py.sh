#!/usr/bin/env bash
# it_codever_py.sh - the code version of a Python environment's cells covers
# the user's own modules (README "What re-runs"): editing the module of a
# py:module:Class id, or a module named in `modules`, changes exactly the
# cells of that environment; a C environment's cells keep theirs.
# Needs the project's virtual environment (make venv), as tests/it_gym.sh.
set -euo pipefail
H=${HARNESS:?}
D=${TEST_DATA:?}
T=$(mktemp -d /tmp/it_codever_py.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
mkdir "$T/py"
cp "$D/gym/corridor_env.py" "$T/py/"
echo "VALUE = 1" > "$T/py/helper_mod.py"
export PYTHONPATH=$T/py
cat > "$T/pv.cfg" <<'CFG'
seeds = 1;
budget = { steps = 100; };
envs = (
  { id = "py:corridor_env:Corridor"; kwargs = { n = 4; }; },
  { id = "gym:CartPole-v1"; modules = "helper_mod"; },
  { id = "CartPole-v1"; }
);
algorithms = ( { name = "d"; learner = "dqn"; } );
CFG
ver() { "$H" run "$T/pv.cfg" --list | awk -F'\t' 'NR > 2 { print $1 "\t" $6 }'; }
ver > "$T/v0"
[ "$(wc -l < "$T/v0")" -eq 3 ] || fail "no matrix: $(cat "$T/v0")"
changed() { diff "$1" "$2" | grep '^>' | cut -f1 | sed 's/^> //' | tr '\n' ' ' || true; }

echo "# an edit" >> "$T/py/corridor_env.py"
ver > "$T/v1"
[ "$(changed "$T/v0" "$T/v1")" = 'py:corridor_env:Corridor(kwargs={"n": 4})/d/seed=0 ' ] ||
	fail "editing the class's module changed: $(changed "$T/v0" "$T/v1")"
echo "VALUE = 2" > "$T/py/helper_mod.py"
ver > "$T/v2"
[ "$(changed "$T/v1" "$T/v2")" = 'gym:CartPole-v1(modules=helper_mod)/d/seed=0 ' ] ||
	fail "editing a module of 'modules' changed: $(changed "$T/v1" "$T/v2")"
echo "VALUE = 1" > "$T/py/helper_mod.py"
sed -i '$d' "$T/py/corridor_env.py"
ver > "$T/v3"
diff "$T/v0" "$T/v3" > /dev/null || fail "the same modules again should give the same versions"
echo "it_codever_py: all checks passed"
