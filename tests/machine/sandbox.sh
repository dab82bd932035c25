#!/usr/bin/env bash
# The sandbox is really applied by a real system manager: an instance runs as its user, cannot
# write /usr (not even as root), sees its own empty /tmp; "strict" adds a read-only file system
# and hides /home and other processes; without user it is a dynamic user with a state directory.
# A probe app reports what it sees to the journal, read back with `clusterctl logs`.
source "$(dirname "$0")/lib.sh"
readonly ACCOUNT=cctsandbox
at_exit 'm userdel "$ACCOUNT" >/dev/null 2>&1 || true' # before begin: after the apps that run as it
begin
at_exit 'm rm -f /tmp/cct-outside /usr/cct-probe'

m userdel "$ACCOUNT" >/dev/null 2>&1 || true # left by a killed run
m useradd --system --no-create-home --shell /usr/sbin/nologin "$ACCOUNT"
m touch /tmp/cct-outside # in the machine's own /tmp: no instance may see it
m install -d -o "$ACCOUNT" -m 0755 "$APPDIR/owned" # its user may write here, unless the sandbox says no
write_file "$APPDIR/probe" 0755 <<'SH'
#!/bin/sh
echo "probe user=$(id -un)"
touch /usr/cct-probe 2>/dev/null && echo "probe usr=writable" || echo "probe usr=read-only"
echo "probe tmp=[$(ls -A /tmp | tr '\n' ' ')]"
touch /tmp/own 2>/dev/null && echo "probe tmp-write=ok" || echo "probe tmp-write=denied"
touch ./file 2>/dev/null && echo "probe cwd-write=ok" || echo "probe cwd-write=denied"
ls /home >/dev/null 2>&1 && echo "probe home=visible" || echo "probe home=hidden"
[ -e /proc/1/comm ] && echo "probe pid1=visible" || echo "probe pid1=hidden"
echo "probe state=${STATE_DIRECTORY:-none}"
[ -n "$STATE_DIRECTORY" ] && touch "$STATE_DIRECTORY/kept" && echo "probe state-write=ok"
echo "probe done"
exec sleep infinity
SH

# probe APP HARDENING [USER]: runs the probe; its report is in $WORK/APP.
probe() {
	local app=$1 level=$2 user=${3:-}
	{
		printf 'name = "%s";\nexec = "%s/probe";\ncwd = "%s/owned";\nready = "exec";\n' "$app" "$APPDIR" "$APPDIR"
		printf 'hardening = "%s";\n' "$level"
		[[ -z $user ]] || printf 'user = "%s";\n' "$user"
	} | write_file "$APPDIR/$app.conf"
	expect_exit 0 "$app: start (hardening = \"$level\", ${user:-no user})" start_app "$app" "$APPDIR/$app.conf"
	for _ in $(seq 50); do
		cc logs "$app" -n 50 --raw >"$WORK/$app" 2>&1 || true
		grep -q '^probe done' "$WORK/$app" && break
		sleep 0.1
	done
	expect_contains "$app: the probe reported" "$WORK/$app" "probe done"
	m rm -f /usr/cct-probe "$APPDIR/owned/file"
}

# Unsandboxed root: the probe can tell (so the checks below can fail).
probe sbxnone none root
expect_contains "none, as root: /usr is writable" "$WORK/sbxnone" "probe usr=writable"
expect_contains "none: the machine's /tmp is seen" "$WORK/sbxnone" "cct-outside"

probe sbxroot default root
expect_contains "default, as root: /usr is read-only all the same" "$WORK/sbxroot" "probe usr=read-only"
expect_contains "default: its own empty /tmp" "$WORK/sbxroot" "probe tmp=[]"
expect_contains "default: which it can write" "$WORK/sbxroot" "probe tmp-write=ok"

probe sbxuser default "$ACCOUNT"
expect_contains "default: runs as its user" "$WORK/sbxuser" "probe user=$ACCOUNT"
expect_eq "the manager says so too" "$(m ps -o user= -p "$(unit_prop sbxuser@0.service MainPID)")" "$ACCOUNT"
expect_contains "default: /usr is read-only" "$WORK/sbxuser" "probe usr=read-only"
expect_contains "default: its own empty /tmp" "$WORK/sbxuser" "probe tmp=[]"
expect_contains "default: it writes its cwd" "$WORK/sbxuser" "probe cwd-write=ok"

probe sbxstrict strict "$ACCOUNT"
expect_contains "strict: runs as its user" "$WORK/sbxstrict" "probe user=$ACCOUNT"
expect_contains "strict: /usr is read-only" "$WORK/sbxstrict" "probe usr=read-only"
expect_contains "strict: its own empty /tmp" "$WORK/sbxstrict" "probe tmp=[]"
expect_contains "strict: not even its own cwd is writable" "$WORK/sbxstrict" "probe cwd-write=denied"
expect_contains "strict: /home is hidden" "$WORK/sbxstrict" "probe home=hidden"
expect_contains "strict: other processes are hidden" "$WORK/sbxstrict" "probe pid1=hidden"

probe sbxdyn default
expect_contains "no user: a dynamic user named after the app" "$WORK/sbxdyn" "probe user=sbxdyn"
uid=$(m ps -o uid= -p "$(unit_prop sbxdyn@0.service MainPID)" | tr -d ' ')
((uid >= 61184 && uid <= 65519)) && pass "its uid $uid is in systemd's dynamic range" ||
	fail "its uid is in systemd's dynamic range (61184-65519)" "uid $uid"
expect_contains "no user: /usr is read-only" "$WORK/sbxdyn" "probe usr=read-only"
expect_contains "no user: its own empty /tmp" "$WORK/sbxdyn" "probe tmp=[]"
expect_contains "no user: a state directory" "$WORK/sbxdyn" "probe state=/var/lib/sbxdyn"
expect_contains "no user: which it can write" "$WORK/sbxdyn" "probe state-write=ok"
expect_contains "no user: nothing else (ProtectSystem=strict)" "$WORK/sbxdyn" "probe cwd-write=denied"
finish
