#!/usr/bin/env bash
# The system manager of a booted machine, as an operator drives it: start, `scale max`, status
# (text, --json, exit 3 while an instance is down), logs, reload under load in both socket
# modes with no failed request, a bad deploy that leaves the old version serving, and delete
# removing every file and the port.
source "$(dirname "$0")/lib.sh"
begin

conf=$(write_config web 18300 'instances = 1;' 'env = { APP_VERSION = "v1"; TESTAPP_FLAGS = "--log-lines 3"; };')
expect_exit 0 "check" cc check "$conf"
expect_exit 0 "start (the system manager is the default scope)" start_app web "$conf"
expect_contains "start waited for the instance" "$WORK/stderr" "1 instance ready"
expect_eq "the unit is where the system manager reads it" \
	"$(m systemctl show -p FragmentPath --value web@0.service)" /etc/systemd/system/web@.service
expect_eq "web.target is enabled (it comes back at boot)" "$(m systemctl is-enabled web.target)" enabled
http_get 18300 >"$WORK/answer" || fail "it serves" "$(cat "$WORK/answer")"
expect_contains "it serves" "$WORK/answer" "instance=0"
expect_eq "without user, a dynamic user named after the app" \
	"$(m ps -o user= -p "$(unit_prop web@0.service MainPID)")" web

cpus=$(m nproc)
expect_exit 0 "scale web max" cc scale web max
expect_eq "max = the machine's $cpus CPUs, all active" "$(active_instances web)" "$cpus"
expect_eq "one link per instance in web.target.wants" \
	"$(m ls /etc/systemd/system/web.target.wants | grep -c '^web@')" "$cpus"

expect_exit 0 "status" cc status web
expect_contains "status: every instance active" "$WORK/stdout" "web: $cpus/$cpus instances active, web.socket active"
expect_contains "status: a row per instance" "$WORK/stdout" "web@0.service"
expect_exit 0 "status --json" cc status web --json
python3 - "$WORK/stdout" "$cpus" <<'PY' && pass "status --json: the system scope and every instance" ||
import json, sys
s = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
assert s["scope"] == "system" and s["desired"] == n and s["active"] == n, s
assert [i["active_state"] for i in s["instances"]] == ["active"] * n, s
PY
	fail "status --json" "$(cat "$WORK/stdout")"
m systemctl stop web@0.service 2>/dev/null
expect_exit 3 "status exits 3 while an instance is down" cc status web
expect_contains "it says how many are active" "$WORK/stdout" "web: $((cpus - 1))/$cpus instances active"
expect_exit 0 "start web brings it back" cc start web
expect_exit 0 "status 0 again" cc status web

# The instances' lines, from journald of the machine.
for _ in $(seq 50); do
	[[ $(cc logs web -n 100 | grep -c 'from instance 0') -ge 3 ]] && break
	sleep 0.1
done
expect_exit 0 "logs" cc logs web -n 100
expect_contains "logs: instance 0's lines, with its prefix" "$WORK/stdout" "web@0 | line 3 of 3 from instance 0"
expect_contains "logs: stderr lines too" "$WORK/stdout" "web@0 | stderr line from instance 0"
expect_not_contains "logs: no line of the manager's" "$WORK/stdout" "Started"

# Reload under load in both modes: every instance restarted, not one request lost.
for mode in shared reuseport; do
	port=$([[ $mode == shared ]] && echo 18301 || echo 18302)
	app=rl$mode
	conf=$(write_config "$app" "$port" 'instances = 2;' "socket_mode = \"$mode\";" 'env = { APP_VERSION = "v1"; };')
	expect_exit 0 "$mode: start" start_app "$app" "$conf"
	before=$(invocations "$app" 2)
	m sed -i 's/"v1"/"v2"/' "$conf"
	start_load "$port"
	expect_exit 0 "$mode: reload rolls out the change" cc reload "$app"
	stop_load "$mode: no request failed during the reload"
	after=$(invocations "$app" 2)
	[[ $before != "$after" && $(tr ' ' '\n' <<<"$after" | sort -u | grep -c .) == 2 ]] ||
		fail "$mode: both instances run a new process" "before: $before" "after: $after"
	pass "$mode: both instances run a new process"
	expect_contains "$mode: the new version serves" <(http_get "$port" /env/APP_VERSION) v2
done

# A bad deploy: the new version dies before it is ready. In shared mode the rollout tries it on
# a spare instance first (@2) and stops there: both instances keep serving the old version with
# no failed request.
m sed -i 's|"v2"; };|"v3"; TESTAPP_FLAGS = "--fail-before-ready"; };|' "$APPDIR/rlshared.conf"
start_load 18301
expect_exit 1 "a bad deploy fails the reload" cc reload rlshared
stop_load "the bad deploy failed no request"
expect_contains "it names the failed spare" "$WORK/stderr" "rlshared@2.service"
expect_contains "and says no instance was restarted" "$WORK/stderr" "all 2 still run the old one"
expect_eq "the old version still serves" "$(http_get 18301 /env/APP_VERSION)" v2
for k in 0 1; do
	expect_eq "rlshared@$k is active" "$(m systemctl is-active rlshared@$k.service)" active
done
spare=$(m systemctl is-active rlshared@2.service || true)
[[ $spare == inactive || $spare == failed ]] && pass "the spare is stopped ($spare)" ||
	fail "the spare is stopped" "is-active: $spare"

expect_exit 0 "delete" cc delete web
expect_eq "delete removed every file of web" "$(m find /etc/systemd/system -name 'web[@.]*' | wc -l)" 0
if http_get 18300 >/dev/null 2>&1; then fail "nothing listens on web's port after delete"; fi
pass "nothing listens on web's port after delete"
finish
