# Shared by the packaging tests (tests/package/*.sh) and the machine tests (tests/machine/): the
# checks of the integration tests (tests/lib/checks.sh), but the script ends at its first failed
# check, and one rule for missing tools: skip (exit 77) on a developer's machine, fail under
# CI=true, where tests/deps.sh has installed everything. $WORK is removed at exit, after what the
# script registered with at_exit.
set -euo pipefail

TEST_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/clusterctl-${TEST_NAME}.XXXXXX")
CHECKS_STOP_AT_FAILURE=1
# shellcheck source=tests/lib/checks.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh"
at_exit 'rm -rf "$WORK"'

need() { # TOOL...
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || skip "$t is not installed (tests/deps.sh installs it)"
	done
}

# The .deb and .rpm that package.build wrote into $PACKAGE_DIR.
find_packages() {
	: "${PACKAGE_DIR:?directory package.build writes the packages into}"
	DEB=$(find "$PACKAGE_DIR" -maxdepth 1 -name 'clusterctl_*.deb' 2>/dev/null | head -n 1)
	RPM=$(find "$PACKAGE_DIR" -maxdepth 1 -name 'clusterctl-[0-9]*.rpm' 2>/dev/null | head -n 1)
}
