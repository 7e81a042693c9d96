#!/usr/bin/env bash
# it_readme.sh - the README's h5py, pandas and sqlite3 examples (the ones it
# says tests/it_readme.sh runs), extracted from README.md as they are written
# and run against a fresh run of experiments/quickstart.cfg, with `harness` on
# PATH and the working directory holding results/, as a user would.
set -euo pipefail
H=${HARNESS:?}
SRC=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /tmp/it_readme.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$T/bin" "$T/w"
ln -s "$H" "$T/bin/harness"
export PATH="$T/bin:$PATH"
cd "$T/w"
harness run "$SRC/experiments/quickstart.cfg" -j 2 --quiet --no-plot
# the code blocks after the sentence naming this test: two python, one sh
/usr/bin/python3 - "$SRC/README.md" "$T" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
start = text.index("run in `tests/it_readme.sh`")
blocks = re.findall(r"```(python|sh)\n(.*?)```", text[start:], re.S)
py = [b for lang, b in blocks if lang == "python"][:2]
sh = [b for lang, b in blocks if lang == "sh" and "sqlite3" in b][:1]
assert len(py) == 2 and len(sh) == 1, (len(py), len(sh))
for i, b in enumerate(py):
    open(f"{sys.argv[2]}/ex{i}.py", "w").write(b)
open(f"{sys.argv[2]}/ex.sh", "w").write(sh[0])
PY
out=$(/usr/bin/python3 "$T/ex0.py") || fail "the h5py example failed"
grep -q '^FrozenLake-v1(map_name=4x4,is_slippery=true)/q\[learning_rate=0.05\]/seed=0 [0-9a-f]\{40\} [0-9]' <<<"$out" ||
	fail "the h5py example printed: $out"
out=$(/usr/bin/python3 "$T/ex1.py") || fail "the pandas example failed"
[ "$(grep -cE '^0\.(05|20?) +5 ' <<<"$out")" -eq 2 ] || fail "the pandas example does not count 5 runs per rate: $out"
out=$(bash "$T/ex.sh") || fail "the sqlite3 example failed"
[ "$(grep -c '|5|' <<<"$out")" -eq 2 ] || fail "the sqlite3 example does not count 5 runs per config: $out"
echo "it_readme: the README's h5py, pandas and sqlite3 examples run"
