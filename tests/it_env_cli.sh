#!/usr/bin/env bash
# tests/it_env_cli.sh - `harness envs`, `harness env replay` and `harness env
# optimal` end to end: replays reference episodes of Gymnasium
# (tests/data/traj_*.csv) through the CLI and compares the CSV with the
# reference printed to 9 significant digits; checks the env list, an optimal
# value and the exit status of bad arguments. Uses $HARNESS (the binary).
set -u
cd "$(dirname "$0")/.."
H=${HARNESS:-$PWD/bin/harness}
DATA=${TEST_DATA:-$PWD/tests/data}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# replay FILE ENV_ID EPISODE NOBS STATE_COL NSTATE [OPTION...]: STATE_COL is the first
# column of the state to set (state_0 for classic control, obs_0 for toy text),
# NSTATE columns from there.
replay() {
	local file=$1 id=$2 ep=$3 nobs=$4 scol=$5 nstate=$6
	shift 6
	# expected CSV: t,action,obs..,reward,terminated,truncated with floats at %.9g
	awk -F, -v ep="$ep" -v nobs="$nobs" 'NR > 1 && $1 == ep {
		line = $2 "," $3
		for (i = 4; i < 4 + nobs; i++) line = line "," sprintf("%.9g", $i)
		line = line "," sprintf("%.9g", $(4 + nobs)) "," $(5 + nobs) "," $(6 + nobs)
		print line }' "$DATA/$file" > "$tmp/want"
	local state actions
	state=$(awk -F, -v ep="$ep" -v c="$scol" -v n="$nstate" 'NR > 1 && $1 == ep && $2 == 0 {
		s = $c; for (i = 1; i < n; i++) s = s "," $(c + i); print s }' "$DATA/$file")
	actions=$(awk -F, -v ep="$ep" 'NR > 1 && $1 == ep && $2 > 0 { printf "%s%s", sep, $3; sep = "," }' \
		"$DATA/$file")
	if ! "$H" env replay "$id" "$@" --state "$state" --actions "$actions" > "$tmp/got" 2> "$tmp/err"; then
		fail "replay $id episode $ep: exit status $? ($(cat "$tmp/err"))"
		return
	fi
	local header
	header=$(head -n 1 "$tmp/got")
	local want_header="t,action"
	for ((i = 0; i < nobs; i++)); do want_header="$want_header,obs_$i"; done
	want_header="$want_header,reward,terminated,truncated"
	[ "$header" = "$want_header" ] || fail "replay $id: header '$header', want '$want_header'"
	if ! tail -n +2 "$tmp/got" | diff -q - "$tmp/want" > /dev/null; then
		fail "replay $id episode $ep differs from the reference:"
		tail -n +2 "$tmp/got" | diff - "$tmp/want" | head -n 6
	fi
	echo "replay $id episode $ep: $(($(wc -l < "$tmp/want") - 1)) steps compared"
}

# MountainCar is bit-exact with the C library's cos (Gymnasium uses math.cos);
# CartPole's 33-step episode agrees to 9 digits (see tests/test_classic.c).
replay traj_MountainCar-v0.csv MountainCar-v0 0 2 9 2
replay traj_MountainCar-v0.csv MountainCar-v0 3 2 9 2
replay traj_CartPole-v1.csv CartPole-v1 2 4 11 4
replay traj_CliffWalking-v1.csv CliffWalking-v1 0 1 4 1
replay traj_CliffWalking-v1.csv CliffWalking-v0 2 1 4 1
replay traj_Taxi-v3.csv Taxi-v3 0 1 4 1
replay traj_Taxi-v3.csv Taxi-v4 2 1 4 1
replay traj_FrozenLake-v1_4x4_noslip.csv FrozenLake-v1 2 1 4 1 --option is_slippery=false

# every id is listed, with its spaces
"$H" envs > "$tmp/envs" || fail "harness envs: exit status $?"
for id in FrozenLake-v1 FrozenLake8x8-v1 CartPole-v1 CartPole-v0 MountainCar-v0 Acrobot-v1 \
	CliffWalking-v1 CliffWalking-v0 CliffWalkingSlippery-v1 Taxi-v4 Taxi-v3; do
	grep -q "^$id  " "$tmp/envs" || fail "harness envs does not list $id"
done
grep -q "Box(4, float32) low \[-4.8, -inf, -0.41887903, -inf\]" "$tmp/envs" ||
	fail "harness envs: CartPole's bounds"
grep -q "Discrete(500)" "$tmp/envs" || fail "harness envs: Taxi's space"

# optimal values
v=$("$H" env optimal CliffWalking-v1) || fail "env optimal CliffWalking-v1: exit status $?"
[ "$v" = "-13" ] || fail "env optimal CliffWalking-v1 printed '$v', want -13"
v=$("$H" env optimal FrozenLake-v1) || fail "env optimal FrozenLake-v1: exit status $?"
[ "$v" = "0.823529412" ] || fail "env optimal FrozenLake-v1 printed '$v', want 0.823529412 (14/17)"

# an action after the end, and bad arguments: one line on stderr, exit 2
expect_2() {
	"$H" "$@" > /dev/null 2> "$tmp/err"
	local rc=$?
	[ "$rc" = 2 ] || fail "harness $*: exit status $rc, want 2"
	[ "$(wc -l < "$tmp/err")" = 1 ] || fail "harness $*: stderr is not one line: $(cat "$tmp/err")"
}
expect_2 env replay CliffWalking-v1 --actions 0,1,1,1,1,1,1,1,1,1,1,1,2,0
grep -q "after the episode ended" "$tmp/err" || fail "step after the end: $(cat "$tmp/err")"
expect_2 env replay NoSuchEnv-v0 --actions 0
grep -q "NoSuchEnv-v0" "$tmp/err" || fail "unknown env not named: $(cat "$tmp/err")"
expect_2 env replay CartPole-v1 --option no_such=1 --actions 0
grep -q "no_such" "$tmp/err" || fail "unknown option not named: $(cat "$tmp/err")"
expect_2 env replay CartPole-v1 --actions 0,2
grep -q -- "--actions" "$tmp/err" || fail "bad action not named: $(cat "$tmp/err")"
expect_2 env optimal CartPole-v1
expect_2 env optimal FrozenLake-v1 --gamma 1.5
for sub in "envs" "env" "env replay" "env optimal"; do
	# shellcheck disable=SC2086
	"$H" $sub --help | grep -q "^usage: harness" || fail "harness $sub --help"
done

[ "$fails" = 0 ] || { echo "$fails failures"; exit 1; }
echo "it_env_cli: all checks passed"
