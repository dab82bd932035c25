#!/usr/bin/env bash
# Canaries: reload --canary moves that many instances, checks them, pauses and exits 0; the pause
# outlives the command and status says so; another reload is refused while paused unless told;
# promote rolls out the rest; undo puts the canary back without touching the others.
source "$(dirname "$0")/lib.sh"
begin

set_version() { sed -i "s/APP_VERSION = \"[^\"]*\"/APP_VERSION = \"$2\"/" "$1"; }
versions() { local i; for ((i = 0; i < $2; i++)); do instance_env "$1" $i APP_VERSION; done | tr '\n' ' '; }
status_field() { # APP PYTHON-EXPR on s (the status JSON)
	cc status "$1" --json | python3 -c "import json, sys; s = json.load(sys.stdin); print($2)"
}

conf=$(write_config can 18242 'instances = 4;' 'env = { APP_VERSION = "v1"; };')
expect_exit 0 "start 4" start_app can "$conf"

# A canary of 1 of 4, then promote.
set_version "$conf" v2
start_load 18242
expect_exit 0 "reload --canary 1 exits 0" cc reload can --canary 1
stop_load "no request failed during the canary"
expect_contains "it says the rollout is paused" "$WORK/stderr" "the rollout is paused"
expect_contains "and how to go on" "$WORK/stderr" "clusterctl promote can"
expect_eq "one instance on the new version, three on the old" "$(versions can 4)" "v2 v1 v1 v1 "
expect_exit 0 "status" cc status can
expect_contains "the app line says it is paused" "$WORK/stdout" "rollout of revision 2 paused after its canary (1 of 4 on it)"
expect_eq "status --json: paused, 1 on it" "$(status_field can 's["rollout"]["state"], s["rollout"]["on_revision"]')" "paused 1"
expect_eq "status --json: the revision of each instance" "$(status_field can '[i["revision"] for i in s["instances"]]')" \
	"[2, 1, 1, 1]"

expect_exit 1 "another reload while paused is refused" cc reload can
expect_contains "it says what is paused" "$WORK/stderr" "the rollout of revision 2 is paused after its canary"
expect_contains "and how to go on anyway" "$WORK/stderr" "--override-pause"
expect_eq "nothing was restarted by the refused reload" "$(versions can 4)" "v2 v1 v1 v1 "
expect_exit 0 "a dry run of one more canary over the pause" cc reload can --dry-run --override-pause --canary 1
expect_contains "it counts the one instance already moved" "$WORK/stdout" "resuming an unfinished rollout: 1 instance already on the new version"
expect_contains "it restarts one" "$WORK/stdout" "1 to restart"
expect_contains "and says it pauses again" "$WORK/stdout" "canary: the rollout then pauses with 2 instances not yet restarted"

canary_id=$(unit_prop can@0.service InvocationID)
start_load 18242
expect_exit 0 "promote" cc promote can
stop_load "no request failed during promote"
expect_eq "every instance on the new version" "$(versions can 4)" "v2 v2 v2 v2 "
expect_eq "promote did not restart the canary" "$(unit_prop can@0.service InvocationID)" "$canary_id"
expect_eq "no rollout left" "$(status_field can 's["rollout"]')" "None"
expect_exit 1 "promote with nothing paused" cc promote can
expect_contains "says nothing is paused" "$WORK/stderr" "no rollout is paused"

# A canary of 25%, then undo: the canary goes back, the others are not touched.
set_version "$conf" v3
expect_exit 0 "reload --canary 25%" cc reload can --canary 25%
expect_eq "25% of 4 is one canary" "$(versions can 4)" "v3 v2 v2 v2 "
others=$(for i in 1 2 3; do unit_prop can@$i.service InvocationID; done | tr '\n' ' ')
expect_exit 0 "undo puts the canary back" cc undo can
expect_eq "the canary runs the old version again" "$(versions can 4)" "v2 v2 v2 v2 "
expect_eq "the other instances were not restarted" \
	"$(for i in 1 2 3; do unit_prop can@$i.service InvocationID; done | tr '\n' ' ')" "$others"
expect_eq "no rollout left after undo" "$(status_field can 's["rollout"]')" "None"
expect_eq "every instance on one revision" "$(status_field can 'len({i["revision"] for i in s["instances"]})')" 1

# --override-pause: a new change rolled out over a paused canary.
set_version "$conf" v4
expect_exit 0 "canary of v4" cc reload can --canary 1
set_version "$conf" v5
expect_exit 1 "reload of v5 while v4 is paused" cc reload can
expect_exit 0 "reload --override-pause" cc reload can --override-pause
expect_eq "every instance on v5" "$(versions can 4)" "v5 v5 v5 v5 "

# A canary of the units as installed (new code under the same config): undo puts back what ran
# before it, the same revision, and leaves the other instances alone; not an older revision.
rev=$(status_field can 's["revision"]')
expect_exit 0 "a canary without a change to the units" cc reload can --canary 1
expect_contains "it says what it restarted, of one revision" "$WORK/stderr" "canary: 1 of 4 instances restarted, 3 not yet (revision $rev)"
others=$(for i in 1 2 3; do unit_prop can@$i.service InvocationID; done | tr '\n' ' ')
expect_exit 0 "undo after it" cc undo can
expect_contains "it says there is nothing to put back" "$WORK/stderr" "nothing to put back; the pause is over"
expect_eq "every instance still on v5" "$(versions can 4)" "v5 v5 v5 v5 "
expect_eq "undo did not restart the instances the canary left alone" \
	"$(for i in 1 2 3; do unit_prop can@$i.service InvocationID; done | tr '\n' ' ')" "$others"
expect_eq "every instance on the revision that ran before the canary" \
	"$(status_field can '{i["revision"] for i in s["instances"]}')" "{$rev}"
expect_eq "no rollout left after that undo" "$(status_field can 's["rollout"]')" "None"
# A canary that failed is not promoted: promote says the rollout stopped, and what to do.
sed -i 's/env = { APP_VERSION/env = { TESTAPP_FLAGS = "--fail-before-ready"; APP_VERSION/' "$conf"
set_version "$conf" v6
expect_exit 1 "a canary of a version that cannot start" cc reload can --canary 1
expect_exit 1 "promote after the failed canary" cc promote can
expect_contains "says the rollout stopped on a failure" "$WORK/stderr" "stopped on a failure, and promote does not go on past one"
sed -i 's/TESTAPP_FLAGS = "--fail-before-ready"; //' "$conf"
expect_exit 0 "the config fixed, reload" cc reload can
expect_eq "every instance on v6" "$(versions can 4)" "v6 v6 v6 v6 "
# A canary as large as the app is a whole rollout: no pause, and history says reload.
set_version "$conf" v7
expect_exit 0 "reload --canary 4 of 4" cc reload can --canary 4
expect_eq "every instance on v7" "$(versions can 4)" "v7 v7 v7 v7 "
expect_eq "no rollout left: nothing paused" "$(status_field can 's["rollout"]')" "None"
expect_eq "history records it as a reload" "$(history_json can | tr ' ' '\n' | tail -n 1 | cut -d: -f2)" reload
# history_limit = 1 keeps the revision the other instances still run, so undo can put it back.
conf2=$(write_config canlimit 18244 'instances = 2;' 'env = { APP_VERSION = "v1"; };' 'history_limit = 1;')
expect_exit 0 "start 2, keeping one revision" start_app canlimit "$conf2"
set_version "$conf2" v2
expect_exit 0 "a canary of 1" cc reload canlimit --canary 1
expect_exit 0 "undo puts the canary back" cc undo canlimit
expect_eq "both run v1 again" "$(versions canlimit 2)" "v1 v1 "
# ... also when a third revision is made during the pause, by a start with an edited config.
expect_exit 0 "another canary of 1" cc reload canlimit --canary 1
set_version "$conf2" v3
expect_exit 0 "start with an edited config while paused" cc start "$conf2"
expect_exit 0 "undo puts the canary back to what the other instance runs" cc undo canlimit
expect_eq "both run v1 again, after the third revision" "$(versions canlimit 2)" "v1 v1 "
expect_exit 2 "--canary needs a count" cc reload can --canary x
expect_exit 2 "--canary is refused by restart" cc restart can --canary 1

# A scale while paused writes the new instances' drop-ins (increment_var), not a new revision:
# promote still rolls the canary's revision out to the rest.
conf2=$(write_config canscale 18246 'instances = 2;' 'increment_var = "INST";' 'env = { INST = 0; APP_VERSION = "v1"; };')
expect_exit 0 "start 2 with a drop-in each" start_app canscale "$conf2"
set_version "$conf2" v2
expect_exit 0 "canary of 1" cc reload canscale --canary 1
expect_exit 0 "scale up while paused" cc scale canscale 3
expect_exit 0 "promote after the scale" cc promote canscale
expect_eq "every instance on the new version" "$(versions canscale 3)" "v2 v2 v2 "
expect_eq "each with its own drop-in" "$(for i in 0 1 2; do instance_env canscale $i INST; done | tr '\n' ' ')" "0 1 2 "
expect_eq "no rollout left after promote" "$(status_field canscale 's["rollout"]')" "None"

finish
