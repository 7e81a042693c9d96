#!/usr/bin/env bash
# it_codever.sh - code versions follow what can change results, in a throw-away
# clone of this tree (objects reused where their sources are the same, so the
# builds are quick; one full rebuild for the flags):
#   a commit that only edits comments, blank lines, indentation (shifting the
#   lines of BUG calls), the README and a test leaves every code version as it
#   was: `harness status smoke` says 0 pending, and `make regress NAME=smoke
#   BASE=HEAD~1 STRICT=1` reports every cell bit-identical without running any
#   cell with either binary;
#   a commit that changes CartPole's dynamics makes exactly the 3 CartPole cells
#   pending; regress runs exactly those 3 with each binary and reports them
#   changed (strict: exit 1), the others identical;
#   an untracked source file marks the build dirty;
#   CFLAGS=-ffast-math rebuilds, is recorded in cflags and changes every cell's
#   code version.
set -euo pipefail
# never 'cmd | grep -q' under pipefail: grep's early exit gives cmd a SIGPIPE, which fails
# the pipeline now and then (here-strings instead)
SRC=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /tmp/it_codever.XXXXXX)
trap 'cd /; git -C "$T/repo" worktree prune 2>/dev/null || true; rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export OPENBLAS_NUM_THREADS=1

git clone -q "$SRC" "$T/repo"
cd "$T/repo"
git config user.email test@example.invalid
git config user.name test
# the tree as it is, uncommitted changes included
(cd "$SRC" && git ls-files -co --exclude-standard -z | grep -zv '^results/' | xargs -0 tar cf - 2>/dev/null) | tar xf -
git add -A && git commit -qm "test: base" --allow-empty
base=$(git rev-parse HEAD)
# objects of these very sources: reused (made newer than the checkout)
if [ -d "$SRC/build" ]; then
	cp -a "$SRC/build" build
	find build -name '*.o' -o -name '*.th' -o -name .flags -o -name .deps | xargs touch
fi
make -s -j2 bin/harness > "$T/build.log" 2>&1 || { tail -20 "$T/build.log"; fail "build"; }
cp -a build "$T/build.base"
ver() { ./bin/harness run experiments/smoke.cfg --list | cut -f1,6; }
status() { ./bin/harness status smoke | grep '^smoke: '; }
ver > "$T/v.base"
[ "$(cut -f2 "$T/v.base" | grep -c '^[0-9a-f]\{64\}$')" -eq 21 ] || fail "no code versions listed: $(cat "$T/v.base")"
grep -q '^git_commit .*(dirty)' <<<"$(./bin/harness version)" && fail "a clean checkout is recorded dirty"
./bin/harness run experiments/smoke.cfg -j 2 --quiet --no-plot
grep -q '21 cells: 0 pending, 0 running, 21 done' <<<"$(status)" || fail "smoke not done: $(status)"

# (1) a result-neutral commit
sed -i '1i /* a comment of two lines,\n   shifting every line below (BUG calls included) */' algorithms/tabular.c
sed -i 's/^#include "toytext.h"$/#include "toytext.h"\n\n\/\/ a comment/; s/^\tif (/\t  if (/' envs/frozenlake.c
sed -i '1i // a comment' harness/exec/runner.c
echo "A neutral line." >> README.md
echo "# a neutral comment" >> tests/it_smoke.sh
git diff --stat | grep -q tabular.c && git diff --stat | grep -q runner.c || fail "the neutral edits did not apply"
git commit -qam "test: comments and layout only"
neutral=$(git rev-parse HEAD)
make -s -j2 bin/harness > "$T/build.log" 2>&1 || { tail -20 "$T/build.log"; fail "build"; }
cp -a build "$T/build.neutral"
ver > "$T/v.neutral"
diff "$T/v.base" "$T/v.neutral" > /dev/null || fail "comments and layout changed code versions"
grep -q '21 cells: 0 pending' <<<"$(status)" || fail "comment-only edit: $(status)"
# regress: the base's worktree gets the objects of its own sources, as above
git worktree add -q --detach "results/.regress/$base" "$base"
cp -a "$T/build.base" "results/.regress/$base/build"
find "results/.regress/$base/build" -name '*.o' -o -name '*.th' -o -name .flags -o -name .deps | xargs touch
st=0; make -s regress NAME=smoke BASE=HEAD~1 STRICT=1 JOBS=2 > "$T/out" 2> "$T/err" || st=$?
[ "$st" -eq 0 ] || { cat "$T/out" "$T/err"; fail "neutral commit: strict regress exited $st"; }
[ "$(grep -c ' identical$' "$T/out")" -eq 7 ] || fail "neutral commit: not every row identical: $(cat "$T/out")"
grep -q "^21 cells at the same code version on both sides: not re-run" "$T/out" || fail "neutral: cells re-run: $(cat "$T/out")"
grep -q "0 to run, 21 already done" "$T/err" || fail "neutral: the working tree ran cells: $(cat "$T/err")"
[ ! -e "results/.regress/$base/results/harness.db" ] || [ "$(sqlite3 "results/.regress/$base/results/harness.db" "SELECT count(*) FROM runs")" -eq 0 ] ||
	fail "neutral: the base binary ran cells"

# (2) one environment's dynamics
sed -i 's/gravity = 9.8;/gravity = 9.81;/' envs/cartpole.c
git diff --quiet && fail "could not change CartPole's gravity"
git commit -qam "test: CartPole gravity"
make -s -j2 bin/harness > "$T/build.log" 2>&1 || { tail -20 "$T/build.log"; fail "build"; }
ver > "$T/v.cartpole"
changed=$(diff "$T/v.neutral" "$T/v.cartpole" | grep '^>' | cut -f1 | sed 's/^> //' | sort | tr '\n' ' ' || true)
[ "$changed" = "CartPole-v1/dqn/seed=0 CartPole-v1/dqn/seed=1 CartPole-v1/dqn/seed=2 " ] ||
	fail "CartPole edit changed the code version of: $changed"
grep -q '21 cells: 3 pending, 0 running, 18 done' <<<"$(status)" || fail "CartPole edit: $(status)"
./bin/harness status smoke --cells | grep '^pending' | grep -vq 'CartPole-v1/' && fail "a non-CartPole cell is pending"
git worktree add -q --detach "results/.regress/$neutral" "$neutral"
cp -a "$T/build.neutral" "results/.regress/$neutral/build"
find "results/.regress/$neutral/build" -name '*.o' -o -name '*.th' -o -name .flags -o -name .deps | xargs touch
# (make turns the exit status 1 into 2: the harness itself, to see it)
st=0; ./bin/harness regress smoke --base HEAD~1 --strict -j 2 > "$T/out" 2> "$T/err" || st=$?
[ "$st" -eq 1 ] || { cat "$T/out" "$T/err"; fail "CartPole edit: strict regress exited $st, expected 1"; }
grep -q "3 to run, 18 already done" "$T/err" || fail "CartPole edit: the working tree ran other cells: $(cat "$T/err")"
grep -q "^18 cells at the same code version on both sides: not re-run" "$T/out" || fail "CartPole: $(cat "$T/out")"
[ "$(sqlite3 "results/.regress/$neutral/results/harness.db" "SELECT count(*) FROM runs WHERE status = 'complete' AND cell_id LIKE 'CartPole-v1/%'") $(sqlite3 "results/.regress/$neutral/results/harness.db" "SELECT count(*) FROM runs")" = "3 3" ] ||
	fail "the base binary should have run exactly the 3 CartPole cells"
[ "$(grep -c ' identical$' "$T/out")" -eq 6 ] || fail "CartPole edit: the 6 other rows should be identical: $(cat "$T/out")"
grep '^CartPole-v1 ' "$T/out" | grep -q ' 0/3 ' || fail "CartPole edit: CartPole cells should differ: $(cat "$T/out")"

# (3) an untracked source file
grep -q '^git_commit .*(dirty)' <<<"$(./bin/harness version)" && fail "the committed tree is recorded dirty"
printf 'int zz_untracked(void);\nint zz_untracked(void) { return 1; }\n' > envs/zz_untracked.c
make -s -j2 bin/harness > "$T/build.log" 2>&1 || { tail -20 "$T/build.log"; fail "build"; }
grep -q '^git_commit .*(dirty)' <<<"$(./bin/harness version)" || fail "an untracked source does not mark the build dirty"
rm envs/zz_untracked.c build/envs/zz_untracked.*

# (4) user CFLAGS
make -s -j2 CFLAGS=-ffast-math bin/harness > "$T/build.log" 2>&1 || { tail -20 "$T/build.log"; fail "build"; }
grep '^cflags ' <<<"$(./bin/harness version)" | grep -q -- '-ffast-math' || fail "-ffast-math not recorded in cflags"
ver > "$T/v.fast"
n=$(diff "$T/v.cartpole" "$T/v.fast" | grep -c '^>' || true)
[ "$n" -eq 21 ] || fail "CFLAGS=-ffast-math changed the code version of $n cells, not 21"
grep -q '21 cells: 21 pending' <<<"$(status)" || fail "-ffast-math: $(status)"
echo "it_codever: all checks passed"
