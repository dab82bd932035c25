#!/usr/bin/env bash
# Errors say what really failed, with the exit status clusterctl(1) documents: a manager that
# stops answering mid-command, enable links that cannot be read, a config named by a relative
# path (its file:line as it is, not doubled).
source "$(dirname "$0")/lib.sh"
begin

# --- the manager stops answering: exit status 1, whatever the errno -------------------------
conf=$(write_config frozen 18261 'instances = 1;')
expect_exit 0 "start" start_app frozen "$conf"
# Hold the app's lock, so that delete --wait connects, then waits; freeze the manager, let delete
# go on: its next call times out (after SYSTEMD_BUS_TIMEOUT, sd-bus's own setting).
mkdir -p "$XDG_RUNTIME_DIR/clusterctl"
# The holder must stay alive: in a pid namespace (a booted machine) /proc/locks hides a lock whose
# owner has exited, and the waiters queued behind it. -o: its child does not keep the file open.
flock -o "$XDG_RUNTIME_DIR/clusterctl/frozen.lock" sleep 600 &
holder=$!
for _ in $(seq 200); do
	grep -Eq -- "^[0-9]+: FLOCK +ADVISORY +WRITE +$holder " /proc/locks && break
	sleep 0.05
done
SYSTEMD_BUS_TIMEOUT=2 "$CLUSTERCTL" --user delete frozen --wait >"$WORK/stdout" 2>"$WORK/stderr" &
pid=$!
for _ in $(seq 200); do
	grep -Eq -- "-> FLOCK +ADVISORY +WRITE +$pid " /proc/locks && break
	sleep 0.05
done
grep -Eq -- "-> FLOCK +ADVISORY +WRITE +$pid " /proc/locks && pass "delete --wait waits for the lock" ||
	fail "delete --wait waits for the lock" "$(cat /proc/locks)"
kill -STOP "$MANAGER_PID"
pkill -P "$holder" sleep # the holder exits with its command, and lets go of the lock
wait "$holder" 2>/dev/null || true
rc=0
wait "$pid" || rc=$?
kill -CONT "$MANAGER_PID"
expect_eq "delete against a manager that stopped answering exits 1" "$rc" 1
expect_contains "and says why" "$WORK/stderr" "cannot list the units of 'frozen': Connection timed out"
expect_eq "the app is still there" "$(active_instances frozen)" 1

# --- enable links that cannot be read are an error, not "no enabled instances" ------------------
conf=$(write_config linkless 18262 'instances = 2;')
expect_exit 0 "start" start_app linkless "$conf"
mv "$UNIT_DIR/linkless.target.wants" "$WORK/linkless.wants"
echo "not a directory" >"$UNIT_DIR/linkless.target.wants"
for cmd in "restart linkless" "reload linkless" "scale linkless 3" "start linkless"; do
	# shellcheck disable=SC2086
	expect_exit 1 "$cmd with unreadable enable links fails" cc $cmd
	expect_contains "$cmd names the links and the cause" "$WORK/stderr" "linkless.target.wants: Not a directory"
	expect_not_contains "$cmd does not claim there are none" "$WORK/stderr" "no enabled instances"
done
rm "$UNIT_DIR/linkless.target.wants"
mv "$WORK/linkless.wants" "$UNIT_DIR/linkless.target.wants"
expect_eq "both instances still run" "$(active_instances linkless)" 2

# --- a config named by a relative path -----------------------------------------------------
mkdir -p "$WORK/tree/examples/node"
printf 'name = "rel";\nexec = "/bin/true";\ninstanses = 2;\n' >"$WORK/tree/examples/node/web.conf"
for verb in generate check; do
	rc=0
	(cd "$WORK/tree" && "$CLUSTERCTL" --user "$verb" examples/node/web.conf) >"$WORK/stdout" 2>"$WORK/stderr" || rc=$?
	expect_eq "$verb of a bad config given relative to the current directory exits 2" "$rc" 2
	expect_contains "$verb names the file once, with its line" "$WORK/stderr" "$WORK/tree/examples/node/web.conf:3: unknown key"
	expect_not_contains "$verb does not double the path" "$WORK/stderr" "examples/node/examples/node"
done

finish
