#!/usr/bin/env bash
# delete removes every file clusterctl wrote and nothing else; a unit file clusterctl did not
# write is never overwritten without --force.
source "$(dirname "$0")/lib.sh"
begin

mkdir -p "$UNIT_DIR"
snapshot() { (cd "$UNIT_DIR" && find . | sort); }

# An operator's own drop-in for the app must survive delete.
mkdir -p "$UNIT_DIR/delme@.service.d"
echo '[Service]' >"$UNIT_DIR/delme@.service.d/99-operator.conf"
before=$(snapshot)

conf=$(write_config delme 18141 'instances = 2;' 'increment_var = "PORT";' 'env = { PORT = 6000; };')
expect_exit 0 "start" start_app delme "$conf"
[[ $(snapshot) != "$before" ]] && pass "start wrote files" || fail "start wrote files"
expect_exit 0 "delete" cc delete delme
expect_eq "every file written is gone, the operator's drop-in stays" "$(snapshot)" "$before"
expect_eq "no instance left" "$(active_instances delme)" 0
expect_exit 1 "delete again: no such app" cc delete delme
rm -rf "$UNIT_DIR/delme@.service.d"

# A hand-written unit with the app's name is refused, and left byte for byte.
printf '[Service]\nExecStart=/bin/true\n' >"$UNIT_DIR/handmade@.service"
sum=$(md5sum <"$UNIT_DIR/handmade@.service")
conf=$(write_config handmade 18142)
expect_exit 1 "start refuses to overwrite a foreign unit" cc start "$conf"
expect_contains "the error names the file and --force" "$WORK/stderr" "handmade@.service exists and was not written by clusterctl"
expect_eq "the foreign file is unchanged" "$(md5sum <"$UNIT_DIR/handmade@.service")" "$sum"
[[ ! -e "$UNIT_DIR/handmade.target" ]] && pass "nothing else was written" || fail "nothing else was written"
expect_exit 0 "--force overwrites it" start_app handmade "$conf" --force
expect_exit 0 "delete the forced app" cc delete handmade
[[ ! -e "$UNIT_DIR/handmade@.service" ]] && pass "forced file removed by delete" || fail "forced file removed"

finish
