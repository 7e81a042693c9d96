#!/usr/bin/env bash
# it_valgrind.sh - a small `harness run` (parent, every worker, the database
# and HDF5 writes, the figures step) under valgrind --leak-check=full: no
# definite leak and no memory error in any harness process (gnuplot is not
# traced). Skipped under the sanitizers (TEST_SAN) and without valgrind.
set -euo pipefail
H=${HARNESS:?}
if [ -n "${TEST_SAN:-}" ] || ! command -v valgrind > /dev/null; then
	echo "it_valgrind: SKIPPED (sanitizer build, or no valgrind)"
	exit 77 # tests/run.sh counts it as skipped
fi
T=$(mktemp -d /tmp/it_valgrind.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cat > "$T/vg.cfg" <<'CFG'
seed = 1;
seeds = 2;
budget = { steps = 3000; };
eval = { every = 1000; episodes = 3; };
envs = ( { id = "FrozenLake-v1"; } );
algorithms = ( { name = "q"; learner = "q_learning"; } );
CFG
valgrind -q --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
	--trace-children=yes --trace-children-skip='*gnuplot*,/bin/sh,*/sh' --log-file="$T/vg.%p.log" \
	"$H" run "$T/vg.cfg" --results "$T/r" -j 2 --quiet
"$H" verify vg --results "$T/r" > /dev/null || fail "the run under valgrind did not verify"
n=$(ls "$T"/vg.*.log | wc -l)
[ "$n" -ge 3 ] || fail "expected logs of the parent and 2 workers, got $n"
bad=$(cat "$T"/vg.*.log)
[ -z "$bad" ] || { printf '%s\n' "$bad" | head -60; fail "valgrind reports errors or definite leaks"; }
echo "it_valgrind: $n processes clean"
