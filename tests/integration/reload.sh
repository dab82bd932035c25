#!/usr/bin/env bash
# reload under continuous load (a new connection per request) drops zero requests in both socket
# modes, moves every instance to a new process, and rolls out a config change to all of them.
source "$(dirname "$0")/lib.sh"
begin

run_mode() { # MODE APP PORT
	local mode=$1 app=$2 port=$3 conf before after i
	conf=$(write_config "$app" "$port" 'instances = 4;' "socket_mode = \"$mode\";" 'env = { APP_VERSION = "v1"; };')
	expect_exit 0 "$mode: start 4" start_app "$app" "$conf"
	before=$(invocations "$app" 4)

	sed -i 's/"v1"/"v2"/' "$conf"
	start_load "$port"
	expect_exit 0 "$mode: reload rolls out the config change" cc reload "$app"
	stop_load "$mode: no request failed during the reload"
	expect_contains "$mode: reload reports every instance ready" "$WORK/stderr" "[4/4]"
	expect_contains "$mode: reload says the units changed" "$WORK/stderr" "units updated"

	after=$(invocations "$app" 4)
	for i in 0 1 2 3; do
		[[ $(echo "$before" | cut -d' ' -f$((i + 1))) != $(echo "$after" | cut -d' ' -f$((i + 1))) ]] &&
			pass "$mode: $app@$i has a new InvocationID" || fail "$mode: $app@$i has a new InvocationID" "$before" "$after"
		expect_eq "$mode: $app@$i runs with the new env" "$(instance_env "$app" $i APP_VERSION)" v2
	done
	expect_eq "$mode: all 4 active" "$(active_instances "$app")" 4

	# A reload with nothing changed still restarts every instance, one batch at a time.
	before=$after
	expect_exit 0 "$mode: reload without a change" cc reload "$app" --batch 2
	after=$(invocations "$app" 4)
	expect_eq "$mode: no instance kept its process" "$(comm -12 <(tr ' ' '\n' <<<"$before" | sort) <(tr ' ' '\n' <<<"$after" | sort) | grep -c .)" 0
}

run_mode shared rlshared 18171
run_mode reuseport rlreuse 18172

# --dry-run prints the plan and the diff and changes nothing.
conf="$WORK/rlshared.conf"
sed -i 's/"v2"/"v3"/' "$conf"
before=$(invocations rlshared 4)
expect_exit 0 "dry run" cc reload rlshared --dry-run --batch 50%
expect_contains "dry run shows the spare" "$WORK/stdout" "spare first: rlshared@4"
expect_contains "dry run shows the batches: 50% plus one for the spare" "$WORK/stdout" "batch 2: rlshared@3"
expect_contains "dry run shows the unit diff" "$WORK/stdout" '+Environment="APP_VERSION=v3"'
expect_contains "dry run shows the removed line" "$WORK/stdout" '-Environment="APP_VERSION=v2"'
expect_eq "dry run restarted nothing" "$(invocations rlshared 4)" "$before"
expect_not_contains "dry run wrote nothing" "$UNIT_DIR/rlshared@.service" "v3"

# --json: one event per line, parseable.
expect_exit 0 "reload --json" cc reload rlshared --json
python3 - "$WORK/stdout" <<'PY' && pass "json events parse and end with done" || fail "json events" "$(cat "$WORK/stdout")"
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
assert [e["event"] for e in events].count("ready") == 4, events
assert events[-1]["event"] == "done" and events[-1]["instances"] == 4, events
PY

# restart keeps PM2's meaning: every instance at once.
before=$(invocations rlshared 4)
expect_exit 0 "restart" cc restart rlshared
expect_eq "restart replaced all 4 processes" "$(comm -12 <(tr ' ' '\n' <<<"$before" | sort) <(invocations rlshared 4 | tr ' ' '\n' | sort) | grep -c .)" 0

finish
