#!/usr/bin/env bash
# it_checkpoint.sh - DQN's `checkpoint = true` through the harness command, read
# as users read it: the run file has /checkpoint (float32 weights of the shapes
# layer_sizes gives, its attributes) that h5py and h5dump read, and README's
# h5py snippet runs on it; with checkpoint = false there is no /checkpoint;
# both runs have the same seeds and the same /episodes and /eval; the config
# records the switch only when on; verify re-hashes both; a re-run runs nothing.
# (test_cellrun.c checks that the weights replay the final evaluation exactly.)
set -euo pipefail
H=${HARNESS:?}
D=${TEST_DATA:?}
README=$(cd "$(dirname "$0")/.." && pwd)/README.md
T=$(mktemp -d /tmp/it_checkpoint.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$T"
"$H" learners dqn | grep -q '^ *checkpoint *bool *false' || fail "'harness learners dqn' does not list checkpoint"
"$H" run "$D/checkpoint.cfg" --results r -j 2 --quiet --no-plot
on=$(ls r/checkpoint/runs/*checkpoint=true*.h5)
off=$(ls r/checkpoint/runs/*checkpoint=false*.h5)
[ -f "$on" ] && [ -f "$off" ] || fail "expected one run file each for checkpoint on and off"

/usr/bin/python3 - "$on" "$off" <<'PY'
import sys, json, h5py, numpy as np
on, off = (h5py.File(p, "r") for p in sys.argv[1:3])
def check(c, msg):
    if not c: sys.exit("FAIL: " + msg)
check("checkpoint" not in off, "checkpoint = false wrote /checkpoint")
check("checkpoint" not in json.loads(off.attrs["hparams"]), "hparams records checkpoint = false")
check(json.loads(on.attrs["hparams"])["checkpoint"] is True, "hparams lacks checkpoint = true")
for k in ("env_seed", "learner_seed", "eval_seed"):
    check(on.attrs[k] == off.attrs[k], k + " differs with checkpoint on")
for d in ("episodes/return", "episodes/length", "eval/returns", "eval/lengths"):
    check(np.array_equal(on[d][:], off[d][:]), d + " differs with checkpoint on")
ck = on["checkpoint"]
sizes = list(ck.attrs["layer_sizes"])
check(sizes == [4, 32, 16, 3], "layer_sizes %s" % sizes)
check(ck.attrs["n_layers"] == 3 and ck.attrs["n_actions"] == 2 and ck.attrs["dueling"] == 1, "attributes")
check(ck.attrs["steps"] == on.attrs["total_steps"] == 3000, "steps %s" % ck.attrs["steps"])
check(ck.attrs["updates"] == 2500, "updates %s" % ck.attrs["updates"])  # train_freq 1 after 500 steps
check("transpose of torch.nn.Linear.weight" in ck.attrs["layout"], "layout attribute")
check(sorted(ck.keys()) == ["layer0", "layer1", "layer2"], "groups %s" % sorted(ck.keys()))
for l in range(3):
    W, b = ck[f"layer{l}/W"], ck[f"layer{l}/b"]
    check(W.dtype == np.float32 and b.dtype == np.float32, "dtype")
    check(W.shape == (sizes[l], sizes[l + 1]) and b.shape == (sizes[l + 1],), f"layer{l} shapes")
    check(np.isfinite(W[:]).all() and np.abs(W[:]).max() > 0, f"layer{l}/W values")
PY

h5dump -d /checkpoint/layer0/W "$on" > dump
grep -q 'H5T_IEEE_F32LE' dump && grep -q 'SIMPLE { ( 4, 32 )' dump || { cat dump; fail "h5dump of /checkpoint/layer0/W"; }

# README's h5py snippet, on this file: prints one greedy action (0 or 1)
awk '/^#### Checkpoints/ {s = 1} s && /^```python$/ {p = 1; next} p && /^```$/ {exit} p' "$README" \
  | sed "s|results/NAME/runs/FILE.h5|$on|" > snippet.py
grep -q 'q_values' snippet.py || fail "no h5py snippet found in README's checkpoint section"
out=$(/usr/bin/python3 snippet.py) || fail "README's snippet failed"
[ "$out" = "[0]" ] || [ "$out" = "[1]" ] || fail "README's snippet printed '$out'"

cfg=$(sqlite3 r/harness.db "SELECT group_concat(config_json, ' ') FROM runs WHERE config_name LIKE '%checkpoint=true%'")
case "$cfg" in *'"checkpoint":true'*) ;; *) fail "config_json lacks checkpoint = true";; esac
[ "$(sqlite3 r/harness.db "SELECT count(*) FROM runs WHERE config_json LIKE '%checkpoint%'")" = 1 ] \
  || fail "config_json records checkpoint = false"
"$H" verify checkpoint --results r > /dev/null || fail "verify"
again=$("$H" run "$D/checkpoint.cfg" --results r -j 2 --no-plot 2>&1)
case "$again" in *'0 to run, 2 already done'*) ;; *) echo "$again"; fail "a re-run ran cells again";; esac
echo "it_checkpoint: ok"
