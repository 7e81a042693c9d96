#!/usr/bin/env bash
# it_slurm_paths.sh - paths in the Slurm scripts, without a cluster (--dry-run,
# then the printed array script run by hand as one array task would):
#   a results directory or spec path with a newline is refused in one line,
#   nothing written (a newline once reached an unquoted #SBATCH line and ran a
#   command in every array task);
#   with spaces and quotes (' and ") the scripts parse, no #SBATCH line holds a
#   path, the printed sbatch commands give sbatch exactly the paths, and the
#   array script run as task 0 writes its run file and record under that
#   directory; nothing runs that the path spells. The plan of a submission:
#   --only selects cells, a lost run file's cell is planned again alone.
set -euo pipefail
H=${HARNESS:?}
D=${TEST_DATA:?}
T=$(mktemp -d /tmp/it_slurm_paths.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$T/spec"
cp "$D/itrun.cfg" "$T/spec/"
nl='
'
# --- a newline: refused ---
for r in "$T/res${nl}touch $T/PWNED${nl}x" ; do
	st=0; err=$("$H" run "$T/spec/itrun.cfg" --backend slurm --dry-run --results "$r" 2>&1 >/dev/null) || st=$?
	[ "$st" -eq 2 ] || fail "a newline in the results path: exit $st"
	[ "$(printf '%s\n' "$err" | grep -c 'error')" -eq 1 ] && printf '%s' "$err" | grep -q "results directory '.*' has a control character (byte 0x0a)" || fail "message: $err"
	st=0; "$H" run "$T/spec/itrun.cfg" --backend slurm --results "$r" > /dev/null 2>&1 || st=$?
	[ "$st" -eq 2 ] || fail "a newline in the results path (submitting): exit $st"
done
mkdir -p "$T/sp${nl}ec"
cp "$D/itrun.cfg" "$T/sp${nl}ec/"
st=0; err=$("$H" run "$T/sp${nl}ec/itrun.cfg" --backend slurm --dry-run --results "$T/ok" 2>&1 >/dev/null) || st=$?
[ "$st" -eq 2 ] && printf '%s' "$err" | grep -q "spec '.*' has a control character" || fail "a newline in the spec path: exit $st: $err"
[ ! -e "$T/res${nl}touch $T/PWNED${nl}x" ] && [ ! -e "$T/res" ] && [ ! -e "$T/ok" ] || fail "something was written: $(ls "$T")"
[ ! -e "$T/PWNED" ] || fail "an injected command ran"

# --- spaces and quotes: quoted ---
R="$T/res dir/it's \"q\" \$(touch $T/PWNED)"
mkdir -p "$T/s p'c"
cp "$D/itrun.cfg" "$T/s p'c/"
S="$T/s p'c/itrun.cfg"
out=$("$H" run "$S" --backend slurm --dry-run --results "$R" 2>/dev/null)
a=$(printf '%s\n' "$out" | sed -n '/: array script (/,/: the matrix indices/p' | sed '1d;$d')
c=$(printf '%s\n' "$out" | sed -n '/: collect script$/,/^sbatch /p' | sed '1d;$d')
printf '%s\n' "$a" > "$T/array.sh"; printf '%s\n' "$c" > "$T/collect.sh"
head -n1 "$T/array.sh" | grep -q '^#!/bin/bash' || fail "no array script in: $out"
bash -n "$T/array.sh" || fail "array script does not parse"
bash -n "$T/collect.sh" || fail "collect script does not parse"
! grep -q '^#SBATCH.*/' "$T/array.sh" "$T/collect.sh" || fail "a path in an #SBATCH line: $(grep '^#SBATCH' "$T/array.sh" "$T/collect.sh")"
vars=$(grep -E '^(HARNESS|SPEC|RESULTS|CELLS)=' "$T/array.sh")
# the variables hold the exact paths
got=$(bash -c "$vars"$'\nprintf "%s\\n" "$RESULTS" "$SPEC"')
[ "$got" = "$R$nl$S" ] || fail "script variables: got '$got'"
# the sbatch commands, as a shell runs them, pass exactly these paths
mkdir -p "$T/bin"
printf '#!/bin/sh\nfor a in "$@"; do printf "[%%s]\\n" "$a"; done\n' > "$T/bin/sbatch"; chmod +x "$T/bin/sbatch"
cmds=$(printf '%s\n' "$out" | grep '^sbatch ' | sed 's/<array job id>/42/g')
args=$(PATH=$T/bin:$PATH bash -c "$cmds")
printf '%s\n' "$args" | grep -qxF "[--output=$R/itrun/slurm/logs/$(basename "$(grep -o 'array-[^/]*\.sh' <<<"$out" | head -n1)" .sh | sed 's/^array-//')-%A_%a.out]" ||
	fail "sbatch --output of the array: $args"
printf '%s\n' "$args" | grep -qF "[$R/itrun/slurm/collect-" || fail "sbatch collect script path: $args"
# the array script run as task 0 of a job, with the frozen binary where it says
eval "$vars"
mkdir -p "$(dirname "$HARNESS")"; cp "$H" "$HARNESS"
printf '0\n' > "$CELLS"
SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_JOB_ID=42 bash "$T/array.sh" > "$T/task.out" 2>&1 || fail "array task 0 failed: $(cat "$T/task.out")"
ls "$R/itrun/runs/"*.h5 > /dev/null 2>&1 || fail "no run file under the quoted results directory"
ls "$R/itrun/slurm/records/"*.rec > /dev/null 2>&1 || fail "no record under the quoted results directory"
grep -q '^status=complete$' "$R/itrun/slurm/records/"*.rec || fail "the task's cell is not complete"
[ ! -e "$T/PWNED" ] || fail "a command in a path ran"
# --- planning of a submission, as for a local run: --only, and a lost run file re-run alone ---
"$H" run "$T/spec/itrun.cfg" --results "$T/p" -j 2 --quiet --no-plot
out=$("$H" run "$T/spec/itrun.cfg" --backend slurm --dry-run --results "$T/p" 2>&1)
printf '%s\n' "$out" | grep -q "0 to run, 12 already done" || fail "slurm plan after a complete run: $out"
rm "$T/p/$(sqlite3 "$T/p/harness.db" "SELECT h5_path FROM runs ORDER BY cell_id LIMIT 1")"
out=$("$H" run "$T/spec/itrun.cfg" --backend slurm --dry-run --results "$T/p" 2>&1)
printf '%s\n' "$out" | grep -q "is missing: running it again" || fail "slurm plan: no message for the lost file: $out"
printf '%s\n' "$out" | grep -q "1 to run, 11 already done" || fail "slurm plan: the lost file's cell is not alone: $out"
out=$("$H" run "$T/spec/itrun.cfg" --backend slurm --dry-run --results "$T/q" --only '*/seed=0' 2>&1)
printf '%s\n' "$out" | grep -q "4 to run, 0 already done" || fail "slurm --only: $out"
printf '%s\n' "$out" | grep -q "the matrix indices of the cells to run, one a line: 0 3 6 9$" || fail "slurm --only cells: $out"
st=0; "$H" run "$T/spec/itrun.cfg" --backend slurm --dry-run --results "$T/q" --only 'nothing*' > /dev/null 2>&1 || st=$?
[ "$st" -eq 2 ] || fail "slurm --only selecting nothing: exit $st"
echo "it_slurm_paths: all checks passed"
