#!/usr/bin/env bash
# Every run of the suite reads a journal of its own: nothing in it predates this run's manager
# (not the host's lines, not an earlier run's, such as the plain build's before the sanitizer
# build's), and a line this test logs under the same unit name in every run shows up once.
source "$(dirname "$0")/lib.sh"
begin

# When the manager started, in µs since the epoch (its start time in clock ticks since boot).
started_usec=$(python3 - "$MANAGER_PID" <<'PY'
import os, sys
stat = open(f"/proc/{sys.argv[1]}/stat").read()
ticks = int(stat[stat.rindex(")") + 2:].split()[19])
btime = next(int(l.split()[1]) for l in open("/proc/stat") if l.startswith("btime "))
print(int((btime + ticks / os.sysconf("SC_CLK_TCK")) * 1e6))
PY
)
# The first entry of the journal this test reads (the whole output is read: no SIGPIPE).
first_usec=$(journalctl --no-pager -q -o json | python3 -c '
import json, sys
first = sys.stdin.readline()
sys.stdin.read()
print(json.loads(first)["__REALTIME_TIMESTAMP"] if first else 0)')
# btime, the boot time, has a resolution of one second: allow for it.
if ((first_usec >= started_usec - 1000000)); then
	pass "the journal starts with this run's manager ($(((first_usec - started_usec) / 1000)) ms after it)"
else
	fail "the journal starts with this run's manager" "first entry at $first_usec µs, manager started at $started_usec µs" \
		"$(journalctl --no-pager -q -n 5 -o short-precise | head -n 5)"
fi

conf=$(write_config apart 18701 'env = { TESTAPP_FLAGS = "--log-lines 1"; };')
expect_exit 0 "start an app that logs one line" start_app apart "$conf"
for _ in $(seq 50); do
	cc logs apart -n 100 | grep -q 'line 1 of 1 from instance 0' && break
	sleep 0.1
done
expect_exit 0 "logs" cc logs apart -n 100
expect_eq "the line shows up once, though every run logs it under the same unit" \
	"$(grep -c 'apart@0 | line 1 of 1 from instance 0' "$WORK/stdout")" 1

finish
