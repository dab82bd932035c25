#!/usr/bin/env bash
# The demo cluster: builds clusterctl, then runs examples/node/web.conf — 4 Node instances behind
# 127.0.0.1:3000 — on a systemd user manager. Where systemd is not running (containers, CI), it
# starts a private manager first (tests/lib/manager.sh), as the test suite does.
#
#   examples/demo.sh        start the demo and leave it running
#   examples/demo.sh stop   delete the demo app and stop the private manager
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STATE=${CLUSTERCTL_DEMO_STATE:-/tmp/clusterctl-demo}
# The app runs sandboxed (PrivateTmp=, ProtectHome=): it is installed where the sandbox lets it
# see, wherever this checkout lives.
APP_DIR=/var/lib/clusterctl-demo
CONF=$APP_DIR/web.conf
# With a private manager, commands run in its namespace, where its journal is.
in_manager() { if $private_manager; then tests/lib/manager.sh exec "$STATE" "$@"; else "$@"; fi; }
cc() { in_manager "$ROOT/build/clusterctl" --user "$@"; }
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

private_manager=true
if [[ -d /run/systemd/system && -S ${XDG_RUNTIME_DIR:-/nonexistent}/systemd/private ]]; then
	private_manager=false # a real user manager is running: use it
fi

if [[ ${1:-} == stop ]]; then
	if $private_manager && [[ -f $STATE/env ]]; then
		# shellcheck disable=SC1091
		source "$STATE/env"
		export XDG_RUNTIME_DIR XDG_CONFIG_HOME
	fi
	cc delete web || true
	rm -rf "$APP_DIR"
	$private_manager && tests/lib/manager.sh stop "$STATE"
	exit 0
fi

tests/deps.sh --demo
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

if $private_manager; then
	tests/lib/manager.sh status "$STATE" 2>/dev/null || tests/lib/manager.sh start "$STATE"
	# shellcheck disable=SC1091
	source "$STATE/env"
	export XDG_RUNTIME_DIR XDG_CONFIG_HOME
fi

mkdir -p "$APP_DIR"
cp examples/node/server.js examples/node/web.conf "$APP_DIR/"

step clusterctl --user start $CONF
cc start "$CONF"

step 'for i in 1 2 3 4 5 6; do curl -s 127.0.0.1:3000; done'
for _ in 1 2 3 4 5 6; do curl -s --max-time 2 127.0.0.1:3000; done

step clusterctl --user scale web 6
cc scale web 6

step clusterctl --user status web
cc status web || true

step systemctl --user status web@1 --no-pager
in_manager systemctl --user status web@1 --no-pager --lines=0 || true

step journalctl _SYSTEMD_USER_UNIT=web@1.service -n 3
in_manager journalctl --no-pager -o short _SYSTEMD_USER_UNIT=web@1.service -n 3 || true

cat <<EOT

The demo cluster is running. Try it:
EOT
if $private_manager; then
	echo "  tests/lib/manager.sh exec $STATE bash   # a shell that reaches the private manager and its journal"
fi
cat <<EOT
  build/clusterctl --user status web
  build/clusterctl --user scale web 2
  systemctl --user list-units 'web*'
  curl 127.0.0.1:3000
Stop it with: examples/demo.sh stop
EOT
