#!/usr/bin/env bash
# it_hostile.sh - hostile input: names and values with quotes, newlines,
# unicode, SQL and shell/gnuplot metacharacters, and oversized values.
#   - specs with @include or a NUL byte refused;
#   - configuration names outside [A-Za-z0-9_.+-], experiment names with path
#     characters, string option values with quotes or newlines: refused with a
#     one-line error naming file, line and key, nothing written;
#   - free text (description) and paths (--results) reach SQLite verbatim
#     (bound parameters), the database intact, `harness verify` happy;
#   - every file a run writes lies under the results directory;
#   - a run file that crashes libhdf5 makes verify report it and run re-run
#     its cell saying so in one line, neither crashes;
#   - oversized: 10^6 seeds, a 10^6-variant sweep, a huge DQN network are
#     refused at spec time; a 10^9-step budget runs without allocating upfront;
#     an allocation that fails is recorded as error with the message.
set -euo pipefail
H=${HARNESS:?}
T=$(mktemp -d /tmp/it_hostile.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$T/spec" "$T/cwd"
cd "$T/cwd"
# spec FILE ENV_EXTRA ALGO_NAME ALGO_EXTRA [TOP_EXTRA]
spec() {
	printf '%s\nseeds = 1;\nbudget = { steps = 200; };\nenvs = ( { id = "FrozenLake-v1"; %s } );\nalgorithms = ( { name = %s; learner = "q_learning"; %s } );\n' \
		"${5:-}" "$2" "$3" "$4" > "$T/spec/$1"
}
bad() { # expected-substring, command...: non-zero exit, exactly one line naming the culprit
	local want=$1; shift
	set +e; err=$("$@" 2>&1 >/dev/null); st=$?; set -e
	[ "$st" -ne 0 ] || fail "exit 0 for: $*"
	[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "not one line for: $* -> $err"
	printf '%s' "$err" | grep -qF -- "$want" || fail "message for $* lacks '$want': $err"
}

# --- names: refused, one line, nothing written ---
spec sql.cfg '' '"x'"'"'); DROP TABLE runs;--"' ''
bad "sql.cfg:5: key 'name': 'x'); DROP TABLE runs;--' may use only letters, digits and _ . - +" \
	"$H" run "$T/spec/sql.cfg" --results "$T/none"
spec nl.cfg '' '"a\nb"' ''
bad "key 'name': 'a\\nb' may use only" "$H" run "$T/spec/nl.cfg" --results "$T/none"
spec esc.cfg '' '"a\x1b[2Jb"' ''
bad "'a\\x1b[2Jb' may use only" "$H" run "$T/spec/esc.cfg" --results "$T/none"
spec uni.cfg '' '"q_ünï☃"' ''
bad "key 'name': 'q_ünï☃' may use only" "$H" run "$T/spec/uni.cfg" --results "$T/none"
spec gp.cfg '' '"a`touch PWNED`"' ''
bad "may use only" "$H" run "$T/spec/gp.cfg" --results "$T/none"
spec dotdot.cfg '' '"q"' '' 'name = "../evil";'
bad "key 'name': '../evil' may use only" "$H" run "$T/spec/dotdot.cfg" --results "$T/none"
spec slash.cfg '' '"q"' '' 'name = "a/b";'
bad "key 'name': 'a/b' may use only" "$H" run "$T/spec/slash.cfg" --results "$T/none"
spec "it's.cfg" '' '"q"' ''
bad "the file name 'it's' is not a valid experiment name" "$H" run "$T/spec/it's.cfg" --results "$T/none"
spec .hidden.cfg '' '"q"' ''
bad "not a valid experiment name" "$H" run "$T/spec/.hidden.cfg" --results "$T/none"
# string values: a map with a quote or a newline, a choice with metacharacters
spec descq.cfg 'desc = "SF\"G";' '"q"' ''
bad "desc: cell '\"' is not one of S, F, H, G" "$H" run "$T/spec/descq.cfg" --results "$T/none"
spec descnl.cfg 'desc = "SF\nHG";' '"q"' ''
bad "desc: cell '\\n' is not one of S, F, H, G" "$H" run "$T/spec/descnl.cfg" --results "$T/none"
spec choice.cfg '' '"q"' 'epsilon_schedule = "linear'"'"'; system(\"touch PWNED\")";'
bad "key 'epsilon_schedule': must be one of constant|linear|exponential" "$H" run "$T/spec/choice.cfg" --results "$T/none"
# a spec is one file, parsed from the bytes it hashes: no @include (of /dev/zero, say), no NUL byte
printf 'seeds = 1;\n  @include "/dev/zero"\n' > "$T/spec/inc.cfg"
bad "inc.cfg:2: @include is not allowed" "$H" run "$T/spec/inc.cfg" --results "$T/none"
printf 'seeds = 1;\0junk' > "$T/spec/nul.cfg"
bad "nul.cfg: contains a NUL byte" "$H" run "$T/spec/nul.cfg" --results "$T/none"
[ ! -e "$T/none" ] || fail "a refused spec wrote something"
# read commands refuse path-like experiment names
bad "experiment name '../x' is not valid" "$H" verify ../x --results "$T/none"

# --- free text and paths reach SQLite verbatim ---
DESC=$'x\'); DROP TABLE runs;-- "q" $(touch PWNED) `touch PWNED` @x ünï ☃\\n'
esc=$(printf '%s' "$DESC" | sed 's/\\/\\\\/g; s/"/\\"/g')
spec host.cfg 'desc = "SFF/FHG";' '"q+1.x_y-z"' '' "description = \"$esc\";"
R="$T/r'); DROP TABLE runs;-- \$(touch PWNED) ü"
"$H" run "$T/spec/host.cfg" --results "$R" --quiet
/usr/bin/python3 - "$R/harness.db" "$DESC" "$R" <<'PY'
import sqlite3, sys
db, desc, root = sys.argv[1:]
c = sqlite3.connect(db)
tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
assert {"runs", "experiments"} <= tables, tables
(d,) = c.execute("SELECT description FROM experiments WHERE name='host'").fetchone()
assert d == desc, (d, desc)
rows = c.execute("SELECT config_name, env_label, status, h5_path FROM runs").fetchall()
assert len(rows) == 1, rows
name, label, status, path = rows[0]
assert name == "q+1.x_y-z" and label == "FrozenLake-v1(desc=SFF/FHG)" and status == "complete", rows
assert path.startswith("host/runs/") and not path.startswith("/"), path  # relative to the results root
PY
out=$("$H" verify host --results "$R") || fail "verify: $out"
# everything written lies under the results directory; nothing ran
[ -z "$(ls -A "$T/cwd")" ] || fail "files written outside the results directory: $(ls -A "$T/cwd")"
[ -z "$(find "$T" -name PWNED)" ] || fail "a command in a name ran"
[ "$(ls "$R/host/runs")" = "FrozenLake-v1_desc=SFF_FHG___q_1.x_y-z__seed0-$(ls "$R/host/runs" | sed 's/.*seed0-//')" ] || fail "unexpected run file name: $(ls "$R/host/runs")"
ls "$R/host/figures/"*.png > /dev/null || fail "no figure"

# --- a run file that crashes libhdf5 (found by make fuzz): one bad run, not a crash ---
# (handle_segv=0: under ASan the reader's child still dies of the signal)
spec crash.cfg '' '"q"' ''
"$H" run "$T/spec/crash.cfg" --results "$T/crash" --quiet --no-plot
cp "$TEST_DATA/libhdf5_crash.h5" "$(ls "$T/crash/crash/runs/"*.h5)"
st=0; out=$(ASAN_OPTIONS=handle_segv=0 "$H" verify crash --results "$T/crash" 2>/dev/null) || st=$?
[ "$st" -eq 1 ] || fail "verify on a file crashing libhdf5: exit $st, expected 1"
printf '%s\n' "$out" | grep -q "^unreadable" || fail "verify did not report the file: $out"
export ASAN_OPTIONS=handle_segv=0
# run re-runs that cell, saying why in one line, and the file verifies again
st=0; err=$("$H" run "$T/spec/crash.cfg" --results "$T/crash" --quiet --no-plot 2>&1 >/dev/null) || st=$?
[ "$st" -eq 0 ] || fail "run over a file crashing libhdf5: exit $st: $err"
[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "not one line: $err"
printf '%s' "$err" | grep -q "reading it crashed the HDF5 library.*: running it again" || fail "message: $err"
"$H" verify crash --results "$T/crash" > /dev/null || fail "the re-run file does not verify"
unset ASAN_OPTIONS

# --- oversized values ---
printf 'seeds = 1000000;\nbudget = { steps = 100; };\nenvs = ( { id = "FrozenLake-v1"; } );\nalgorithms = ( { name = "q"; learner = "q_learning"; } );\n' > "$T/spec/seeds.cfg"
bad "key 'seeds': must be between 1 and 100000, got 1000000" "$H" run "$T/spec/seeds.cfg" --list
/usr/bin/python3 -c "print('seeds = [' + ','.join(map(str, range(1000000))) + '];')" > "$T/spec/seedlist.cfg"
tail -n +2 "$T/spec/seeds.cfg" >> "$T/spec/seedlist.cfg"
bad "seedlist.cfg: 6889024 bytes, more than a spec may have (1048576)" "$H" run "$T/spec/seedlist.cfg" --list
/usr/bin/python3 -c "print('seeds = [' + ','.join(map(str, range(100001))) + '];')" > "$T/spec/seedlist.cfg"
tail -n +2 "$T/spec/seeds.cfg" >> "$T/spec/seedlist.cfg"
bad "key 'seeds': must list between 1 and 100000 seeds, got 100001" "$H" run "$T/spec/seedlist.cfg" --list
v=$(/usr/bin/python3 -c "print(','.join('0.%03d' % i for i in range(1, 1001)))")
spec sweep.cfg '' '"q"' "learning_rate = [$v]; epsilon = [$v];"
bad "key 'epsilon': the sweep has more than 100000 variants" "$H" run "$T/spec/sweep.cfg" --list
printf 'seeds = 1;\nbudget = { steps = 200; };\nenvs = ( { id = "CartPole-v1"; } );\nalgorithms = ( { name = "d"; learner = "dqn"; hidden = [8192, 8192, 8192, 8192, 8192, 8192, 8192, 8192]; } );\n' > "$T/spec/net.cfg"
bad "a network of 469876738 parameters, at most 67108864" "$H" run "$T/spec/net.cfg" --list
# a 10^9-step budget: runs, and does not allocate for the budget upfront
spec big.cfg '' '"q"' '' 'eval = { every = 100000000; episodes = 1; };'
sed -i 's/steps = 200/steps = 1000000000/' "$T/spec/big.cfg"
"$H" run "$T/spec/big.cfg" --results "$T/big" -j 1 --quiet --no-plot &
pid=$!
for i in $(seq 1 100); do w=$(pgrep -P "$pid" | head -n1 || true); [ -n "$w" ] && break; sleep 0.05; done
[ -n "$w" ] || fail "10^9-step run: no worker"
sleep 0.5
rss=$(awk '/^VmHWM/ {print $2}' "/proc/$w/status")
kill -TERM "$pid"; st=0; wait "$pid" || st=$?
[ "$st" -eq 130 ] || fail "10^9-step run: exit $st after SIGTERM, expected 130"
[ "$rss" -lt 300000 ] || fail "10^9-step run: worker peak RSS ${rss} kB"
# a replay of 10^9 transitions is refused at spec time
printf 'seeds = 1;\nbudget = { steps = 200; };\nenvs = ( { id = "CartPole-v1"; } );\nalgorithms = ( { name = "d"; learner = "dqn"; buffer_size = 1000000000; } );\n' > "$T/spec/buf.cfg"
bad "'buffer_size' 1000000000 needs" "$H" run "$T/spec/buf.cfg" --list
# batch x width activations: inside the parameter and replay caps, 17 GB of activations is refused at spec time
printf 'seeds = 1;\nbudget = { steps = 200; };\nenvs = ( { id = "CartPole-v1"; } );\nalgorithms = ( { name = "d"; learner = "dqn"; hidden = [8192, 4096]; batch_size = 65536; buffer_size = 100000; } );\n' > "$T/spec/act.cfg"
bad "'batch_size' 65536 with layers up to 8192 wide needs" "$H" run "$T/spec/act.cfg" --list
sed -i 's/batch_size = 65536/batch_size = 64/' "$T/spec/act.cfg"
"$H" run "$T/spec/act.cfg" --list > /dev/null || fail "a batch of 64 with the same network was refused"
# an allocation that fails (10^8 transitions, address space limited to 4 GB) is an error with its message
if [ -z "${TEST_SAN:-}" ]; then # ASan reserves terabytes of address space: no ulimit -v under it
	sed -i 's/buffer_size = 1000000000/buffer_size = 100000000/' "$T/spec/buf.cfg"
	st=0; (ulimit -v 4000000; "$H" run "$T/spec/buf.cfg" --results "$T/buf" --quiet --no-plot) 2>/dev/null || st=$?
	[ "$st" -eq 1 ] || fail "failed allocation: exit $st, expected 1"
	sqlite3 "$T/buf/harness.db" "SELECT status, error FROM runs" | grep -q "^error|worker exited with status 2 without a result: out of memory allocating" || \
		fail "failed allocation not recorded: $(sqlite3 "$T/buf/harness.db" "SELECT status, error FROM runs")"
fi
echo "it_hostile: all checks passed"
