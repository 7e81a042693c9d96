#!/usr/bin/env bash
# it_messages.sh - what users see when they mistype: one line, a non-zero
# exit, a did-you-mean for an unknown command, option, environment id, learner
# and hyperparameter; control characters in arguments are shown escaped in
# every message (no terminal escape or forged line reaches stderr).
set -euo pipefail
H=${HARNESS:?}
T=$(mktemp -d /tmp/it_messages.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
one() { # expected-substring, command...: non-zero exit, one line holding it
	local want=$1; shift
	set +e; err=$("$@" 2>&1 >/dev/null); st=$?; set -e
	[ "$st" -ne 0 ] || fail "exit 0 for: $*"
	[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "not one line for: $* -> $err"
	printf '%s' "$err" | grep -qF -- "$want" || fail "message for $* lacks '$want': $err"
	! printf '%s' "$err" | grep -q $'\e' || fail "a raw escape reached stderr: $*"
}
spec() { # file, env id, learner, extra algorithm keys
	printf 'seeds = 1;\nbudget = { steps = 100; };\nenvs = ( { id = "%s"; } );\nalgorithms = ( { name = "a"; learner = "%s"; %s } );\n' \
		"$2" "$3" "$4" > "$T/$1"
}
one "unknown command 'rnu' (did you mean 'run'? see 'harness --help')" "$H" rnu
one "unknown option '--forse' (did you mean '--force'? see 'harness run --help')" "$H" run x.cfg --forse
one "unknown option '--frobnicate' (see 'harness run --help')" "$H" run x.cfg --frobnicate
spec env.cfg CartPol-v1 q_learning ''
one "unknown environment 'CartPol-v1' (did you mean 'CartPole-v1'? see 'harness envs')" "$H" run "$T/env.cfg" --list
spec learner.cfg FrozenLake-v1 q_lerning ''
one "unknown learner 'q_lerning' (did you mean 'q_learning'? see 'harness learners')" "$H" run "$T/learner.cfg" --list
spec hp.cfg FrozenLake-v1 q_learning 'learning_rat = 0.1;'
one "key 'learning_rat': unknown hyperparameter of learner 'q_learning' (did you mean 'learning_rate'? see 'harness learners q_learning')" "$H" run "$T/hp.cfg" --list
one "unknown learner 'sarsaa' (did you mean 'sarsa'?" "$H" learners sarsaa
one "unknown option '--partiton' (did you mean '--partition'? see 'harness run --help')" "$H" run x.cfg --backend slurm --partiton p
one "unknown option '--cvs' (did you mean '--csv'? see 'harness export --help')" "$H" export x --cvs
printf 'seeds = 1;\nbudget = { steps = 100; };\nenvs = ( { id = "FrozenLake-v1"; is_slipery = false; } );\nalgorithms = ( { name = "a"; learner = "q_learning"; } );\n' > "$T/opt.cfg"
one "key 'is_slipery': unknown option of 'FrozenLake-v1' (did you mean 'is_slippery'? options:" "$H" run "$T/opt.cfg" --list
one "unknown environment 'Taxii-v3' (did you mean 'Taxi-v3'?" "$H" envs Taxii-v3
# control characters in arguments: escaped
one 'unknown option '"'"'--x\x1b[31mred\nharness: error: forged'"'"'' "$H" run x.cfg $'--x\e[31mred\nharness: error: forged'
one 'unknown command '"'"'\x1b]0;title\x07'"'" "$H" $'\e]0;title\a'
one '\x1b[2J' "$H" run $'/nonexistent/\e[2J.cfg'
echo "it_messages: all checks passed"
