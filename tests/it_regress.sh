#!/usr/bin/env bash
# it_regress.sh - `harness regress` and `git bisect run make regress` in a
# throw-away clone of this repository:
#   an unchanged tree is bit-identical everywhere (exit 0); a truncated base
#   binary in its worktree is rebuilt;
#   a commit changing one environment's constant flags exactly that environment's cells;
#   a commit changing only the seed derivation is "changed, not significant" (exit 0; --strict: 1);
#   a planted regression exits 1, and git bisect run finds the commit that planted it;
#   a bad revision exits 2.
set -euo pipefail
D=${TEST_DATA:?}
SRC=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /tmp/it_regress.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
git clone -q "$SRC" "$T/repo"
cd "$T/repo"
git config user.email test@example.invalid
git config user.name test
cp "$D/regr.cfg" experiments/regr.cfg
git add -A && git commit -qm "test: base" && base=$(git rev-parse HEAD)
make -s -j2 bin/harness > /dev/null

st=0; out=$(./bin/harness regress regr --base "$base" -j 2 2>/dev/null) || st=$?
[ "$st" -eq 0 ] || fail "unchanged tree: exit $st"
[ "$(printf '%s\n' "$out" | grep -c ' identical$')" -eq 2 ] || fail "unchanged tree not identical: $out"
# a base binary that does not run (truncated) is rebuilt, not reused
wb=results/.regress/$base/bin/harness
[ -x "$wb" ] || fail "no worktree binary at $wb"
truncate -s 100 "$wb"
st=0; out=$(./bin/harness regress regr --base "$base" -j 2 2> "$T/rebuild.err") || st=$?
[ "$st" -eq 0 ] || fail "after truncating the base binary: exit $st: $(tail -3 "$T/rebuild.err")"
grep -q "does not run: rebuilding it" "$T/rebuild.err" || fail "the truncated binary was not rebuilt: $(cat "$T/rebuild.err")"
"$wb" version > /dev/null || fail "the rebuilt base binary does not run"

# a constant of one environment: a hole in the 8x8 map
sed -i 's|"SFFFFFFF/FFFFFFFF/|"SFFFFFFF/FFFFFFHF/|' envs/frozenlake.c
grep -q 'FFFFFFHF/' envs/frozenlake.c || fail "could not plant the map change"
git commit -qam "test: change the 8x8 map" && mapc=$(git rev-parse HEAD)
make -s -j2 bin/harness > /dev/null
out=$(./bin/harness regress regr --base "$base" -j 2 2>/dev/null) || true
printf '%s\n' "$out" | grep '^FrozenLake-v1 ' | grep -q ' identical$' || fail "4x4 cells should stay identical: $out"
printf '%s\n' "$out" | grep '^FrozenLake8x8-v1 ' | grep -q ' 0/6 ' || fail "8x8 cells should all change: $out"
# the commit side reads its run of the spec's configuration, not a newer run of the cell id made
# under an edited spec: edit epsilon, regress (both sides run it), edit it back, regress again
first=$out
sed -i 's/epsilon = 0.3;/epsilon = 0.2;/' experiments/regr.cfg
./bin/harness regress regr --base "$base" -j 2 > /dev/null 2>&1 || true
sed -i 's/epsilon = 0.2;/epsilon = 0.3;/' experiments/regr.cfg
out=$(./bin/harness regress regr --base "$base" -j 2 2>/dev/null) || true
printf '%s\n' "$out" | grep -q 'config changed' && fail "the base side read the edited spec's runs: $out"
[ "$(grep '^FrozenLake' <<<"$out")" = "$(grep '^FrozenLake' <<<"$first")" ] || fail "spec edited and back: the table moved:
$first
---
$out"
git revert --no-edit HEAD > /dev/null

# only the seed derivation
sed -i 's/harness-seed-v1/harness-seed-vX/' harness/spec/spec.c
git commit -qam "test: change the seed derivation" && seedc=$(git rev-parse HEAD)
make -s -j2 bin/harness > /dev/null
st=0; out=$(./bin/harness regress regr --base "$base" -j 2 2>/dev/null) || st=$?
[ "$st" -eq 0 ] || fail "seed change: exit $st, expected 0: $out"
[ "$(printf '%s\n' "$out" | grep -c 'changed, not significant')" -eq 2 ] || fail "seed change should be 'changed, not significant': $out"
st=0; ./bin/harness regress regr --base "$base" --strict -j 2 > /dev/null 2>&1 || st=$?
[ "$st" -eq 1 ] || fail "seed change with --strict: exit $st, expected 1"
git revert --no-edit HEAD > /dev/null
good=$(git rev-parse HEAD)

# a neutral commit, a planted regression (the 4x4 goal pays nothing), another neutral commit
echo "# neutral" >> README.md && git commit -qam "test: neutral 1"
sed -i "s/letter == 'G' ? 1.0 : 0.0/letter == 'G' ? 0.0 : 0.0/" envs/frozenlake.c
git commit -qam "test: planted regression" && planted=$(git rev-parse HEAD)
echo "# neutral" >> README.md && git commit -qam "test: neutral 2"
make -s -j2 bin/harness > /dev/null
st=0; out=$(./bin/harness regress regr --base "$good" -j 2 2>/dev/null) || st=$?
[ "$st" -eq 1 ] || fail "planted regression: exit $st, expected 1: $out"
printf '%s\n' "$out" | grep -q 'regressed' || fail "no row says regressed: $out"
ls results/regr/regress-*-worktree.md > /dev/null || fail "no Markdown report"

git bisect start HEAD "$good" > /dev/null
git bisect run make -s regress NAME=regr BASE="$good" JOBS=2 > "$T/bisect.log" 2>&1 || true
found=$(git rev-parse refs/bisect/bad 2>/dev/null || true)
git bisect reset > /dev/null 2>&1 || true
[ "$found" = "$planted" ] || { tail -20 "$T/bisect.log"; fail "bisect found ${found:-nothing}, expected $planted"; }

st=0; ./bin/harness regress regr --base no-such-rev > /dev/null 2>&1 || st=$?
[ "$st" -eq 2 ] || fail "bad revision: exit $st, expected 2"
echo "it_regress: all checks passed"
