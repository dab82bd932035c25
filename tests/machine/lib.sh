# shellcheck shell=bash
# Shared by the machine tests (tests/machine/*.sh): they drive the clusterctl of this build
# against the system manager of a booted machine (tests/lib/machines.sh), over real ssh, as an
# operator would. The CTest fixture "machines" boots the machine "sys" that they share; each
# test deletes what it started.
# shellcheck source=tests/package/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../package/lib.sh"
: "${CLUSTERCTL:?path of the clusterctl binary}" "${TESTAPP:?path of the C test app}" \
	"${LOADGEN:?path of the load generator}" "${MACHINES_STATE:?state directory of the machines}"

MACHINES=$(readlink -f "$(dirname "${BASH_SOURCE[0]}")/../lib/machines.sh")
MACHINE=${MACHINE:-sys}
# In the machine: the test app and the configs, readable by every account (a dynamic user
# included) and outside /tmp, which the sandbox replaces.
readonly APPDIR=/srv/clusterctl-test
APPS_STARTED=()

# on MACHINE CMD...: CMD (an argument vector, quoted here) runs on MACHINE over ssh, as root.
on() {
	local machine=$1
	shift
	ssh -F "$MACHINES_STATE/ssh_config" "$machine" "$(printf '%q ' "$@")"
}
m() { on "$MACHINE" "$@"; }

# The sanitizer settings of the run go along to the machine (ssh passes no environment).
SANITIZER_ENV=()
for var in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
	[[ -z ${!var:-} ]] || SANITIZER_ENV+=("$var=${!var}")
done
# clusterctl on the machine; the system manager is its default scope.
cc() { m env "${SANITIZER_ENV[@]}" "$CLUSTERCTL" "$@"; }

# The build's files are seen in the machine at the same path when they are on the host's root
# file system (the overlay's lower layer); otherwise (a build directory on another mount) they
# are copied there.
make_visible() { # HOST_PATH...
	local f sum
	for f in "$@"; do
		sum=$(sha256sum "$f" | cut -d' ' -f1)
		[[ $(m sha256sum "$f" 2>/dev/null | cut -d' ' -f1) == "$sum" ]] && continue
		log "$f is not on the host's root file system; copying it into $MACHINE"
		m install -D -m 0755 /dev/stdin "$f" <"$f"
	done
}

# write_file PATH [MODE]: stdin becomes PATH on the machine.
write_file() { m install -D -m "${2:-0644}" /dev/stdin "$1"; }

# write_config APP PORT [EXTRA LINES...]: a config for the C test app, at $APPDIR/APP.conf on
# the machine (printed).
write_config() {
	local app=$1 port=$2 line
	shift 2
	{
		printf 'name = "%s";\nexec = "%s/testapp";\ncwd = "%s";\nlisten = "127.0.0.1:%s";\n' \
			"$app" "$APPDIR" "$APPDIR" "$port"
		for line in "$@"; do printf '%s\n' "$line"; done
	} | write_file "$APPDIR/$app.conf"
	echo "$APPDIR/$app.conf"
}

start_app() { # APP CONFIG [OPTIONS...]: start, and delete it at the end
	APPS_STARTED+=("$1")
	cc start "${@:2}"
}

cleanup_machine() {
	local app
	for app in "${APPS_STARTED[@]}"; do cc delete "$app" >/dev/null 2>&1 || true; done
	m rm -rf "$APPDIR" >/dev/null 2>&1 || true
}

# begin: the machine is reachable and has the build's files; what the test started there is
# deleted at exit, after the clean-up the test registers with at_exit from then on.
begin() {
	at_exit cleanup_machine
	[[ -f $MACHINES_STATE/ssh_config ]] || fail "the machine $MACHINE is up" "no $MACHINES_STATE/ssh_config"
	m true || fail "ssh reaches the machine $MACHINE"
	make_visible "$CLUSTERCTL" "$LOADGEN"
	m install -d -m 0755 "$APPDIR"
	m install -m 0755 /dev/stdin "$APPDIR/testapp" <"$TESTAPP"
	log "$TEST_NAME: on machine $MACHINE (ssh -F $MACHINES_STATE/ssh_config $MACHINE)"
}

# systemctl show -p PROP --value UNIT, on the machine.
unit_prop() { m systemctl show -p "$2" --value "$1"; }

active_instances() { # APP
	m systemctl list-units --state=active --plain --no-legend "$1@*.service" | grep -c . || true
}

http_get() { m curl -sS --max-time 5 "http://127.0.0.1:$1${2:-/}"; } # PORT [PATH]

invocations() { # APP N: InvocationID of instances 0..N-1
	local i units=()
	for ((i = 0; i < $2; i++)); do units+=("$1@$i.service"); done
	m systemctl show -p InvocationID --value "${units[@]}" | paste -sd ' '
}

# Continuous load on the machine's PORT (from its network namespace), a new connection per
# request, until stop_load.
start_load() { # PORT
	rm -f "$WORK/load.stop"
	"$MACHINES" netns "$MACHINES_STATE" "$MACHINE" "$LOADGEN" --host 127.0.0.1 --port "$1" --concurrency 8 \
		--duration 300 --stop-file "$WORK/load.stop" --json >"$WORK/load.json" 2>"$WORK/load.err" &
	LOAD_PID=$!
	sleep 0.5 # the load is running before whatever it measures starts
}

# Stops the load and requires that no request failed (and some succeeded).
stop_load() { # DESCRIPTION
	touch "$WORK/load.stop"
	wait "$LOAD_PID" || true
	local failed ok
	failed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["failed"])' "$WORK/load.json") ||
		fail "$1" "no load summary" "$(cat "$WORK/load.err")"
	ok=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ok"])' "$WORK/load.json")
	if ((failed == 0 && ok > 0)); then pass "$1 ($ok requests, $failed failed)"; else
		fail "$1" "$(cat "$WORK/load.json")"; fi
}
