#!/usr/bin/env bash
# it_atomic.sh - outputs appear whole or not at all: a `harness plot` killed
# (SIGKILL, with its gnuplot) while gnuplot has opened its outputs leaves the
# previous figures intact, byte for byte, and the next plot sweeps what the
# killed one left and draws again; a gnuplot that fails leaves them intact too.
# (The gnuplot killed is a stand-in on PATH that truncates every `set output`
# file of its script, as gnuplot does when it opens one, then waits.)
set -euo pipefail
H=${HARNESS:?}
T=$(mktemp -d /tmp/it_atomic.XXXXXX)
pg=""
trap '[ -z "$pg" ] || kill -9 -- "-$pg" 2>/dev/null || true; rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$T/spec" "$T/fake"
cat > "$T/spec/itatomic.cfg" <<'CFG'
name = "itatomic";
seeds = 2;
budget = { steps = 2000; };
eval = { every = 1000; episodes = 3; };
envs = ( { id = "FrozenLake-v1"; is_slippery = false; } );
algorithms = ( { name = "q"; learner = "q_learning"; learning_rate = [0.1, 0.5]; } );
CFG
"$H" run "$T/spec/itatomic.cfg" --results "$T/r" -j 2 --quiet
F=$T/r/itatomic/figures
sums() { (cd "$F" && find . -maxdepth 1 -type f \( -name '*.png' -o -name '*.pdf' \) ! -name '.*' | sort | xargs md5sum); }
before=$(sums)
[ "$(echo "$before" | wc -l)" -ge 6 ] || fail "expected figures: $before"
echo "$before" | grep -q "d41d8cd98f00b204e9800998ecf8427e" && fail "an empty figure before the test"

cat > "$T/fake/gnuplot" <<'SH'
#!/bin/bash
# truncates every output its script names, says so, then hangs (or fails: FAKE_FAIL)
grep -o 'set output "[^"]*"' "$1" | sed 's/^set output "//; s/"$//' | while read -r p; do : > "$p"; done
touch "$FAKE_MARK"
[ -n "${FAKE_FAIL:-}" ] && exit 1
exec sleep 300
SH
chmod +x "$T/fake/gnuplot"

# killed while gnuplot holds its outputs open
FAKE_MARK=$T/mark PATH=$T/fake:$PATH setsid "$H" plot itatomic --results "$T/r" > /dev/null 2>&1 &
pg=$!
for _ in $(seq 1 200); do [ -e "$T/mark" ] && break; sleep 0.05; done
[ -e "$T/mark" ] || fail "the stand-in gnuplot never ran"
kill -9 -- "-$pg"; wait "$pg" 2>/dev/null || true; pg=""
[ "$(sums)" = "$before" ] || fail "a killed plot changed the figures: $(diff <(echo "$before") <(sums))"
ls -A "$F" | grep -q '^\.tmp-' || fail "expected the killed plot's temporaries (is the test still testing?)"

# gnuplot failing: an error, figures intact, no temporaries left
st=0; FAKE_FAIL=1 FAKE_MARK=$T/mark2 PATH=$T/fake:$PATH "$H" plot itatomic --results "$T/r" > /dev/null 2> "$T/err" || st=$?
[ "$st" -ne 0 ] || fail "a failing gnuplot: exit 0"
grep -q "gnuplot failed on '.*\.gp'" "$T/err" || fail "message: $(cat "$T/err")"
[ "$(sums)" = "$before" ] || fail "a failing gnuplot changed the figures"

# the next plot sweeps the killed one's temporaries and draws the same figures
"$H" plot itatomic --results "$T/r" > /dev/null
[ -z "$(ls -A "$F" | grep '^\.tmp-' || true)" ] || fail "temporaries left: $(ls -A "$F")"
for f in "$F"/*.png; do [ -s "$f" ] || fail "empty $f"; done
grep -q 'set output "[^"]*/FrozenLake-v1_is_slippery_false_.png"' "$F/FrozenLake-v1_is_slippery_false_.gp" || fail "the .gp does not name the final figure"
! grep -q '\.tmp-' "$F"/*.gp || fail "a .gp names a temporary file"
echo "it_atomic: all checks passed"
