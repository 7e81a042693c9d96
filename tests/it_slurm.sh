#!/usr/bin/env bash
# it_slurm.sh - the Slurm backend against a real Slurm: starts a one-node
# cluster on this machine (Debian's slurmctld/slurmd/munge, state under a
# temporary directory, MaxArraySize=5 so a 12-cell matrix goes in chunks of 3),
# then:
#   --dry-run prints the scripts and sbatch commands and submits nothing;
#   a submission whose last array task is cancelled: the collect job (afterany)
#   records its cells as error, the others complete, status counts them;
#   re-submitting runs only those cells; a third submission has nothing to do;
#   the results hashes in SQLite equal those of a local -j 2 run, cell by cell;
#   no submission while one is queued; failed cells re-run only with --retry-failed;
#   the jobs run a frozen copy of the binary.
# Stops every daemon it started by its pid file, also on failure.
# Needs root (to install the packages if missing and run the daemons): skipped otherwise.
set -euo pipefail
H=${HARNESS:?}
D=${TEST_DATA:?}
fail() { echo "FAIL: $*" >&2; exit 1; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null ||
	! command -v munged >/dev/null; then
	if [ "$(id -u)" != 0 ]; then echo "it_slurm: SKIPPED: Slurm is not installed and we are not root"; exit 77; fi
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		slurmctld slurmd slurm-client munge >/dev/null
fi
[ "$(id -u)" = 0 ] || { echo "it_slurm: SKIPPED: the test cluster's daemons need root"; exit 77; }

T=$(mktemp -d /tmp/it_slurm.XXXXXX)
chmod 755 "$T"
stop_pid() { # pidfile: TERM, wait up to 10 s, then KILL
	local f=$1 p i
	[ -s "$f" ] || return 0
	p=$(cat "$f")
	kill -TERM "$p" 2>/dev/null || return 0
	for i in $(seq 1 100); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
	kill -KILL "$p" 2>/dev/null || true
}
cleanup() {
	set +e
	export SLURM_CONF=$T/slurm.conf
	local i p e
	timeout 10 scancel -u root 2>/dev/null || true
	for i in $(seq 1 50); do [ -z "$(timeout 5 squeue -h -o %i 2>/dev/null)" ] && break; sleep 0.2; done
	stop_pid "$T/slurmd.pid"
	stop_pid "$T/slurmctld.pid"
	# job steps of this cluster that outlived slurmd (found by their SLURM_CONF)
	for p in $(pgrep -x slurmstepd || true); do
		e=$( { tr '\0' '\n' < "/proc/$p/environ"; } 2>/dev/null)
		grep -qx "SLURM_CONF=$T/slurm.conf" <<<"$e" && kill -KILL "$p" 2>/dev/null
	done
	stop_pid "$T/munge/munged.pid"
	rm -rf "$T"
}
trap cleanup EXIT

host=$(hostname -s)
port=$((20000 + $$ % 20000))
mkdir -p "$T/state" "$T/spool" "$T/spec"
cat > "$T/slurm.conf" <<CONF
ClusterName=harnesstest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$T/munge/munge.sock
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MaxArraySize=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$T/slurm.conf
# a private munged (its own socket, named in slurm.conf), so that tests running
# at the same time never share, or stop, one another's daemons
[ -f /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
mkdir -p "$T/munge" && chown munge:munge "$T/munge" && chmod 0755 "$T/munge"
runuser -u munge -- /usr/sbin/munged --socket="$T/munge/munge.sock" --pid-file="$T/munge/munged.pid" \
	--log-file="$T/munge/munged.log" --seed-file="$T/munge/munged.seed"
for i in $(seq 1 50); do [ -S "$T/munge/munge.sock" ] && [ -s "$T/munge/munged.pid" ] && break; sleep 0.1; done
(munge -S "$T/munge/munge.sock" -n | unmunge -S "$T/munge/munge.sock") >/dev/null || fail "munged does not answer"
/usr/sbin/slurmctld -f "$T/slurm.conf"
/usr/sbin/slurmd -f "$T/slurm.conf"
for i in $(seq 1 100); do
	[ "$(sinfo -h -o %t 2>/dev/null || true)" = idle ] && break
	sleep 0.2
done
[ "$(sinfo -h -o %t)" = idle ] || { tail -5 "$T/slurmctld.log" "$T/slurmd.log"; fail "slurm node not idle"; }

wait_queue_empty() { # up to 90 s
	local i out
	for i in $(seq 1 450); do
		# an squeue that fails prints nothing too: only a successful empty answer counts
		if out=$(squeue -h -o %i 2>/dev/null) && [ -z "$out" ]; then return 0; fi
		sleep 0.2
	done
	squeue; fail "slurm jobs still queued after 90 s"
}
q_hashes="SELECT cell_id, status, content_hash FROM runs WHERE experiment='itrun' ORDER BY cell_id"

# our own copy: another build of bin/harness during the test would be another code version
cp "$H" "$T/harness"
H=$T/harness
cp "$D/itrun.cfg" "$T/spec/"
S=$T/spec/itrun.cfg
"$H" run "$S" --results "$T/local" -j 2 --quiet --no-plot

# --- dry run: scripts and commands printed, nothing submitted or written ---
out=$("$H" run "$S" --backend slurm --results "$T/s" --dry-run --partition test --time 5 2>&1)
grep -q '^#SBATCH --array=0-3$' <<<"$out" || fail "dry run: no 4-task array (12 cells, MaxArraySize 5): $out"
grep -q '^#SBATCH --partition=test$' <<<"$out" || fail "dry run: no partition"
grep -q '^#SBATCH --time=5$' <<<"$out" || fail "dry run: no time limit"
grep -q '^PER=3$' <<<"$out" || fail "dry run: not 3 cells per task"
grep -q '^sbatch --parsable .*/array-.*\.sh$' <<<"$out" || fail "dry run: no sbatch command"
grep -q 'dependency=afterany:' <<<"$out" || fail "dry run: no dependent collect job"
[ -z "$(squeue -h -o %i)" ] || fail "dry run submitted a job"
[ ! -e "$T/s/itrun/slurm" ] || fail "dry run wrote files"

# --- first submission, its last task cancelled before it runs ---
out=$("$H" run "$S" --backend slurm --results "$T/s" --array-limit 1 --no-plot 2>&1)
job=$(printf '%s\n' "$out" | sed -n 's/^submitted array job \([0-9]*\) (12 cells in 4 tasks).*/\1/p')
[ -n "$job" ] || fail "first submission: $out"
scancel "${job}_3"
st=$("$H" status itrun --results "$T/s")
grep -q "^itrun: 12 cells: " <<<"$st" || fail "status: $st"
grep -q "array job $job (4 tasks" <<<"$st" || fail "status does not name the array job: $st"
[ ! -e "$T/s/harness.db" ] || [ "$(sqlite3 "$T/s/harness.db" "SELECT count(*) FROM runs")" = 0 ] ||
	fail "the submission or a task wrote the database before the collect job"
wait_queue_empty
ls "$T/s/itrun/slurm/logs/"*collect* >/dev/null || fail "no collect job log"
[ "$(sqlite3 "$T/s/harness.db" "SELECT count(*) FROM runs WHERE status='complete'")" = 9 ] ||
	{ cat "$T/s/itrun/slurm/logs/"*collect*; fail "first submission: expected 9 complete runs"; }
[ "$(sqlite3 "$T/s/harness.db" "SELECT count(*) FROM runs WHERE status='error' AND error LIKE
	'slurm array task ${job}_3 left no record (state %'")" = 3 ] ||
	{ sqlite3 "$T/s/harness.db" "SELECT cell_id, status, error FROM runs"; fail "cancelled task's cells not recorded as error"; }
[ "$(ls "$T/s/itrun/slurm/records" | grep -c '\.rec$')" = 9 ] || fail "expected 9 record files"
st=$("$H" status itrun --results "$T/s")
grep -q "^itrun: 12 cells: 0 pending, 0 running, 9 done, 3 failed" <<<"$st" || fail "status after cancel: $st"
st=$("$H" status itrun --results "$T/s" --cells)
[ "$(printf '%s\n' "$st" | grep -c "^failed	.*left no record")" = 3 ] || fail "status --cells: $st"

# --- re-submission runs only what is missing; then nothing is left ---
out=$("$H" run "$S" --backend slurm --results "$T/s" 2>&1)
grep -q "3 to run, 9 already done" <<<"$out" || fail "resume: $out"
grep -q "^submitted array job [0-9]* (3 cells in 3 tasks)" <<<"$out" || fail "resume: $out"
set +e; out=$("$H" run "$S" --backend slurm --results "$T/s" --force 2>&1); rc=$?; set -e
[ "$rc" = 2 ] && grep -q "has Slurm jobs still queued" <<<"$out" || fail "submitted while jobs are queued: $out"
wait_queue_empty
[ "$(sqlite3 "$T/s/harness.db" "SELECT count(*) FROM runs WHERE status='complete'")" = 12 ] ||
	{ cat "$T/s/itrun/slurm/logs/"*collect*; fail "after resume: expected 12 complete runs"; }
[ "$(sqlite3 "$T/s/harness.db" "SELECT count(*) FROM runs")" = 12 ] || fail "resume added rows"
[ "$(ls "$T/s/itrun/slurm/bin/")" = "harness-$(sha256sum "$H" | cut -c1-16)" ] || fail "jobs did not run a frozen copy of the binary"
out=$("$H" run "$S" --backend slurm --results "$T/s" 2>&1)
grep -q "nothing to submit" <<<"$out" || fail "third submission: $out"
st=$("$H" status itrun --results "$T/s")
grep -q "^itrun: 12 cells: 0 pending, 0 running, 12 done, 0 failed" <<<"$st" ||
	fail "final status: $st"

# --- the same results as a local run, bit for bit ---
diff <(sqlite3 "$T/local/harness.db" "$q_hashes") <(sqlite3 "$T/s/harness.db" "$q_hashes") ||
	fail "slurm results differ from a local -j 2 run"
for f in "$T/s/itrun/figures/FrozenLake-v1.png" "$T/s/itrun/figures/FrozenLake-v1.pdf"; do
	[ -s "$f" ] || fail "collect job drew no figure $f"
done
[ -z "$(ls -A "$T/s/itrun/runs" | grep '^\.tmp-' || true)" ] || fail "temporary files left"
# a collect run again by hand changes nothing
before=$(sqlite3 "$T/s/harness.db" "SELECT group_concat(id || status || finished_at) FROM runs")
out=$("$H" collect "$S" --results "$T/s" --no-plot 2>&1)
grep -q "collected 0 runs" <<<"$out" || fail "second collect applied records: $out"
[ "$before" = "$(sqlite3 "$T/s/harness.db" "SELECT group_concat(id || status || finished_at) FROM runs")" ] ||
	fail "second collect changed rows"
# collect never replaces a complete row whose file verifies: a record saying otherwise is not collected
rec=$(ls "$T/s/itrun/slurm/records/"*.rec | head -n1)
sed -i 's/^status=complete$/status=failed/' "$rec"
out=$("$H" collect "$S" --results "$T/s" --no-plot 2>&1 || true)
grep -q "collected 0 runs" <<<"$out" && grep -q "is complete in the database and its file verifies" <<<"$out" ||
	{ printf "%s\n" "$out"; fail "collect demoted a complete row whose file verifies"; }
[ "$before" = "$(sqlite3 "$T/s/harness.db" "SELECT group_concat(id || status || finished_at) FROM runs")" ] ||
	fail "collect changed a complete row"
# a failed cell is kept on re-submission, and re-run with --retry-failed
cell=$(sed -n 's/^cell_id=//p' "$rec")
sqlite3 "$T/s/harness.db" "UPDATE runs SET status = 'failed' WHERE cell_id = '$cell'"
out=$("$H" collect "$S" --results "$T/s" --no-plot 2>&1 || true)
grep -q "collected 0 runs" <<<"$out" || { printf "%s\n" "$out"; fail "collect changed the failed row"; }
st=$("$H" status itrun --results "$T/s")
grep -q "11 done, 1 failed" <<<"$st" || fail "status after a failed cell: $st"
out=$("$H" run "$S" --backend slurm --results "$T/s" --dry-run 2>&1)
grep -q "0 to run, 12 already done" <<<"$out" ||
	fail "a failed cell was submitted again without --retry-failed: $out"
out=$("$H" run "$S" --backend slurm --results "$T/s" --dry-run --retry-failed 2>&1)
grep -q "1 to run, 11 already done" <<<"$out" || fail "--retry-failed does not submit the failed cell: $out"
echo "it_slurm: all checks passed"
