#!/usr/bin/env bash
# An ordinary user's own manager, on a booted machine: an account logged in over ssh runs
# `clusterctl --user` with the default hardening. Its instances start, really run sandboxed (a
# user namespace of their own, no capabilities, their own /tmp, a read-only home), reload under
# load without a failed request, log, and are deleted. clusterctl says when linger is off; with
# it on, the instances outlive the login and come back at boot with no command.
source "$(dirname "$0")/lib.sh"
begin
readonly ACCOUNT=cctuser PORT=18801
HOME_DIR=/home/$ACCOUNT

cleanup() {
	as_user "$APPDIR/clusterctl" --user delete web >/dev/null 2>&1 || true
	as_user "$APPDIR/clusterctl" --user delete probe >/dev/null 2>&1 || true
	logout_user
	m loginctl disable-linger "$ACCOUNT" >/dev/null 2>&1 || true
	m loginctl terminate-user "$ACCOUNT" >/dev/null 2>&1 || true
	m userdel --remove "$ACCOUNT" >/dev/null 2>&1 || true
}
at_exit cleanup # before begin's clean-up, which removes $APPDIR/clusterctl

# as_user CMD...: CMD runs on the machine as the account, in a login session of its own (ssh).
as_user() { ssh -F "$MACHINES_STATE/ssh_config" "$ACCOUNT@$MACHINE" "$(printf '%q ' "$@")"; }
# clusterctl --user, as the account.
ucc() { as_user env "${SANITIZER_ENV[@]}" "$APPDIR/clusterctl" --user "$@"; }
# Ends the account's login: the shared ssh connection is its one session.
logout_user() { ssh -F "$MACHINES_STATE/ssh_config" -O exit "$ACCOUNT@$MACHINE" >/dev/null 2>&1 || true; }
# InvocationID of instances 0..N-1 of web, space-separated.
invocations_user() { # N
	local i units=()
	for ((i = 0; i < $1; i++)); do units+=("web@$i.service"); done
	as_user systemctl --user show -p InvocationID --value "${units[@]}" | paste -sd ' '
}
# What logind says of the account: active, online, lingering, offline, …
user_state() { m loginctl show-user "$ACCOUNT" -p State --value 2>/dev/null || echo offline; }

m loginctl terminate-user "$ACCOUNT" >/dev/null 2>&1 || true # left by a killed run
m userdel --remove "$ACCOUNT" >/dev/null 2>&1 || true
check "an ordinary account that logs in over ssh" "$MACHINES" adduser "$MACHINES_STATE" "$MACHINE" "$ACCOUNT"
# The build may be where the account cannot read (a checkout under /root): a copy it can run.
m install -m 0755 /dev/stdin "$APPDIR/clusterctl" <"$CLUSTERCTL"
as_user mkdir -p "$HOME_DIR/web"
as_user tee "$HOME_DIR/web/web.conf" >/dev/null <<CONF
name = "web";
exec = "$APPDIR/testapp";
instances = 2;
listen = "127.0.0.1:$PORT";
env = { TESTAPP_FLAGS = "--log-lines 2"; };
CONF
expect_eq "the account is not root" "$(as_user id -u)" "$(m id -u "$ACCOUNT")"
expect_eq "linger is off to begin with" "$(m loginctl show-user "$ACCOUNT" -p Linger --value)" no

# --- start, and what the units say --------------------------------------------------------
expect_exit 0 "start web.conf (default hardening) as $ACCOUNT" ucc start "$HOME_DIR/web/web.conf"
expect_contains "every instance became ready" "$WORK/stderr" "web: 2 instances ready"
expect_contains "start says linger is off" "$WORK/stderr" "lingering is off for $ACCOUNT"
expect_contains "... and how to turn it on" "$WORK/stderr" "loginctl enable-linger"
as_user cat "$HOME_DIR/.config/systemd/user/web@.service" >"$WORK/unit"
expect_contains "the unit gives the instances a user namespace" "$WORK/unit" "PrivateUsers=yes"
expect_contains "... in which they drop every capability" "$WORK/unit" "CapabilityBoundingSet="
expect_contains "... and get their own /tmp" "$WORK/unit" "PrivateTmp=yes"
grep -q '^instance=' <(http_get $PORT /) && pass "it serves" || fail "it serves" "$(http_get $PORT / 2>&1)"
expect_exit 0 "status" ucc status web
expect_contains "status says linger is off too" "$WORK/stderr" "lingering is off for $ACCOUNT"

as_user systemd-analyze --user security web@0.service >"$WORK/security" 2>&1 || true
score=$(sed -n 's/.*Overall exposure level for web@0.service: \([0-9.]*\).*/\1/p' "$WORK/security")
log "exposure of the user's unit: $score (systemd-analyze --user security)"
python3 -c "import sys; sys.exit(not (0 < float('${score:-0}') <= 2.6))" && pass "exposure $score ≤ 2.6" ||
	fail "exposure ≤ 2.6" "$(cat "$WORK/security")"

# --- the sandbox, seen from inside an instance ---------------------------------------------
as_user touch /tmp/cct-user-outside # in the shared /tmp: the instances must not see it
as_user tee "$HOME_DIR/web/probe" >/dev/null <<'SH'
#!/bin/sh
echo "probe uid_map=$(awk '{print $1 "/" $2 "/" $3}' /proc/self/uid_map | paste -sd ' ')"
echo "probe capbnd=$(sed -n 's/^CapBnd:\t//p' /proc/self/status)"
echo "probe tmp=[$(ls -A /tmp | tr '\n' ' ')]"
touch "$HOME/probe-wrote" 2>/dev/null && echo "probe home-write=ok" || echo "probe home-write=denied"
echo "probe done"
exec sleep infinity
SH
as_user chmod 0755 "$HOME_DIR/web/probe"
printf 'name = "probe";\nexec = "%s/web/probe";\nready = "exec";\n' "$HOME_DIR" | as_user tee "$HOME_DIR/web/probe.conf" >/dev/null
expect_exit 0 "start a probe app" ucc start "$HOME_DIR/web/probe.conf"
for _ in $(seq 50); do
	ucc logs probe -n 20 --raw >"$WORK/probe" 2>&1 || true
	grep -q '^probe done' "$WORK/probe" && break
	sleep 0.1
done
expect_contains "logs: the probe's report, read back by the user" "$WORK/probe" "probe done"
expect_not_contains "the instance runs in a user namespace (not the whole uid range)" "$WORK/probe" \
	"probe uid_map=0/0/4294967295"
expect_contains "... with no capability left" "$WORK/probe" "probe capbnd=0000000000000000"
expect_contains "... its own empty /tmp" "$WORK/probe" "probe tmp=[]"
expect_contains "... and a home it cannot write" "$WORK/probe" "probe home-write=denied"
expect_exit 0 "delete the probe" ucc delete probe

# --- reload under load, logs --------------------------------------------------------------
before=$(invocations_user 2)
start_load $PORT
expect_exit 0 "reload under load" ucc reload web
stop_load "no request failed during the reload"
after=$(invocations_user 2)
[[ $before != "$after" ]] && pass "every instance was restarted" || fail "every instance was restarted" "$before"
expect_exit 0 "logs" ucc logs web -n 100
expect_contains "the instances' own lines" "$WORK/stdout" "web@1 | line 2 of 2 from instance 1"

# --- what a user can do without user namespaces --------------------------------------------
# (a manager whose units cannot create one: a kernel or security module that forbids them)
expect_exit 0 "generate where user namespaces are refused" as_user systemd-run --user --quiet --wait --pipe \
	-p RestrictNamespaces=~user "$APPDIR/clusterctl" --user generate "$HOME_DIR/web/web.conf"
expect_contains "it says the sandbox is smaller" "$WORK/stderr" "cannot give the instances a user namespace"
expect_not_contains "no PrivateUsers=, which would fail" "$WORK/stdout" "PrivateUsers="
expect_not_contains "no CapabilityBoundingSet=, which would fail" "$WORK/stdout" "CapabilityBoundingSet="
expect_contains "the system call filter stays" "$WORK/stdout" "SystemCallFilter=@system-service"

# --- linger: the instances outlive the login and come back at boot -------------------------
check "the user turns linger on (loginctl enable-linger, as the hint says)" as_user loginctl enable-linger
expect_exit 0 "status" ucc status web
expect_not_contains "no hint with linger on" "$WORK/stderr" "lingering is off"
logout_user
for _ in $(seq 100); do
	[[ $(user_state) == lingering ]] && break
	sleep 0.1
done
expect_eq "logged out: logind keeps the user's manager (lingering)" "$(user_state)" lingering
grep -q '^instance=' <(http_get $PORT /) && pass "after the logout it still serves" || fail "after the logout it still serves"

check "reboot the machine" "$MACHINES" reboot "$MACHINES_STATE" "$MACHINE"
# Asked as root, without a login of the user's, and before any request reaches the socket.
for _ in $(seq 100); do
	m systemctl --user -M "$ACCOUNT@" is-active web@0.service web@1.service >/dev/null 2>&1 && break
	sleep 0.1
done
expect_exit 0 "after the reboot both instances are active, with no login and no command" \
	m systemctl --user -M "$ACCOUNT@" is-active web@0.service web@1.service
expect_eq "... under the user's lingering manager" "$(user_state)" lingering
grep -q '^instance=' <(http_get $PORT /) && pass "it serves after the reboot" || fail "it serves after the reboot"

expect_exit 0 "delete" ucc delete web
expect_eq "no unit of web is left" "$(as_user sh -c "ls $HOME_DIR/.config/systemd/user | grep -c '^web' || true")" 0
finish
