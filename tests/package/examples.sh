#!/usr/bin/env bash
# package.examples: the example apps the package ships (examples/{node,c,python}) run under the
# private manager as documented: the C one built with the cc line from its config, each started
# with its own config (renamed and moved to a test port), answering HTTP, reloaded without a
# failed request, and deleted.
# shellcheck source=tests/package/lib.sh
source "$(dirname "$0")/lib.sh"
: "${MANAGER_STATE:?state directory of the private manager}" "${CLUSTERCTL:?the built binary}" \
	"${SOURCE_DIR:?the source tree}"

APPS=()
APPDIR=
cleanup() {
	local app
	for app in "${APPS[@]}"; do "$CLUSTERCTL" --user delete "$app" >/dev/null 2>&1 || true; done
	rm -rf "$APPDIR"
}
at_exit cleanup

need node python3 cc pkg-config curl
# shellcheck disable=SC1091
source "$MANAGER_STATE/env"
export XDG_RUNTIME_DIR XDG_CONFIG_HOME
cc_() { "$CLUSTERCTL" --user "$@"; }

# Not under /tmp: the default hardening gives each instance a private /tmp, and clusterctl
# refuses a cwd there.
[[ -w /var/lib ]] || skip "needs to write /var/lib (run as root)"
APPDIR=$(mktemp -d /var/lib/clusterctl-examples.XXXXXX)
chmod 0755 "$APPDIR"
cp -r "$SOURCE_DIR/examples/node" "$SOURCE_DIR/examples/c" "$SOURCE_DIR/examples/python" "$APPDIR/"
# The build command the C example documents in its config.
build=$(sed -n 's/^#   \(cc .*\)$/\1/p' "$APPDIR/c/app.conf")
[[ $build == cc* ]] || fail "examples/c/app.conf says how to build the server" "$(cat "$APPDIR/c/app.conf")"
check "the C example builds: $build" bash -c "cd '$APPDIR/c' && $build -Werror"

instance_pids() { # APP: "PID:RESTARTS" of each instance, from status --json
	cc_ status "$1" --json | python3 -c 'import json, sys
print(" ".join("%s:%s" % (i["pid"], i["restarts"]) for i in json.load(sys.stdin)["instances"]))'
}

run_example() { # DIR CONFIG APP PORT ANSWER
	local dir=$1 conf=$2 app=$3 port=$4 answer=$5
	# A watchdog of 1 s instead of the example's: an example that did not ping it would be
	# restarted within the 3 s watched below.
	sed -i -e "s/^name = .*/name = \"$app\";/" -e "s/^listen = .*/listen = \"127.0.0.1:$port\";/" \
		-e "s/^watchdog = [0-9]*;/watchdog = 1;/" "$APPDIR/$dir/$conf"
	APPS+=("$app")
	check "$dir: clusterctl start $conf" cc_ start "$APPDIR/$dir/$conf"
	expect_contains "$dir: start waited until every instance was ready" "$WORK/out" "instances ready"
	check "$dir: answers HTTP" curl -sS --max-time 5 "http://127.0.0.1:$port/"
	expect_contains "$dir: the answer comes from an instance" "$WORK/out" "$answer"
	if grep -q '^watchdog = 1;' "$APPDIR/$dir/$conf"; then
		local before after
		before=$(instance_pids "$app")
		sleep 3
		after=$(instance_pids "$app")
		[[ -n $before && $after == "$before" ]] || fail "$dir: the example pings the watchdog (1 s): no instance restarted in 3 s" \
			"pids and restarts before: $before" "after: $after"
		pass "$dir: the example pings the watchdog (1 s): no instance restarted in 3 s"
	fi

	# A reload under load: every instance stops gracefully and the socket keeps accepting.
	local ok=0 failed=0
	(
		while [[ ! -e $WORK/stop ]]; do
			if curl -s --max-time 5 "http://127.0.0.1:$port/" >/dev/null; then echo ok; else echo failed; fi
		done >"$WORK/load"
	) &
	local load=$!
	sleep 0.3
	check "$dir: clusterctl reload" cc_ reload "$app"
	touch "$WORK/stop"
	wait "$load"
	rm -f "$WORK/stop"
	ok=$(grep -c '^ok' "$WORK/load" || true)
	failed=$(grep -c '^failed' "$WORK/load" || true)
	((ok > 0 && failed == 0)) || fail "$dir: no request failed during the reload" "$ok ok, $failed failed"
	pass "$dir: no request failed during the reload ($ok requests)"
	check "$dir: clusterctl delete" cc_ delete "$app"
}

run_example node web.conf ex-node 18511 "hello from instance"
run_example c app.conf ex-c 18512 "hello from C instance"
run_example python app.conf ex-py 18513 "hello from Python instance"
finish
