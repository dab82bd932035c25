#!/usr/bin/env bash
# The CTest fixture of the many-hosts tests: three booted machines (tests/lib/machines.sh), booted
# once for all of them, each with this build's clusterctl installed as /usr/local/bin/clusterctl
# and the test app in /usr/local/lib/clusterctl-test/ — as a user installs clusterctl on every
# server. The controller reaches them over real ssh (HOSTS_STATE/ssh_config).
#   setup.sh up HOSTS_STATE     setup.sh down HOSTS_STATE
set -euo pipefail

MACHINES=$(dirname "$(readlink -f "$0")")/../lib/machines.sh
: "${CLUSTERCTL:?path of the clusterctl binary}"
: "${TESTAPP:?path of the C test app}"
readonly HOSTS=(h1 h2 h3)

case ${1:-} in
up)
	"$MACHINES" up "$2" "${HOSTS[@]}"
	for h in "${HOSTS[@]}"; do
		root=$("$MACHINES" root "$2" "$h")
		install -D -m 0755 "$CLUSTERCTL" "$root/usr/local/bin/clusterctl"
		install -D -m 0755 "$TESTAPP" "$root/usr/local/lib/clusterctl-test/testapp"
	done
	;;
down)
	"$MACHINES" down "$2"
	;;
*)
	echo "usage: setup.sh up|down HOSTS_STATE" >&2
	exit 2
	;;
esac
