#!/usr/bin/env bash
# start brings up 4 ready instances behind one port in each socket mode; each instance sees its
# own NODE_APP_INSTANCE and increment_var value; connections reach several instances.
source "$(dirname "$0")/lib.sh"
begin

run_mode() { # MODE APP PORT
	local mode=$1 app=$2 port=$3 conf i
	conf=$(write_config "$app" "$port" 'instances = 4;' "socket_mode = \"$mode\";" \
		'increment_var = "PORT";' 'env = { PORT = 4000; };')

	expect_exit 0 "$mode: start 4 instances" start_app "$app" "$conf"
	expect_contains "$mode: start reports all ready" "$WORK/stderr" "4 instances ready"
	expect_eq "$mode: 4 instances active" "$(active_instances "$app")" 4
	for i in 0 1 2 3; do
		main_environ "$app@$i.service" >"$WORK/env"
		expect_contains "$mode: $app@$i has NODE_APP_INSTANCE=$i" "$WORK/env" "NODE_APP_INSTANCE=$i"
		expect_contains "$mode: $app@$i has PORT=$((4000 + i))" "$WORK/env" "PORT=$((4000 + i))"
		expect_eq "$mode: $app@$i is Type=notify and ran READY" "$(unit_prop "$app@$i.service" SubState)" running
	done

	"$LOADGEN" --host 127.0.0.1 --port "$port" --concurrency 8 --duration 2 --json >"$WORK/load.json" ||
		fail "$mode: load over the one port had failures" "$(cat "$WORK/load.json")"
	local seen
	seen=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["instances"]))' "$WORK/load.json")
	if ((seen >= 2)); then pass "$mode: connections reached $seen instances"; else
		fail "$mode: connections reached only $seen instance(s)" "$(cat "$WORK/load.json")"; fi
}

run_mode shared sockshared 18111
expect_eq "shared: one socket unit for all" "$(unit_prop sockshared.socket ActiveState)" active
run_mode reuseport sockreuse 18112
for i in 0 1 2 3; do
	expect_eq "reuseport: sockreuse@$i.socket listens" "$(unit_prop "sockreuse@$i.socket" ActiveState)" active
done

finish
