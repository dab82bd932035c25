#!/usr/bin/env bash
# logs, logs -f, top and the failure report show only what the app's own processes wrote. Any
# local user can log lines that claim to be the app's — `logger -t APP@0`, or structured fields
# such as UNIT=APP@0.service with `logger --journald` — and those never show, nor do lines the
# app's own user writes from outside its units: clusterctl trusts only the fields journald itself
# sets (_SYSTEMD_USER_UNIT=, _UID=, _PID=).
source "$(dirname "$0")/lib.sh"
begin

# Runs inside the manager's namespace (where journald's sockets are): as the manager's user, but
# outside the app's units, or as another user.
in_namespace() { "$(dirname "$0")/../lib/manager.sh" exec "$MANAGER_STATE" "$@"; }
as_nobody() { in_namespace runuser -u nobody -- "$@"; }

# journald's syslog socket (a booted machine links /dev/log to it; the test manager does not).
DEV_LOG=/run/systemd/journal/dev-log

# forge APP TEXT: as another user, one line by syslog identifier and one with structured fields
# naming the unit; as the app's user, a line by syslog identifier from outside its units.
forge() {
	as_nobody logger -u "$DEV_LOG" -t "$1@0" "$2 (logger -t)"
	in_namespace logger -u "$DEV_LOG" -t "$1@0" "$2 (same user, outside the app)"
	printf 'MESSAGE=%s (logger --journald)\nSYSLOG_IDENTIFIER=%s@0\nUNIT=%s@0.service\nUSER_UNIT=%s@0.service\n_SYSTEMD_USER_UNIT=%s@0.service\n_UID=0\n' \
		"$2" "$1" "$1" "$1" "$1" | as_nobody logger --journald
}

conf=$(write_config real 18281 'instances = 2;' 'env = { TESTAPP_FLAGS = "--log-lines 2 --log-every 0.5"; };')
expect_exit 0 "start an app that logs" start_app real "$conf"
forge real FORGED-BEFORE
# The forgers can write: their lines are in the journal, with the fields they chose.
for _ in $(seq 50); do
	[[ $(journalctl -q --no-pager -o cat SYSLOG_IDENTIFIER=real@0 | grep -c FORGED-BEFORE) -ge 3 ]] && break
	sleep 0.1
done
journalctl -q --no-pager -o cat SYSLOG_IDENTIFIER=real@0 >"$WORK/forged"
expect_contains "another user's logger -t line is in the journal" "$WORK/forged" "FORGED-BEFORE (logger -t)"
expect_contains "…and its logger --journald line" "$WORK/forged" "FORGED-BEFORE (logger --journald)"
expect_contains "…and the app's user's line from outside the app" "$WORK/forged" "FORGED-BEFORE (same user, outside the app)"
for _ in $(seq 50); do
	[[ $(cc logs real -n 200 | grep -c 'real@1 | tick') -ge 2 ]] && break
	sleep 0.1
done

expect_exit 0 "logs" cc logs real -n 200
expect_contains "the app's own lines show" "$WORK/stdout" "real@0 | line 1 of 2 from instance 0"
expect_contains "…as they keep coming" "$WORK/stdout" "real@1 | tick"
expect_not_contains "forged lines do not" "$WORK/stdout" "FORGED"
expect_exit 0 "logs --instance 0 --json" cc logs real --instance 0 --json -n 200
expect_not_contains "nor in --json" "$WORK/stdout" "FORGED"

# -f: lines forged while it follows do not show; the app's do.
"$CLUSTERCTL" --user logs real -f -n 0 >"$WORK/follow" 2>&1 &
follower=$!
sleep 0.5
forge real FORGED-FOLLOW
for _ in $(seq 50); do
	[[ $(grep -c 'real@. | tick' "$WORK/follow") -ge 2 ]] && break
	sleep 0.1
done
kill "$follower" 2>/dev/null
wait "$follower" 2>/dev/null || true
expect_contains "-f shows the app's new lines" "$WORK/follow" "| tick"
expect_not_contains "-f does not show forged ones" "$WORK/follow" "FORGED"

# top: its log pane.
in_terminal top top real
sleep 0.5
forge real FORGED-TOP
for _ in $(seq 50); do
	[[ $(tm capture-pane -p -t top | grep -c 'real@. | tick') -ge 4 ]] && break
	sleep 0.1
done
tm capture-pane -p -t top >"$WORK/screen"
expect_contains "top shows the app's lines" "$WORK/screen" "| tick"
expect_not_contains "top does not show forged ones" "$WORK/screen" "FORGED"
tm send-keys -t top q

# The failure report: lines forged while the start runs are not the app's last words.
conf=$(write_config victim 18282 'instances = 1;' 'restart = "no";' 'env = { TESTAPP_FLAGS = "--fail-before-ready"; };')
(
	for _ in $(seq 40); do
		forge victim FORGED-REPORT
		sleep 0.05
	done
) &
forger=$!
sleep 0.3
expect_exit 1 "start of a failing app fails" start_app victim "$conf"
wait "$forger" || true
expect_contains "the report shows the app's own last words" "$WORK/stderr" "refusing to start"
expect_not_contains "and none of the forged lines" "$WORK/stderr" "FORGED"

finish
