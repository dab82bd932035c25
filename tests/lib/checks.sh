# The checks every test script uses: each prints a TAP-like line. As git's test_expect_success
# does, a failed check prints what was expected and the script keeps going, so one run shows every
# failure; `finish` ends the script. At its exit the script prints "N passed, M failed" with the
# failed checks' names, runs what it registered with at_exit, and exits 1 if any check failed or
# it stopped before `finish` (an unchecked command failing under set -e, or `bail_out`). A script
# sourcing this leaves the EXIT trap to it and adds its clean-up with at_exit. Needs $WORK (a
# scratch directory) set. A script that sets CHECKS_STOP_AT_FAILURE=1 first ends at its first
# failed check instead (the packaging and machine tests: what follows a failed install means
# nothing).
CHECKS=0
FAILED=()
FINISHED=
SKIPPED=
EXIT_HOOKS=()

log() { printf '# %s\n' "$*"; }

# fail DESCRIPTION [DETAIL...]: records a failed check and returns 0, so the script goes on
# (unless CHECKS_STOP_AT_FAILURE is set).
fail() {
	CHECKS=$((CHECKS + 1))
	FAILED+=("$CHECKS - $1")
	printf 'not ok %d - %s\n' "$CHECKS" "$1"
	shift
	local line
	for line in "$@"; do printf '#   %s\n' "$line"; done
	if [[ -n ${CHECKS_STOP_AT_FAILURE:-} ]]; then
		FINISHED=1 # it ends where it means to; the report need not say it stopped early
		exit 1
	fi
	return 0
}

pass() {
	CHECKS=$((CHECKS + 1))
	printf 'ok %d - %s\n' "$CHECKS" "$1"
}

# bail_out DESCRIPTION [DETAIL...]: a failure after which the rest of the script means nothing.
bail_out() {
	fail "$@"
	exit 1
}

# skip REASON: the script cannot run on this machine: exit 77 (CTest's SKIP_RETURN_CODE). Under
# CI=true, where tests/deps.sh has installed everything, that is a failure instead.
skip() {
	[[ ${CI:-} != true ]] || bail_out "$1" "CI=true: this must not be skipped (tests/deps.sh installs what it needs)"
	printf 'skip - %s\n' "$1"
	SKIPPED=1
	exit 77
}

# check DESCRIPTION COMMAND...: the command must succeed.
check() {
	local what=$1
	shift
	if "$@" >"$WORK/out" 2>&1; then
		pass "$what"
	else
		fail "$what" "command failed: $*" "$(cat "$WORK/out")"
	fi
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

expect_eq() { # DESCRIPTION GOT WANT
	if [[ $2 == "$3" ]]; then pass "$1"; else fail "$1" "got:  '$2'" "want: '$3'"; fi
}

expect_contains() { # DESCRIPTION FILE TEXT
	if grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1" "'$3' not found in:" "$(cat "$2")"; fi
}

expect_not_contains() { # DESCRIPTION FILE TEXT
	if ! grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1" "'$3' unexpectedly in:" "$(cat "$2")"; fi
}

# No byte a terminal acts on in FILE: ESC, BEL, CR, nor any other control character but tab
# and newline (what clusterctl prints of an app's text is escaped).
expect_no_control_bytes() { # DESCRIPTION FILE
	if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$2"; then
		fail "$1" "control bytes in:" "$(cat -v "$2")"
	else
		pass "$1"
	fi
}

# at_exit COMMAND: run COMMAND (a string for eval) when the script ends; the last registered
# runs first.
at_exit() { EXIT_HOOKS+=("$1"); }

# The summary, also when the script stopped early. Returns the script's exit status.
checks_report() { # STATUS
	local status=$1 name
	[[ -n $FINISHED ]] || fail "the script ran to its end (it stopped with status $status)"
	printf '# %d passed, %d failed\n' $((CHECKS - ${#FAILED[@]})) ${#FAILED[@]}
	for name in "${FAILED[@]}"; do printf '#   failed: %s\n' "$name"; done
	((${#FAILED[@]} == 0))
}

checks_on_exit() {
	local status=$? i
	CHECKS_STOP_AT_FAILURE= # the report's own check must not end the trap
	if [[ -n $SKIPPED ]]; then
		status=77
	else
		checks_report "$status" && status=0 || status=1
	fi
	for ((i = ${#EXIT_HOOKS[@]} - 1; i >= 0; i--)); do eval "${EXIT_HOOKS[i]}" || true; done
	exit "$status"
}
trap checks_on_exit EXIT

finish() {
	FINISHED=1
	exit 0 # the EXIT trap reports, and fails the script if a check failed
}
