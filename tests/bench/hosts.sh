#!/usr/bin/env bash
# What clusterctl adds to a reload across hosts. Three booted machines (tests/lib/machines.sh),
# the same app with 4 instances on each; every round reloads all three hosts twice, one way
# after the other, alternating which goes first:
#   clusterctl   clusterctl reload APP -H h1 -H h2 -H h3 (its check of every host, then each
#                host's rollout; ssh connections not shared from an earlier command)
#   shell loop   for h in h1 h2 h3; do ssh $h clusterctl reload APP; done
# Each host's clusterctl reports how long its own rollout took (the "done" event of --json);
# the overhead is the wall time less the sum of those, divided by the 3 hosts. Not part of
# tests/run.sh. Run as root:
#
#   tests/bench/hosts.sh [--rounds N] [--out DIR]     (default 5 rounds, tests/bench/results)
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly TOP
readonly BUILD=${BENCH_BUILD_DIR:-$TOP/build-bench}
readonly STATE=$TOP/tests/bench/.cache/hosts
readonly HOSTS=(h1 h2 h3)
rounds=5 out=$TOP/tests/bench/results
while (($#)); do
	case $1 in
	--rounds) rounds=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	*) echo "usage: tests/bench/hosts.sh [--rounds N] [--out DIR]" >&2; exit 2 ;;
	esac
done
[[ $EUID -eq 0 ]] || { echo "bench: run as root (it boots machines)" >&2; exit 2; }
log() { printf 'bench: %s\n' "$*" >&2; }

"$TOP/tests/deps.sh"
cmake -S "$TOP" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target clusterctl testapp >/dev/null
export CLUSTERCTL=$BUILD/clusterctl TESTAPP=$BUILD/tests/apps/testapp
export CLUSTERCTL_SSH="ssh -F $STATE/ssh_config"
WORK=$(mktemp -d)
cleanup() {
	"$CLUSTERCTL" delete bench -H h1 -H h2 -H h3 --parallel >/dev/null 2>&1 || true
	"$TOP/tests/hosts/setup.sh" down "$STATE" >/dev/null 2>&1 || true
	rm -rf "$WORK"
}
trap cleanup EXIT
"$TOP/tests/hosts/setup.sh" up "$STATE"

cat >"$WORK/bench.conf" <<CONF
name = "bench";
exec = "/usr/local/lib/clusterctl-test/testapp";
cwd = "/";
user = "nobody";
listen = "127.0.0.1:3990";
instances = 4;
CONF
"$CLUSTERCTL" start "$WORK/bench.conf" -H h1 -H h2 -H h3 >/dev/null

# The sum of the hosts' own rollouts, from the "done" events in a file of JSON lines.
rollouts() { python3 -c '
import json, sys
print(sum(json.loads(l).get("seconds", 0) for l in open(sys.argv[1])
          if l.startswith("{") and json.loads(l).get("event") == "done"))' "$1"; }

close_shared() {
	local h
	for h in "${HOSTS[@]}"; do
		ssh -F "$STATE/ssh_config" -o ControlPath=/run/clusterctl/ssh/ssh-%C -O exit "$h" >/dev/null 2>&1 || true
	done
}

run_clusterctl() {
	close_shared
	local t0 t1
	t0=$(date +%s.%N)
	"$CLUSTERCTL" reload bench -H h1 -H h2 -H h3 --json >"$WORK/a.json" 2>"$WORK/a.err"
	t1=$(date +%s.%N)
	echo "clusterctl $(echo "$t1 - $t0" | bc) $(rollouts "$WORK/a.json")"
}

run_loop() {
	local t0 t1 h
	t0=$(date +%s.%N)
	for h in "${HOSTS[@]}"; do
		ssh -F "$STATE/ssh_config" "$h" clusterctl reload bench --json
	done >"$WORK/b.json" 2>"$WORK/b.err"
	t1=$(date +%s.%N)
	echo "loop $(echo "$t1 - $t0" | bc) $(rollouts "$WORK/b.json")"
}

ssh_rtt() { # a login and `true`, for scale
	local t0 t1
	t0=$(date +%s.%N)
	ssh -F "$STATE/ssh_config" h1 true
	t1=$(date +%s.%N)
	echo "ssh $(echo "$t1 - $t0" | bc) 0"
}

: >"$WORK/samples"
for ((r = 1; r <= rounds; r++)); do
	log "round $r of $rounds"
	ssh_rtt >>"$WORK/samples"
	if ((r % 2)); then run_clusterctl >>"$WORK/samples"; run_loop >>"$WORK/samples"
	else run_loop >>"$WORK/samples"; run_clusterctl >>"$WORK/samples"; fi
done

mkdir -p "$out"
python3 - "$WORK/samples" "$out" "$rounds" <<'PY'
import json, statistics, sys, platform, os
samples, out, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = {}
for line in open(samples):
    kind, wall, own = line.split()
    rows.setdefault(kind, []).append((float(wall), float(own)))
def med(xs): return statistics.median(xs)
summary = {}
for kind in ("clusterctl", "loop"):
    walls = [w for w, _ in rows[kind]]
    owns = [o for _, o in rows[kind]]
    over = [(w - o) / 3 for w, o in rows[kind]]
    summary[kind] = {"wall_s": med(walls), "hosts_rollouts_s": med(owns), "overhead_per_host_s": med(over),
                     "overhead_per_host_min_s": min(over), "overhead_per_host_max_s": max(over)}
summary["ssh_login_s"] = med([w for w, _ in rows["ssh"]])
ratio = summary["clusterctl"]["overhead_per_host_s"] / summary["loop"]["overhead_per_host_s"]
summary["ratio_overhead"] = ratio
json.dump({"rounds": rounds, "summary": summary, "samples": rows,
           "machine": {"cpus": os.cpu_count(), "kernel": platform.release()}},
          open(os.path.join(out, "hosts-results.json"), "w"), indent=1)
c, l = summary["clusterctl"], summary["loop"]
md = f"""# Reload across 3 hosts × 4 instances: clusterctl -H against a shell loop of ssh

{rounds} rounds, medians (min–max of the overhead); `tests/bench/hosts.sh`. Overhead = wall time
less the hosts' own rollouts (each host's clusterctl reports its own), per host.

| | clusterctl `reload -H` ×3 | `for h; do ssh $h clusterctl reload; done` |
|---|---|---|
| wall time | {c['wall_s']:.2f} s | {l['wall_s']:.2f} s |
| the hosts' own rollouts | {c['hosts_rollouts_s']:.2f} s | {l['hosts_rollouts_s']:.2f} s |
| overhead per host | {c['overhead_per_host_s']:.3f} s ({c['overhead_per_host_min_s']:.3f}–{c['overhead_per_host_max_s']:.3f}) | {l['overhead_per_host_s']:.3f} s ({l['overhead_per_host_min_s']:.3f}–{l['overhead_per_host_max_s']:.3f}) |

clusterctl ÷ loop, overhead per host: {ratio:.2f}. One ssh login and `true`: {summary['ssh_login_s']:.3f} s.
"""
open(os.path.join(out, "hosts-results.md"), "w").write(md)
print(md)
PY
