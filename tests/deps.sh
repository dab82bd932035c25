#!/usr/bin/env bash
# Installs what building and testing clusterctl needs, when something is missing (Debian/Ubuntu,
# as root). The list is the one place these packages are named; .ci/run uses it too.
#   tests/deps.sh          everything the test suite needs
#   tests/deps.sh --demo   only what examples/demo.sh needs: the build, systemd, node, curl
set -euo pipefail

DEMO_PACKAGES=(
	cmake gcc make pkg-config    # build
	libsystemd-dev libconfig-dev # the libraries clusterctl links
	libjson-c-dev libyaml-dev    # (json-c and libyaml read PM2's ecosystem files)
	systemd dbus-user-session    # the private manager
	nodejs curl python3          # the Node example, and talking to it
)
PACKAGES=(
	"${DEMO_PACKAGES[@]}"
	procps tmux                  # test helpers
	build-essential debhelper rpm lintian      # packaging: dpkg-buildpackage, rpmbuild (tests/package)
	groff-base man-db bash-completion zsh # packaging: man pages, completion
	clang libclang-rt-14-dev     # the fuzz targets: clang's libFuzzer, ASan, UBSan (tests/fuzz)
	systemd-container openssh-server socat # booted test machines (tests/lib/machines.sh)
)

[[ ${1:-} == --demo ]] && PACKAGES=("${DEMO_PACKAGES[@]}")
# npm installs the frameworks of the PM2 test apps; NodeSource's nodejs carries its own npm.
[[ ${1:-} == --demo ]] || command -v npm >/dev/null || PACKAGES+=(npm)
missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
	echo "missing packages: ${missing[*]}; install them (as root): apt-get install ${missing[*]}" >&2
	exit 1
fi
# Installing a server (openssh-server) must not start it on this machine: the test machines
# run it, the host does not. A policy-rc.d that refuses every start, unless one is there.
policy=/usr/sbin/policy-rc.d
if [[ ! -e $policy ]]; then
	printf '#!/bin/sh\n# tests/deps.sh: start nothing while installing\nexit 101\n' >"$policy"
	chmod 0755 "$policy"
	trap 'rm -f "$policy"' EXIT
fi
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=300 "${missing[@]}"
