#!/usr/bin/env bash
# Units written but never loaded — what a start, scale or reload killed between writing unit
# files and the manager's Reload() leaves — are loaded by the next command before it starts or
# restarts anything (as systemctl warns of NeedDaemonReload), so no instance comes up on the old
# definition while clusterctl reports success. A rollout counts an instance as new only when its
# process started after the manager loaded the new units.
source "$(dirname "$0")/lib.sh"
begin

# The unit files of a newer config written into the unit directory without a Reload(): exactly
# what the killed command wrote (generate renders what start and reload render).
write_units_unloaded() { # CONFIG
	"$CLUSTERCTL" --user generate "$1" -o "$UNIT_DIR" >/dev/null 2>&1
}

conf=$(write_config stale 18271 'instances = 2;' 'env = { APP_VERSION = "v1"; };')
expect_exit 0 "start v1" start_app stale "$conf"
sed -i 's/"v1"/"v2"/' "$conf"
write_units_unloaded "$conf"
expect_eq "the manager runs stale@0 from changed files" "$(unit_prop stale@0.service NeedDaemonReload)" yes
expect_exit 0 "reload" cc reload stale
cp "$WORK/stderr" "$WORK/reload.err"
for i in 0 1; do
	expect_eq "stale@$i runs the new definition (v2)" "$(instance_env stale $i APP_VERSION)" v2
done
expect_contains "it says it reloads the manager" "$WORK/reload.err" "has not loaded the units on disk"
expect_eq "nothing is left unloaded" "$(unit_prop stale@0.service NeedDaemonReload)" no

# start: a stopped instance is started on the units on disk, not on the loaded ones.
systemctl --user stop stale@1.service
sed -i 's/"v2"/"v3"/' "$conf"
write_units_unloaded "$conf"
expect_exit 0 "start" cc start "$conf"
expect_eq "stale@1, started again, runs v3" "$(instance_env stale 1 APP_VERSION)" v3

# scale: a new instance's drop-in is loaded, not only written.
conf=$(write_config stalescale 18272 'instances = 1;' 'increment_var = "PORT";' 'env = { PORT = 7100; };')
expect_exit 0 "start with a per-instance drop-in" start_app stalescale "$conf"
sed -i 's/PORT = 7100;/PORT = 7200;/' "$conf"
write_units_unloaded "$conf"
systemctl --user stop stalescale@0.service
expect_exit 0 "scale to the same count" cc scale stalescale 1
expect_eq "stalescale@0 runs its new drop-in" "$(instance_env stalescale 0 PORT)" 7200

# The rollout's start time is taken once the manager has loaded the new units: an instance
# restarted before that (by Restart=, say) still runs the old units and must be restarted.
conf=$(write_config since 18273 'instances = 3;' 'env = { APP_VERSION = "v1"; };' 'rollout = { pause = 1.0; };')
expect_exit 0 "start v1" start_app since "$conf"
sed -i 's/"v1"/"v2"/' "$conf"
"$CLUSTERCTL" --user reload since >"$WORK/reload.out" 2>&1 &
pid=$!
state=$XDG_RUNTIME_DIR/clusterctl/since.rollout
for _ in $(seq 200); do
	[[ -s $state ]] && break
	sleep 0.05
done
since=$(sed -n 's/^since=//p' "$state")
loaded=$(systemctl --user show -p UnitsLoadTimestampMonotonic --value)
rc=0
wait "$pid" || rc=$?
expect_eq "the reload succeeded" "$rc" 0
[[ -n $since && -n $loaded ]] && ((since >= loaded)) &&
	pass "the rollout started ($since µs) after the manager loaded the new units ($loaded µs)" ||
	fail "the rollout started after the manager loaded the new units" "since=$since loaded=$loaded" \
		"$(cat "$WORK/reload.out")"

finish
