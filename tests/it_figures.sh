#!/usr/bin/env bash
# it_figures.sh - `harness plot` end to end on a tiny experiment: every figure
# kind (per-env curves, all-env panels, aggregate metrics, performance profile,
# probability of improvement) exists as a real PNG and PDF, the tables have one
# row per environment plus the normalised row, random scores are cached in the
# database, options work, the output is deterministic, and labels from the
# database cannot break or inject into the gnuplot scripts.
set -euo pipefail
H=${HARNESS:?}
T=$(mktemp -d /tmp/it_figures.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
is_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$1 is not a PNG"; }
is_pdf() { [ "$(head -c 5 "$1")" = "%PDF-" ] || fail "$1 is not a PDF"; }
mkdir -p "$T/spec"
cat > "$T/spec/itfig.cfg" <<'CFG'
name = "itfig";
description = "integration test of figures and tables";
seed = 3;
seeds = 3;
budget = { steps = 4000; };
eval = { every = 1000; episodes = 5; };
envs = ( { id = "FrozenLake-v1"; is_slippery = false; }, { id = "CliffWalking-v1"; } );
algorithms = ( { name = "q"; learner = "q_learning"; learning_rate = [0.1, 0.5]; epsilon = 0.2; } );
CFG
"$H" run "$T/spec/itfig.cfg" --results "$T/r" -j 2 --quiet
F=$T/r/itfig/figures
check_all() {
	for b in FrozenLake-v1_is_slippery_false_ CliffWalking-v1 curves aggregate profile poi; do
		is_png "$F/$b.png"; is_pdf "$F/$b.pdf"
	done
	md=$T/r/itfig/tables/final.md tex=$T/r/itfig/tables/final.tex
	# header, separator, 2 environments, the normalised row
	[ "$(grep -c '^|' "$md")" -eq 5 ] || fail "final.md: expected 5 table lines: $(cat "$md")"
	grep -q '^| CliffWalking-v1 |' "$md" || fail "final.md lacks the CliffWalking row"
	grep -q '\*\*' "$md" || fail "final.md has no bold best entry"
	grep -q '^| Normalised score (2 of 2 environments)' "$md" || fail "final.md lacks the normalised row"
	for k in toprule midrule bottomrule 'begin{tabular}{lrr}' 'end{tabular}' textbf dagger; do
		grep -q "$k" "$tex" || fail "final.tex lacks $k"
	done
	[ "$(grep -c '\\\\$' "$tex")" -ge 5 ] || fail "final.tex: expected header, 3 rows and a footnote"
}
check_all
# the run drew them: redraw by the command, byte-identical data (seeded bootstrap)
cat "$F"/*.dat > "$T/dat1"
"$H" plot itfig --results "$T/r" > /dev/null
cat "$F"/*.dat > "$T/dat2"
cmp -s "$T/dat1" "$T/dat2" || fail "figure data differ between two identical plots"
check_all
# random scores cached in the database (table of schema version 2; 3 made paths relative, 4 leases, 5 python_versions), one per environment
[ "$(sqlite3 "$T/r/harness.db" "PRAGMA user_version")" = 5 ] || fail "schema version not 5"
[ "$(sqlite3 "$T/r/harness.db" "SELECT count(*) FROM random_scores")" -eq 2 ] || fail "expected 2 cached random scores"
# options
rm -f "$F"/*.png "$F"/*.pdf
"$H" plot itfig --results "$T/r" --format pdf --width 3.5 --metric mean --smooth 2 --resamples 200 > /dev/null
[ ! -e "$F/curves.png" ] || fail "--format pdf drew a PNG"
is_pdf "$F/curves.pdf"
grep -q "size 3.500in" "$F/curves.gp" || fail "--width 3.5 not used"
grep -aq "MediaBox \[ *0 0 252 " "$F/curves.pdf" || fail "curves.pdf is not 3.5 in (252 pt) wide"
grep -q "Mean" "$T/r/itfig/tables/final.md" || fail "--metric mean not in the table"
set +e
err=$("$H" plot itfig --results "$T/r" --metric bogus 2>&1); st=$?
set -e
[ "$st" -eq 2 ] && printf '%s' "$err" | grep -q "must be iqm, mean or median" || fail "bad --metric: $st $err"
"$H" plot --help | grep -q -- "--resamples" || fail "--help lacks --resamples"

# injection: names as a tampered or foreign database could hold them. Labels come from the
# validated spec (the selection matches rows by cell id and config hash), so they never reach the
# scripts; gnuplot_quote itself is tested with such names in tests/test_plot.c
evil=$(printf 'x'"'"'q"\\\n`touch %s/pwned1`\nsystem("touch %s/pwned2") @x'"'"'; !touch %s/pwned3 \\' "$T" "$T" "$T")
/usr/bin/python3 - "$T/r/harness.db" "$evil" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE runs SET config_name = ? WHERE config_name LIKE 'q[learning_rate=0.5]'", (sys.argv[2],))
db.execute("UPDATE runs SET env_label = ? WHERE env_label = 'CliffWalking-v1'", (sys.argv[2] + " env",))
db.commit()
PY
"$H" plot itfig --results "$T/r" > /dev/null 2> "$T/err" || fail "plot failed on quoted labels: $(cat "$T/err")"
for k in 1 2 3; do [ ! -e "$T/pwned$k" ] || fail "a label ran a command (pwned$k)"; done
! grep -q 'system(' "$F"/*.gp || fail "a label from the database reached a script"
grep -q 'q\[learning_rate=0.5\] (n=6)' "$F/curves.gp" || fail "the spec's label (with n) is not in the legend"
check_all
for f in "$F"/*.png; do is_png "$f"; done
for f in "$F"/*.pdf; do is_pdf "$f"; done
! grep -q 'touch' "$T/r/itfig/tables/final.md" || fail "a label from the database reached final.md"
echo "it_figures: all checks passed"
