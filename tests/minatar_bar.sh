#!/usr/bin/env bash
# tests/minatar_bar.sh - the MinAtar DQN bar of `make check-minatar`.
#
#   tests/minatar_bar.sh [EXPERIMENT [RESULTS [SEEDS]]]   (default minatar_check results 3)
#
# Judges an experiment's MinAtar/<Game>-v0 runs on MinAtar's published metric:
# per run, the mean return of its last 100 training episodes (harness export
# --what episodes); per game, the mean of that over the seeds. A game meets the
# bar when SEEDS seeds are complete and the mean is at least 75% of the
# published DQN value at 1M frames (30-run means read from MinAtar's figure):
#   Breakout 9.2, Asterix 6.9, Freeway 47.7, SpaceInvaders 32.6
# Seaquest (1.0, measured before its oxygen fix) is reported, not judged; other
# environments are ignored. Prints one line per game; exits 1 when a judged
# game misses the bar (a game without its runs misses it), 2 when no MinAtar
# run is there to judge.
set -euo pipefail
HARNESS=${HARNESS:-$(cd "$(dirname "$0")/.." && pwd)/bin/harness}
exp=${1:-minatar_check}
results=${2:-results}
seeds=${3:-3}
eps=$(mktemp)
runs=$(mktemp)
trap 'rm -f "$eps" "$runs"' EXIT
"$HARNESS" export "$exp" --csv --what episodes --results "$results" -o "$eps"
"$HARNESS" export "$exp" --csv --what runs --results "$results" -o "$runs"
exec /usr/bin/python3 - "$eps" "$runs" "$seeds" <<'PY'
import csv, sys
from collections import defaultdict
eps_file, runs_file, need = sys.argv[1], sys.argv[2], int(sys.argv[3])
published = {"Breakout": 9.2, "Asterix": 6.9, "Freeway": 47.7, "SpaceInvaders": 32.6, "Seaquest": 1.0}
judged = {"Breakout", "Asterix", "Freeway", "SpaceInvaders"}
def game_of(env):
    if env.startswith("MinAtar/") and env.endswith("-v0"):
        g = env[len("MinAtar/"):-len("-v0")]
        return g if g in published else None
    return None
complete = defaultdict(set)  # (game, config) -> seeds complete
with open(runs_file) as f:
    for r in csv.DictReader(f):
        g = game_of(r["env_id"])
        if g and r.get("state", r.get("status")) == "complete":
            complete[(g, r["config_name"])].add(int(r["seed"]))
returns = defaultdict(list)  # (game, config, seed) -> returns in episode order
with open(eps_file) as f:
    for r in csv.DictReader(f):
        g = game_of(r["env_id"])
        if g:
            returns[(g, r["config_name"], int(r["seed"]))].append((int(r["episode"]), float(r["return"])))
configs = sorted({c for (_, c) in complete} | {c for (_, c, _) in returns})
if not configs:
    print("minatar bar: no MinAtar/<Game>-v0 runs to judge")
    sys.exit(2)
missed = 0
print("%-14s %-8s %5s  %-28s %7s %9s %7s  %s" % ("game", "config", "seeds", "last-100 mean per seed",
      "mean", "published", "bar", "verdict"))
for c in configs:
    for g in ["Asterix", "Breakout", "Freeway", "Seaquest", "SpaceInvaders"]:
        done = sorted(complete.get((g, c), set()))
        per = []
        for s in done:
            ep = [r for _, r in sorted(returns.get((g, c, s), []))]
            per.append(sum(ep[-100:]) / len(ep[-100:]) if ep else float("nan"))
        mean = sum(per) / len(per) if per else float("nan")
        bar = 0.75 * published[g]
        if g not in judged:
            verdict = "reported (not judged)"
        elif len(done) < need:
            verdict = "MISSED: %d of %d seeds complete" % (len(done), need)
            missed += 1
        elif mean >= bar:
            verdict = "met"
        else:
            verdict = "MISSED"
            missed += 1
        print("%-14s %-8s %2d/%-2d  %-28s %7.2f %9.1f %7.2f  %s" % (g, c, len(done), need,
              " ".join("%.2f" % v for v in per) or "-", mean, published[g], bar, verdict))
print("minatar bar: %s" % ("met" if not missed else "%d game(s) missed" % missed))
sys.exit(1 if missed else 0)
PY
