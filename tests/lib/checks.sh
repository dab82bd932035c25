# The checks every test script uses: each prints a TAP-like line; the first that fails prints
# what was expected and ends the script with status 1. Needs $WORK (a scratch directory) set.
CHECKS=0

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

finish() {
	printf '%d passed, 0 failed\n' "$CHECKS"
}
