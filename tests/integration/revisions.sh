#!/usr/bin/env bash
# Revisions: start and every reload that changes the units keep a numbered revision with its
# config; history lists them and shows one as a diff; undo puts one back under load with no failed
# request, and each instance's revision is the one its process started with; history_limit bounds
# what is kept; delete removes it all.
source "$(dirname "$0")/lib.sh"
begin

instance_revisions() { # APP: the revision of each instance, space-separated ("-" for none)
	cc status "$1" --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(" ".join(str(i["revision"]) if i["revision"] else "-" for i in s["instances"]))'
}

set_version() { sed -i "s/APP_VERSION = \"[^\"]*\"/APP_VERSION = \"$2\"/" "$1"; }

conf=$(write_config rev 18241 'instances = 4;' 'env = { APP_VERSION = "v1"; };')
expect_exit 0 "start" start_app rev "$conf"
for v in v2 v3 v4; do
	set_version "$conf" "$v"
	expect_exit 0 "reload to $v" cc reload rev
done
expect_contains "reload names the revision it rolls out" "$WORK/stderr" "rolling out revision 4"

# History after three reloads: four revisions, what made each, what changed, who runs it.
expect_eq "history: start, then three reloads; all 4 instances on the last" "$(history_json rev)" \
	"1:start:0 2:reload:0 3:reload:0 4:reload:4"
expect_exit 0 "history" cc history rev
expect_contains "history has a header" "$WORK/stdout" "CHANGE"
grep -E '^ *1 .* start +0 +first revision$' "$WORK/stdout" >/dev/null && pass "revision 1: start, first revision" ||
	fail "revision 1 row" "$(cat "$WORK/stdout")"
grep -E '^ *3 .* reload +0 +Environment \(APP_VERSION\)$' "$WORK/stdout" >/dev/null &&
	pass "revision 3: reload, the variable that changed" || fail "revision 3 row" "$(cat "$WORK/stdout")"
expect_not_contains "history shows which settings changed, never their values" "$WORK/stdout" "v3"
cc history rev --json >"$WORK/h.json"
python3 - "$WORK/h.json" "$conf" <<'PY' && pass "each revision keeps its config" || fail "config kept" "$(cat "$WORK/h.json")"
import json, sys
h = json.load(open(sys.argv[1]))
assert all(r["config"] == sys.argv[2] for r in h["revisions"]), h
PY
expect_eq "every instance runs revision 4" "$(instance_revisions rev)" "4 4 4 4"

expect_exit 0 "history --show 1" cc history rev --show 1
expect_contains "the diff takes the installed value out" "$WORK/stdout" '-Environment="APP_VERSION=v4"'
expect_contains "and puts revision 1's in" "$WORK/stdout" '+Environment="APP_VERSION=v1"'
expect_contains "and names the config" "$WORK/stdout" "config: $conf"
expect_contains "and shows it as revision 1 came from it" "$WORK/stdout" '    env = { APP_VERSION = "v1"; };'
expect_exit 1 "history --show of a revision not kept" cc history rev --show 99
expect_contains "says it is not kept" "$WORK/stderr" "revision 99 is not kept"
expect_exit 2 "history --show 0 is a usage error" cc history rev --show 0
expect_exit 2 "history --show x is a usage error" cc history rev --show x

# A reload that changes nothing restarts the instances but makes no revision.
expect_exit 0 "reload without a change" cc reload rev
expect_eq "still four revisions" "$(history_json rev)" "1:start:0 2:reload:0 3:reload:0 4:reload:4"

# Undo to the first, under load: no request fails, every instance ends on revision 1's units.
before=$(invocations rev 4)
start_load 18241
expect_exit 0 "undo --to 1 under load" cc undo rev --to 1
stop_load "no request failed during the undo"
expect_contains "undo says what it puts back" "$WORK/stderr" "putting revision 1 back (as revision 5)"
for i in 0 1 2 3; do
	expect_eq "rev@$i runs revision 1's environment" "$(instance_env rev $i APP_VERSION)" v1
done
expect_eq "undo restarted every instance" "$(comm -12 <(tr ' ' '\n' <<<"$before" | sort) <(invocations rev 4 | tr ' ' '\n' | sort) | grep -c .)" 0
expect_eq "the undo is revision 5, run by all" "$(history_json rev)" "1:start:0 2:reload:0 3:reload:0 4:reload:0 5:undo:4"
cc history rev --json | grep -q '"change":"undo to revision 1"' && pass "its change says where it went back to" ||
	fail "undo change line" "$(cc history rev)"
expect_eq "status: every instance on revision 5" "$(instance_revisions rev)" "5 5 5 5"
expect_eq "the units on disk are revision 1's again" "$(grep -c 'APP_VERSION=v1' "$UNIT_DIR/rev@.service")" 1
expect_exit 0 "undo without --to goes back to the revision before" cc undo rev
expect_eq "back on revision 4's environment" "$(instance_env rev 0 APP_VERSION)" v4
expect_exit 1 "undo to a revision not kept" cc undo rev --to 42
expect_contains "names it" "$WORK/stderr" "revision 42 is not kept"

# history_limit: only the last N stay.
printf 'history_limit = 3;\n' >>"$conf"
set_version "$conf" v7
expect_exit 0 "reload with history_limit = 3" cc reload rev
expect_eq "three revisions kept" "$(history_json rev | tr ' ' '\n' | cut -d: -f1 | tr '\n' ' ')" "5 6 7 "

# delete removes the revisions with the app.
[[ -d $XDG_STATE_HOME/clusterctl/rev/revisions ]] && pass "revisions live in the state directory" ||
	fail "state directory" "$(ls -R "$XDG_STATE_HOME" 2>&1)"
expect_exit 0 "delete" cc delete rev
[[ ! -e $XDG_STATE_HOME/clusterctl/rev ]] && pass "delete removed the revisions" ||
	fail "revisions left after delete" "$(ls -R "$XDG_STATE_HOME/clusterctl/rev")"
set_version "$conf" v1
expect_exit 0 "start again" start_app rev "$conf"
expect_eq "a new app of the same name starts at revision 1" "$(history_json rev)" "1:start:4"
expect_eq "and has never been reloaded" "$(cc status rev --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["last_reload_usec"])')" None

finish
