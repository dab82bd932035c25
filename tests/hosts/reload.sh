#!/usr/bin/env bash
# One app on three hosts, started, reloaded with a config change under load on every host, and
# seen through the merged status and logs: no request fails, every instance of every host ends on
# the new version, the progress names host and instance, and the host's own config is the new one.
source "$(dirname "$0")/lib.sh"
begin

app=hweb
# --hostile-output: escape sequences in a log line and in STATUS=, shown inert across hosts too.
conf=$(write_config $app 3999 'instances = 4;' 'env = { APP_VERSION = "v1"; TESTAPP_FLAGS = "--log-lines 2 --hostile-output"; };')
check "start FILE on three hosts" start_app $app "$conf"
for h in "${HOSTS[@]}"; do
	expect_eq "$h: four instances on v1" "$(versions_on "$h" $app 4)" "v1 v1 v1 v1 "
	expect_eq "$h: the config was written where its clusterctl looks" \
		"$(on "$h" grep -c 'APP_VERSION = "v1"' /etc/clusterctl/$app.conf)" 1
done
expect_eq "each host serves on its own loopback" "$(http_get_on h2 3999 | sed -n 's/.*version=\([^ ]*\).*/\1/p')" v1

# --- status: one table, a HOST column, a summary line per host ------------------------------
expect_exit 0 "status across three hosts" cc status $app "${ALL[@]}"
for h in "${HOSTS[@]}"; do
	expect_eq "status: a summary line for $h" "$(grep -cE "^$h +$app: 4/4 instances active" "$WORK/stdout")" 1
	expect_eq "status: four instance rows for $h" "$(grep -cE "^$h +[0-3] +$app@[0-3]\.service +active/running" "$WORK/stdout")" 4
done
# Each host's uptime and time to READY, put back on this machine's clock.
expect_eq "status: every row shows its uptime and time to READY" "$(awk '
	/^HOST / { for (i = 1; i <= NF; i++) col[$i] = i; next }
	/^h[123] / && $col["UPTIME"] ~ /^[0-9][0-9.hmds]*$/ && $col["READY"] ~ /^[0-9]\.[0-9][0-9]s$/ { n++ }
	END { print n + 0 }' "$WORK/stdout")" 12
expect_no_control_bytes "status across hosts prints no control byte" "$WORK/stdout"
expect_exit 0 "status --json across hosts" cc status $app "${ALL[@]}" --json
expect_eq "status --json: every host, every instance active" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join("%s:%d" % (h["host"], h["status"]["active"]) for h in d["hosts"]))' "$WORK/stdout")" "h1:4 h2:4 h3:4"
expect_exit 0 "status without an app lists the app on every host" cc status "${ALL[@]}"
expect_eq "status without an app: a line per host" "$(grep -cE "^h[123] +$app +4/4 " "$WORK/stdout")" 3

on h3 systemctl stop $app@2.service
expect_exit 3 "status exits 3 when one instance on one host is down" cc status $app "${ALL[@]}"
expect_contains "status shows the host with the instance down" "$WORK/stdout" "h3    $app: 3/4 instances active"
on h3 systemctl start $app@2.service

# --- logs: merged in time order, HOST APP@K | ------------------------------------------------
expect_exit 0 "logs across hosts" cc logs $app "${ALL[@]}" -n 50
for h in "${HOSTS[@]}"; do
	expect_contains "logs show $h's instances" "$WORK/stdout" "$h $app@1 | line 2 of 2 from instance 1"
done
expect_no_control_bytes "logs across hosts print no control byte" "$WORK/stdout"
expect_contains "…but the app's escape sequences as text" "$WORK/stdout" 'HOSTILE-OVERWRITE \e[31mHOSTILE-RED'
expect_exit 0 "logs --raw across hosts" cc logs $app "${ALL[@]}" -n 50 --raw
expect_no_control_bytes "logs --raw across hosts prints no control byte" "$WORK/stdout"
expect_exit 0 "logs --json across hosts" cc logs $app "${ALL[@]}" -n 50 --json
expect_eq "logs are merged in time order" "$(python3 -c '
import json, sys
t = [json.loads(l)["realtime_usec"] for l in open(sys.argv[1])]
hosts = {json.loads(l)["host"] for l in open(sys.argv[1])}
print(t == sorted(t) and len(t) > 0, sorted(hosts))' "$WORK/stdout")" "True ['h1', 'h2', 'h3']"

cc logs $app "${ALL[@]}" -n 0 -f >"$WORK/follow" 2>&1 &
follow=$!
sleep 2 # every host's journal is open before the new lines come
on h2 systemctl restart $app@3.service
on h3 systemctl restart $app@0.service
for _ in $(seq 100); do
	grep -q "^h3 $app@0 | line 2 of 2" "$WORK/follow" && grep -q "^h2 $app@3 | line 2 of 2" "$WORK/follow" && break
	sleep 0.1
done
kill "$follow"
wait "$follow" || true
expect_contains "logs -f follows h2" "$WORK/follow" "h2 $app@3 | line 2 of 2 from instance 3"
expect_contains "logs -f follows h3" "$WORK/follow" "h3 $app@0 | line 2 of 2 from instance 0"

# --- reload with a config change, under load on every host -------------------------------
declare -A before
for h in "${HOSTS[@]}"; do before[$h]=$(invocations_on "$h" $app 4); done
sed -i 's/APP_VERSION = "v1"/APP_VERSION = "v2"/' "$conf"
start_loads 3999
expect_exit 0 "reload -c FILE across three hosts × four instances" cc reload $app -c "$conf" "${ALL[@]}"
stop_loads "no request failed during the reload"
for h in "${HOSTS[@]}"; do
	expect_eq "$h: every instance on v2" "$(versions_on "$h" $app 4)" "v2 v2 v2 v2 "
	after=$(invocations_on "$h" $app 4)
	for i in 0 1 2 3; do
		b=$(cut -d' ' -f$((i + 1)) <<<"${before[$h]}") a=$(cut -d' ' -f$((i + 1)) <<<"$after")
		[[ $a != "$b" && -n $a ]] || fail "$h: $app@$i was restarted" "before $b, after $a"
	done
	pass "$h: every instance restarted"
	expect_eq "$h: its config is the new one" "$(on "$h" grep -c 'APP_VERSION = "v2"' /etc/clusterctl/$app.conf)" 1
	expect_contains "a summary line for $h" "$WORK/stderr" "$h  4 instances reloaded in"
done
# Which instance of a batch is ready first is the hosts' business; the count runs across hosts.
if grep -qE "^h2  $app@[0-3] +restarting … ready in [0-9.]+s  \[6/12\]$" "$WORK/stderr"; then
	pass "progress shows host, instance and the count across hosts"
else
	fail "progress shows host, instance and the count across hosts" "$(cat "$WORK/stderr")"
fi
expect_contains "the rollout's end" "$WORK/stderr" "$app: reloaded on 3 hosts in"

# Hosts in batches: all three at once.
expect_exit 0 "reload with --host-batch 100%" cc reload $app "${ALL[@]}" --host-batch 100%
expect_eq "every host reloaded" "$(grep -c "4 instances reloaded in" "$WORK/stderr")" 3

# scale, restart, stop fan out; stop is undone by start.
expect_exit 0 "scale across hosts, one after the other" cc scale $app 2 "${ALL[@]}"
for h in "${HOSTS[@]}"; do expect_contains "scale reports $h" "$WORK/stderr" "$h  $app: scaled 4 → 2"; done
expect_exit 0 "restart across hosts, in parallel" cc restart $app "${ALL[@]}" --parallel
expect_exit 0 "stop across hosts" cc stop $app "${ALL[@]}"
expect_exit 3 "stopped everywhere: status exits 3" cc status $app "${ALL[@]}"
expect_exit 0 "start APP across hosts: each host's own config" cc start $app "${ALL[@]}"
expect_exit 0 "all running again" cc status $app "${ALL[@]}"
expect_eq "start applies the config's count again" "$(grep -cE "^h[123] +[0-9]+ +$app@" "$WORK/stdout")" 12
finish
