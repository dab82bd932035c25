# Shared by the integration tests: they drive the built clusterctl binary against the private
# systemd user manager that the CTest fixture started (tests/lib/manager.sh).
#
# Each test script sources this file, calls `begin`, uses `check`/`expect_*` (tests/lib/checks.sh:
# a failed check is reported and the script goes on), and ends with `finish`. `cleanup_apps`
# deletes every app the script started, whatever happened.
set -euo pipefail
# shellcheck source=../lib/checks.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh"

: "${CLUSTERCTL:?path of the clusterctl binary}"
: "${TESTAPP:?path of the C test app}"
: "${MANAGER_STATE:?state directory of the private manager}"

# shellcheck disable=SC1091
source "$MANAGER_STATE/env"
export XDG_RUNTIME_DIR XDG_CONFIG_HOME

UNIT_DIR="$XDG_CONFIG_HOME/systemd/user"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/clusterctl-test.XXXXXX")
# The apps run hardened (PrivateTmp=yes, ProtectHome=): their binaries and working directory
# live where the sandbox lets them see, whichever directory the source tree is in.
APPDIR=$(mktemp -d /var/lib/clusterctl-test.XXXXXX)
chmod 0755 "$APPDIR"
cp "$TESTAPP" "$APPDIR/testapp"
[[ -z ${TESTAPP_JS:-} ]] || cp "$TESTAPP_JS" "$APPDIR/testapp.js"
TESTAPP=$APPDIR/testapp
TEST_NAME=$(basename "$0" .sh)
APPS_STARTED=()

# clusterctl against the private user manager.
cc() { "$CLUSTERCTL" --user "$@"; }

# write_config APP PORT [EXTRA LINES...]: a config for the C test app in $WORK/APP.conf.
write_config() {
	local app=$1 port=$2
	shift 2
	{
		printf 'name = "%s";\n' "$app"
		printf 'exec = "%s";\n' "$TESTAPP"
		printf 'cwd = "%s";\n' "$APPDIR"
		printf 'listen = "127.0.0.1:%s";\n' "$port"
		local line
		for line in "$@"; do printf '%s\n' "$line"; done
	} >"$WORK/$app.conf"
	echo "$WORK/$app.conf"
}

start_app() { # APP CONFIG [OPTIONS...]: start, and remember to delete it at the end
	APPS_STARTED+=("$1")
	cc start "${@:2}"
}

cleanup_apps() {
	local app
	for app in "${APPS_STARTED[@]}"; do
		cc delete "$app" >/dev/null 2>&1 || true
	done
	rm -rf "$WORK" "$APPDIR"
}

begin() {
	at_exit cleanup_apps
	log "$TEST_NAME: manager $MANAGER_PID, units in $UNIT_DIR"
}

# A terminal for clusterctl's live views: a tmux server of this script's own, gone at its end.
TMUX_SOCKET="clusterctl-test-$$"
tm() { tmux -L "$TMUX_SOCKET" "$@"; }

# in_terminal SESSION ARGS...: `clusterctl --user ARGS` in a new 200x50 tmux session, which
# stays open after it exits.
in_terminal() {
	local session=$1
	shift
	command -v tmux >/dev/null || bail_out "tmux is installed" "tests/deps.sh installs it"
	[[ " ${EXIT_HOOKS[*]} " == *" tm kill-server "* ]] || at_exit "tm kill-server 2>/dev/null"
	tm new-session -d -s "$session" -x 200 -y 50 \
		"env XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_STATE_HOME=$XDG_STATE_HOME $CLUSTERCTL --user $*; sleep 60"
}

# systemctl --user show -p PROP --value UNIT
unit_prop() { systemctl --user show -p "$2" --value "$1"; }

# Waits up to 10 s for the manager to have started UNIT again: active, with a main process other
# than OLD_PID. The caller checks the outcome.
wait_restarted() { # UNIT OLD_PID
	local pid _
	for _ in $(seq 100); do
		pid=$(unit_prop "$1" MainPID)
		[[ $pid != 0 && $pid != "$2" && $(unit_prop "$1" ActiveState) == active ]] && return 0
		sleep 0.1
	done
}

# The environment of a unit's main process, one VAR=value a line.
main_environ() {
	local pid
	pid=$(unit_prop "$1" MainPID)
	[[ $pid != 0 ]] || return 1
	tr '\0' '\n' <"/proc/$pid/environ"
}

# Number of loaded instance services of APP in state active.
active_instances() {
	systemctl --user list-units --state=active --plain --no-legend "$1@*.service" | wc -l
}

# http_get PORT [PATH]: one request on a new connection.
http_get() { curl -sS --max-time 5 "http://127.0.0.1:$1${2:-/}"; }

# The instances that answer new connections to PORT, as a sorted list ("0 1 3 "): asked until
# they are WANT, at most 300 times. On a shared socket which waiting instance accepts is the
# kernel's choice, so a fixed number of requests can miss one that is up.
instances_seen() { # PORT WANT
	local i id seen=" "
	for ((i = 0; i < 300; i++)); do
		id=$(http_get "$1" / | sed -n 's/^instance=\([^ ]*\) .*/\1/p')
		[[ -n $id && $seen != *" $id "* ]] && seen+="$id "
		[[ $(sorted_words "$seen") == "$2" ]] && break
	done
	sorted_words "$seen"
}
sorted_words() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -u | tr '\n' ' '; }

# InvocationID of each instance 0..N-1 of APP, space-separated.
invocations() { # APP N
	local i
	for ((i = 0; i < $2; i++)); do unit_prop "$1@$i.service" InvocationID; done | tr '\n' ' '
}

# The revisions `history APP --json` lists.
history_json() { # APP: "REV:ORIGIN:INSTANCES" per revision, space-separated
	cc history "$1" --json | python3 -c '
import json, sys
h = json.load(sys.stdin)
print(" ".join("%d:%s:%d" % (r["revision"], r["origin"], r["instances"]) for r in h["revisions"]))'
}

# The value of VAR in the environment of APP@K's main process.
instance_env() { # APP K VAR
	main_environ "$1@$2.service" | sed -n "s/^$3=//p"
}

# Continuous load on PORT, a new connection per request, until stop_load.
start_load() { # PORT
	rm -f "$WORK/load.stop"
	"$LOADGEN" --host 127.0.0.1 --port "$1" --concurrency 8 --duration 300 --stop-file "$WORK/load.stop" \
		--json >"$WORK/load.json" 2>"$WORK/load.err" &
	LOAD_PID=$!
	sleep 0.5 # the load is running before whatever it measures starts
}

# Stops the load and requires that no more than ALLOWED (default 0) requests failed; "N%": N in a
# hundred of the requests.
stop_load() { # DESCRIPTION [ALLOWED]
	touch "$WORK/load.stop"
	wait "$LOAD_PID" || true
	local failed ok allowed=${2:-0}
	failed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["failed"])' "$WORK/load.json") ||
		{ fail "$1" "no load summary" "$(cat "$WORK/load.err")"; return 0; }
	ok=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ok"])' "$WORK/load.json")
	[[ $allowed != *% ]] || allowed=$(((ok + failed) * ${allowed%\%} / 100))
	if ((failed <= allowed && ok > 0)); then pass "$1 ($ok requests, $failed failed)"; else
		fail "$1" "$(cat "$WORK/load.json")"; fi
}

# Every file clusterctl wrote in the unit directory is whole: its marker's Hash= matches the
# text before it (FNV-1a 64, as render.c computes it), and no temp file is left behind.
units_whole() {
	python3 - "$UNIT_DIR" <<'PY'
import os, sys
bad = []
for root, dirs, files in os.walk(sys.argv[1]):
    for f in files:
        p = os.path.join(root, f)
        if os.path.islink(p):
            continue
        data = open(p, "rb").read()
        if b"\n[X-Clusterctl]\n" not in data:
            continue
        i = data.rfind(b"\nHash=")
        h = 14695981039346656037
        for b in data[: i + 1]:
            h = ((h ^ b) * 1099511628211) % (1 << 64)
        if i < 0 or data[i + 1:] != b"Hash=%016x\n" % h:
            bad.append(p)
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
}
