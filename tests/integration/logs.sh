#!/usr/bin/env bash
# logs reads the journal of every instance: right prefix, time order, -n, --instance, --json,
# -p (stderr lines marked as errors), --since/--until, --raw, and -f showing a new line.
source "$(dirname "$0")/lib.sh"
begin

conf=$(write_config logger 18201 'instances = 2;' 'env = { TESTAPP_FLAGS = "--log-lines 5"; };')
expect_exit 0 "start 2 instances that log 5 lines and one error each" start_app logger "$conf"

# journald may take a moment to store the lines: wait (bounded) for all 12.
for _ in $(seq 50); do
	[[ $(cc logs logger -n 100 | grep -c 'from instance') -ge 12 ]] && break
	sleep 0.1
done
expect_exit 0 "logs" cc logs logger -n 100
expect_contains "instance 0's lines carry its prefix" "$WORK/stdout" "logger@0 | line 1 of 5 from instance 0"
expect_contains "instance 1's lines carry its prefix" "$WORK/stdout" "logger@1 | line 5 of 5 from instance 1"
expect_contains "stderr lines are there too" "$WORK/stdout" "logger@1 | stderr line from instance 1"
grep 'logger@0 | line' "$WORK/stdout" | sed 's/.*line \([0-9]\) of.*/\1/' | tr -d '\n' >"$WORK/order"
expect_eq "an instance's lines are in order" "$(cat "$WORK/order")" 12345
expect_not_contains "no other unit's lines" "$WORK/stdout" "Started"

expect_exit 0 "logs -n 3" cc logs logger -n 3
expect_eq "-n 3 prints 3 lines" "$(wc -l <"$WORK/stdout")" 3
expect_eq "without -n, the last 15 lines (all 12 here)" "$(cc logs logger | wc -l)" 12

expect_exit 0 "logs --instance 1" cc logs logger --instance 1 -n 100
expect_not_contains "--instance 1 hides instance 0" "$WORK/stdout" "logger@0"
expect_eq "--instance 1 shows its 6 lines" "$(grep -c 'logger@1 |' "$WORK/stdout")" 6
expect_exit 0 "--instance repeated" cc logs logger --instance 0 --instance 1 -n 100
expect_eq "both instances" "$(wc -l <"$WORK/stdout")" 12

expect_exit 0 "logs -p err" cc logs logger -p err -n 100
expect_eq "-p err shows only the two stderr lines" "$(grep -c 'stderr line' "$WORK/stdout")/$(wc -l <"$WORK/stdout")" 2/2

pid0=$(unit_prop logger@0.service MainPID)
expect_exit 0 "logs --json" cc logs logger --json -n 100
python3 - "$WORK/stdout" "$pid0" <<'PY' && pass "json lines parse with instance, pid, priority, timestamp" ||
import json, sys
entries = [json.loads(l) for l in open(sys.argv[1])]
assert len(entries) == 12, entries
e0 = [e for e in entries if e["instance"] == 0]
assert all(e["pid"] == int(sys.argv[2]) for e in e0), e0
assert all(e["unit"] == "logger@0.service" for e in e0), e0
errs = [e for e in entries if e["priority"] == 3]
assert len(errs) == 2 and all(e["message"].startswith("stderr line") for e in errs), errs
assert all(e["timestamp"].endswith("Z") and e["realtime_usec"] > 0 for e in entries), entries
ts = [e["realtime_usec"] for e in entries]
assert ts == sorted(ts), "not in time order"
PY
	fail "json lines" "$(cat "$WORK/stdout")"

expect_exit 0 "logs --raw" cc logs logger --raw -n 1
expect_not_contains "--raw has no prefix" "$WORK/stdout" "logger@"
expect_exit 0 "--since an hour ago" cc logs logger --since '1h ago'
expect_eq "--since shows every line since then" "$(wc -l <"$WORK/stdout")" 12
expect_exit 0 "--until an hour ago" cc logs logger --until -1h
expect_eq "--until an hour ago shows nothing" "$(wc -l <"$WORK/stdout")" 0
expect_exit 2 "a bad --since is a usage error" cc logs logger --since 'next tuesday'
expect_contains "it names the option" "$WORK/stderr" "--since: 'next tuesday' is not a time"
expect_exit 2 "a bad priority is a usage error" cc logs logger -p loud

# -f: a line printed after logs started shows up.
"$CLUSTERCTL" --user logs logger -f -n 0 >"$WORK/follow" 2>&1 &
follower=$!
sleep 0.5
systemctl --user restart logger@1.service
for _ in $(seq 50); do
	grep -q 'logger@1 | line 5 of 5' "$WORK/follow" && break
	sleep 0.1
done
kill "$follower" 2>/dev/null
wait "$follower" 2>/dev/null || true
expect_contains "-f shows lines logged after it started" "$WORK/follow" "logger@1 | line 5 of 5 from instance 1"
expect_not_contains "-f -n 0 shows nothing older" "$WORK/follow" "logger@0"

finish
