#!/usr/bin/env bash
# One mutating command per app at a time; a reload killed with SIGKILL leaves every instance
# running, and the next reload finishes the job without restarting any instance twice, as the
# next promote or undo finishes one of theirs (and neither finishes the other's).
source "$(dirname "$0")/lib.sh"
begin

# kill_once_restarted "UNIT..." ARGS...: runs clusterctl ARGS in the background and kills it with
# SIGKILL as soon as every UNIT has restarted (within 5 s), mid-rollout.
kill_once_restarted() {
	local units=($1) before=() pid i moved
	shift
	for i in "${!units[@]}"; do before[i]=$(unit_prop "${units[i]}" InvocationID); done
	"$CLUSTERCTL" --user "$@" >"$WORK/killed.out" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		moved=1
		for i in "${!units[@]}"; do
			[[ $(unit_prop "${units[i]}" InvocationID) != "${before[i]}" ]] || moved=0
		done
		((moved)) && break
		sleep 0.05
	done
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null || true
}

conf=$(write_config killed 18191 'instances = 4;' 'env = { APP_VERSION = "v1"; };' 'rollout = { pause = 3.0; grace = 0.2; };')
expect_exit 0 "start 4" start_app killed "$conf"
conf2=$(write_config other 18192 'instances = 2;')
expect_exit 0 "start another app" start_app other "$conf2"

sed -i 's/"v1"/"v2"/' "$conf"
before=$(invocations killed 4)
"$CLUSTERCTL" --user reload killed >"$WORK/first.out" 2>&1 &
pid=$!
# Wait (bounded) until the first instance is on the new version.
for _ in $(seq 100); do
	[[ $(instance_env killed 0 APP_VERSION 2>/dev/null) == v2 ]] && break
	sleep 0.1
done
expect_exit 1 "a second reload of the same app is refused" cc reload killed
expect_contains "it says another command is working" "$WORK/stderr" "another clusterctl command (pid $pid) is working on 'killed'"
expect_exit 0 "a command on another app proceeds" cc reload other
expect_exit 0 "status during the rollout" cc status killed
expect_contains "its app line says it is rolling out revision 2" "$WORK/stdout" "rolling out revision 2 ("
expect_eq "status --json: rolling" "$(cc status killed --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["rollout"]["state"])')" rolling

start_load 18191
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
for i in 0 1 2 3; do
	expect_eq "after SIGKILL killed@$i is running" "$(unit_prop killed@$i.service ActiveState)" active
done
expect_eq "status --json: the rollout is interrupted" "$(cc status killed --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["rollout"]["state"])')" interrupted
expect_exit 0 "status after the kill" cc status killed
expect_contains "its app line says so" "$WORK/stdout" "rollout of revision 2 interrupted ("
expect_exit 1 "promote refuses a reload's rollout" cc promote killed
expect_contains "…and names the command that finishes it" "$WORK/stderr" "was interrupted, and 'clusterctl reload killed' finishes it"
mid=$(invocations killed 4)
moved=()
for i in 0 1 2 3; do
	[[ $(echo "$mid" | cut -d' ' -f$((i + 1))) != $(echo "$before" | cut -d' ' -f$((i + 1))) ]] && moved+=("$i")
done
((${#moved[@]} >= 1 && ${#moved[@]} < 4)) && pass "the killed reload moved ${#moved[@]} of 4 instances" ||
	fail "the killed reload moved some but not all instances" "${moved[*]}"

expect_exit 0 "the next reload finishes the rollout" cc reload killed
stop_load "no request failed through the kill and the resume"
expect_contains "it says it resumes" "$WORK/stderr" "resuming an unfinished rollout"
after=$(invocations killed 4)
for i in "${moved[@]}"; do
	expect_eq "killed@$i, already new, was not restarted twice" "$(echo "$after" | cut -d' ' -f$((i + 1)))" "$(echo "$mid" | cut -d' ' -f$((i + 1)))"
done
for i in 0 1 2 3; do
	expect_eq "killed@$i serves v2" "$(instance_env killed $i APP_VERSION)" v2
done
expect_eq "the spare the killed reload left is gone" "$(unit_prop killed@4.service ActiveState)" inactive

# Killed in its last batch, with its spare up: the next reload has no instance left to move, and
# still stops the spare.
conf3=$(write_config lastbatch 18193 'instances = 2;' 'env = { APP_VERSION = "v1"; TESTAPP_FLAGS = "--ready-delay 1"; };')
expect_exit 0 "start 2 slow to get ready" start_app lastbatch "$conf3"
sed -i 's/"v1"/"v2"/' "$conf3"
# The spare and its grace, then both instances restart in one batch: kill while they get ready.
kill_once_restarted "lastbatch@0.service lastbatch@1.service" reload lastbatch
for _ in $(seq 50); do
	[[ $(unit_prop lastbatch@0.service ActiveState) == active && $(unit_prop lastbatch@1.service ActiveState) == active ]] && break
	sleep 0.1
done
expect_eq "the killed reload left its spare running" "$(unit_prop lastbatch@2.service ActiveState)" active
expect_exit 0 "the next reload, with nothing left to restart" cc reload lastbatch
expect_contains "it finds both instances moved" "$WORK/stderr" "2 of 2 instances already on the new version"
expect_eq "it stopped the spare the killed reload left" "$(unit_prop lastbatch@2.service ActiveState)" inactive

# history_limit = 1 and the same kill: no instance runs the revision the rollout came from, yet
# a revision made then (a start with an edited config) leaves it, and undo puts it back.
conf5=$(write_config lastlimit 18196 'instances = 2;' 'history_limit = 1;' 'env = { APP_VERSION = "v1"; TESTAPP_FLAGS = "--ready-delay 1"; };')
expect_exit 0 "start 2 keeping one revision" start_app lastlimit "$conf5"
sed -i 's/"v1"/"v2"/' "$conf5"
kill_once_restarted "lastlimit@0.service lastlimit@1.service" reload lastlimit
sed -i 's/"v2"/"v3"/' "$conf5"
expect_exit 0 "start with an edited config after the kill" cc start "$conf5"
expect_exit 0 "undo goes back to where the killed rollout came from" cc undo lastlimit
expect_eq "both run v1 again" "$(for i in 0 1; do instance_env lastlimit $i APP_VERSION; done | tr '\n' ' ')" "v1 v1 "

# A promote killed mid-way: promote again finishes it (the pause is over, the rollout is not).
conf4=$(write_config killedpromote 18194 'instances = 4;' 'env = { APP_VERSION = "v1"; TESTAPP_FLAGS = "--ready-delay 1"; };')
expect_exit 0 "start 4 slow to get ready" start_app killedpromote "$conf4"
sed -i 's/"v1"/"v2"/' "$conf4"
expect_exit 0 "a canary of 1" cc reload killedpromote --canary 1
kill_once_restarted killedpromote@1.service promote killedpromote
expect_exit 0 "promote again after the kill" cc promote killedpromote
expect_eq "every instance on the new version" \
	"$(for i in 0 1 2 3; do instance_env killedpromote $i APP_VERSION; done | tr '\n' ' ')" "v2 v2 v2 v2 "
expect_eq "no rollout left" \
	"$(cc status killedpromote --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["rollout"])')" None

# An undo killed mid-way: undo again finishes it, to the revision it was putting back, instead of
# going back to the one it was leaving.
conf5=$(write_config killedundo 18195 'instances = 4;' 'env = { APP_VERSION = "v1"; TESTAPP_FLAGS = "--ready-delay 1"; };')
expect_exit 0 "start 4 slow to get ready" start_app killedundo "$conf5"
sed -i 's/"v1"/"v2"/' "$conf5"
expect_exit 0 "reload to v2" cc reload killedundo
kill_once_restarted killedundo@0.service undo killedundo
expect_exit 1 "promote refuses an undo's rollout" cc promote killedundo
expect_contains "…and names undo" "$WORK/stderr" "'clusterctl undo killedundo' finishes it"
expect_exit 0 "undo again after the kill" cc undo killedundo
expect_contains "it says it resumes" "$WORK/stderr" "resuming an unfinished rollout"
expect_eq "every instance back on v1" \
	"$(for i in 0 1 2 3; do instance_env killedundo $i APP_VERSION; done | tr '\n' ' ')" "v1 v1 v1 v1 "
expect_eq "one undo revision, run by all" \
	"$(history_json killedundo)" "1:start:0 2:reload:0 3:undo:4"
expect_eq "no rollout left" \
	"$(cc status killedundo --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["rollout"])')" None

# --wait queues behind a running command instead of failing.
"$CLUSTERCTL" --user reload killed >/dev/null 2>&1 &
pid=$!
sleep 0.3
expect_exit 0 "reload --wait waits for the lock" cc reload killed --wait
wait "$pid" && pass "the first reload also succeeded" || fail "the first reload also succeeded"

# hold_lock EX|SH FILE SECONDS: another process holds FILE's flock for SECONDS, from before this
# returns; its pid is in $holder.
hold_lock() {
	python3 -c 'import fcntl, sys, time
f = open(sys.argv[2], "r"); fcntl.flock(f, getattr(fcntl, "LOCK_" + sys.argv[1])); print("locked", flush=True)
time.sleep(float(sys.argv[3]))' "$1" "$2" "$3" >"$WORK/holder.out" &
	holder=$!
	for _ in $(seq 50); do
		grep -q locked "$WORK/holder.out" && return
		sleep 0.1
	done
}

# A lock whose holder left no pid we can read (digits past any pid) names no one.
lockfile=$XDG_RUNTIME_DIR/clusterctl/other.lock
printf '4294967297\n' >"$lockfile"
hold_lock EX "$lockfile" 60
expect_exit 1 "a command on an app another process holds is refused" cc reload other
expect_contains "…saying another command is working on it" "$WORK/stderr" "another clusterctl command is working on 'other'"
expect_not_contains "…without naming a pid it cannot know" "$WORK/stderr" "(pid "
kill "$holder"
wait "$holder" 2>/dev/null || true

# status and top look at the lock with a shared lock, for an instant: a command that meets only
# such a look (here held for 0.5 s) waits it out instead of saying another command is working.
hold_lock SH "$lockfile" 0.5
expect_exit 0 "a shared look at the lock does not refuse a command" cc reload other
wait "$holder" 2>/dev/null || true

finish
