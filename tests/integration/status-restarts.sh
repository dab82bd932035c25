#!/usr/bin/env bash
# status agrees with the manager (systemctl show) after an instance is killed: the manager
# restarts it, the others keep serving, and restarts counts it.
source "$(dirname "$0")/lib.sh"
begin

conf=$(write_config restarter 18211 'instances = 3;' 'restart_delay = 0.2;')
expect_exit 0 "start 3" start_app restarter "$conf"
old=$(unit_prop restarter@1.service MainPID)
start_load 18211
kill -KILL "$old"
wait_restarted restarter@1.service "$old"
stop_load "the other instances kept serving through the kill" 8
expect_eq "the manager restarted it" "$(unit_prop restarter@1.service ActiveState)" active

expect_exit 0 "status --json" cc status restarter --json
python3 - "$WORK/stdout" "$(unit_prop restarter@1.service NRestarts)" "$(unit_prop restarter@1.service MainPID)" \
	"$(unit_prop restarter@0.service NRestarts)" <<'PY' && pass "restarts and pid agree with systemctl show" ||
import json, sys
s = json.load(open(sys.argv[1]))
i1, i0 = s["instances"][1], s["instances"][0]
assert i1["restarts"] == int(sys.argv[2]) == 1, (i1, sys.argv)
assert i1["pid"] == int(sys.argv[3]), i1
assert i0["restarts"] == int(sys.argv[4]) == 0, i0
assert i1["ready_s"] is not None and i1["ready_s"] >= 0, i1
PY
	fail "restarts agree" "$(cat "$WORK/stdout")"
expect_exit 0 "status table" cc status restarter
grep -E "^1 +restarter@1.service +active/running +[0-9]+ +1 +[^ ]+ +1 " "$WORK/stdout" >/dev/null &&
	pass "the table shows 1 restart" || fail "the table shows 1 restart" "$(cat "$WORK/stdout")"

expect_exit 0 "status --cpu-sample" cc status restarter --cpu-sample 0.3 --json
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert all("cpu_percent" in i for i in s["instances"])' \
	"$WORK/stdout" && pass "cpu_percent is reported (null where the manager counts no cpu)" || fail "cpu_percent"

expect_exit 0 "status of all apps" cc status --json
python3 -c 'import json,sys; a=[x for x in json.load(open(sys.argv[1]))["apps"] if x["app"]=="restarter"][0]; assert a["desired"]==3 and a["active"]==3 and a["state"]=="ok" and a["socket"]=="restarter.socket", a' \
	"$WORK/stdout" && pass "the all-apps listing summarises it" || fail "all-apps listing" "$(cat "$WORK/stdout")"
expect_exit 0 "reload" cc reload restarter
expect_exit 0 "status of all apps after a reload" cc status
grep -E "^restarter .* ago$" "$WORK/stdout" >/dev/null && pass "the listing shows when it was last reloaded" ||
	fail "last reload shown" "$(cat "$WORK/stdout")"

finish
