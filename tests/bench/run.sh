#!/usr/bin/env bash
# Side-by-side benchmark of clusterctl and PM2 on this machine (tests/bench/README.md).
# Not part of tests/run.sh or CTest. Run as root:
#
#   tests/bench/run.sh [--quick] [--rounds N] [--only PHASES] [--out DIR]
#
#   --quick        1 round, short loads, instance counts up to 16: a smoke test (≈ 5 min)
#   --rounds N     rounds of the A/B alternation (default 5; the full run takes ≈ 23 min)
#   --only PHASES  comma-separated subset of steady,reload,bad-deploy,control
#   --out DIR      where bench-results.json, bench-results.md and the plots go
#                  (default tests/bench/results)
#   --hardening H  the apps' hardening (default: clusterctl's, "default"; PM2 has none)
#
# Installs what it needs when missing (the packages below; PM2 7.x from npm into
# tests/bench/.cache/, PM2_HOME there too, so ~/.pm2 is never touched), builds clusterctl
# into build-bench/, runs a private systemd user manager in its own slot (MANAGER_SLOT=bench
# of tests/lib/manager.sh, so the test suite can run at the same time), then bench.py.
# However it ends, it stops what it started: the apps, PM2's daemon, the manager.
set -euo pipefail

# Only for the benchmark (tests/deps.sh has what building and testing need), as
# command:package. Node and npm come together from whichever nodejs package is installed.
readonly BENCH_TOOLS=(wrk:wrk gnuplot:gnuplot-nox hyperfine:hyperfine python3:python3 node:nodejs npm:npm)
readonly PM2_SPEC=pm2@7

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly TOP
readonly BENCH=$TOP/tests/bench
readonly CACHE=$BENCH/.cache
readonly BUILD=${BENCH_BUILD_DIR:-$TOP/build-bench}
readonly PM2_HOME_DIR=$CACHE/pm2-home
readonly PM2_BIN=$CACHE/pm2/node_modules/.bin/pm2
readonly MANAGER_STATE=$CACHE/manager

log() { printf 'bench: %s\n' "$*" >&2; }

[[ $EUID -eq 0 ]] || { log "run as root (the private systemd manager needs it)"; exit 2; }
# clusterctl refuses an app that its default hardening (PrivateTmp=yes) would hide.
case $TOP/ in
/tmp/* | /var/tmp/*)
	[[ " $* " == *" --hardening none "* ]] || {
		log "$TOP is under /tmp, where the default hardening hides the test app from the instances;"
		log "run from a checkout elsewhere, or pass --hardening none"
		exit 2
	}
	;;
esac

install_tools() {
	local entry missing=()
	for entry in "${BENCH_TOOLS[@]}"; do
		command -v "${entry%%:*}" >/dev/null || missing+=("${entry#*:}")
	done
	[[ ${#missing[@]} -eq 0 ]] && return 0
	log "installing ${missing[*]}"
	apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
}

install_pm2() {
	local want
	want=$(npm view "$PM2_SPEC" version 2>/dev/null | tail -n 1 | sed "s/.*'\(.*\)'.*/\1/") || want=
	if [[ -x $PM2_BIN ]]; then
		local have
		have=$(node -p "require('$CACHE/pm2/node_modules/pm2/package.json').version")
		# Offline, keep what is there; otherwise follow the latest 7.x.
		[[ -z $want || $have == "$want" ]] && return 0
	fi
	log "installing $PM2_SPEC${want:+ ($want)} into $CACHE/pm2"
	mkdir -p "$CACHE/pm2"
	npm install --prefix "$CACHE/pm2" --no-audit --no-fund --loglevel=error "$PM2_SPEC" >/dev/null
}

# Backstop for bench.py's own clean-up (which also runs on SIGINT/SIGTERM): whatever
# killed it, no PM2 daemon and no manager outlive this script.
cleanup() {
	if [[ -x $PM2_BIN && -d $PM2_HOME_DIR ]]; then
		PM2_HOME=$PM2_HOME_DIR timeout 20 "$PM2_BIN" kill >/dev/null 2>&1 || true
		local pid
		pid=$(cat "$PM2_HOME_DIR/pm2.pid" 2>/dev/null || true)
		# Only if it is still our daemon ("PM2 vX: God Daemon (PM2_HOME)"), not a reused pid.
		if [[ -n $pid ]] && grep -qF "$PM2_HOME_DIR" "/proc/$pid/cmdline" 2>/dev/null; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	"$TOP/tests/lib/manager.sh" stop "$MANAGER_STATE" >/dev/null 2>&1 || true
}

install_tools
"$TOP/tests/deps.sh"
mkdir -p "$CACHE"
install_pm2

log "building clusterctl in $BUILD"
cmake -S "$TOP" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j"$(nproc)" >/dev/null

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cleanup # an earlier run that was killed outright
rm -rf "$PM2_HOME_DIR"
MANAGER_SLOT=bench "$TOP/tests/lib/manager.sh" start "$MANAGER_STATE"

# No exec: the EXIT trap must run after bench.py.
python3 "$BENCH/bench.py" \
	--top "$TOP" \
	--clusterctl "$BUILD/clusterctl" \
	--loadgen "$BUILD/tests/apps/loadgen" \
	--pm2 "$PM2_BIN" \
	--pm2-home "$PM2_HOME_DIR" \
	--manager-state "$MANAGER_STATE" \
	--work "$CACHE/work" \
	"$@"
