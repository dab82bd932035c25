#!/usr/bin/env bash
# What an app writes reaches the user as inert text: terminal escape sequences in its log lines
# and in its sd_notify STATUS= are shown escaped (\e[2J), never obeyed — by logs (plain, --raw,
# on a terminal), status, top and the failure report — and --json escapes them as JSON does.
# A PRIORITY= that is no syslog level reads as info.
source "$(dirname "$0")/lib.sh"
begin

# Unsandboxed: its PRIORITY= entry goes to journald's native socket, which the test manager's
# sandboxed units do not see (/run is no mount of its own there).
conf=$(write_config hostile 18271 'instances = 1;' 'hardening = "none";' 'env = { TESTAPP_FLAGS = "--hostile-output"; };')
expect_exit 0 "start an app that writes escape sequences" start_app hostile "$conf"
for _ in $(seq 50); do
	cc logs hostile -n 100 | grep -q 'hostile priority' && break
	sleep 0.1
done
expect_exit 0 "logs" cc logs hostile -n 100
expect_contains "the app's journal entry is there" "$WORK/stdout" "hostile priority"
expect_no_control_bytes "logs prints no control byte" "$WORK/stdout"
expect_contains "the title sequence shows as text" "$WORK/stdout" 'hostile \e]0;HOSTILE-TITLE\a\e[2J\e[H\rHOSTILE-OVERWRITE \e[31mHOSTILE-RED'
expect_exit 0 "logs --raw" cc logs hostile --raw -n 100
expect_no_control_bytes "logs --raw prints no control byte" "$WORK/stdout"

expect_exit 0 "logs --json" cc logs hostile --json -n 100
expect_no_control_bytes "logs --json prints no control byte" "$WORK/stdout"
python3 - "$WORK/stdout" <<'PY' && pass "--json keeps the line exactly" || fail "--json line" "$(cat -v "$WORK/stdout")"
import json, sys
entries = [json.loads(l) for l in open(sys.argv[1])]
line = [e for e in entries if e["message"].startswith("hostile \x1b]0;")]
assert line and line[0]["message"].endswith("\x1b[31mHOSTILE-RED"), entries
PY
python3 - "$WORK/stdout" <<'PY' && pass "PRIORITY=99999999999999999999 reads as info (6)" || fail "priority" "$(cat -v "$WORK/stdout")"
import json, sys
prio = [e["priority"] for e in map(json.loads, open(sys.argv[1])) if e["message"] == "hostile priority"]
assert prio == [6], prio
PY

expect_exit 0 "status" cc status hostile
expect_no_control_bytes "status prints no control byte" "$WORK/stdout"
expect_contains "the STATUS= text shows escaped" "$WORK/stdout" 'hostile \e]0;HOSTILE-TITLE\a\e[2J'
expect_exit 0 "status --json" cc status hostile --json
expect_no_control_bytes "status --json prints no control byte" "$WORK/stdout"
python3 -c 'import json,sys; t = json.load(open(sys.argv[1]))["instances"][0]["status_text"]; sys.exit(t != "hostile \x1b]0;HOSTILE-TITLE\x07\x1b[2J")' \
	"$WORK/stdout" && pass "--json keeps the STATUS= text exactly" || fail "--json status_text" "$(cat -v "$WORK/stdout")"

# On a terminal: logs (with its colours) and top; the pane's title is tmux's to keep.
in_terminal view logs hostile -n 100
for _ in $(seq 50); do
	tm capture-pane -p -t view | grep -q 'hostile priority' && break
	sleep 0.1
done
tm capture-pane -p -t view >"$WORK/screen"
expect_contains "logs on a terminal shows the sequence as text" "$WORK/screen" 'HOSTILE-OVERWRITE \e[31mHOSTILE-RED'
tm display-message -p -t view '#{pane_title}' >"$WORK/title"
expect_not_contains "logs on a terminal did not retitle it" "$WORK/title" HOSTILE-TITLE
tm kill-session -t view

in_terminal top top hostile
for _ in $(seq 50); do
	tm capture-pane -p -t top | grep -q 'hostile@0.service' && break
	sleep 0.1
done
sleep 1.2 # a redraw or two
tm capture-pane -p -t top >"$WORK/screen"
expect_contains "top shows the STATUS= text escaped" "$WORK/screen" 'hostile \e]0;HOSTILE-TITLE\a\e[2J'
expect_contains "top shows the log line escaped" "$WORK/screen" 'HOSTILE-OVERWRITE \e[31mHOSTILE-RED'
tm display-message -p -t top '#{pane_title}' >"$WORK/title"
expect_not_contains "top did not retitle the terminal" "$WORK/title" HOSTILE-TITLE
tm send-keys -t top q

# The failure report quotes the app's last words.
conf=$(write_config hostilefail 18272 'instances = 1;' 'restart = "no";' \
	'env = { TESTAPP_FLAGS = "--hostile-output --fail-before-ready"; };')
expect_exit 1 "start of a failing app that writes escape sequences fails" start_app hostilefail "$conf"
expect_no_control_bytes "the failure report prints no control byte" "$WORK/stderr"
expect_contains "its last words show escaped" "$WORK/stderr" 'HOSTILE-OVERWRITE \e[31mHOSTILE-RED'

finish
