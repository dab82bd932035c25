#!/usr/bin/env bash
# A user or group that does not exist on the machine is refused by check, start and reload -c
# with file:line (exit 2) before anything is written; generate, for packagers, accepts it. The
# accounts are looked up where clusterctl runs: one made only in the machine is accepted.
source "$(dirname "$0")/lib.sh"
readonly ACCOUNT=cctaccounts
# Registered before begin, so it runs after the apps are deleted: an account that processes
# still use is not deleted.
at_exit 'm userdel "$ACCOUNT" >/dev/null 2>&1 || true'
begin

snapshot() { m find /etc/systemd/system -printf '%p %s %T@\n' | sort; }
before=$(snapshot)

conf=$(write_config badacct 18330 'instances = 2;' 'user = "cct-no-such-user";')
expect_exit 2 "check refuses a user that does not exist" cc check "$conf"
expect_contains "check names file:line and the account" "$WORK/stderr" \
	"$conf:6: user: there is no account 'cct-no-such-user' on this machine"
expect_exit 2 "start refuses it" cc start "$conf"
expect_contains "start names file:line" "$WORK/stderr" "$conf:6: user:"
expect_eq "nothing was written in /etc/systemd/system" "$(snapshot)" "$before"
expect_eq "the manager knows no unit of it" "$(m systemctl list-units --all --plain --no-legend 'badacct*' | grep -c .)" 0
if http_get 18330 >/dev/null 2>&1; then fail "no socket listens on its port"; fi
pass "no socket listens on its port"
expect_exit 0 "generate, for packagers, accepts it" cc generate "$conf" -o "$APPDIR/generated"
expect_contains "and names the user" <(m cat "$APPDIR/generated/badacct@.service") "User=cct-no-such-user"

conf=$(write_config badgroup 18331 'user = "nobody";' 'group = "cct-no-such-group";')
expect_exit 2 "a group that does not exist is refused" cc start "$conf"
expect_contains "with file:line" "$WORK/stderr" "$conf:6: group: there is no group 'cct-no-such-group'"
expect_eq "nothing was written" "$(snapshot)" "$before"

# NSS of the machine, not of the host.
m userdel "$ACCOUNT" >/dev/null 2>&1 || true # left by a killed run
m useradd --system --no-create-home "$ACCOUNT"
conf=$(write_config acct 18332 'instances = 2;' "user = \"$ACCOUNT\";")
expect_exit 0 "an account made in the machine is found there" start_app acct "$conf"
ids=$(invocations acct 2)
m sed -i "s/user = \"$ACCOUNT\";/user = \"cct-no-such-user\";/" "$conf"
before=$(snapshot)
expect_exit 2 "reload -c refuses a user that does not exist" cc reload acct -c "$conf"
expect_contains "with file:line" "$WORK/stderr" "$conf:6: user: there is no account 'cct-no-such-user'"
expect_eq "nothing was written" "$(snapshot)" "$before"
expect_eq "no instance was touched" "$(invocations acct 2)" "$ids"
expect_exit 2 "reload reading the config itself refuses it too" cc reload acct
expect_eq "no instance was touched" "$(invocations acct 2)" "$ids"
finish
