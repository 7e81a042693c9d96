#!/usr/bin/env bash
# it_recover.sh - recovery of single cells and running a subset:
#   a deleted run file makes resume re-run exactly that cell (saying so), with
#   the same results hash, every other row untouched; a corrupt (overwritten)
#   run file likewise; `run --only` with a glob, with an exact cell id (ids hold
#   '[' and ']'), repeated (the union), with --list; a pattern selecting no cell
#   is a one-line error that runs nothing.
set -euo pipefail
H=${HARNESS:?}
D=${TEST_DATA:?}
T=$(mktemp -d /tmp/it_recover.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$T/spec"
cp "$D/itrun.cfg" "$T/spec/"
S=$T/spec/itrun.cfg
db() { sqlite3 "$T/r/harness.db" "$1"; }
rows() { db "SELECT cell_id, id, finished_at, content_hash FROM runs ORDER BY cell_id"; }

"$H" run "$S" --results "$T/r" -j 2 --quiet --no-plot
[ "$(db "SELECT count(*) FROM runs WHERE status='complete'")" -eq 12 ] || fail "first run incomplete"
before=$(rows)

# --- a deleted run file: resume re-runs that cell only ---
victim=$(db "SELECT cell_id FROM runs ORDER BY cell_id LIMIT 1 OFFSET 4")
vfile=$T/r/$(db "SELECT h5_path FROM runs WHERE cell_id='$victim'") # stored relative to the results root
vhash=$(db "SELECT content_hash FROM runs WHERE cell_id='$victim'")
rm "$vfile"
sleep 1 # finished_at has one-second resolution
st=0; out=$("$H" run "$S" --results "$T/r" -j 2 --no-plot 2>&1) || st=$?
[ "$st" -eq 0 ] || fail "resume after a deleted run file: exit $st: $out"
echo "$out" | grep -qF "cell '$victim': run file '$vfile' is missing: running it again" || fail "no message naming the cell: $out"
echo "$out" | grep -q "1 to run, 11 already done, 1 of them again" || fail "not exactly one cell re-run: $out"
[ -f "$vfile" ] || fail "the run file is not back"
[ "$(db "SELECT content_hash FROM runs WHERE cell_id='$victim'")" = "$vhash" ] || fail "re-run gave another results hash"
after=$(rows)
changed=$(diff <(echo "$before") <(echo "$after") | grep '^>' || true)
[ "$(echo "$changed" | wc -l)" -eq 1 ] || fail "more than one row changed: $changed"
case "$changed" in "> $victim|"*) ;; *) fail "the changed row is not the victim's: $changed";; esac
[ "$(db "SELECT count(*) FROM runs")" -eq 12 ] || fail "a row was added"
"$H" verify itrun --results "$T/r" > /dev/null || fail "verify after recovery"

# --- a corrupt run file (garbage in the middle): the same ---
f2=$T/r/$(db "SELECT h5_path FROM runs ORDER BY cell_id LIMIT 1 OFFSET 7")
c2=$(db "SELECT cell_id FROM runs WHERE h5_path='${f2#$T/r/}'")
printf 'garbage' | dd of="$f2" bs=1 seek=3000 conv=notrunc 2>/dev/null
out=$("$H" run "$S" --results "$T/r" -j 2 --quiet --no-plot 2>&1) || fail "resume after a corrupt file: $out"
echo "$out" | grep -qF "cell '$c2': " || fail "no message for the corrupt file: $out"
echo "$out" | grep -q "running it again" || fail "corrupt file not re-run: $out"
"$H" verify itrun --results "$T/r" > /dev/null || fail "verify after the corrupt file's recovery"
[ "$(db "SELECT count(*) FROM runs WHERE status='complete'")" -eq 12 ] || fail "not all complete after recovery"

# --- --only: globs, exact ids, union, --list ---
"$H" run "$S" --list --only 'FrozenLake-v1/*' > "$T/l1"
[ "$(grep -c '^FrozenLake-v1/' "$T/l1")" -eq 6 ] || fail "--list --only glob: $(cat "$T/l1")"
! grep -q 'is_slippery' "$T/l1" || fail "--only glob selected the other env"
exact=$(sed -n '3p' "$T/l1" | cut -f1)
case "$exact" in *'['*']'*) ;; *) fail "expected a cell id with brackets, got '$exact'";; esac
"$H" run "$S" --list --only "$exact" | tail -n +3 > "$T/l2"
[ "$(cut -f1 "$T/l2")" = "$exact" ] || fail "--only with an exact id containing []: $(cat "$T/l2")"
"$H" run "$S" --list --only '*/seed=0' --only="*/seed=2" | tail -n +3 > "$T/l3"
[ "$(wc -l < "$T/l3")" -eq 8 ] || fail "--only union: $(cat "$T/l3")"
! grep -q 'seed=1' "$T/l3" || fail "--only union selected seed=1"

"$H" run "$S" --results "$T/o" -j 2 --quiet --no-plot --only '*/seed=1'
[ "$(sqlite3 "$T/o/harness.db" "SELECT count(*) FROM runs")" -eq 4 ] || fail "--only ran other cells"
[ "$(sqlite3 "$T/o/harness.db" "SELECT count(*) FROM runs WHERE cell_id LIKE '%/seed=1' AND status='complete'")" -eq 4 ] || fail "--only cells not complete"
# the same cells give the same results as in the full run
[ "$(sqlite3 "$T/o/harness.db" "SELECT cell_id, content_hash FROM runs ORDER BY cell_id")" = \
  "$(db "SELECT cell_id, content_hash FROM runs WHERE cell_id LIKE '%/seed=1' ORDER BY cell_id")" ] || fail "--only results differ"
out=$("$H" run "$S" --results "$T/o" -j 2 --no-plot 2>&1)
echo "$out" | grep -q "8 to run, 4 already done" || fail "the rest after --only: $out"

st=0; out=$("$H" run "$S" --results "$T/n" --only 'CartPole-v1/*' 2>&1) || st=$?
[ "$st" -eq 2 ] || fail "--only selecting nothing: exit $st"
[ "$(echo "$out" | wc -l)" -eq 1 ] && echo "$out" | grep -q "error: --only 'CartPole-v1/\*' selects no cell" || fail "message: $out"
[ ! -e "$T/n" ] || fail "--only selecting nothing wrote something"
echo "it_recover: all checks passed"
