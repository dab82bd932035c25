#!/usr/bin/env bash
# What a rollout checks, and what status shows after one stopped: an instance that dies 0.2 s
# after READY in a later batch is caught (by the watch while the rollout goes on, and by the
# final settle in the last batch); after a rollout stopped on a failure the revision of each
# instance is the one its process started with, also for an old instance the manager restarted.
source "$(dirname "$0")/lib.sh"
begin

set_version() { sed -i "s/APP_VERSION = \"[^\"]*\"/APP_VERSION = \"$2\"/" "$1"; }
# A drop-in of our own (not clusterctl's) that changes one instance's flags from its next start.
instance_flags() { # APP K FLAGS
	mkdir -p "$UNIT_DIR/$1@$2.service.d"
	printf '[Service]\nEnvironment="TESTAPP_FLAGS=%s"\n' "$3" >"$UNIT_DIR/$1@$2.service.d/90-test.conf"
}
status_json() { cc status "$1" --json >"$WORK/status.json" || true; }

# --- A crash 0.2 s after READY in the last batch: caught by the settle at the end.
conf=$(write_config late 18251 'instances = 4;' 'env = { APP_VERSION = "v1"; };')
expect_exit 0 "start 4 (default rollout: one spare, batches of one plus the spare)" start_app late "$conf"
instance_flags late 3 "--crash-after 0.2"
set_version "$conf" v2
expect_exit 1 "a reload whose last instance dies 0.2 s after READY fails" cc reload late
expect_contains "it names the instance" "$WORK/stderr" "late@3.service: was ready, then did not stay up"
grep -E '^late@4\.service +spare ' "$WORK/stderr" >/dev/null && pass "a spare went first" ||
	fail "a spare went first" "$(cat "$WORK/stderr")"
expect_eq "the failed instance is stopped, not left crash-looping" "$(unit_prop late@3.service ActiveState)" inactive
expect_eq "no spare is left running" "$(unit_prop late@4.service ActiveState)" inactive

# --- The same in a middle batch: the watch catches it while the rollout goes on, and stops there.
conf=$(write_config mid 18252 'instances = 4;' 'env = { APP_VERSION = "v1"; };' 'rollout = { surge = 0; pause = 0.4; };')
expect_exit 0 "start 4 (no spare, a pause between batches)" start_app mid "$conf"
instance_flags mid 1 "--crash-after 0.2"
later=$(for i in 2 3; do unit_prop mid@$i.service InvocationID; done | tr '\n' ' ')
set_version "$conf" v2
expect_exit 1 "a reload whose second batch dies 0.2 s after READY fails" cc reload mid
expect_contains "it names the instance" "$WORK/stderr" "mid@1.service: was ready, then did not stay up"
expect_eq "the batches after it were not started" "$(for i in 2 3; do unit_prop mid@$i.service InvocationID; done | tr '\n' ' ')" "$later"
expect_eq "mid@0 is on the new version" "$(instance_env mid 0 APP_VERSION)" v2

# --- Stopped on a failure: 2 new, 2 old (and the failed one), each as its process started.
conf=$(write_config mix 18253 'instances = 5;' 'env = { APP_VERSION = "v1"; };' 'rollout = { surge = 0; };')
expect_exit 0 "start 5" start_app mix "$conf"
instance_flags mix 2 "--fail-before-ready"
set_version "$conf" v2
expect_exit 1 "the reload stops at mix@2" cc reload mix
expect_contains "2 new, 2 old, 1 failed" "$WORK/stderr" "2 instances on the new version, 2 still on the old one, 1 failed"
status_json mix
python3 - "$WORK/status.json" <<'PY' && pass "status: revisions 2 2 - 1 1, stopped on failure" || fail "revisions after the stop" "$(cat "$WORK/status.json")"
import json, sys
s = json.load(open(sys.argv[1]))
assert [i["revision"] for i in s["instances"]] == [2, 2, None, 1, 1], s["instances"]
assert s["revision"] == 2 and s["rollout"]["state"] == "stopped on failure" and s["rollout"]["on_revision"] == 2, s
PY
for i in 0 1 3 4; do
	want=$( ((i < 2)) && echo v2 || echo v1)
	expect_eq "mix@$i's process runs $want" "$(instance_env mix $i APP_VERSION)" "$want"
done
expect_exit 3 "status exits 3 (one instance down)" cc status mix
expect_contains "the app line says the rollout stopped on failure" "$WORK/stdout" \
	"rollout of revision 2 stopped on failure (2 of 5 on it)"
grep -E '^3 +mix@3\.service +active/running +[0-9]+ +1 ' "$WORK/stdout" >/dev/null && pass "the table shows REV 1 for mix@3" ||
	fail "REV column" "$(cat "$WORK/stdout")"

# An old instance that crashes is started again by the manager, from the units it has loaded: the
# new version. Its revision follows.
old_pid=$(unit_prop mix@4.service MainPID)
kill -KILL "$old_pid"
wait_restarted mix@4.service "$old_pid"
expect_eq "mix@4 came back with the new version" "$(instance_env mix 4 APP_VERSION)" v2
status_json mix
expect_eq "and status says revision 2 for it" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["instances"][4]["revision"])' "$WORK/status.json")" 2

# The fix: without the bad flags (and the manager told, as after any edit), reload resumes and
# finishes.
rm -r "$UNIT_DIR/mix@2.service.d"
systemctl --user daemon-reload
expect_exit 0 "reload after the fix finishes the rollout" cc reload mix
status_json mix
python3 - "$WORK/status.json" <<'PY' && pass "every instance on revision 2, no rollout left" || fail "after the fix" "$(cat "$WORK/status.json")"
import json, sys
s = json.load(open(sys.argv[1]))
assert [i["revision"] for i in s["instances"]] == [2] * 5 and s["rollout"] is None, s
PY

finish
