#!/usr/bin/env bash
# it_learning_rainbow.sh - the fast form of the Rainbow learning bars, in make test:
# tests/data/rainbow_cartpole_learning.cfg (C51 and Rainbow with rl-baselines3-zoo's
# CartPole-v1 settings on a 64x64 network, 3 seeds each, 50k steps; about 70 s of CPU,
# under a minute on 2 free cores) judged by tests/learning_bar.sh: every seed must
# reach a greedy mean return >= 475 at an evaluation within 50k steps. The full bars
# (experiments/c51_classic.cfg, experiments/rainbow_classic.cfg) run in make
# check-learning.
set -euo pipefail
cd "$(dirname "$0")/.."
export HARNESS=${HARNESS:-$PWD/bin/harness}
export OPENBLAS_NUM_THREADS=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$HARNESS" run tests/data/rainbow_cartpole_learning.cfg -j 2 --results "$tmp" --no-plot --quiet
bash tests/learning_bar.sh rainbow_cartpole_learning "$tmp"
echo "it_learning_rainbow: C51 and Rainbow solve CartPole-v1 on every seed"
