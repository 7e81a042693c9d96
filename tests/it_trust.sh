#!/usr/bin/env bash
# it_trust.sh - results you can trust (issue 13): what an experiment shows is
# exactly the cells of its current spec, at one code version, nothing silently
# dropped, and the store can be moved, copied, audited and read read-only:
#   spec edited (removed config, changed hyperparameter, fewer seeds), an
#   interrupted re-run after an edit, a renamed algorithm: only the current
#   spec's cells are drawn and exported, the rest is named and prunable;
#   a same-name spec file elsewhere is refused;
#   failed and errored seeds are counted (n in tables and legends, stderr says so);
#   collect after a local run demotes nothing;
#   commands from another working directory; a copied results directory with a
#   file replaced by garbage (verify flags it) and a forged dataset;
#   a read-only directory as another user, a read-only mount; a typo'd name.
set -euo pipefail
H=${HARNESS:?}
T=$(mktemp -d /tmp/it_trust.XXXXXX)
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$T/spec" "$T/elsewhere"
spec() { # name, learning rates, gamma, seeds, algorithm name
	cat > "$T/spec/$1.cfg" <<CFG
name = "$1";
seeds = $4;
budget = { steps = 3000; };
eval = { every = 1000; episodes = 3; };
envs = ( { id = "FrozenLake-v1"; is_slippery = false; } );
algorithms = ( { name = "$5"; learner = "q_learning"; learning_rate = $2; gamma = $3; epsilon = 0.3; } );
CFG
}
R=$T/r
run() { "$H" run "$T/spec/$1.cfg" --results "$R" -j 2 --quiet "${@:2}"; }
rows() { sqlite3 "$R/harness.db" "SELECT count(*) FROM runs WHERE experiment='$1'"; }
exported_cells() { "$H" export "$1" --csv --results "$R" "${@:2}" 2>/dev/null |
	/usr/bin/python3 -c 'import csv,sys; print("\n".join(sorted(r["cell_id"] + " " + r["state"] for r in csv.DictReader(sys.stdin))))'; }

# --- spec edited: removed config, changed hyperparameter, fewer seeds ---
spec edit "[0.1, 0.5]" 0.99 3 q
run edit
[ "$(rows edit)" -eq 6 ] || fail "expected 6 rows"
spec edit "[0.5]" 0.5 2 q                      # lr 0.1 removed, gamma changed, 3 -> 2 seeds
run edit --no-plot
[ "$(rows edit)" -eq 8 ] || fail "expected 8 rows after the edit"
"$H" plot edit --results "$R" > /dev/null 2> "$T/err"
md=$R/edit/figures/../tables/final.md
grep -q 'learning_rate=0.1' "$md" && fail "a removed configuration is in the table: $(cat "$md")"
grep -q '(n=2)' "$md" || fail "the table does not count the 2 seeds of the spec: $(cat "$md")"
grep -q 'q\[learning_rate=0.5\] (n=2)' "$R/edit/figures/curves.gp" || fail "legend lacks n=2"
grep -q "6 runs in the database are of no cell of the current spec" "$T/err" || fail "stale runs not said: $(cat "$T/err")"
[ "$(exported_cells edit | wc -l)" -eq 2 ] || fail "export is not the 2 current cells: $(exported_cells edit)"
# the curves are of gamma 0.5 runs only: the table's entries equal the export of the current cells
"$H" export edit --csv --results "$R" 2>/dev/null | /usr/bin/python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
assert all(r["hp_gamma"] == "0.5" and r["hp_learning_rate"] == "0.5" for r in rows), rows'

# prune: dry run lists the 6 stale rows and their files, then removes them atomically
n_files=$(ls "$R/edit/runs" | wc -l)
out=$("$H" prune edit --results "$R" --dry-run)
[ "$(grep -c '^would remove' <<<"$out")" -eq 6 ] || fail "prune --dry-run: $out"
[ "$(rows edit)" -eq 8 ] && [ "$(ls "$R/edit/runs" | wc -l)" -eq "$n_files" ] || fail "dry run removed something"
"$H" prune edit --results "$R" > /dev/null
[ "$(rows edit)" -eq 2 ] || fail "prune left $(rows edit) rows"
[ "$(ls "$R/edit/runs" | wc -l)" -eq 2 ] || fail "prune left files: $(ls "$R/edit/runs")"
"$H" verify edit --results "$R" > /dev/null || fail "verify after prune"

# --- interrupted re-run after an edit: the new cells that ran, the others named "not run" ---
spec intr "[0.1]" 0.99 3 q
run intr --no-plot
spec intr "[0.1]" 0.9 3 q
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0 HARNESS_TEST_CRASH_CELL='*seed=[12]' run intr --no-plot || true   # 2 of 3 cells do not finish
"$H" plot intr --results "$R" > /dev/null 2> "$T/err" || fail "plot after an interrupted re-run: $(cat "$T/err")"
grep -q "1 of 3 seeds complete; 2 error: worker killed by signal 11" "$T/err" || fail "not said: $(cat "$T/err")"
grep -q '(n=1 of 3)' "$R/intr/tables/final.md" || fail "table lacks n=1 of 3: $(cat "$R/intr/tables/final.md")"
[ "$(exported_cells intr | grep -c ' error$')" -eq 2 ] || fail "export does not name the errored cells"

# the same with a real interruption: SIGTERM once the first cell of the edited spec is complete
cat > "$T/spec/term.cfg" <<'CFG'
name = "term";
seeds = 3;
budget = { steps = 3000000; };
envs = ( { id = "FrozenLake-v1"; } );
algorithms = ( { name = "q"; learner = "q_learning"; gamma = 0.99; } );
CFG
run term --no-plot
sed -i 's/gamma = 0.99/gamma = 0.9/' "$T/spec/term.cfg"
"$H" run "$T/spec/term.cfg" --results "$R" -j 1 --quiet --no-plot & pid=$!
for i in $(seq 1 600); do
	[ "$(sqlite3 "$R/harness.db" "SELECT count(*) FROM runs WHERE experiment='term' AND status='complete'" 2>/dev/null)" -ge 4 ] && break
	sleep 0.05
done
kill -TERM "$pid"; wait "$pid" || true
"$H" plot term --results "$R" > /dev/null 2> "$T/err" || fail "plot after a SIGTERM: $(cat "$T/err")"
grep -qE "1 of 3 seeds complete; (1 error: interrupted; 1 not run|2 not run)" "$T/err" || fail "after SIGTERM: $(cat "$T/err")"
grep -q '(n=1 of 3)' "$R/term/tables/final.md" || fail "term table: $(cat "$R/term/tables/final.md")"

# --- renamed algorithm: the old name is never drawn again ---
spec ren "[0.1]" 0.99 2 q
run ren --no-plot
spec ren "[0.1]" 0.99 2 ql
run ren
grep -qF '| ql\[learning\_rate=0.1\] |' "$R/ren/tables/final.md" || fail "ren table: $(cat "$R/ren/tables/final.md")"
grep -qF '| q\[' "$R/ren/tables/final.md" && fail "the old name is still drawn"
grep -q 'ql\[learning_rate=0.1\] (n=2)' "$R/ren/figures/curves.gp" || fail "the new name is not drawn"

# --- a spec file with the same name elsewhere is refused, not merged ---
mkdir -p "$T/other"
cp "$T/spec/ren.cfg" "$T/other/ren.cfg"
set +e; err=$("$H" run "$T/other/ren.cfg" --results "$R" --quiet 2>&1); st=$?; set -e
[ "$st" -eq 2 ] && grep -q "was recorded from the spec file '$T/spec/ren.cfg'" <<<"$err" || fail "same-name spec: $st $err"
[ "$(rows ren)" -eq 4 ] || fail "the refused spec wrote rows"

# --- failed and errored seeds are counted, never dropped ---
spec cnt "[0.1]" 0.99 4 q
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0 HARNESS_TEST_CRASH_CELL='*seed=3' run cnt --no-plot || true
id=$(sqlite3 "$R/harness.db" "SELECT id FROM runs WHERE experiment='cnt' AND cell_id LIKE '%seed=0'")
sqlite3 "$R/harness.db" "UPDATE runs SET status='failed', error='diverged at step 1400', final_return=-5 WHERE id=$id"
"$H" plot cnt --results "$R" > /dev/null 2> "$T/err"
grep -q "2 of 4 seeds complete; 1 failed: diverged at step 1400; 1 error: worker killed by signal 11" "$T/err" ||
	fail "stderr: $(cat "$T/err")"
grep -q "1 failed runs counted with their score at failure" "$T/err" || fail "failed treatment not said"
grep -q '(n=3 of 4, 1 failed)' "$R/cnt/tables/final.md" || fail "table: $(cat "$R/cnt/tables/final.md")"
grep -q 'counts with its score at' "$R/cnt/tables/final.md" || fail "table does not say how failed runs count"
grep -q '(n=3 of 4, 1 failed)' "$R/cnt/figures/curves.gp" || fail "legend lacks n"
# the failed run's score at failure (-5) is in the statistic: the mean drops below every complete score
"$H" plot cnt --results "$R" --metric mean > /dev/null 2>&1
mean=$(sed -n 's/^| FrozenLake.*| \*\*\([-0-9.e]*\)\*\*.*/\1/p' "$R/cnt/tables/final.md")
/usr/bin/python3 -c "import sys; m=float('$mean'); assert m < 0, m" || fail "the failed run is not in the mean ($mean)"
[ "$(exported_cells cnt | grep -c ' failed$')" -eq 1 ] || fail "export drops the failed cell"
# compare chooses runs as plot does: the failed run counts (and is said), the errored cell is left out and said
spec cmpf "[0.1, 0.5]" 0.99 3 q
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0 HARNESS_TEST_CRASH_CELL='*0.5]/seed=2' run cmpf --no-plot || true
id=$(sqlite3 "$R/harness.db" "SELECT id FROM runs WHERE experiment='cmpf' AND cell_id LIKE '%0.1]/seed=0'")
sqlite3 "$R/harness.db" "UPDATE runs SET status='failed', error='diverged at step 1400', final_return=-5 WHERE id=$id"
out=$("$H" compare cmpf 'q[learning_rate=0.1]' 'q[learning_rate=0.5]' --results "$R" --format none 2>&1) || true
grep -qF 'FrozenLake-v1(is_slippery=false)  3/2 (1/0 failed) (-0/-1 missing) ' <<<"$out" || fail "compare's n: $out"

# --- exports: the same leading columns everywhere, one per hyperparameter, per-episode evaluations,
# shortest round-trip reals ---
for w in runs eval eval_episodes episodes files; do
	"$H" export cnt --csv --what $w --results "$R" -o "$T/$w.csv" 2>/dev/null || fail "export --what $w"
done
/usr/bin/python3 - "$T" <<'PY'
import csv, sys
t = sys.argv[1]
heads = {w: next(csv.reader(open(f"{t}/{w}.csv"))) for w in ["runs", "eval", "eval_episodes", "episodes", "files"]}
common = heads["runs"][:heads["runs"].index("status")]
assert common[:10] == ["experiment", "cell_id", "env_id", "env_label", "config_name", "learner", "seed",
                       "config_hash", "source_hash", "state"], common
assert "hp_learning_rate" in common and "hp_gamma" in common, common
for w, h in heads.items():
    assert h[:len(common)] == common, (w, h)
ev = list(csv.DictReader(open(f"{t}/eval.csv")))
ee = list(csv.DictReader(open(f"{t}/eval_episodes.csv")))
assert len(ee) == 3 * len(ev) and len(ev) == 3 * 4, (len(ev), len(ee))  # 3 drawn runs x 4 evaluations x 3 episodes
for e in ev:   # the mean of an evaluation is the mean of its episodes
    eps = [float(r["return"]) for r in ee if r["cell_id"] == e["cell_id"] and r["step"] == e["step"]]
    assert len(eps) == 3 and abs(sum(eps) / 3 - float(e["mean_return"])) < 1e-12, (e, eps)
def shortest(s):
    r = repr(float(s))
    return s in (r, r[:-2] if r.endswith(".0") else r)
reals = [r["mean_return"] for r in ev] + [r["final_return"] for r in csv.DictReader(open(f"{t}/runs.csv")) if r["final_return"]]
assert reals and all(shortest(x) for x in reals), [x for x in reals if not shortest(x)]
PY

# --- collect after a local run demotes nothing ---
before=$(sqlite3 "$R/harness.db" "SELECT group_concat(id || status || content_hash) FROM runs WHERE experiment='ren'")
seq 0 1 > "$T/cells.txt"
"$H" collect "$T/spec/ren.cfg" --results "$R" --cells "$T/cells.txt" --per 1 --array-job 999999 --no-plot > /dev/null 2>&1 || true
[ "$before" = "$(sqlite3 "$R/harness.db" "SELECT group_concat(id || status || content_hash) FROM runs WHERE experiment='ren'")" ] ||
	fail "collect demoted complete rows"

# --- from another working directory, and a copied results directory ---
(cd "$T/elsewhere" && "$H" verify ren --results "$R" > /dev/null) || fail "verify from another directory"
(cd "$T/elsewhere" && "$H" export ren --what files --results "$R" | grep -q "^$R/ren/runs/") || fail "export files elsewhere"
(cd "$T/elsewhere" && "$H" status ren --results "$R" | grep -q "2 done") || fail "status from another directory"
(cd "$T/elsewhere" && "$H" plot ren --results "$R" > /dev/null 2>&1) || fail "plot from another directory"
(cd "$T/elsewhere" && "$H" run "$T/spec/ren.cfg" --results "$R" --quiet --no-plot) || fail "run from another directory"
sqlite3 "$R/harness.db" "SELECT h5_path FROM runs" | grep -q '^/' && fail "an absolute run path is stored"
cp -a "$R" "$T/copy"
victim=$(ls "$T/copy/ren/runs/"*.h5 | head -n1)
head -c 4096 /dev/urandom > "$victim"
set +e; out=$("$H" verify ren --results "$T/copy"); st=$?; set -e
[ "$st" -eq 1 ] && grep -q "$victim" <<<"$out" || fail "verify of the copy did not flag the garbage file: $out"
"$H" verify ren --results "$R" > /dev/null || fail "the original does not verify"
"$H" export ren --what files --results "$T/copy" | grep -q "^$T/copy/ren/runs/" || fail "the copy's files are not its own"
# the copy is readable without the spec file it was recorded from: the spec archived with it
cp "$T/spec/ren.cfg" "$T/ren.cfg.saved" && rm "$T/spec/ren.cfg"
"$H" plot ren --results "$T/copy" > /dev/null 2> "$T/err" || fail "plot of a copy without its spec: $(cat "$T/err")"
grep -q "using the copy archived with its results, '$T/copy/ren/ren.cfg'" "$T/err" || fail "not said: $(cat "$T/err")"
mv "$T/ren.cfg.saved" "$T/spec/ren.cfg"
"$H" verify ren --results "$T/copy" > /dev/null 2>&1 && fail "the copy verifies with a garbage file"
# a forged top-level dataset whose name starts with "timing" is part of the results hash
good=$(ls "$R/ren/runs/"*.h5 | head -n1)
cp "$good" "$T/good.h5"
/usr/bin/python3 -c "import h5py; f=h5py.File('$good','a'); f['timing_forged']=[1.0]; f['provenance2']=[2]; f.close()"
set +e; out=$("$H" verify ren --results "$R"); st=$?; set -e
[ "$st" -eq 1 ] && grep -q "^mismatch" <<<"$out" || fail "forged data verifies: $out"
cp "$T/good.h5" "$good"
# a file on disk no row knows
cp "$good" "$R/ren/runs/stray.h5"
set +e; out=$("$H" verify ren --results "$R"); st=$?; set -e
[ "$st" -eq 1 ] && grep -q "^unknown.*stray.h5" <<<"$out" || fail "verify does not report the stray file: $out"
rm "$R/ren/runs/stray.h5"
# a typo'd experiment name is an error, not "0 runs checked"
set +e; err=$("$H" verify rne --results "$R" 2>&1); st=$?; set -e
[ "$st" -eq 2 ] && grep -q "unknown experiment 'rne'" <<<"$err" || fail "typo'd name: $st $err"

# --- read-only: another user with read permission only, then a read-only mount ---
ro() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
chmod -R a+rX,a-w "$T/copy"; chmod a+rx "$T"
cp "$T/good.h5" "$victim" 2>/dev/null || { chmod u+w "$T/copy/ren/runs"; chmod u+w "$victim"; cp "$T/good.h5" "$victim"; chmod a-w "$victim" "$T/copy/ren/runs"; }
if ro true 2>/dev/null; then
	sum=$(md5sum "$T/copy/harness.db"*)
	ro "$H" list --results "$T/copy" > /dev/null || fail "list as a read-only user"
	ro "$H" list ren --results "$T/copy" | grep -q complete || fail "list NAME as a read-only user"
	rid=$(sqlite3 "$R/harness.db" "SELECT min(id) FROM runs WHERE experiment='ren'") # the copy is not touched as root
	ro "$H" show "$rid" --results "$T/copy" | grep -q '^content_hash' || fail "show as a read-only user"
	ro "$H" verify ren --results "$T/copy" > /dev/null || fail "verify as a read-only user"
	ro "$H" status ren --results "$T/copy" --spec "$T/spec/ren.cfg" | grep -q "2 done" || fail "status as a read-only user"
	ro "$H" export ren --csv --what eval --results "$T/copy" > /dev/null || fail "export as a read-only user"
	[ "$sum" = "$(md5sum "$T/copy/harness.db"*)" ] || fail "a read-only command changed the database"
	# a WAL that was never checkpointed, no -shm, a directory nobody may write: no committed row is missed
	cp -a "$R" "$T/wal" && rm -f "$T/wal/harness.db-wal" "$T/wal/harness.db-shm"
	/usr/bin/python3 -c "
import sqlite3, os
c = sqlite3.connect('$T/wal/harness.db'); c.execute('PRAGMA wal_autocheckpoint=0')
c.execute(\"INSERT INTO experiments VALUES ('walonly', 'd', '/x', 's', 1, 't', 't')\"); c.commit(); os._exit(0)"
	rm -f "$T/wal/harness.db-shm"; chmod -R a+rX,a-w "$T/wal"
	ro "$H" list --results "$T/wal" | grep -q '^walonly ' || fail "a read-only reader missed a row in the WAL"
else
	echo "it_trust: setpriv cannot switch users here: read-only-user checks not run" >&2
	exit 1
fi
if unshare -m true 2>/dev/null; then
	unshare -m bash -c "mount --bind '$T/copy' '$T/copy' && mount -o remount,bind,ro '$T/copy' &&
		'$H' verify ren --results '$T/copy' > /dev/null && '$H' list ren --results '$T/copy' > /dev/null &&
		'$H' export ren --csv --results '$T/copy' > /dev/null &&
		'$H' plot ren --results '$T/copy' --output '$T/figs' > /dev/null 2>&1" || fail "read-only mount"
	[ -s "$T/figs/tables/final.md" ] && ls "$T/figs/figures/"*.png > /dev/null || fail "plot --output of a read-only mount"
else
	echo "it_trust: no mount namespace here: the read-only mount is covered by the read-only user only" >&2
fi
echo "it_trust: all checks passed"
