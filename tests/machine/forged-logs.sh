#!/usr/bin/env bash
# `clusterctl logs` shows only lines the app's own processes wrote: lines that another local
# user writes under the app's name (`logger -t APP@0`, or journald fields naming the unit) are
# in the journal, but not in what clusterctl shows.
source "$(dirname "$0")/lib.sh"
begin

conf=$(write_config forge 18320 'instances = 1;' 'env = { TESTAPP_FLAGS = "--log-lines 2"; };')
expect_exit 0 "start" start_app forge "$conf"
m runuser -u nobody -- logger -t forge@0 "forged by nobody with logger"
printf 'MESSAGE=forged by nobody with journald fields\nSYSLOG_IDENTIFIER=forge@0\nUNIT=forge@0.service\nUSER_UNIT=forge@0.service\n' |
	m runuser -u nobody -- logger --journald
for _ in $(seq 50); do
	[[ $(m journalctl -q -o cat -t forge@0 | grep -c '^forged by nobody') -ge 2 ]] && break
	sleep 0.1
done
m journalctl -q -o cat -t forge@0 >"$WORK/journal"
expect_contains "the forged lines are in the journal" "$WORK/journal" "forged by nobody with journald fields"
for _ in $(seq 50); do
	cc logs forge -n 100 2>&1 | grep -q 'line 2 of 2 from instance 0' && break
	sleep 0.1
done
expect_exit 0 "logs" cc logs forge -n 100
expect_contains "logs shows the app's own lines" "$WORK/stdout" "forge@0 | line 2 of 2 from instance 0"
expect_not_contains "logs does not show a line logger wrote as another user" "$WORK/stdout" "forged by nobody with logger"
expect_not_contains "nor one with forged journald fields" "$WORK/stdout" "forged by nobody with journald fields"
expect_exit 0 "logs --json" cc logs forge -n 100 --json
expect_not_contains "logs --json does not show them either" "$WORK/stdout" "forged by nobody"
finish
