#!/usr/bin/env bash
# status: the table and --json agree with the manager; exit 3 when not every instance is active.
source "$(dirname "$0")/lib.sh"
begin

conf=$(write_config stat 18131 'instances = 3;')
expect_exit 0 "start 3" start_app stat "$conf"

expect_exit 0 "status of a healthy app exits 0" cc status stat
expect_contains "summary line" "$WORK/stdout" "stat: 3/3 instances active"
expect_contains "table header" "$WORK/stdout" "INSTANCE"
pid1=$(unit_prop stat@1.service MainPID)
grep -E "^1 +stat@1.service +active/running +$pid1 " "$WORK/stdout" >/dev/null &&
	pass "row of stat@1 shows state and pid $pid1" || fail "row of stat@1" "$(cat "$WORK/stdout")"

expect_exit 0 "status --json" cc status stat --json
python3 - "$WORK/stdout" "$pid1" "$(unit_prop stat@1.service ExecMainStartTimestampMonotonic)" \
	"$(unit_prop stat@1.service ActiveEnterTimestampMonotonic)" <<'PY' && pass "json agrees with the manager" || fail "json agrees with the manager" "$(cat "$WORK/stdout")"
import json, sys, time
s = json.load(open(sys.argv[1]))
started, ready = int(sys.argv[3]) / 1e6, int(sys.argv[4]) / 1e6
assert s["app"] == "stat" and s["desired"] == 3 and s["active"] == 3, s
assert [i["index"] for i in s["instances"]] == [0, 1, 2], s
i1 = s["instances"][1]
assert i1["unit"] == "stat@1.service" and i1["pid"] == int(sys.argv[2]), i1
assert i1["active_state"] == "active" and i1["sub_state"] == "running", i1
assert i1["restarts"] == 0, i1
# Both from the manager's monotonic clock, which the wall clock being set cannot move.
assert abs(i1["ready_s"] - (ready - started)) < 0.01, (i1, ready - started)
assert 0 <= time.monotonic() - ready - i1["uptime_s"] < 5, (i1, time.monotonic() - ready)
assert s["socket"]["unit"] == "stat.socket", s
PY

expect_exit 0 "ls is status" cc ls stat
expect_contains "ls prints the same summary" "$WORK/stdout" "stat: 3/3 instances active"
expect_exit 0 "status of all apps" cc status
head -n 1 "$WORK/stdout" | grep -qE '^APP +ACTIVE +SOCKET +STATE +REV +ROLLOUT +LAST RELOAD$' && pass "all-apps list: the header" ||
	fail "all-apps list: the header" "$(cat "$WORK/stdout")"
grep -qE '^stat +3/3 +stat\.socket active +ok +1 +- +-$' "$WORK/stdout" &&
	pass "all-apps list: stat's row says 3/3, its socket active, ok, revision 1, no rollout, never reloaded" ||
	fail "all-apps list: stat's row" "$(cat "$WORK/stdout")"
expect_exit 0 "status of all apps --json" cc status --json
python3 - "$WORK/stdout" <<'PY' && pass "all-apps json: stat's entry agrees" || fail "all-apps json" "$(cat "$WORK/stdout")"
import json, sys
apps = [a for a in json.load(open(sys.argv[1]))["apps"] if a["app"] == "stat"]
assert apps == [{"app": "stat", "desired": 3, "active": 3, "state": "ok", "socket": "stat.socket",
                 "last_reload_usec": None, "revision": 1, "rollout": None}], apps
PY

systemctl --user stop stat@2.service
expect_exit 3 "status exits 3 with one instance stopped" cc status stat
expect_contains "summary shows 2/3" "$WORK/stdout" "stat: 2/3 instances active"
grep -qE '^2 +stat@2\.service +inactive/dead +- ' "$WORK/stdout" && pass "the stopped instance's row: inactive/dead, no pid" ||
	fail "the stopped instance's row" "$(cat "$WORK/stdout")"
expect_exit 3 "the all-apps list exits 3 too" cc status
grep -qE '^stat +2/3 +stat\.socket active +degraded ' "$WORK/stdout" && pass "…and calls stat degraded" ||
	fail "all-apps list: degraded" "$(cat "$WORK/stdout")"
expect_exit 3 "status --json exits 3 too" cc status stat --json
expect_eq "json active=2" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["active"])' "$WORK/stdout")" 2

expect_exit 0 "stop" cc stop stat
expect_eq "no instance active after stop" "$(active_instances stat)" 0
expect_eq "socket stopped" "$(unit_prop stat.socket ActiveState)" inactive
expect_exit 3 "status of a stopped app exits 3" cc status stat
expect_exit 0 "start by name brings it back" cc start stat -c "$conf"
expect_eq "3 active again" "$(active_instances stat)" 3
expect_exit 1 "status of an unknown app" cc status nosuchapp

finish
