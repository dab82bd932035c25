# Shared by the packaging tests (tests/package/*.sh) and the machine tests (tests/machine/): the
# same ok/not ok output as the integration tests, and one rule for missing tools: skip (exit 77)
# on a developer's machine, fail under CI=true, where tests/deps.sh has installed everything.
set -euo pipefail

TEST_NAME=$(basename "$0" .sh)
CHECKS=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/clusterctl-${TEST_NAME}.XXXXXX")

log() { printf '# %s\n' "$*"; }

fail() {
	printf 'not ok %d - %s\n' $((CHECKS + 1)) "$1"
	shift
	local line
	for line in "$@"; do printf '#   %s\n' "$line"; done
	exit 1
}

pass() {
	CHECKS=$((CHECKS + 1))
	printf 'ok %d - %s\n' "$CHECKS" "$1"
}

finish() { printf '%d passed, 0 failed\n' "$CHECKS"; }

# skip REASON: exit 77 (CTest's SKIP_RETURN_CODE), or fail under CI.
skip() {
	if [[ ${CI:-} == true ]]; then
		fail "$1" "CI=true: this must not be skipped (tests/deps.sh installs what it needs)"
	fi
	printf 'skip - %s\n' "$1"
	exit 77
}

need() { # TOOL...
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || skip "$t is not installed (tests/deps.sh installs it)"
	done
}

# check DESCRIPTION COMMAND...: the command must succeed; its output is in $WORK/out.
check() {
	local what=$1
	shift
	if "$@" >"$WORK/out" 2>&1; then
		pass "$what"
	else
		fail "$what" "command failed: $*" "$(cat "$WORK/out")"
	fi
}

expect_contains() { # DESCRIPTION FILE TEXT
	if grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1" "'$3' not found in:" "$(cat "$2")"; fi
}

expect_not_contains() { # DESCRIPTION FILE TEXT
	if ! grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1" "'$3' unexpectedly in:" "$(cat "$2")"; fi
}

expect_eq() { # DESCRIPTION GOT WANT
	if [[ $2 == "$3" ]]; then pass "$1"; else fail "$1" "got:  '$2'" "want: '$3'"; fi
}

# expect_exit CODE DESCRIPTION COMMAND...: run, keep stdout in $WORK/stdout, stderr in
# $WORK/stderr, and require the exit status.
expect_exit() {
	local want=$1 what=$2 got=0
	shift 2
	"$@" >"$WORK/stdout" 2>"$WORK/stderr" || got=$?
	if [[ $got == "$want" ]]; then
		pass "$what"
	else
		fail "$what" "exit status $got, expected $want: $*" "stdout: $(cat "$WORK/stdout")" \
			"stderr: $(cat "$WORK/stderr")"
	fi
}

# The .deb and .rpm that package.build wrote into $PACKAGE_DIR.
find_packages() {
	: "${PACKAGE_DIR:?directory package.build writes the packages into}"
	DEB=$(find "$PACKAGE_DIR" -maxdepth 1 -name 'clusterctl_*.deb' 2>/dev/null | head -n 1)
	RPM=$(find "$PACKAGE_DIR" -maxdepth 1 -name 'clusterctl-[0-9]*.rpm' 2>/dev/null | head -n 1)
}
