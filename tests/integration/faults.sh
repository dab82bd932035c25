#!/usr/bin/env bash
# Faults: a crash-looping app is stopped by the restart limit (or, on a shared socket, kept
# slow) and status says so; the controller killed mid-command leaves whole files and the next
# run converges; a read-only or full unit directory is a clear error with the old units intact;
# a manager reload during a rollout; a lost or silent bus is an error, not a hang.
source "$(dirname "$0")/lib.sh"
begin

# --- crash loop, own sockets: the manager's restart limit stops it ---------------------------
conf=$(write_config looper 18241 'instances = 2;' 'socket_mode = "reuseport";' 'restart_delay = 0.1;')
expect_exit 0 "start a healthy app" start_app looper "$conf"
sed -i 's/^instances = 2;/instances = 2;\nenv = { TESTAPP_FLAGS = "--crash-after 0.1"; };/' "$conf"
expect_exit 1 "reload to a version that crashes right after READY fails" cc reload looper
expect_contains "it says the instance did not stay up" "$WORK/stderr" "did not stay up"
# Let looper@1 crash-loop on its own: start it on the new units without clusterctl's stop.
systemctl --user start looper@0.service 2>/dev/null || true
# The manager gives up after StartLimitBurst starts; its Result keeps the exit that began it.
for _ in $(seq 150); do
	[[ $(unit_prop looper@0.service SubState) == failed ]] && break
	sleep 0.1
done
expect_eq "the restart limit stopped the loop" "$(unit_prop looper@0.service SubState)" failed
n1=$(unit_prop looper@0.service NRestarts)
sleep 1.5
expect_eq "no busy loop: no restart after the limit" "$(unit_prop looper@0.service NRestarts)" "$n1"
expect_exit 3 "status exits 3" cc status looper
expect_contains "status shows the state and why" "$WORK/stdout" "failed/failed (exit-code, restart limit)"
expect_contains "the summary says so" "$WORK/stdout" "1 stopped by the restart limit"
expect_eq "the other instance still serves the old version" "$(unit_prop looper@1.service ActiveState)" active

# --- crash loop, shared socket: no limit (it would fail the shared socket), but slow ---------
conf=$(write_config sharedloop 18242 'instances = 2;' 'restart_delay = 1.0;')
expect_exit 0 "start a shared-socket app" start_app sharedloop "$conf"
sed -i 's/^instances = 2;/instances = 2;\nenv = { TESTAPP_FLAGS = "--crash-after 0.1"; };/' "$conf"
start_load 18242
cc reload sharedloop >/dev/null 2>&1 || true
# The reload stopped at its spare; put sharedloop@0 on the new units by hand, to crash-loop.
systemctl --user restart sharedloop@0.service 2>/dev/null || true
sleep 1
r1=$(unit_prop sharedloop@0.service NRestarts)
sleep 3
r2=$(unit_prop sharedloop@0.service NRestarts)
# Each crash drops what that process held (8 requests at most); the healthy instance serves on.
stop_load "the healthy instance served throughout the crash loop" $((8 * (r2 + 2)))
((r2 - r1 <= 4)) && pass "a crash loop restarts at most once a second ($((r2 - r1)) in 3 s)" ||
	fail "crash loop too fast" "$r1 → $r2"
expect_eq "the shared socket survives the crash loop" "$(unit_prop sharedloop.socket ActiveState)" active
# Between two crashes it runs for a moment: ask until status catches it waiting to restart.
rc=0
for _ in $(seq 50); do
	rc=0
	cc status sharedloop >"$WORK/stdout" 2>/dev/null || rc=$?
	grep -q crash-looping "$WORK/stdout" && break
	sleep 0.1
done
expect_eq "status exits 3" "$rc" 3
expect_contains "the summary says it is crash-looping" "$WORK/stdout" "crash-looping"
cc stop sharedloop >/dev/null 2>&1

# --- the controller killed mid-command ---------------------------------------------------------
conf=$(write_config killme 18243 'instances = 6;' 'increment_var = "PORT";' 'env = { PORT = 7000; };')
APPS_STARTED+=(killme)
for delay in 0.005 0.02 0.05; do
	"$CLUSTERCTL" --user start "$conf" >/dev/null 2>&1 &
	sleep "$delay"
	kill -KILL $! 2>/dev/null || true
	wait $! 2>/dev/null || true
	units_whole >"$WORK/bad" && pass "start killed after ${delay}s: every unit file whole" ||
		fail "unit files whole after a killed start" "$(cat "$WORK/bad")"
done
expect_exit 0 "the next start converges" cc start "$conf"
expect_eq "6 active" "$(active_instances killme)" 6
ls -a "$UNIT_DIR" | grep -q '^\.killme' && fail "no temp file left" "$(ls -a "$UNIT_DIR")" || pass "no temp file left behind"

"$CLUSTERCTL" --user scale killme 12 >/dev/null 2>&1 &
sleep 0.05
kill -KILL $! 2>/dev/null || true
wait $! 2>/dev/null || true
units_whole >"$WORK/bad" && pass "scale killed: every unit file whole" || fail "whole after scale" "$(cat "$WORK/bad")"
expect_exit 0 "the next scale converges" cc scale killme 12
expect_eq "12 active" "$(active_instances killme)" 12

"$CLUSTERCTL" --user delete killme >/dev/null 2>&1 &
sleep 0.05
kill -KILL $! 2>/dev/null || true
wait $! 2>/dev/null || true
units_whole >"$WORK/bad" && pass "delete killed: every unit file whole" || fail "whole after delete" "$(cat "$WORK/bad")"
cc delete killme >/dev/null 2>&1 || true
[[ -z $(find "$UNIT_DIR" -name 'killme*' -print -quit) ]] && pass "the next delete leaves nothing of the app" ||
	fail "delete converges" "$(find "$UNIT_DIR" -name 'killme*')"

# --- a read-only or full unit directory -------------------------------------------------------
conf=$(write_config diskapp 18244 'instances = 2;' 'env = { APP_VERSION = "v1"; };')
expect_exit 0 "start" start_app diskapp "$conf"
app_files_sum() { find "$UNIT_DIR" -path "*diskapp*" -type f | sort | xargs cat | md5sum; }
sum_before=$(app_files_sum)
sed -i 's/"v1"/"v2"/' "$conf"
expect_exit 1 "reload into a read-only unit directory fails" \
	unshare -m sh -c "mount --bind -o ro '$UNIT_DIR' '$UNIT_DIR' && exec '$CLUSTERCTL' --user reload diskapp"
expect_contains "the error names the file and the cause" "$WORK/stderr" "Read-only file system"
expect_eq "the old units are intact" "$(app_files_sum)" "$sum_before"
expect_eq "both instances still run" "$(active_instances diskapp)" 2

# A full file system: a copy of the unit directory on a tiny tmpfs, filled up.
expect_exit 1 "reload into a full unit directory fails" unshare -m sh -c "
	mkdir -p '$WORK/full' && mount -t tmpfs -o size=256k tmpfs '$WORK/full' &&
	cp -a '$UNIT_DIR'/. '$WORK/full'/ && (dd if=/dev/zero of='$WORK/full/.filler' bs=4k 2>/dev/null; true) &&
	mount --bind '$WORK/full' '$UNIT_DIR' && exec '$CLUSTERCTL' --user reload diskapp"
expect_contains "the error says the disk is full" "$WORK/stderr" "No space left on device"
expect_eq "the old units are intact" "$(app_files_sum)" "$sum_before"

# --- the manager reloading its units during a rollout -----------------------------------------
conf=$(write_config duringreload 18245 'instances = 4;' 'env = { APP_VERSION = "v1"; };' 'rollout = { pause = 0.3; };')
expect_exit 0 "start" start_app duringreload "$conf"
sed -i 's/"v1"/"v2"/' "$conf"
"$CLUSTERCTL" --user reload duringreload >"$WORK/rollout.out" 2>&1 &
rollout=$!
for _ in 1 2 3 4 5; do
	sleep 0.4
	systemctl --user daemon-reload
done
rc=0
wait "$rollout" || rc=$?
if [[ $rc == 0 ]]; then
	pass "the rollout completed through manager reloads"
	for i in 0 1 2 3; do
		expect_eq "duringreload@$i on v2" "$(instance_env duringreload $i APP_VERSION)" v2
	done
else
	grep -q "clusterctl reload duringreload' again" "$WORK/rollout.out" && pass "the rollout stopped cleanly, saying how to finish" ||
		fail "rollout through daemon-reload" "$(cat "$WORK/rollout.out")"
	expect_eq "every instance still runs" "$(active_instances duringreload)" 4
fi

# --- a lost or silent bus --------------------------------------------------------------------
fake=$(mktemp -d /run/clusterctl-fakebus.XXXXXX)
mkdir -p "$fake/systemd"
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8)
end = time.time() + 60
while time.time() < end:
    c, _ = s.accept()
    if sys.argv[2] == "close": c.close()
    else: time.sleep(60)
' "$fake/systemd/private" close &
server=$!
sleep 0.3
start_t=$(date +%s)
expect_exit 1 "a bus that hangs up is an error" env XDG_RUNTIME_DIR="$fake" DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent "$CLUSTERCTL" --user status
expect_contains "with a message" "$WORK/stderr" "clusterctl:"
kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true
rm -f "$fake/systemd/private"
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8)
c, _ = s.accept(); time.sleep(90)
' "$fake/systemd/private" &
server=$!
sleep 0.3
start_t=$(date +%s)
expect_exit 1 "a bus that never answers is an error" env XDG_RUNTIME_DIR="$fake" DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent "$CLUSTERCTL" --user status
took=$(($(date +%s) - start_t))
((took <= 40)) && pass "…within a deadline (${took}s), not a hang" || fail "deadline" "took ${took}s"
kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true
rm -rf "$fake"

finish
