#!/usr/bin/env bash
# it_leases.sh - claims as leases (harness/store/rundb.h, core/holder.h):
#   - a run that was PID 1 of a PID namespace (unshare --pid), killed, is
#     resumed at once from outside (the claim names the pid /proc shows, not 1);
#   - the same in a namespace with its own /proc (as a container): the holder
#     cannot be checked from outside, so its lease (HARNESS_LEASE_SECONDS)
#     decides: the resume waits for it, then takes the cells over;
#   - a claim whose pid is alive but belongs to an unrelated process (the
#     start time differs: a reused pid) is taken over at once; with the right
#     start time the same claim is respected;
#   - a claim from another host (another boot id) is respected while its lease
#     runs, and taken over when it expires; a live holder renews its lease;
#   - a holder that cannot be checked and is stopped past its lease loses its
#     cells to another run; continuing, it records nothing over them and says so;
#   - two `harness run` in two UTS namespaces (hostnames) on one database run
#     every cell exactly once, neither robs the other.
set -euo pipefail
H=${HARNESS:?}
D=${TEST_DATA:?}
T=$(mktemp -d /tmp/it_leases.XXXXXX)
bg=""
trap 'for p in $bg; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
unshare --pid --fork --mount-proc --uts true 2>/dev/null || skip "unshare --pid --mount-proc --uts not permitted here"
mkdir -p "$T/spec"
cp "$D/itlease.cfg" "$T/spec/"
S=$T/spec/itlease.cfg
q() { sqlite3 "$1/harness.db" "$2"; }
hashes() { q "$1" "SELECT cell_id, content_hash FROM runs WHERE status='complete' ORDER BY cell_id"; }
wait_running() { # results-dir: until a cell is claimed
	for _ in $(seq 1 200); do
		[ -f "$1/harness.db" ] && [ "$(q "$1" "SELECT count(*) FROM runs WHERE status='running'" 2>/dev/null || echo 0)" -ge 1 ] && return 0
		sleep 0.05
	done
	fail "no cell got claimed in $1"
}
boot=$(cat /proc/sys/kernel/random/boot_id)
pdev=$(stat -c %d /proc/self)
start_of() { sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20; }

# the reference: an uninterrupted run
"$H" run "$S" --results "$T/ref" -j 2 --quiet --no-plot

# --- PID 1 of a PID namespace (same /proc), killed, resumed from outside ---
HARNESS_LEASE_SECONDS=3600 unshare --pid --fork "$H" run "$S" --results "$T/ns" -j 2 --quiet --no-plot &
u=$!; bg="$bg $u"
wait_running "$T/ns"
[ "$(q "$T/ns" "SELECT DISTINCT pid FROM runs WHERE status='running'")" = 1 ] || fail "the run in the namespace is not PID 1"
hpid=$(q "$T/ns" "SELECT holder FROM runs WHERE status='running' LIMIT 1" | cut -d' ' -f4)
[ "$hpid" != 1 ] && [ -d "/proc/$hpid" ] || fail "the claim does not name the pid /proc shows: $hpid"
kill -9 "$hpid"; wait "$u" 2>/dev/null || true
[ "$(q "$T/ns" "SELECT count(*) FROM runs WHERE status='running'")" -ge 1 ] || fail "no claim left by the killed run"
"$H" status itlease --results "$T/ns" | grep -q ", 0 running," || fail "status counts a dead holder's cells as running: $("$H" status itlease --results "$T/ns")"
# the lease is an hour: only the holder check can free these cells; resumed outside the namespace
st=0; HARNESS_LEASE_SECONDS=3600 timeout 120 "$H" run "$S" --results "$T/ns" -j 2 --no-plot > "$T/ns.out" 2>&1 || st=$?
[ "$st" -eq 0 ] || fail "resume after the namespace's PID 1 was killed: exit $st: $(tail -3 "$T/ns.out")"
! grep -q "waiting for" "$T/ns.out" || fail "the resume waited for a dead holder: $(cat "$T/ns.out")"
[ "$(hashes "$T/ns")" = "$(hashes "$T/ref")" ] || fail "resumed results differ"
[ -z "$(ls -A "$T/ns/itlease/runs" | grep '^\.tmp-' || true)" ] || fail "the killed run's temporary files were not swept"

# --- a PID namespace with its own /proc (a container): the lease decides ---
HARNESS_LEASE_SECONDS=4 unshare --pid --fork --mount-proc "$H" run "$S" --results "$T/ct" -j 2 --quiet --no-plot &
u=$!; bg="$bg $u"
wait_running "$T/ct"
[ "$(q "$T/ct" "SELECT holder FROM runs WHERE status='running' LIMIT 1" | cut -d' ' -f3)" != "$pdev" ] || fail "the container's claim names this /proc"
sleep 0.5
inner=$(pgrep -P "$u")
[ -n "$inner" ] || fail "no harness process under unshare"
kill -9 "$inner"; wait "$u" 2>/dev/null || true # PID 1 of the namespace: every process in it dies
[ ! -d "/proc/$inner" ] || fail "the container's harness is still alive"
[ "$(q "$T/ct" "SELECT count(*) FROM runs WHERE status='running'")" -ge 1 ] || fail "no claim left by the killed container run"
held=$(q "$T/ct" "SELECT group_concat(id) FROM runs WHERE status='running'")
lease=$(q "$T/ct" "SELECT CAST(min(lease_until) AS INTEGER) FROM runs WHERE status='running'")
st=0; timeout 120 "$H" run "$S" --results "$T/ct" -j 2 --no-plot > "$T/ct.out" 2>&1 || st=$?
[ "$st" -eq 0 ] || fail "resume after the container's run was killed: exit $st: $(tail -3 "$T/ct.out")"
grep -q "waiting for" "$T/ct.out" || fail "a claim that cannot be checked was taken before its lease expired"
# each of its cells was claimed again only once the lease had expired (claim times: whole seconds)
taken=$(q "$T/ct" "SELECT min(CAST(strftime('%s', started_at) AS INTEGER)) FROM runs WHERE id IN ($held)")
[ "$taken" -ge "$lease" ] || fail "taken over at $taken, before the lease expired at $lease"
[ "$(hashes "$T/ct")" = "$(hashes "$T/ref")" ] || fail "results after the lease expired differ"

# --- a holder stopped past its lease is taken over, and cannot overwrite when it continues ---
HARNESS_LEASE_SECONDS=2 unshare --pid --fork --mount-proc "$H" run "$S" --results "$T/st" -j 2 --no-plot > "$T/stA.out" 2>&1 &
u=$!; bg="$bg $u"
wait_running "$T/st"
inner=$(pgrep -P "$u")
[ -n "$inner" ] || fail "no harness process under unshare"
kill -STOP "$inner" $(pgrep -P "$inner") 2>/dev/null || true
kill -STOP $(pgrep -P "$inner") 2>/dev/null || true # a worker started meanwhile
sleep 3 # the 2 s lease expires without a heartbeat
st=0; HARNESS_LEASE_SECONDS=2 timeout 120 "$H" run "$S" --results "$T/st" -j 2 --no-plot > "$T/stB.out" 2>&1 || st=$?
[ "$st" -eq 0 ] || fail "taking over a stopped holder's cells: exit $st: $(cat "$T/stB.out")"
[ "$(hashes "$T/st")" = "$(hashes "$T/ref")" ] || fail "results after taking over a stopped holder differ"
rows=$(q "$T/st" "SELECT id, status, holder, content_hash FROM runs ORDER BY id")
kill -CONT $(pgrep -P "$inner") "$inner" 2>/dev/null || true
st=0; wait "$u" || st=$?
[ "$st" -ne 0 ] || fail "the robbed holder exited 0: $(cat "$T/stA.out")"
grep -q "taken over by another process" "$T/stA.out" || fail "the robbed holder did not say its claim was taken over: $(cat "$T/stA.out")"
[ "$(q "$T/st" "SELECT id, status, holder, content_hash FROM runs ORDER BY id")" = "$rows" ] || fail "the robbed holder changed rows when it continued"
"$H" verify itlease --results "$T/st" > /dev/null || fail "verify after the robbed holder continued"

# --- fake claims: a reused pid, a live holder, another host ---
cp -r "$T/ref" "$T/f"
victim=$(q "$T/f" "SELECT id FROM runs ORDER BY cell_id LIMIT 1")
fake() { # holder-text lease-seconds-from-now
	q "$T/f" "UPDATE runs SET status='running', content_hash=NULL, holder='$1', lease_until=strftime('%s','now')+$2 WHERE id=$victim"
}
sleep 300 & sp=$!; bg="$bg $sp"
sstart=$(start_of "$sp")
# a live pid with another start time: an unrelated process reusing a dead holder's pid
fake "v1 $boot $pdev $sp $((sstart + 1)) vm" 3600
st=0; timeout 60 "$H" run "$S" --results "$T/f" -j 1 --no-plot > "$T/f1.out" 2>&1 || st=$?
[ "$st" -eq 0 ] || fail "a claim with a reused pid blocked the resume: exit $st: $(cat "$T/f1.out")"
grep -q "1 to run" "$T/f1.out" && ! grep -q "waiting for" "$T/f1.out" || fail "reused-pid claim not taken at once: $(cat "$T/f1.out")"
[ "$(hashes "$T/f")" = "$(hashes "$T/ref")" ] || fail "results after taking over a reused-pid claim differ"
# the same pid with its true start time: a live holder, never robbed (the run waits for it)
fake "v1 $boot $pdev $sp $sstart vm" 3600
st=0; timeout 3 "$H" run "$S" --results "$T/f" -j 1 --no-plot > "$T/f2.out" 2>&1 || st=$?
[ "$st" -eq 124 ] || fail "a live holder's claim was not respected: exit $st: $(cat "$T/f2.out")"
grep -q "waiting for 1 cells another harness process is running" "$T/f2.out" || fail "no waiting message: $(cat "$T/f2.out")"
[ "$(q "$T/f" "SELECT holder FROM runs WHERE id=$victim")" = "v1 $boot $pdev $sp $sstart vm" ] || fail "a live holder's row was changed"
kill "$sp"; wait "$sp" 2>/dev/null || true
# another host (another boot id): respected while the lease runs, taken over once it expires
fake "v1 00000000-0000-4000-8000-000000000000 $pdev 4242 1 otherhost" 4
lease=$(q "$T/f" "SELECT CAST(lease_until AS INTEGER) FROM runs WHERE id=$victim")
st=0; timeout 60 "$H" run "$S" --results "$T/f" -j 1 --no-plot > "$T/f3.out" 2>&1 || st=$?
[ "$st" -eq 0 ] || fail "another host's expired lease: exit $st: $(cat "$T/f3.out")"
grep -q "waiting for 1 cells" "$T/f3.out" || fail "another host's live lease was not respected: $(cat "$T/f3.out")"
taken=$(q "$T/f" "SELECT CAST(strftime('%s', started_at) AS INTEGER) FROM runs WHERE id=$victim")
[ "$taken" -ge "$lease" ] || fail "another host's claim taken at $taken, before its lease expired at $lease"
fake "v1 00000000-0000-4000-8000-000000000000 $pdev 4242 1 otherhost" -1
out=$(timeout 60 "$H" run "$S" --results "$T/f" -j 1 --no-plot 2>&1) || fail "expired lease: $out"
! echo "$out" | grep -q "waiting for" || fail "an expired lease was waited for: $out"
[ "$(hashes "$T/f")" = "$(hashes "$T/ref")" ] || fail "results after lease takeovers differ"

# --- a live holder renews its lease ---
# one cell of several seconds (whatever the machine's speed: polled, not slept),
# so a later lease_until of the same row can only come from the heartbeat
mkdir -p "$T/hbspec"
sed -e 's/steps = [0-9]*;/steps = 60000000;/' -e 's/seeds = 6;/seeds = 1;/' -e 's/every = [0-9]*;/every = 30000000;/' \
	"$S" > "$T/hbspec/itlease.cfg"
HARNESS_LEASE_SECONDS=2 "$H" run "$T/hbspec/itlease.cfg" --results "$T/hb" -j 1 --quiet --no-plot &
p=$!; bg="$bg $p"
wait_running "$T/hb"
row=$(q "$T/hb" "SELECT id FROM runs WHERE status='running'")
l1=$(q "$T/hb" "SELECT lease_until FROM runs WHERE id=$row")
l2=$l1
for _ in $(seq 100); do
	l2=$(q "$T/hb" "SELECT lease_until FROM runs WHERE id=$row AND status='running'")
	[ -n "$l2" ] || break
	awk -v a="$l1" -v b="$l2" 'BEGIN { exit !(b > a) }' && break
	sleep 0.1
done
wait "$p" || fail "the heartbeat run failed"
awk -v a="$l1" -v b="$l2" 'BEGIN { exit !(b > a) }' || fail "the lease was not renewed while the cell ran: $l1 then ${l2:-(finished)}"
[ "$(q "$T/hb" "SELECT count(*) FROM runs WHERE lease_until IS NOT NULL")" = 0 ] || fail "finished rows keep a lease"

# --- two hosts (UTS namespaces) on one database: every cell run once ---
for h in hostA hostB; do
	unshare --uts sh -c "hostname $h && exec \"\$0\" run \"\$1\" --results \"\$2\" -j 1 --no-plot" \
		"$H" "$S" "$T/uts" > "$T/$h.out" 2>&1 &
	eval "p_$h=\$!"
done
wait "$p_hostA" || fail "hostA's run failed: $(cat "$T/hostA.out")"
wait "$p_hostB" || fail "hostB's run failed: $(cat "$T/hostB.out")"
n=$(cat "$T/hostA.out" "$T/hostB.out" | grep -c ": complete in ")
[ "$n" -eq 6 ] || fail "$n cell runs for 6 cells (a claim was robbed): $(cat "$T/hostA.out" "$T/hostB.out")"
[ "$(q "$T/uts" "SELECT count(DISTINCT host) FROM runs")" = 2 ] || fail "not both hosts ran cells: $(q "$T/uts" "SELECT host FROM runs")"
[ "$(hashes "$T/uts")" = "$(hashes "$T/ref")" ] || fail "two-host results differ"
echo "it_leases: all checks passed"
