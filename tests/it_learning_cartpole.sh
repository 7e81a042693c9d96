#!/usr/bin/env bash
# it_learning_cartpole.sh - the fast form of the DQN learning bar, in make test:
# tests/data/dqn_cartpole_learning.cfg (rl-baselines3-zoo's CartPole-v1
# settings, 3 seeds, 50k steps, under a minute on 2 cores) judged by
# tests/learning_bar.sh: every seed must reach a greedy mean return >= 475 at
# an evaluation within 50k steps (the full bar asks 8 of 10 seeds; make
# check-learning runs it on experiments/dqn_classic.cfg).
set -euo pipefail
cd "$(dirname "$0")/.."
export HARNESS=${HARNESS:-$PWD/bin/harness}
export OPENBLAS_NUM_THREADS=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$HARNESS" run tests/data/dqn_cartpole_learning.cfg -j 2 --results "$tmp" --no-plot --quiet
bash tests/learning_bar.sh dqn_cartpole_learning "$tmp"
echo "it_learning_cartpole: DQN solves CartPole-v1 on every seed"
