#!/usr/bin/env bash
# tests/learning_dqn.sh - `make check-learning`: DQN must learn CartPole-v1.
# Runs tests/data/dqn_cartpole_learning.cfg through the harness (3 seeds, 50k
# steps, about a minute on 2 cores) and requires every seed to reach a greedy
# mean return >= 475 at one of its evaluations. Prints each seed's curve.
set -eu
cd "$(dirname "$0")/.."
HARNESS=${HARNESS:-$PWD/bin/harness}
export OPENBLAS_NUM_THREADS=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$HARNESS" run tests/data/dqn_cartpole_learning.cfg -j 2 --results "$tmp" --no-plot --quiet
"$HARNESS" export dqn_cartpole_learning --csv --what eval --results "$tmp" -o "$tmp/eval.csv"
awk -F, 'NR > 1 {
		curve[$4] = curve[$4] sprintf(" %.0f", $6)
		if (!($4 in best) || $6 > best[$4]) best[$4] = $6
	}
	END {
		bad = 0
		for (s in best) {
			ok = best[s] >= 475
			printf "seed %s: best %.1f %s; curve:%s\n", s, best[s], ok ? "ok" : "FAILED", curve[s]
			bad += !ok
		}
		if (length(best) != 3) { print "expected 3 seeds"; exit 1 }
		exit bad > 0
	}' "$tmp/eval.csv"
echo "check-learning: DQN solves CartPole-v1 on every seed"
