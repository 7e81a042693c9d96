#!/usr/bin/env bash
# it_options.sh - the option tables (core/options.c) as users meet them:
#   --opt=value and --opt value give the same run; -j3 / -j 3 / --jobs=3;
#   an unknown option gets a did-you-mean from the command's table and a bad
#   integer one line naming the option (exit 2, nothing written);
#   every command's --help exits 0, and every option it shows is one the
#   command parses (help cannot drift from the table), and the options each
#   command is documented with (README) are shown;
#   an ESC in an argument of any command, or in a spec's description (stored,
#   then shown by `list`), never reaches the terminal raw: it is printed as \x1b.
set -euo pipefail
H=${HARNESS:?}
T=$(mktemp -d /tmp/it_options.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export HARNESS_RESULTS="$T/empty" # a command that would act finds nothing to act on
mkdir -p "$T/empty"
to() { timeout 60 "$@"; }
ESC=$'\e'

# --- a tiny experiment: one spec, run with each spelling ---
spec() { # file (its name is the experiment's), description
	local name; name=$(basename "$1" .cfg)
	printf 'name = "%s";\ndescription = "%s";\nseeds = 2;\nbudget = { steps = 300; };\n' "$name" "$2" > "$1"
	printf 'envs = ( { id = "FrozenLake-v1"; is_slippery = false; } );\n' >> "$1"
	printf 'algorithms = ( { name = "q"; learner = "q_learning"; } );\n' >> "$1"
}
spec "$T/opts.cfg" "plain"
to "$H" run "$T/opts.cfg" --results "$T/a" --jobs 1 --quiet --no-plot
to "$H" run "$T/opts.cfg" --results="$T/b" --jobs=1 --quiet --no-plot
to "$H" run "$T/opts.cfg" --results="$T/c" -j2 --quiet --no-plot --only='FrozenLake-v1*/q/seed=*'
hashes() { sqlite3 "$1/harness.db" "SELECT cell_id, content_hash FROM runs WHERE status='complete' ORDER BY cell_id"; }
[ "$(hashes "$T/a" | wc -l)" -eq 2 ] || fail "expected 2 complete runs: $(hashes "$T/a")"
[ "$(hashes "$T/a")" = "$(hashes "$T/b")" ] || fail "--opt=value gave other results than --opt value"
[ "$(hashes "$T/a")" = "$(hashes "$T/c")" ] || fail "-j2 --only=GLOB gave other results"
[ "$(to "$H" list opts --results="$T/a")" = "$(to "$H" list opts --results "$T/a")" ] ||
	fail "list --results=DIR differs from --results DIR"
to "$H" export opts --results="$T/a" --what=files > "$T/files"
[ "$(wc -l < "$T/files")" -eq 2 ] || fail "export --what=files: $(cat "$T/files")"
to "$H" env replay FrozenLake-v1 --option=is_slippery=false --seed=3 --actions=1,1,2 > "$T/r1"
to "$H" env replay FrozenLake-v1 --option is_slippery=false --seed 3 --actions 1,1,2 > "$T/r2"
cmp -s "$T/r1" "$T/r2" || fail "env replay --opt=value differs"
[ "$(wc -l < "$T/r1")" -eq 5 ] || fail "env replay: $(cat "$T/r1")"

# --- errors: one line, exit 2, naming the option, a suggestion from the table ---
one() { # expected exact stderr line, command...
	local want=$1; shift
	set +e; err=$(to "$@" 2>&1 >/dev/null); st=$?; set -e
	[ "$st" -eq 2 ] || fail "exit $st (not 2) for: $*"
	[ "$err" = "$want" ] || fail "for $*: got '$err', want '$want'"
}
one "harness: error: unknown option '--resuls' (did you mean '--results'? see 'harness list --help')" "$H" list --resuls x
one "harness: error: unknown option '--metrc=iqm' (did you mean '--metric'? see 'harness plot --help')" "$H" plot x --metrc=iqm
one "harness: error: unknown option '--dryrun' (did you mean '--dry-run'? see 'harness prune --help')" "$H" prune x --dryrun
one "harness: error: unknown option '--secnds' (did you mean '--seconds'? see 'harness bench --help')" "$H" bench --secnds 1
one "harness: error: unknown option '--gama' (did you mean '--gamma'? see 'harness env optimal --help')" "$H" env optimal FrozenLake-v1 --gama 0.9
one "harness: error: --jobs: 'x' is not an integer (see 'harness run --help')" "$H" run "$T/opts.cfg" --jobs=x --results "$T/d"
one "harness: error: -j: '0' is not between 1 and 1024 (see 'harness run --help')" "$H" run "$T/opts.cfg" -j 0 --results "$T/d"
one "harness: error: --index: '-1' is below the minimum 0 (see 'harness run-cell --help')" "$H" run-cell "$T/opts.cfg" --index=-1
one "harness: error: --results needs a value DIR (see 'harness show --help')" "$H" show 1 --results
one "harness: error: --cells takes no value (see 'harness status --help')" "$H" status opts --cells=1
one "harness: error: --seconds: 'soon' is not a number (see 'harness bench --help')" "$H" bench --seconds=soon
[ ! -e "$T/d" ] || fail "a refused command wrote its results directory"

# --- --help of every command: exit 0; every option shown is parsed; documented options shown ---
declare -A documented=(
	[run]="--jobs --results --force --retry-failed --only --list --no-plot --quiet --portable --backend --partition --time --cpus-per-task --array-limit --dry-run"
	[list]="--all --spec --commit --other-versions --results"
	[show]="--results"
	[export]="--csv --what --output --spec --commit --other-versions --results"
	[plot]="--metric --format --width --smooth --resamples --metric-of --config --env --no-bands --commit --other-versions --spec --output --results"
	[compare]="--all-pairs --factor --factors --metric-of --env --alpha --power --level --resamples --format --width --commit --other-versions --spec --results"
	[envs]="" [learners]="" [version]=""
	["env replay"]="--option --seed --state --actions"
	["env optimal"]="--option --gamma --tol"
	[regress]="--base --head --baseline --strict --metric-of --jobs --results"
	[baseline]="--jobs --results"
	[bench]="--seconds --only"
	[status]="--results --spec --cells"
	[collect]="--results --no-plot --portable --cells --per --array-job"
	[run-cell]="--index --results --spec-sha256 --tag --portable"
	[verify]="--results"
	[prune]="--dry-run --spec --results"
)
to "$H" --help > "$T/help" || fail "harness --help exits non-zero"
for c in "${!documented[@]}"; do
	top=${c%% *}
	[ "$top" = run-cell ] || grep -q "^  $top " "$T/help" || fail "harness --help does not list '$top'"
	# shellcheck disable=SC2086
	to "$H" $c --help > "$T/h" || fail "harness $c --help exits non-zero"
	grep -q "^usage: harness $c" "$T/h" || fail "harness $c --help: no usage line"
	for o in ${documented[$c]}; do
		grep -qE -- "^  (-[a-z], )?$o( |$)" "$T/h" || fail "harness $c --help does not show $o"
	done
	# every option the help shows is one the command parses
	for o in $(grep -oE -- '^  (-[a-z], )?--[a-z0-9-]+' "$T/h" | grep -oE -- '--[a-z0-9-]+'); do
		set +e
		# shellcheck disable=SC2086
		err=$(cd "$T/empty" && to "$H" $c "$o" 2>&1 >/dev/null </dev/null)
		set -e
		! grep -q "unknown option" <<< "$err" || fail "harness $c --help shows $o, which it does not parse: $err"
	done
done

# --- control characters never reach the terminal raw ---
noesc() { # what, file
	! grep -q "$ESC" "$2" || fail "$1: a raw ESC reached the terminal: $(od -c "$2" | head -3)"
}
spec "$T/esc.cfg" "evil \\x1b[2J\\x1b]0;title\\x07 description"
grep -q 'x1b' "$T/esc.cfg" || fail "test setup: spec"
to "$H" run "$T/esc.cfg" --results "$T/e" -j 1 --quiet --no-plot 2> "$T/err"
noesc "run" "$T/err"
to "$H" list --results "$T/e" > "$T/out"
grep -q "evil" "$T/out" || fail "list does not show the description: $(cat "$T/out")"
noesc "list's description" "$T/out"
grep -qF 'evil \x1b[2J' "$T/out" || fail "list does not show the description escaped: $(cat "$T/out")"
for args in "list $ESC[31mx" "plot esc --spec=$ESC[2J.cfg --results $T/e" "env replay $ESC[2J --actions 0" \
	"export esc --what=$ESC[2J --results $T/e" "show 1 --results=$T/$ESC[2J" "run $T/opts.cfg --only=$ESC[2J --list" \
	"envs $ESC]0;t" "learners $ESC[2J" "status esc --spec=$T/$ESC[2J.cfg --results $T/e"; do
	set +e
	# shellcheck disable=SC2086
	(IFS=' '; to "$H" $args) > "$T/out" 2> "$T/err"
	set -e
	noesc "harness $args (stdout)" "$T/out"
	noesc "harness $args (stderr)" "$T/err"
	grep -qF '\x1b' "$T/err" || fail "harness $args: the ESC is not shown escaped: $(cat "$T/err")"
done
echo "it_options: all checks passed"
