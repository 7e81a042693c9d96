#!/usr/bin/env bash
# tests/learning_bar.sh - the DQN learning bar of `make check-learning`.
#
#   tests/learning_bar.sh [EXPERIMENT [RESULTS]]     (default dqn_classic results)
#
# Reads an experiment's greedy evaluations (harness export --what eval) and
# prints, for every algorithm configuration on every environment that has a
# bar, whether it is met:
#   CartPole-v1     >= 475 within 50k steps on at least 8 of the seeds (of 10)
#   Acrobot-v1      median >= -90 within 100k steps
#   MountainCar-v0  median >= -115 within 120k steps
#   gym:LunarLander-v3  rl-zoo's 154.4 (+- 79.2, one run) within 100k steps on at
#                   least half of the seeds (the median seed reaches it); the
#                   final column adds the median final evaluation
# "Within N steps" is read as: at some evaluation at step <= N, of each seed
# (CartPole) or of the median curve over seeds (median at each evaluation
# step). The final evaluation is printed beside it: a run that reaches the bar
# and then forgets is visible. Exits 1 when a bar is missed, 2 when there is
# nothing to judge.
#
# Two experiments have bars of their own (the Rainbow parts, issue 18):
#   c51_classic      config c51 against CleanRL's c51.py 3-seed table, by 500k steps:
#                    the mean over seeds of the final evaluation >= the reference - 5%
#                    of its size: CartPole-v1 481.2, Acrobot-v1 -87.7, MountainCar-v0 -166.4
#   rainbow_classic  configs qrdqn* against rl-baselines3-zoo's QR-DQN table in the same
#                    way: CartPole-v1 500 (50k), Acrobot-v1 -69.1 (100k), MountainCar-v0
#                    -106.0 (120k); CartPole-v1 rainbow and all: the CartPole bar above,
#                    and rainbow at least as good as all (seeds >= 475 within 50k, and
#                    seeds >= 475 at the final evaluation); nothing else is judged there
set -euo pipefail
cd "$(dirname "$0")/.."
HARNESS=${HARNESS:-$PWD/bin/harness}
exp=${1:-dqn_classic}
results=${2:-results}
csv=$(mktemp)
runs=$(mktemp)
trap 'rm -f "$csv" "$runs"' EXIT
"$HARNESS" export "$exp" --csv --what eval --results "$results" -o "$csv"
"$HARNESS" export "$exp" --csv --what runs --results "$results" -o "$runs"
# the columns this script reads, by name (the CSVs quote fields with commas and
# have one column per hyperparameter): evaluations of complete runs only
/usr/bin/python3 - "$csv" "$runs" <<'PY'
import csv, sys
def project(path, cols, keep=lambda r: True):
    rows = [r for r in csv.DictReader(open(path, newline="")) if keep(r)]
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow([r.get(c, "") for c in cols])
project(sys.argv[1], ["cell_id", "env_label", "config_name", "seed", "step", "mean_return"],
        lambda r: r["state"] == "complete")
project(sys.argv[2], ["run_id", "experiment", "cell_id", "env_id", "env_label", "config_name", "learner", "seed", "status"])
PY

# runs: run_id,experiment,cell_id,env_id,env_label,config_name,learner,seed,status (a failed or
# unfinished seed counts as missing the bar); eval: cell_id,env_label,config_name,seed,step,mean_return
sort -t, -k2,2 -k3,3 -k5,5n -k4,4n "$csv" | awk -F, '
function ref(r, budget) { kind = "mean"; thr = r - 0.05 * (r < 0 ? -r : r); refv = r; upto = budget; return 1 }
function bar(env, cfg) {
	vs = ""; zoo = 0
	if (env == "gym:LunarLander-v3") { kind = "seeds"; thr = 154.4; upto = 100000; need = 0.5; zoo = 1; return 1 }
	if (EXP == "c51_classic") {
		if (cfg != "c51") return 0
		if (env == "CartPole-v1")    return ref(481.2, 500000)
		if (env == "Acrobot-v1")     return ref(-87.7, 500000)
		if (env == "MountainCar-v0") return ref(-166.4, 500000)
		return 0
	}
	if (EXP == "rainbow_classic") {
		if (cfg ~ /^qrdqn/) {
			if (env == "CartPole-v1")    return ref(500, 50000)
			if (env == "Acrobot-v1")     return ref(-69.1, 100000)
			if (env == "MountainCar-v0") return ref(-106.0, 120000)
			return 0
		}
		if (env != "CartPole-v1" || (cfg != "rainbow" && cfg != "all")) return 0
		if (cfg == "rainbow") vs = "all"
	}
	if (env == "CartPole-v1")    { kind = "seeds";  thr = 475;  upto = 50000;  need = 0.8; return 1 }
	if (env == "Acrobot-v1")     { kind = "median"; thr = -90;  upto = 100000; return 1 }
	if (env == "MountainCar-v0") { kind = "median"; thr = -115; upto = 120000; return 1 }
	if (env == "gym:LunarLander-v3") { kind = "seeds"; thr = 154.4; upto = 100000; need = 0.5; zoo = 1; return 1 }
	return 0
}
function show(x) { return x < -1e299 ? "n/a" : sprintf("%.1f", x) }
function median(a, n,    i, j, t) {
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
FNR == 1 { next }
FILENAME == RUNSFILE {
	k = $4 SUBSEP $6
	total[k]++
	if ($9 != "complete") notdone[k]++
	next
}
{
	k = $2 SUBSEP $3
	if (!(k in seen)) { seen[k] = 1; keys[++nk] = k }
	if (!(k SUBSEP $4 in sk)) { sk[k SUBSEP $4] = 1; nseed[k]++ ; seedid[k, nseed[k]] = $4 }
	if (!(k SUBSEP $5 in st)) { st[k SUBSEP $5] = 1; nstep[k]++; stepv[k, nstep[k]] = $5 }
	ret[k, $4, $5] = $6
	if (!((k, $4) in last) || $5 >= last[k, $4]) last[k, $4] = $5
}
END {
	judged = 0; bad = 0
	fw = EXP == "c51_classic" || EXP == "rainbow_classic" ? 23 : 18 # their finals name the threshold
	printf "%-15s %-10s %5s  %-44s %-" fw "s  %s\n", "env", "config", "seeds", "within the budget", "final evaluation", "bar"
	for (i = 1; i <= nk; i++) {
		split(keys[i], kv, SUBSEP); env = kv[1]; cfg = kv[2]
		if (!bar(env, cfg)) continue
		judged++; n = nseed[keys[i]]; all = keys[i] in total ? total[keys[i]] : n
		if (all < n) all = n
		note = notdone[keys[i]] ? sprintf("  (%d of %d not complete)", notdone[keys[i]], all) : ""
		if (kind == "seeds") {
			hit = 0; fin = 0; m = 0
			for (s = 1; s <= n; s++) {
				id = seedid[keys[i], s]; reached = 0
				v[++m] = ret[keys[i], id, last[keys[i], id]]
				for (t = 1; t <= nstep[keys[i]]; t++) {
					step = stepv[keys[i], t]
					if (step <= upto && (keys[i], id, step) in ret && ret[keys[i], id, step] >= thr) reached = 1
				}
				hit += reached
				fin += ret[keys[i], id, last[keys[i], id]] >= thr
			}
			want = int(need * all + 0.999999)
			ok = hit >= want
			within = sprintf("%d/%d seeds >= %g by %dk (need %d)", hit, all, thr, upto / 1000, want)
			final = sprintf("%d/%d seeds >= %g", fin, all, thr)
			if (zoo) {
				while (m < all) v[++m] = -1e300
				within = within " (rl-zoo: 154.4 +- 79.2)"
				final = final sprintf(", median %s", show(median(v, m)))
			}
			hits[env, cfg] = hit; fins[env, cfg] = fin
			if (vs != "") { # at least as good as the config vs (sorted before it)
				if (!((env, vs) in hits)) { ok = 0; note = note "  (no " vs " to compare)" }
				else {
					ok = ok && hit >= hits[env, vs] && fin >= fins[env, vs]
					note = note sprintf("  (%s: %d by %dk, %d final)", vs, hits[env, vs], upto / 1000, fins[env, vs])
				}
			}
		} else if (kind == "mean") {
			best = -1e300; bstep = -1
			for (t = 1; t <= nstep[keys[i]]; t++) {
				step = stepv[keys[i], t]; m = 0; sum = 0
				if (step > upto) continue
				for (s = 1; s <= n; s++) if ((keys[i], seedid[keys[i], s], step) in ret) { sum += ret[keys[i], seedid[keys[i], s], step]; m++ }
				if (m < all) continue # a mean needs every seed
				if (sum / m > best) { best = sum / m; bstep = step }
			}
			sum = 0
			for (s = 1; s <= n; s++) { id = seedid[keys[i], s]; sum += ret[keys[i], id, last[keys[i], id]] }
			fm = n == all ? sum / n : -1e300 # a missing seed fails the mean
			ok = fm >= thr
			within = sprintf("best mean %s at %dk (ref %g by %dk)", show(best), bstep / 1000, refv, upto / 1000)
			final = sprintf("mean %s (>= %.1f)", show(fm), thr)
		} else {
			best = -1e300; bstep = -1
			for (t = 1; t <= nstep[keys[i]]; t++) {
				step = stepv[keys[i], t]; m = 0
				if (step > upto) continue
				for (s = 1; s <= n; s++) if ((keys[i], seedid[keys[i], s], step) in ret) v[++m] = ret[keys[i], seedid[keys[i], s], step]
				if (m == 0) continue
				while (m < all) v[++m] = -1e300 # seeds without this evaluation count as the worst
				md = median(v, m)
				if (md > best) { best = md; bstep = step }
			}
			m = 0
			for (s = 1; s <= n; s++) { id = seedid[keys[i], s]; v[++m] = ret[keys[i], id, last[keys[i], id]] }
			while (m < all) v[++m] = -1e300
			ok = best >= thr
			within = sprintf("median %s at %dk (need >= %g by %dk)", show(best), bstep / 1000, thr, upto / 1000)
			final = sprintf("median %s", show(median(v, m)))
		}
		bad += !ok
		printf "%-15s %-10s %5d  %-44s %-" fw "s  %s%s\n", env, cfg, all, within, final, ok ? "PASS" : "MISS", note
	}
	if (!judged) { print "no evaluations of CartPole-v1, Acrobot-v1, MountainCar-v0 or gym:LunarLander-v3 to judge"; exit 2 }
	printf "learning bar%s: %d of %d met\n", EXP == "dqn_classic" ? "" : " (" EXP ")", judged - bad, judged
	exit bad > 0
}' RUNSFILE="$runs" EXP="$exp" "$runs" -
