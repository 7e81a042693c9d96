#!/usr/bin/env bash
# it_soak.sh - crash safety: SIGKILL of the whole `harness run` (its process
# group, started with setsid) at seeded pseudo-random moments, a re-run after
# each kill, then: one row per cell and all complete, every run file opens and
# re-hashes to its recorded content_hash (`harness verify`), no .tmp-* file
# left, no stray run file, and the results hashes equal an uninterrupted run's.
# Then SIGKILL of single workers (children of harness run): their cells are
# recorded as error ("worker killed by signal 9") and re-run on resume.
#
# Environment: SOAK_KILLS (whole-run kills, default 10; `make soak` uses 60),
# SOAK_WORKER_KILLS (default 3), SOAK_SEED (default 1: the kill moments).
set -euo pipefail
H=${HARNESS:?}
D=${TEST_DATA:?}
KILLS=${SOAK_KILLS:-10}
WKILLS=${SOAK_WORKER_KILLS:-3}
RANDOM=${SOAK_SEED:-1} # bash's generator, seeded: the same kill moments each time
T=$(mktemp -d /tmp/it_soak.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cp "$D/soak.cfg" "$T/soak.cfg"
NCELLS=6
run() { "$H" run "$T/soak.cfg" --results "$1" -j 2 --quiet --no-plot; }
hashes() { sqlite3 "$1/harness.db" "SELECT cell_id, content_hash FROM runs WHERE experiment='soak' AND status='complete' ORDER BY cell_id"; }

# the uninterrupted reference, and its wall time (kill moments fall inside it)
t0=$(date +%s%N)
run "$T/ref"
ref_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
REF=$(hashes "$T/ref")
[ "$(printf '%s\n' "$REF" | wc -l)" -eq $NCELLS ] || fail "reference run incomplete"

check() { # results dir: the promises after any sequence of kills and a final run
	local r=$1
	[ "$(sqlite3 "$r/harness.db" "SELECT count(*) FROM runs WHERE experiment='soak'")" -eq $NCELLS ] || fail "$r: not one row per cell"
	[ "$(sqlite3 "$r/harness.db" "SELECT count(DISTINCT cell_id) FROM runs WHERE experiment='soak' AND status='complete'")" -eq $NCELLS ] || fail "$r: not every cell complete"
	local out st=0
	out=$("$H" verify soak --results "$r") || st=$?
	[ "$st" -eq 0 ] || fail "$r: verify exit $st: $out"
	printf '%s\n' "$out" | grep -q "^verify: $NCELLS runs checked, $NCELLS ok, 0 do not verify, 0 files no run knows, 0 stale" || fail "$r: verify: $out"
	[ -z "$(ls -A "$r/soak/runs" | grep '^\.tmp-' || true)" ] || fail "$r: temporary files left: $(ls -A "$r/soak/runs")"
	[ "$(ls "$r/soak/runs" | grep -c '\.h5$')" -eq $NCELLS ] || fail "$r: stray run files: $(ls "$r/soak/runs")"
	[ "$(hashes "$r")" = "$REF" ] || fail "$r: results differ from the uninterrupted run"
}

# --- SIGKILL of the whole process group at random moments, re-run after each ---
round=0; kills=0; completed_early=0
R="$T/k$round"
while [ $kills -lt "$KILLS" ]; do
	# a moment inside the reference wall time (a little past it too)
	delay_ms=$(( RANDOM % (ref_ms + ref_ms / 4 + 1) ))
	setsid "$H" run "$T/soak.cfg" --results "$R" -j 2 --quiet --no-plot &
	pid=$!
	sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL -- "-$pid" 2>/dev/null || true
		kills=$((kills + 1))
	else
		completed_early=$((completed_early + 1))
	fi
	wait "$pid" 2>/dev/null || true
	# no process of that group may survive the kill (workers die with the parent)
	for i in $(seq 1 50); do pgrep -g "$pid" > /dev/null || break; sleep 0.05; done
	pgrep -g "$pid" > /dev/null && fail "processes of the killed group survive"
	# a run that finished before its kill, or enough kills on one matrix: check it, start a new one
	done_cells=$(sqlite3 "$R/harness.db" "SELECT count(*) FROM runs WHERE status='complete'" 2>/dev/null || echo 0)
	if [ "$done_cells" -eq $NCELLS ] || [ $((kills % 5)) -eq 0 ]; then
		run "$R"
		check "$R"
		round=$((round + 1))
		R="$T/k$round"
	fi
done
if [ -e "$R" ]; then run "$R"; check "$R"; fi
echo "soak: $kills kills of the whole run over $((round + 1)) matrices ($completed_early runs ended before their kill), reference ${ref_ms}ms"

# --- SIGKILL of single workers ---
R="$T/w"
hits=0
for k in $(seq 1 "$WKILLS"); do
	set +e
	"$H" run "$T/soak.cfg" --results "$R" -j 2 --quiet --no-plot &
	pid=$!
	victim=""
	# a worker: once this run has claimed a cell (before that, children of
	# harness run are the readers that re-hash complete runs' files)
	for i in $(seq 1 500); do
		claimed=$(sqlite3 "$R/harness.db" "SELECT count(*) FROM runs WHERE status='running' AND pid=$pid" 2>/dev/null || echo 0)
		if [ "${claimed:-0}" -ge 1 ]; then victim=$(pgrep -P "$pid" | head -n1 || true); [ -n "$victim" ] && break; fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.01
	done
	[ -n "$victim" ] && sleep "0.0$((RANDOM % 10))" && kill -KILL "$victim" 2>/dev/null
	wait "$pid"; st=$?
	set -e
	[ -n "$victim" ] || break # everything was complete already
	if [ "$st" -eq 0 ]; then continue; fi # the worker had finished before the kill
	[ "$st" -eq 1 ] || fail "worker kill: harness exit $st, expected 1"
	hits=$((hits + 1))
	n=$(sqlite3 "$R/harness.db" "SELECT count(*) FROM runs WHERE status='error' AND error LIKE 'worker killed by signal 9%'")
	[ "$n" -ge 1 ] || fail "a killed worker's cell is not recorded as error: $(sqlite3 "$R/harness.db" "SELECT cell_id, status, error FROM runs")"
	[ "$(sqlite3 "$R/harness.db" "SELECT count(*) FROM runs WHERE status='running'")" -eq 0 ] || fail "rows left running after a worker kill"
	[ -z "$(ls -A "$R/soak/runs" | grep '^\.tmp-' || true)" ] || fail "temporary file of a killed worker left"
done
[ "$WKILLS" -eq 0 ] || [ "$hits" -ge 1 ] || fail "no worker kill hit a running cell"
run "$R"
check "$R"
echo "soak: $hits of $WKILLS worker kills hit a running cell, each recorded as error and re-run"
echo "it_soak: all checks passed"
