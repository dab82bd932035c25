#!/usr/bin/env bash
# Bad names, counts, options and configs get a clear error (exit 2) and change nothing: no unit
# file written, no instance touched.
source "$(dirname "$0")/lib.sh"
begin

conf=$(write_config steady 18251 'instances = 2;')
expect_exit 0 "a healthy app to leave alone" start_app steady "$conf"
snapshot() { (cd "$UNIT_DIR" && find . -printf '%p %s %T@\n' | sort); }
before=$(snapshot)
pids=$(invocations steady 2)

long=$(printf 'a%.0s' $(seq 65))
for name in "" "$long" "wéb" "../etc" "web@1" "web.service" "web/x" "-" "a b"; do
	for verb in stop restart reload status delete logs; do
		expect_exit 2 "$verb '${name:0:20}' is refused" cc "$verb" "$name"
	done
	expect_exit 2 "scale '${name:0:20}' is refused" cc scale "$name" 2
done
expect_contains "the message names the rule" "$WORK/stderr" "is not a valid app name"

for count in 0 -3 1025 "+2000" "abc" "max-" "2.5" "" "99999999999999999999"; do
	expect_exit 2 "scale steady '$count' is refused" cc scale steady "$count"
done
expect_exit 2 "an unknown verb" cc frobnicate steady
expect_exit 2 "an unknown option" cc status --frobnicate
expect_exit 2 "a missing argument" cc scale steady
expect_exit 2 "--batch 0%" cc reload steady --batch 0%
expect_exit 2 "-n -1" cc logs steady -n -1
expect_exit 2 "an option the command does not take" cc logs steady --batch 3
expect_contains "the error names the option and the command" "$WORK/stderr" "logs does not take --batch"
expect_exit 2 "--wait on a command that takes no lock" cc status steady --wait
expect_exit 0 "reload -h" cc reload -h
expect_contains "reload -h shows reload's help" "$WORK/stdout" "Usage: clusterctl reload APP"
expect_contains "with the options reload takes" "$WORK/stdout" "--on-failure MODE"
expect_exit 0 "--help" cc --help
expect_contains "--help names the commands an option applies to" "$WORK/stdout" "--batch N|N%       most instances out of service at once (reload, promote, undo)"

# Configs: each error names file:line, and nothing is written.
bad() { # DESCRIPTION LINE CONTENT...
	local what=$1 line=$2
	shift 2
	printf '%s\n' "$@" >"$WORK/bad.conf"
	expect_exit 2 "config: $what" cc start "$WORK/bad.conf"
	expect_contains "config: $what: at bad.conf:$line" "$WORK/stderr" "bad.conf:$line:"
}
bad "app name with a slash" 1 'name = "x/y";' 'exec = "/bin/true";'
bad "app name too long" 1 "name = \"$long\";" 'exec = "/bin/true";'
bad "instances out of range" 3 'name = "x";' 'exec = "/bin/true";' 'instances = 5000;'
bad "listen port 0" 3 'name = "x";' 'exec = "/bin/true";' 'listen = "127.0.0.1:0";'
bad "relative unix socket" 3 'name = "x";' 'exec = "/bin/true";' 'listen = "run/x.sock";'
bad "cwd with a newline" 3 'name = "x";' 'exec = "/bin/true";' 'cwd = "/srv\nx";'
bad "env_file with a trailing space" 4 'name = "x";' 'exec = "/bin/true";' 'cwd = "/";' 'env_file = "/etc/x.env ";'
bad "unknown key" 3 'name = "x";' 'exec = "/bin/true";' 'instanses = 2;'
bad "syntax error" 2 'name = "x";' 'exec = = "/bin/true";'
expect_eq "nothing was written and nothing changed" "$(snapshot)" "$before"
expect_eq "the running app was not touched" "$(invocations steady 2)" "$pids"

finish
