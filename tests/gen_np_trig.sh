#!/usr/bin/env bash
# tests/gen_np_trig.sh - regenerates tests/data/np_trig.txt, numpy's float64
# cos/sin at every argument that test_classic's replays of Gymnasium's
# reference evaluate (see the top of tests/test_classic.c for why).
#
# Run from anywhere, on a CPU with AVX-512 (numpy then uses SVML, as on the
# machine that made the reference), with Debian's python3-numpy:
#   bash tests/gen_np_trig.sh [path/to/test_classic]
# It runs the test binary with NP_TRIG_RECORD set (every argument it looks up
# is written down), asks numpy for those values, and repeats until the table
# holds exactly the arguments looked up: each round lets the replays get one
# evaluation further along Gymnasium's path.
set -eu
cd "$(dirname "$0")/.."
BIN=${1:-build/tests/test_classic}
PY=${PYTHON:-/usr/bin/python3}
TABLE=tests/data/np_trig.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -f "$TABLE" ] || : > "$TABLE"
for round in $(seq 1 12); do
	rm -f "$tmp/args"
	NP_TRIG_RECORD="$tmp/args" TEST_DATA="$PWD/tests/data" "$BIN" > /dev/null 2>&1 || true
	[ -s "$tmp/args" ] || { echo "gen_np_trig: $BIN recorded nothing" >&2; exit 1; }
	"$PY" - "$tmp/args" > "$tmp/table" <<'PYEOF'
import struct, sys
import numpy as np
try:
    from numpy.core._multiarray_umath import __cpu_features__ as feats
except ImportError:
    from numpy._core._multiarray_umath import __cpu_features__ as feats
if not feats.get("AVX512_SKX"):
    sys.exit("gen_np_trig: numpy does not use AVX-512 (SVML) here; the reference did")
seen = set()
for line in open(sys.argv[1]):
    kind, bits = line.split()
    seen.add((kind, bits))
for kind, bits in sorted(seen):
    x = np.float64(struct.unpack("<d", struct.pack("<Q", int(bits, 16)))[0])
    v = np.cos(x) if kind == "c" else np.sin(x)
    print("%s %s %016x" % (kind, bits, struct.unpack("<Q", struct.pack("<d", float(v)))[0]))
PYEOF
	if cmp -s "$tmp/table" "$TABLE"; then
		echo "gen_np_trig: $TABLE holds $(wc -l < "$TABLE") values (round $round)"
		exit 0
	fi
	mv "$tmp/table" "$TABLE"
done
echo "gen_np_trig: no fixed point after 12 rounds" >&2
exit 1
