#!/usr/bin/env bash
# Installs what building and testing clusterctl needs, when something is missing (Debian/Ubuntu,
# as root). The list is the one place these packages are named; .ci/run uses it too.
set -euo pipefail

PACKAGES=(
	cmake gcc make pkg-config    # build
	libsystemd-dev libconfig-dev # the two libraries clusterctl links
	systemd dbus-user-session    # the private manager the integration tests run
	curl python3 procps tmux     # test helpers
	build-essential debhelper rpm lintian      # packaging: dpkg-buildpackage, rpmbuild (tests/package)
	groff-base man-db bash-completion zsh nodejs # packaging: man pages, completion, the Node example
	clang libclang-rt-14-dev     # the fuzz targets: clang's libFuzzer, ASan, UBSan (tests/fuzz)
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
	echo "missing packages: ${missing[*]}; install them (as root): apt-get install ${missing[*]}" >&2
	exit 1
fi
[[ ${1:-} == --update ]] && apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
