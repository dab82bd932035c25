#!/usr/bin/env bash
# A bad deploy never takes the old version down: with the shared socket the new version fails on
# the spare that starts first, and no instance is touched; without spares (a socket per instance,
# or surge = 0) the rollout stops at the first failing instance and the others keep serving the
# old version. No request fails, the failed instance is not left crash-looping; with
# on_failure = "rollback" every instance ends on the old version.
source "$(dirname "$0")/lib.sh"
begin

# bad_deploy APP PORT DESCRIPTION ENV_FLAGS ALLOWED_FAILURES FIRST [CONFIG LINES...]
# FIRST: "spare" (the new version fails on APP@4, no instance moves) or "inplace" (on APP@0).
bad_deploy() {
	local app=$1 port=$2 what=$3 flags=$4 allowed=$5 first=$6 conf before after i
	shift 6
	conf=$(write_config "$app" "$port" 'instances = 4;' 'env = { APP_VERSION = "v1"; };' "$@")
	expect_exit 0 "$what: start v1" start_app "$app" "$conf"
	before=$(invocations "$app" 4)

	sed -i "s/APP_VERSION = \"v1\";/APP_VERSION = \"v2\"; TESTAPP_FLAGS = \"$flags\";/" "$conf"
	start_load "$port"
	expect_exit 1 "$what: reload fails" cc reload "$app"
	stop_load "$what: no request failed (beyond those the crashing process held)" "$allowed"
	after=$(invocations "$app" 4)
	if [[ $first == spare ]]; then
		expect_contains "$what: names the spare" "$WORK/stderr" "$app@4.service"
		expect_contains "$what: no instance was touched" "$WORK/stderr" "before any instance was restarted: all 4 still run the old one"
		expect_eq "$what: the spare is stopped" "$(unit_prop "$app@4.service" ActiveState)" inactive
		local untouched="0 1 2 3"
	else
		expect_contains "$what: names the first instance" "$WORK/stderr" "$app@0.service"
		expect_not_contains "$what: stopped after the first instance" "$WORK/stderr" "$app@1.service     restarting"
		expect_contains "$what: counts old and new" "$WORK/stderr" "0 instances on the new version, 3 still on the old one, 1 failed"
		expect_eq "$what: the failed instance is stopped, not crash-looping" "$(unit_prop "$app@0.service" ActiveState)" inactive
		local untouched="1 2 3"
	fi
	for i in $untouched; do
		expect_eq "$what: $app@$i untouched" "$(echo "$after" | cut -d' ' -f$((i + 1)))" "$(echo "$before" | cut -d' ' -f$((i + 1)))"
		expect_eq "$what: $app@$i serves v1" "$(instance_env "$app" $i APP_VERSION)" v1
	done
}

bad_deploy badexit 18181 "exit before READY" "--fail-before-ready" 0 spare
expect_contains "exit before READY: the reason" "$WORK/stderr" "exit-code"
expect_contains "exit before READY: its last log lines" "$WORK/stderr" "refusing to start"

bad_deploy badslow 18182 "READY timeout" "--ready-delay 5" 0 spare 'ready_timeout = 1;'
expect_contains "READY timeout: the reason" "$WORK/stderr" "timeout"

# A process that crashes drops the requests it was serving (8 at most: the load's concurrency).
bad_deploy badcrash 18183 "crash after READY" "--crash-after 0.2" 8 spare 'rollout = { grace = 1.0; };'
expect_contains "crash after READY: the reason" "$WORK/stderr" "did not stay up"

# With a socket per instance, the failed instance's socket is stopped too: otherwise the kernel
# keeps hashing connections into a backlog nobody accepts from, and those clients hang. Until it
# is stopped, connections hashed to it are reset: the trade-off of reuseport. How many varies a
# lot between runs (8 to 118 of about 25,000 seen), so the bound is 1% of the requests; a quarter
# of them go to that socket.
bad_deploy badreuse 18186 "reuseport, exit before READY" "--fail-before-ready" 1% inplace 'socket_mode = "reuseport";'
expect_eq "reuseport: the failed instance's socket is stopped" "$(unit_prop badreuse@0.socket ActiveState)" inactive
expect_eq "reuseport: the others' sockets listen" "$(unit_prop badreuse@1.socket ActiveState)" active
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["failures"].get("read_timeout", 0) != 0)' "$WORK/load.json" &&
	pass "reuseport: no client waited on the dead instance's backlog" || fail "no read timeouts" "$(cat "$WORK/load.json")"

# Without a spare the first instance is the one that fails, and the others keep the old version.
bad_deploy badnospare 18187 "no spare, exit before READY" "--fail-before-ready" 0 inplace 'rollout = { surge = 0; };'

# Rollback: every instance ends on the old version, the old units are back on disk.
conf=$(write_config rollback 18184 'instances = 4;' 'env = { APP_VERSION = "v1"; };' 'rollout = { on_failure = "rollback"; };')
expect_exit 0 "rollback: start v1" start_app rollback "$conf"
cp "$UNIT_DIR/rollback@.service" "$WORK/service.v1"
sed -i 's/APP_VERSION = "v1";/APP_VERSION = "v2"; TESTAPP_FLAGS = "--fail-before-ready";/' "$conf"
start_load 18184
expect_exit 1 "rollback: reload fails" cc reload rollback
stop_load "rollback: no request failed"
expect_contains "rollback: reports rolled back" "$WORK/stderr" "rolled back"
expect_eq "rollback: all 4 active" "$(active_instances rollback)" 4
for i in 0 1 2 3; do
	expect_eq "rollback: rollback@$i serves v1" "$(instance_env rollback $i APP_VERSION)" v1
done
cmp -s "$UNIT_DIR/rollback@.service" "$WORK/service.v1" && pass "rollback: the previous units are back on disk" ||
	fail "rollback: the previous units are back on disk" "$(diff "$WORK/service.v1" "$UNIT_DIR/rollback@.service")"

# --on-failure on the command line wins over the config.
conf=$(write_config rbflag 18185 'instances = 2;' 'env = { APP_VERSION = "v1"; };')
expect_exit 0 "flag: start" start_app rbflag "$conf"
sed -i 's/APP_VERSION = "v1";/APP_VERSION = "v2"; TESTAPP_FLAGS = "--fail-before-ready";/' "$conf"
expect_exit 1 "flag: reload --on-failure rollback fails" cc reload rbflag --on-failure rollback
expect_eq "flag: rbflag@0 back on v1" "$(instance_env rbflag 0 APP_VERSION)" v1
expect_exit 2 "a bad --on-failure is a usage error" cc reload rbflag --on-failure sometimes

finish
