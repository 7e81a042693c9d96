#!/bin/bash
# tests/it_env_replay_minatar.sh - `harness env replay` on the MinAtar ids
# against MinAtar 1.0.15's own trajectories (tests/data/minatar), end to end:
# each file's actions go in as --actions @FILE with 'r' where the file resets
# (a reset without a seed: the stream continues), --seed S for the first
# reset, and the `state` column (numpy.packbits of the (10, 10, C) grid, hex),
# reward and terminated flag must equal the file's, row for row. Then the
# errors of the action list (file and line named, exit 2).
set -u
H=${HARNESS:?HARNESS=path of the harness binary}
D=${TEST_DATA:?TEST_DATA=path of tests/data}/minatar
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

declare -A ID=([asterix]=Asterix [breakout]=Breakout [freeway]=Freeway [seaquest]=Seaquest
	[space_invaders]=SpaceInvaders)
n=0
for f in "$D"/traj_*_seed*_*.csv; do
	base=$(basename "$f" .csv)
	game=$(echo "$base" | sed 's/^traj_\(.*\)_seed[0-9]*_.*$/\1/')
	seed=$(echo "$base" | sed 's/^.*_seed\([0-9]*\)_.*$/\1/')
	id="MinAtar/${ID[$game]}-v0"
	# actions after the first (seeded) reset; a later t = 0 row is a reset without a seed
	awk -F, 'NR > 2 { print ($2 == 0 ? "r" : $3) }' "$f" > "$T/actions"
	if ! "$H" env replay "$id" --seed "$seed" --actions "@$T/actions" > "$T/got" 2> "$T/err"; then
		fail "$base: exit status $? ($(head -c 300 "$T/err"))"
		continue
	fi
	[ "$(head -n 1 "$T/got")" = "t,action,state,reward,terminated,truncated" ] ||
		fail "$base: header $(head -n 1 "$T/got")"
	awk -F, 'NR > 1 { print $2 "," $3 "," $7 "," $5 "," $6 }' "$f" > "$T/want"
	awk -F, 'NR > 1 { print $1 "," $2 "," $3 "," $4 "," $5 }' "$T/got" > "$T/have"
	if ! cmp -s "$T/want" "$T/have"; then
		fail "$base: harness env replay differs from MinAtar's trajectory (t,action,state,reward,terminated):"
		diff "$T/want" "$T/have" | head -n 6
	fi
	n=$((n + 1))
done
[ "$n" -ge 15 ] || fail "only $n reference files replayed"
echo "replayed $n MinAtar reference files through harness env replay"

# the same list inline (commas) gives the same output as from a file
printf '0 2\n1\tr 1,1\n\n0 2 2\n' > "$T/a40"
acts=0,2,1,r,1,1,0,2,2
"$H" env replay MinAtar/Breakout-v1 --seed 9 --actions "$acts" > "$T/inline" 2>&1 || fail "inline: $(cat "$T/inline")"
"$H" env replay MinAtar/Breakout-v1 --seed 9 --actions "@$T/a40" > "$T/file" 2>&1 || fail "file: $(cat "$T/file")"
cmp -s "$T/inline" "$T/file" || fail "--actions inline and @FILE differ"

# 'r' for every environment: a reset without a seed continues the stream
"$H" env replay CartPole-v1 --seed 4 --actions 0,r,1 > "$T/cp" 2>&1 || fail "CartPole r: $(cat "$T/cp")"
[ "$(cut -d, -f1,2 "$T/cp" | paste -sd' ')" = "t,action 0,-1 1,0 0,-1 1,1" ] || fail "CartPole r rows: $(cat "$T/cp")"
[ "$(sed -n 2p "$T/cp")" != "$(sed -n 4p "$T/cp")" ] || fail "CartPole: the unseeded reset repeated the seeded one"

# errors: exit 2, one line naming the file and line or the argument
expect_2() {
	local want=$1
	shift
	"$H" "$@" > "$T/out" 2> "$T/e"
	local rc=$?
	[ $rc -eq 2 ] || fail "$*: exit $rc, want 2"
	[ "$(wc -l < "$T/e")" -eq 1 ] || fail "$*: $(wc -l < "$T/e") lines of error"
	grep -q -- "$want" "$T/e" || fail "$*: error '$(cat "$T/e")' does not say '$want'"
	[ ! -s "$T/out" ] || fail "$*: wrote output on error"
}
printf '0 1\n2\n  x 3\n' > "$T/bad"
expect_2 "bad:3: 'x' is not an action" env replay MinAtar/Breakout-v0 --actions "@$T/bad"
printf '0 1\n\n7\n' > "$T/big"
expect_2 "big:3: 7 is not an action of 'MinAtar/Breakout-v1'" env replay MinAtar/Breakout-v1 --actions "@$T/big"
expect_2 "cannot open" env replay MinAtar/Breakout-v0 --actions "@$T/none"
expect_2 "'q' (number 2) is not an action" env replay CartPole-v1 --actions 0,q
expect_2 "'r' resets" env replay CliffWalking-v1 --actions 0,1,1,1,1,1,1,1,1,1,1,1,2,0
"$H" env replay CliffWalking-v1 --actions 0,1,1,1,1,1,1,1,1,1,1,1,2,r,0 > "$T/cw" 2>&1 ||
	fail "CliffWalking with r after the end: $(cat "$T/cw")"

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "ok"
