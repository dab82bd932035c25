# Shared by the many-hosts tests: the controller is this build's clusterctl, the hosts are three
# booted machines (h1 h2 h3, tests/hosts/setup.sh), each with its own loopback and the same app
# on the same port. A host program that talks to a machine's port runs in its network namespace.
set -euo pipefail
# shellcheck source=../lib/checks.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh"

: "${CLUSTERCTL:?path of the clusterctl binary}"
: "${LOADGEN:?path of the load client}"
: "${HOSTS_STATE:?state directory of the test machines}"

MACHINES=$(readlink -f "$(dirname "${BASH_SOURCE[0]}")/../lib/machines.sh")
HOSTS=(h1 h2 h3)
ALL=(-H h1 -H h2 -H h3)
TESTAPP=/usr/local/lib/clusterctl-test/testapp
export CLUSTERCTL_SSH="ssh -F $HOSTS_STATE/ssh_config"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/clusterctl-hosts-test.XXXXXX")
TEST_NAME=$(basename "$0" .sh)
APPS_STARTED=()

# The controller, on this machine.
cc() { "$CLUSTERCTL" "$@"; }

# on HOST CMD...: run CMD inside the machine, as root, over one ssh connection per host kept
# for the whole test (the checks make many small calls).
on() {
	local h=$1
	shift
	ssh -F "$HOSTS_STATE/ssh_config" -o ControlMaster=auto -o "ControlPath=$WORK/ssh-%C" -o ControlPersist=yes \
		"$h" "$(printf '%q ' "$@")"
}

# in_netns HOST CMD...: run a program of this machine where HOST's 127.0.0.1 is.
in_netns() {
	local h=$1
	shift
	"$MACHINES" netns "$HOSTS_STATE" "$h" "$@"
}

# write_config APP PORT [EXTRA LINES...]: a config for the test app in $WORK/APP.conf.
write_config() {
	local app=$1 port=$2
	shift 2
	{
		printf 'name = "%s";\n' "$app"
		printf 'exec = "%s";\n' "$TESTAPP"
		printf 'cwd = "/";\n'
		printf 'user = "nobody";\n'
		printf 'listen = "127.0.0.1:%s";\n' "$port"
		local line
		for line in "$@"; do printf '%s\n' "$line"; done
	} >"$WORK/$app.conf"
	echo "$WORK/$app.conf"
}

start_app() { # APP CONFIG [OPTIONS...]: start on every host, and delete it everywhere at the end
	APPS_STARTED+=("$1")
	cc start "$2" "${ALL[@]}" "${@:3}"
}

cleanup_apps() {
	local app pid
	for pid in "${LOAD_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for app in "${APPS_STARTED[@]}"; do
		cc delete "$app" "${ALL[@]}" --parallel >/dev/null 2>&1 || true
	done
	for h in "${HOSTS[@]}"; do
		ssh -F "$HOSTS_STATE/ssh_config" -o "ControlPath=$WORK/ssh-%C" -O exit "$h" >/dev/null 2>&1 || true
	done
	rm -rf "$WORK"
}

begin() {
	at_exit cleanup_apps
	log "$TEST_NAME: hosts ${HOSTS[*]} ($HOSTS_STATE)"
}

unit_prop_on() { on "$1" systemctl show -p "$3" --value "$2"; } # HOST UNIT PROP

# InvocationID of each instance 0..N-1 of APP on HOST, space-separated (one call into the machine).
invocations_on() { # HOST APP N
	# shellcheck disable=SC2016 # expanded inside the machine
	on "$1" sh -c 'i=0; while [ $i -lt $2 ]; do
		printf "%s " "$(systemctl show -p InvocationID --value "$1@$i.service")"; i=$((i + 1)); done' - "$2" "$3"
}

# The APP_VERSION in the environment of every instance 0..N-1 of APP on HOST, space-separated;
# "down" for an instance without a main process.
versions_on() { # HOST APP N
	# shellcheck disable=SC2016 # expanded inside the machine
	on "$1" sh -c 'i=0; while [ $i -lt $2 ]; do
		pid=$(systemctl show -p MainPID --value "$1@$i.service")
		v=$([ "$pid" != 0 ] && tr "\0" "\n" <"/proc/$pid/environ" 2>/dev/null | sed -n "s/^APP_VERSION=//p")
		printf "%s " "${v:-down}"; i=$((i + 1)); done' - "$2" "$3"
}

# One request on a new connection to PORT on HOST.
http_get_on() { in_netns "$1" curl -sS --max-time 5 "http://127.0.0.1:$2/"; }

# Continuous load on PORT of every host, a new connection per request, until stop_loads.
LOAD_PIDS=()
start_loads() { # PORT
	local h
	rm -f "$WORK/load.stop"
	for h in "${HOSTS[@]}"; do
		in_netns "$h" "$LOADGEN" --host 127.0.0.1 --port "$1" --concurrency 4 --duration 300 \
			--stop-file "$WORK/load.stop" --json >"$WORK/load-$h.json" 2>"$WORK/load-$h.err" &
		LOAD_PIDS+=($!)
	done
	sleep 0.5 # the load is running before whatever it measures starts
}

# Stops the load and requires that no request failed on any host.
stop_loads() { # DESCRIPTION
	local pid h failed ok
	touch "$WORK/load.stop"
	for pid in "${LOAD_PIDS[@]}"; do wait "$pid" || true; done
	LOAD_PIDS=()
	for h in "${HOSTS[@]}"; do
		failed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["failed"])' "$WORK/load-$h.json") ||
			{ fail "$1 on $h" "no load summary" "$(cat "$WORK/load-$h.err")"; continue; }
		ok=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ok"])' "$WORK/load-$h.json")
		if ((failed == 0 && ok > 0)); then pass "$1 on $h ($ok requests, 0 failed)"; else
			fail "$1 on $h" "$(cat "$WORK/load-$h.json")"; fi
	done
}
