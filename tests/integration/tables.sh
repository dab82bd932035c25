#!/usr/bin/env bash
# Tables sized to their content and to the terminal, as systemctl's are: in an 80-column terminal
# no line of status, status without an app, or top wraps, and what gives way is the least useful;
# piped output keeps every column at full width.
source "$(dirname "$0")/lib.sh"
begin
command -v tmux >/dev/null || bail_out "tmux is installed" "tests/deps.sh installs it"

conf=$(write_config wtab 18261 'instances = 3;' 'env = { TESTAPP_FLAGS = "--log-every 0.5"; };')
expect_exit 0 "start 3" start_app wtab "$conf"

at_exit 'tm kill-server 2>/dev/null'
ENV="env XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_STATE_HOME=$XDG_STATE_HOME"

# Runs a command in an 80x30 terminal; the screen, wrapped lines joined, goes to $WORK/screen.
screen_at_80() { # NAME COMMAND
	tm new-session -d -s "$1" -x 80 -y 30 "$ENV COLUMNS= $2; echo DONE-$1; sleep 30"
	for _ in $(seq 100); do
		tm capture-pane -p -J -t "$1" | grep -q "DONE-$1" && break
		sleep 0.1
	done
	tm capture-pane -p -J -t "$1" | grep -v "DONE-$1" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$WORK/screen"
}

fits_80() { # DESCRIPTION
	awk 'length($0) > 80 { bad = 1 } END { exit bad }' "$WORK/screen" && pass "$1" || fail "$1" "$(cat "$WORK/screen")"
}

screen_at_80 status "$CLUSTERCTL --user status wtab"
fits_80 "status: no line wider than 80 columns"
expect_contains "status: the unit column stays" "$WORK/screen" "wtab@2.service"
grep -E 'active/running +[0-9]+ ' "$WORK/screen" >/dev/null && pass "status: STATE is as wide as its content" ||
	fail "STATE column width" "$(cat "$WORK/screen")"
for col in STATE PID REV UPTIME RESTARTS MEMORY STATUS; do
	grep -q "^UNIT .*$col" "$WORK/screen" && pass "status at 80 columns keeps $col" || fail "status keeps $col" "$(cat "$WORK/screen")"
done
expect_not_contains "status at 80 columns: INSTANCE (the unit's index again) gave way" "$WORK/screen" "INSTANCE"

screen_at_80 all "$CLUSTERCTL --user status"
fits_80 "status without an app: no line wider than 80 columns"
expect_contains "status without an app names the app" "$WORK/screen" "wtab"

# Piped: full width, every column, nothing cut.
cc status wtab >"$WORK/piped" || true
grep -qE '^INSTANCE UNIT .* READY +STATUS$' "$WORK/piped" && pass "piped status keeps every column" ||
	fail "piped status columns" "$(cat "$WORK/piped")"
expect_not_contains "piped status cuts nothing" "$WORK/piped" "…"

# top at 80 columns: cpu and memory stay, what matters least goes.
tm new-session -d -s top -x 80 -y 24 "$ENV $CLUSTERCTL --user top wtab; sleep 30"
for _ in $(seq 50); do
	tm capture-pane -p -J -t top | grep -q 'wtab@2.service' && break
	sleep 0.1
done
tm capture-pane -p -J -t top >"$WORK/screen"
fits_80 "top: no line wider than 80 columns"
for col in STATE REV MEMORY CPU STATUS; do
	grep -q "UNIT .*$col" "$WORK/screen" && pass "top at 80 columns keeps $col" || fail "top keeps $col" "$(cat "$WORK/screen")"
done
tm send-keys -t top q

finish
