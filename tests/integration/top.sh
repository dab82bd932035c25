#!/usr/bin/env bash
# top: a live view in a real terminal (tmux): the table and newest log lines appear, q quits and
# the terminal is restored.
source "$(dirname "$0")/lib.sh"
begin
command -v tmux >/dev/null || bail_out "tmux is installed" "tests/deps.sh installs it"

conf=$(write_config topper 18221 'instances = 2;' 'env = { TESTAPP_FLAGS = "--log-lines 2 --log-every 0.5"; };')
expect_exit 0 "start 2" start_app topper "$conf"

at_exit 'tm kill-server 2>/dev/null'
tm new-session -d -s top -x 150 -y 30 \
	"env XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR XDG_CONFIG_HOME=$XDG_CONFIG_HOME $CLUSTERCTL --user top topper; echo TOP-EXITED; stty -a | tr ' ' '\n' | grep -x -e icanon -e echo; sleep 30"

screen=""
for _ in $(seq 50); do
	screen=$(tm capture-pane -p -t top)
	grep -q 'topper@1 | tick' <<<"$screen" && break
	sleep 0.1
done
echo "$screen" >"$WORK/screen"
expect_contains "the title names the app and its state" "$WORK/screen" "clusterctl top — topper: 2/2 instances active"
expect_contains "the table has a header" "$WORK/screen" "RESTARTS"
expect_contains "a row per instance" "$WORK/screen" "topper@1.service"
expect_contains "new log lines appear under it" "$WORK/screen" "topper@1 | tick"
head -n 1 "$WORK/screen" | grep -q '^clusterctl top' && pass "the title is on the first row" ||
	fail "the title is on the first row" "$(cat "$WORK/screen")"
(($(wc -l <"$WORK/screen") <= 30)) && pass "it fits the 30 rows of the terminal" || fail "fits 30 rows" "$(cat "$WORK/screen")"

tm resize-window -t top -x 100 -y 20 2>/dev/null || true
sleep 1.2
tm capture-pane -p -t top >"$WORK/screen"
awk 'length($0) > 100 { bad = 1 } END { exit bad }' "$WORK/screen" && pass "after a resize no line is wider than the terminal" ||
	fail "lines fit the resized terminal" "$(cat "$WORK/screen")"

tm send-keys -t top q
for _ in $(seq 50); do
	tm capture-pane -p -t top | grep -q TOP-EXITED && break
	sleep 0.1
done
tm capture-pane -p -t top >"$WORK/screen"
expect_contains "q quits" "$WORK/screen" "TOP-EXITED"
expect_contains "the terminal is back in canonical mode" "$WORK/screen" "icanon"
expect_contains "echo is back on" "$WORK/screen" "echo"
expect_not_contains "the live view is gone from the screen" "$WORK/screen" "newest log lines"

expect_exit 2 "top without a terminal is refused" cc top topper
finish
