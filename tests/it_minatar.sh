#!/usr/bin/env bash
# it_minatar.sh - MinAtar DQN through `harness run` (tests/data/minatar_short.cfg:
# the minatar_dqn preset, scaled down, on Breakout-v0 and Asterix-v1, 2 seeds):
# results byte-identical across -j 1 and -j 2 and after a kill -9 and resume;
# the run files record the preset's hyperparameters, the observation space in
# /provenance and the conv network in /checkpoint in the documented layout (a
# numpy forward pass in that layout runs on it); a conv net on vector
# observations is refused with a reason; tests/minatar_bar.sh judges the runs
# with the last-100-episode means the files hold.
set -euo pipefail
H=${HARNESS:?}
D=${TEST_DATA:?}
T=$(mktemp -d /tmp/it_minatar.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
hashes() { sqlite3 "$1/harness.db" "SELECT cell_id, content_hash FROM runs WHERE experiment='minatar_short' AND status='complete' ORDER BY cell_id"; }

"$H" run "$D/minatar_short.cfg" --results "$T/a" -j 1 --quiet --no-plot
"$H" run "$D/minatar_short.cfg" --results "$T/b" -j 2 --quiet --no-plot
[ "$(hashes "$T/a" | wc -l)" -eq 4 ] || fail "expected 4 complete runs"
[ "$(hashes "$T/a")" = "$(hashes "$T/b")" ] || fail "MinAtar results differ between -j 1 and -j 2"
[ "$(hashes "$T/a" | cut -d'|' -f2 | sort -u | wc -l)" -eq 4 ] || fail "two cells have identical results"

# kill -9 while cells are in flight, then resume: the same bytes as uninterrupted
"$H" run "$D/minatar_short.cfg" --results "$T/k" -j 2 --quiet --no-plot &
pid=$!
for i in $(seq 1 300); do
	[ "$(sqlite3 "$T/k/harness.db" "SELECT count(*) FROM runs WHERE status='running'" 2>/dev/null || echo 0)" -ge 1 ] && break
	sleep 0.1
done
sleep 0.5
pkill -9 -P "$pid" || true
kill -9 "$pid" || true
wait "$pid" 2>/dev/null || true
c=$(sqlite3 "$T/k/harness.db" "SELECT count(*) FROM runs WHERE status='complete'")
[ "$c" -lt 4 ] || fail "kill came too late: all cells complete"
"$H" run "$D/minatar_short.cfg" --results "$T/k" -j 2 --quiet --no-plot
[ "$(hashes "$T/k")" = "$(hashes "$T/a")" ] || fail "killed-and-resumed MinAtar results differ from an uninterrupted run"

# the bar of make check-minatar on these (short, so missed) runs: its per-seed
# last-100 means are the run files' own, computed here with h5py
BAR=$(cd "$(dirname "$0")" && pwd)/minatar_bar.sh
set +e
(cd "$T" && HARNESS="$H" bash "$BAR" minatar_short a 2) > "$T/bar.txt"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "minatar_bar.sh on short runs exited $rc, not 1 (missed): $(cat "$T/bar.txt")"
grep -q "^Asterix .*MISSED: 0 of 2 seeds complete" "$T/bar.txt" || fail "a -v1 run was judged as -v0: $(cat "$T/bar.txt")"
grep -q "^Seaquest .*reported (not judged)" "$T/bar.txt" || fail "Seaquest line"
/usr/bin/python3 - "$T/bar.txt" "$T"/a/minatar_short/runs/MinAtar_Breakout-v0*seed0*.h5 "$T"/a/minatar_short/runs/MinAtar_Breakout-v0*seed1*.h5 <<'PY'
import sys, h5py
line = [l for l in open(sys.argv[1]) if l.startswith("Breakout ")][0].split()
want = ["%.2f" % h5py.File(p, "r")["episodes/return"][-100:].mean() for p in sys.argv[2:4]]
if line[3:5] != want or line[-1] != "MISSED":
    sys.exit("FAIL: bar line %s, want per-seed means %s" % (line, want))
PY

f=$(ls "$T/a/minatar_short/runs/"MinAtar_Breakout-v0*seed0*.h5)
/usr/bin/python3 - "$f" <<'PY'
import sys, json, h5py, numpy as np
def check(c, msg):
    if not c: sys.exit("FAIL: " + msg)
with h5py.File(sys.argv[1], "r") as f:
    hp = json.loads(f.attrs["hparams"])
    check(hp["conv"] == [16, 3, 1] and hp["hidden"] == [128], "network hyperparameters %s" % hp)
    check(hp["rmsprop_centered"] is True and hp["optim_eps"] == 0.01 and hp["rmsprop_alpha"] == 0.95, "optimiser")
    check(hp["target_update_unit"] == "updates", "target_update_unit")
    check(f["provenance"].attrs["env_observation"] == "Box(4, 10, 10, bool)", "env_observation")
    ck = f["checkpoint"]
    check(ck["conv0/W"].shape == (16, 36) and ck["conv0/b"].shape == (16,), "conv0 shapes")
    check(ck["layer0/W"].shape == (1024, 128) and ck["layer1/W"].shape == (128, 6), "linear shapes")
    check(list(ck.attrs["conv_layers"]) == [16, 3, 1] and list(ck.attrs["input_shape"]) == [4, 10, 10], "conv attrs")
    check(list(ck.attrs["layer_sizes"]) == [1024, 128, 6], "layer_sizes")
    check(ck.attrs["updates"] == 2000, "updates %s" % ck.attrs["updates"])  # 2500 steps, training after 500
    # the documented layout: a numpy forward pass of the weights gives finite Q-values of the right shape
    x = np.zeros((1, 4, 10, 10)); x[0, 3, 1:4, :] = 1; x[0, 0, 9, 4] = 1
    W = ck["conv0/W"][:].reshape(16, 4, 3, 3); b = ck["conv0/b"][:]
    z = np.zeros((16, 8, 8))
    for oy in range(8):
        for ox in range(8):
            z[:, oy, ox] = np.tensordot(W, x[0, :, oy:oy+3, ox:ox+3], axes=3) + b
    h = np.maximum(z, 0).reshape(1, -1) @ ck["layer0/W"][:] + ck["layer0/b"][:]
    q = np.maximum(h, 0) @ ck["layer1/W"][:] + ck["layer1/b"][:]
    check(q.shape == (1, 6) and np.isfinite(q).all(), "numpy forward of the checkpoint")
    r = f["episodes/return"][:]
    check(len(r) > 0 and (r >= 0).all(), "episode returns")
PY
"$H" envs | grep -q "^MinAtar/SpaceInvaders-v1" || fail "harness envs does not list MinAtar/SpaceInvaders-v1"
"$H" envs MinAtar/Breakout-v0 | grep -q "Box(4, 10, 10, bool) low 0 high 1" || fail "harness envs MinAtar/Breakout-v0 observation"
# a conv net on vector observations is refused with a reason
printf 'name = "bad";\nseed = 0;\nseeds = 1;\nbudget = { steps = 10; };\nenvs = ( { id = "CartPole-v1"; } );\nalgorithms = ( { name = "d"; learner = "minatar_dqn"; } );\n' > "$T/bad.cfg"
if "$H" run "$T/bad.cfg" --results "$T/x" --quiet --no-plot 2> "$T/err"; then fail "conv on CartPole accepted"; fi
grep -q "'conv' needs image observations" "$T/err" || fail "refusal message: $(cat "$T/err")"
# the MinAtar regression gate: experiments/baselines/smoke_minatar.json pins every number of the five
# games' short portable runs (dynamics, observations, bit-packed replay, conv DQN)
st=0
(cd "$(dirname "$0")/.." && "$H" regress smoke_minatar --baseline --strict --results "$T/smoke" -j 2) \
	> "$T/smoke.out" 2> "$T/smoke.err" || st=$?
[ "$st" -eq 0 ] || fail "smoke_minatar differs from experiments/baselines/smoke_minatar.json (exit $st): $(tail -n 8 "$T/smoke.out") $(tail -n 3 "$T/smoke.err")"
grep -q "0 regressed, 0 changed where bit-identity was expected, 0 lost" "$T/smoke.out" &&
	[ "$(grep -c ' identical$' "$T/smoke.out")" -eq 5 ] || fail "smoke_minatar: not every cell bit-identical: $(cat "$T/smoke.out")"
echo "it_minatar: all checks passed"
