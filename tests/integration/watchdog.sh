#!/usr/bin/env bash
# Liveness: watchdog = SEC gives the instances WatchdogSec=; the Node test app pings it from its
# event loop, so healthy instances are left alone, and one whose loop hangs is killed by the
# manager and started again; status says the watchdog restarted it.
source "$(dirname "$0")/lib.sh"
begin
[[ -n ${TESTAPP_JS:-} ]] || bail_out "TESTAPP_JS is set" "the Node test app is needed"

# kill_timeout: a hung instance ignores SIGTERM, and delete at the end would wait out the manager's 90 s.
conf=$(write_config wdog 18271 'instances = 2;' 'watchdog = 1;' 'kill_timeout = 1;')
sed -i "s|^exec = .*|script = \"$APPDIR/testapp.js\";|" "$conf"
expect_exit 0 "start 2 Node instances with a 1 s watchdog" start_app wdog "$conf"
expect_eq "the unit has WatchdogSec=" "$(unit_prop wdog@0.service WatchdogUSec)" 1s
sleep 3
for i in 0 1; do
	expect_eq "wdog@$i pings: no restart in 3 s" "$(unit_prop wdog@$i.service NRestarts)" 0
done

# wdog@1's event loop hangs half a second after each start: no more pings.
mkdir -p "$UNIT_DIR/wdog@1.service.d"
printf '[Service]\nEnvironment="TESTAPP_FLAGS=--hang-after 0.5"\n' >"$UNIT_DIR/wdog@1.service.d/90-test.conf"
systemctl --user daemon-reload
systemctl --user restart wdog@1.service
for _ in $(seq 150); do
	(($(unit_prop wdog@1.service NRestarts) >= 1)) && [[ $(unit_prop wdog@1.service ActiveState) == active ]] && break
	sleep 0.1
done
(($(unit_prop wdog@1.service NRestarts) >= 1)) && pass "the manager restarted the hung instance" ||
	fail "the hung instance was restarted" "$(systemctl --user status wdog@1.service 2>&1 | tail -5)"
expect_eq "the healthy one was not" "$(unit_prop wdog@0.service NRestarts)" 0

expect_exit 0 "status" cc status wdog
expect_contains "the summary says the watchdog restarted one" "$WORK/stdout" "1 restarted by the watchdog"
grep -E '^1 +wdog@1\.service .* [0-9]+ \([0-9]+ watchdog\)' "$WORK/stdout" >/dev/null &&
	pass "the row of wdog@1 counts its watchdog restarts" || fail "watchdog restarts in the row" "$(cat "$WORK/stdout")"
cc status wdog --json >"$WORK/status.json" || true
python3 - "$WORK/status.json" <<'PY' && pass "status --json: watchdog_kills" || fail "watchdog_kills in JSON" "$(cat "$WORK/status.json")"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["instances"][0]["watchdog_kills"] == 0 and s["instances"][1]["watchdog_kills"] >= 1, s["instances"]
PY

# A config error: the watchdog needs an app that can say WATCHDOG=1.
conf2=$(write_config wdexec 18272 'ready = "exec";' 'watchdog = 5;')
expect_exit 2 "watchdog with ready = \"exec\" is refused" cc check "$conf2"
expect_contains "naming the file and line" "$WORK/stderr" "$conf2:6: watchdog: needs ready = \"notify\""

finish
