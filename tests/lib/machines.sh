#!/usr/bin/env bash
# Throwaway booted Debian machines for the tests: the host's own root file system, under an
# overlay that takes every write, booted by systemd-nspawn with systemd as PID 1 (journald,
# logind, D-Bus, sshd), in a network namespace of its own that has only a loopback device.
# They are reached over real ssh, through a ProxyCommand that enters that namespace. Run as root.
#
#   machines.sh up         STATE_DIR NAME...  boot fresh machines (in parallel); wait until they run
#   machines.sh down       STATE_DIR [NAME...] power off and remove them (without NAME: all of
#                                             STATE_DIR, and what killed runs left behind)
#   machines.sh reboot     STATE_DIR NAME     `systemctl reboot` inside; wait until it runs again
#   machines.sh wait       STATE_DIR NAME     wait until the machine has booted
#   machines.sh ssh        STATE_DIR NAME [ARG...]  ssh to it as root (ARG... as for ssh)
#   machines.sh exec       STATE_DIR NAME CMD...    run CMD inside it without ssh (nsenter)
#   machines.sh netns      STATE_DIR NAME CMD...    run a host CMD in its network namespace
#   machines.sh ssh-config STATE_DIR          print the ssh config of every machine (the file is
#                                             STATE_DIR/ssh_config: ssh -F STATE_DIR/ssh_config NAME)
#   machines.sh root       STATE_DIR NAME     print the machine's root directory on the host
#   machines.sh adduser    STATE_DIR NAME USER  add an ordinary account that ssh USER@NAME logs in to
#   machines.sh list       STATE_DIR          the machines of STATE_DIR and whether they run
#
# NAME: 1-16 of [a-z0-9]. The machine, its network namespace and its overlay are named
# ${MACHINES_PREFIX}<hash of STATE_DIR>-NAME (MACHINES_PREFIX defaults to "cct-"), so two
# checkouts never share one; `up` and `down` without NAME remove what an earlier, killed run
# left behind: machines of STATE_DIR, and machines of the same prefix whose state directory is gone.
#
# What a test sees:
# - Every machine has its own 127.0.0.1: the same port can be used on each. A host program that
#   must talk to a machine's ports runs with `machines.sh netns`.
# - The lower layer of the overlay is the host's root file system as it is now: binaries and
#   packages on the host are visible at the same path in every machine (only the root file
#   system: not what is mounted elsewhere on the host, such as a tmpfs). Writes stay in the
#   machine and are gone with `down`; `reboot` keeps them.
# - Each machine has a fresh machine id, and its own journal.
# - Needs: systemd-container (systemd-nspawn), openssh-server, socat, iproute2, util-linux
#   (nsenter), an overlay-capable kernel. tests/deps.sh installs them without starting sshd on
#   the host. It never skips: a machine that cannot boot is an error (exit 1), with its console.
set -euo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
readonly SELF
readonly BASE=/var/lib/clusterctl-machines
readonly PREFIX=${MACHINES_PREFIX:-cct-}
readonly BOOT_TIMEOUT=${MACHINES_BOOT_TIMEOUT:-60}
readonly STOP_TIMEOUT=${MACHINES_STOP_TIMEOUT:-20}
# The host image carries services a test machine needs none of; the apt timers would hold
# dpkg's lock right after a boot.
readonly MASKED=(postgresql.service postgresql@15-main.service console-getty.service
	apt-daily.timer apt-daily-upgrade.timer man-db.timer e2scrub_all.timer fstrim.timer)
readonly MACHINE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

log() { printf 'machines.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//p}' "$SELF" >&2
	exit 2
}

# --- names and paths --------------------------------------------------------

set_state() { # STATE_DIR
	[[ -n ${1:-} ]] || usage
	STATE=$(readlink -m "$1")
	KEY=$STATE/id_ed25519
	SSH_CONFIG=$STATE/ssh_config
	local hash
	hash=$(printf '%s' "$STATE" | sha256sum | cut -c1-8)
	STATE_PREFIX=$PREFIX$hash-
}

set_machine() { # NAME
	[[ ${1:-} =~ ^[a-z0-9]{1,16}$ ]] || die "machine name must be 1-16 of [a-z0-9], not '${1:-}'"
	NAME=$1
	FULL=$STATE_PREFIX$NAME
	DIR=$BASE/$FULL
	ROOT=$DIR/root
	NETNS=$FULL
}

# The cgroup each machine's nspawn runs in (it makes supervisor/ and payload/ below it): one of
# its own, or two machines would share the host's root cgroup.
cgroup_rel() { echo "machine.slice/$FULL.scope"; }

host_has_systemd() { [[ -d /run/systemd/system ]]; }

# Roots of the hierarchies systemd keeps its processes in: the root of a pure v2 host, or the
# named v1 "systemd" and the v2 "unified" hierarchy of a hybrid one.
cgroup_mounts() {
	local root
	for root in /sys/fs/cgroup /sys/fs/cgroup/systemd /sys/fs/cgroup/unified; do
		case $(stat -f -c %T "$root" 2>/dev/null) in
		cgroup2fs) echo "$root"; [[ $root == /sys/fs/cgroup ]] && return ;;
		cgroupfs) [[ $root == /sys/fs/cgroup/systemd ]] && echo "$root" ;;
		esac
	done
	return 0
}

# --- processes ----------------------------------------------------------------

# The pid of the supervising loop and of the current nspawn, if they are still ours: their
# command line names our root directory, which no unrelated process does.
live_pid() { # FILE
	local pid
	pid=$(cat "$1" 2>/dev/null) || return 1
	[[ -n $pid ]] && { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF -- "$ROOT" && echo "$pid"
}

# PID 1 of the machine, as the host sees it: nspawn's child running systemd.
leader_pid() {
	local nspawn pid
	nspawn=$(live_pid "$DIR/nspawn.pid") || return 1
	for pid in $(pgrep -P "$nspawn"); do
		[[ $(readlink "/proc/$pid/exe" 2>/dev/null) == */systemd ]] && { echo "$pid"; return 0; }
	done
	return 1
}

# Every process in the machine's cgroup (the nspawn and everything in the machine).
cgroup_pids() {
	local root
	for root in $(cgroup_mounts); do
		[[ -d $root/$(cgroup_rel) ]] || continue
		find "$root/$(cgroup_rel)" -name cgroup.procs -exec cat {} + 2>/dev/null || true
	done | sort -un
}

wait_gone() { # TIMEOUT_S PID...
	local deadline=$((SECONDS + $1)) pid alive
	shift
	while :; do
		alive=
		for pid in "$@"; do
			[[ -e /proc/$pid ]] && [[ $(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) != Z ]] && alive=1
		done
		[[ -z $alive ]] && return 0
		((SECONDS < deadline)) || return 1
		sleep 0.1
	done
}

# --- ssh ------------------------------------------------------------------------

ensure_key() {
	mkdir -p "$STATE"
	[[ -f $KEY ]] || ssh-keygen -q -t ed25519 -N '' -C "clusterctl test machines" -f "$KEY"
}

write_ssh_config() {
	local dir machine
	ensure_key
	{
		echo "# Written by tests/lib/machines.sh: ssh -F $SSH_CONFIG NAME"
		for dir in "$BASE/$STATE_PREFIX"*; do
			[[ -d $dir ]] || continue
			machine=${dir##*/}
			printf 'Host %s %s\n' "${machine#"$STATE_PREFIX"}" "$machine"
			printf '\tHostName %s\n' "$machine"
			printf '\tUser root\n'
			printf '\tProxyCommand ip netns exec %s socat STDIO TCP:127.0.0.1:22\n' "$machine"
			printf '\tIdentityFile %s\n\tIdentitiesOnly yes\n' "$KEY"
			printf '\tStrictHostKeyChecking no\n\tUserKnownHostsFile /dev/null\n\tLogLevel ERROR\n'
			printf '\tConnectTimeout 10\n\tServerAliveInterval 5\n'
			# One connection per machine and user, shared by the commands after the first: a
			# login costs a key exchange and a session. The master goes with the machine.
			printf '\tControlMaster auto\n\tControlPath %s/ssh-%%r.sock\n\tControlPersist 60\n' "$dir"
		done
	} >"$SSH_CONFIG.tmp"
	chmod 0600 "$SSH_CONFIG.tmp"
	mv -f "$SSH_CONFIG.tmp" "$SSH_CONFIG"
}

ssh_to() { # ARG...
	ssh -F "$SSH_CONFIG" "$@"
}

# --- inside the machine -----------------------------------------------------------

in_machine() { # CMD...: in every namespace of the machine's PID 1, with a clean environment
	local leader
	leader=$(leader_pid) || die "$NAME is not running"
	nsenter -t "$leader" -a -r -w -- env -i PATH="$MACHINE_PATH" HOME=/root LANG=C.UTF-8 "$@"
}

# Waits until the machine's systemd has finished booting and sshd answers. A boot is told from
# the one before by the host pid of its PID 1 (the kernel's boot id is the host's).
wait_running() { # [PID 1 OF THE BOOT BEFORE]
	local deadline=$((SECONDS + BOOT_TIMEOUT)) state='' leader
	while :; do
		live_pid "$DIR/loop.pid" >/dev/null || { console_tail; die "$NAME: nspawn exited while booting"; }
		leader=$(leader_pid || true)
		if [[ -n $leader && $leader != "${1:-}" ]]; then
			state=$(in_machine timeout "$((deadline > SECONDS ? deadline - SECONDS : 1))" \
				systemctl is-system-running --wait 2>/dev/null || true)
			[[ $state == running || $state == degraded ]] && break
		fi
		((SECONDS < deadline)) || { console_tail; die "$NAME did not boot within ${BOOT_TIMEOUT}s (${state:-no answer})"; }
		sleep 0.1
	done
	if [[ $state == degraded ]]; then
		log "note: $NAME is degraded; failed units: $(in_machine systemctl --failed --no-legend --plain | awk '{ print $1 }' | paste -sd ' ')"
	fi
	# sshd is started by multi-user.target, so it listens by now.
	ssh_to "$NAME" true || { console_tail; die "$NAME booted but ssh does not reach it"; }
}

console_tail() {
	[[ -f $DIR/console.log ]] || return 0
	log "last lines of $NAME's console ($DIR/console.log):"
	tail -n 30 "$DIR/console.log" >&2
}

# --- up ------------------------------------------------------------------------

# What the machine needs beyond the host's image, written into its upper layer.
seed_root() {
	systemd-id128 new >"$ROOT/etc/machine-id"
	echo "$NAME" >"$ROOT/etc/hostname"
	install -d -m 0700 "$ROOT/root/.ssh"
	install -m 0600 "$KEY.pub" "$ROOT/root/.ssh/authorized_keys"
	install -d "$ROOT/etc/ssh/sshd_config.d" "$ROOT/etc/systemd/system/multi-user.target.wants"
	printf 'PermitRootLogin prohibit-password\nPasswordAuthentication no\nUseDNS no\nMaxSessions 100\n' \
		>"$ROOT/etc/ssh/sshd_config.d/clusterctl-test-machine.conf"
	ln -sf /lib/systemd/system/ssh.service "$ROOT/etc/systemd/system/multi-user.target.wants/ssh.service"
	# root's user manager starts at boot and stays, instead of at each ssh login that finds none.
	install -d "$ROOT/var/lib/systemd/linger"
	: >"$ROOT/var/lib/systemd/linger/root"
	ls "$ROOT"/etc/ssh/ssh_host_*_key >/dev/null 2>&1 || ssh-keygen -q -A -f "$ROOT"
}

machine_up() {
	machine_down quiet # a fresh machine, whatever an earlier run left under this name
	mkdir -p "$DIR"/{upper,work,root}
	echo "$STATE" >"$DIR/owner"
	ensure_key
	# root's shell start-up files are Debian's, not the host's (which made every ssh login
	# seconds slower); the rest of its home stays visible, a checkout there included.
	install -d -m 0700 "$DIR/upper/root"
	cp /etc/skel/.bashrc /etc/skel/.profile "$DIR/upper/root/"
	mount -t overlay overlay -o "lowerdir=/,upperdir=$DIR/upper,workdir=$DIR/work" "$ROOT"
	seed_root
	ip netns add "$NETNS"
	ip -n "$NETNS" link set lo up
	write_ssh_config
	start_loop
}

# The machine runs under a loop that boots it again when it reboots (nspawn exits with 133),
# as systemd-nspawn@.service does; a `systemctl reboot` inside therefore brings it back.
start_loop() {
	rm -f "$DIR/stopping"
	# ROOT on the command line makes the loop recognizable as ours (live_pid).
	setsid -f bash "$SELF" __loop "$STATE" "$NAME" "$ROOT" </dev/null >>"$DIR/console.log" 2>&1
	local i
	for ((i = 0; i < 50; i++)); do
		live_pid "$DIR/loop.pid" >/dev/null && return 0
		sleep 0.1
	done
	die "$NAME: the boot loop did not start"
}

# The loop outlives the command that started it: it must not keep that command's files open (a
# lock the caller holds, a pipe a test runner waits on to close). 255 is bash's own script file.
close_inherited_fds() {
	local fd
	for fd in /proc/$BASHPID/fd/*; do
		fd=${fd##*/}
		if ((fd > 2 && fd != 255)); then eval "exec $fd>&-" 2>/dev/null || true; fi
	done
}

cmd_loop() {
	close_inherited_fds
	echo $$ >"$DIR/loop.pid"
	local args=(-D "$ROOT" --register=no --keep-unit -M "$FULL" --network-namespace-path="/run/netns/$NETNS"
		--console=read-only --resolv-conf=off -b) unit rc
	for unit in "${MASKED[@]}"; do args+=("systemd.mask=$unit"); done
	while [[ ! -e $DIR/stopping ]]; do
		echo "---- boot $(date -Is)"
		if host_has_systemd; then
			systemd-run --quiet --scope --collect --slice=machine --unit="$FULL" -p Delegate=yes -- \
				systemd-nspawn "${args[@]}" &
		else
			(
				for root in $(cgroup_mounts); do
					mkdir -p "$root/$(cgroup_rel)"
					echo "$BASHPID" >"$root/$(cgroup_rel)/cgroup.procs"
				done
				exec systemd-nspawn "${args[@]}"
			) &
		fi
		echo $! >"$DIR/nspawn.pid"
		rc=0
		wait $! || rc=$?
		echo "---- nspawn exited with $rc"
		((rc == 133)) || break # 133: the machine asked to be rebooted
	done
	rm -f "$DIR/nspawn.pid" "$DIR/loop.pid"
}

# --- down ----------------------------------------------------------------------

machine_down() { # [quiet]
	local pid pids root sock
	touch "$DIR/stopping" 2>/dev/null || true
	for sock in "$DIR"/ssh-*.sock; do # the shared ssh connections (ControlMaster)
		[[ -S $sock ]] && ssh -o ControlPath="$sock" -O exit "$FULL" >/dev/null 2>&1
	done
	if pid=$(live_pid "$DIR/nspawn.pid"); then
		kill -TERM "$pid" 2>/dev/null || true # nspawn powers the machine off
		wait_gone "$STOP_TIMEOUT" "$pid" || log "$NAME did not power off within ${STOP_TIMEOUT}s; killing it"
	fi
	if host_has_systemd; then
		systemctl stop "$FULL.scope" >/dev/null 2>&1 || true
	fi
	for _ in 1 2 3; do
		pids=$(cgroup_pids)
		if pid=$(live_pid "$DIR/loop.pid"); then pids+=" $pid"; fi
		[[ -n ${pids// /} ]] || break
		# shellcheck disable=SC2086 # one pid per word
		kill -KILL $pids 2>/dev/null || true
		# shellcheck disable=SC2086
		wait_gone 5 $pids || true
	done
	if mountpoint -q "$ROOT" 2>/dev/null; then
		umount "$ROOT" 2>/dev/null || umount -l "$ROOT"
	fi
	ip netns del "$NETNS" 2>/dev/null || true
	for root in $(cgroup_mounts); do
		[[ -d $root/$(cgroup_rel) ]] && find "$root/$(cgroup_rel)" -depth -type d -exec rmdir {} + 2>/dev/null
		rmdir "$root/machine.slice" 2>/dev/null || true
	done
	rm -rf "/run/systemd/nspawn/propagate/$FULL"
	# --one-file-system: never into a root that could not be unmounted.
	[[ -d $DIR ]] && rm -rf --one-file-system "$DIR"
	rmdir "$BASE" 2>/dev/null || true
	[[ ${1:-} == quiet ]] || log "$NAME is down"
	return 0
}

# Machines of this prefix whose state directory is gone: no one can reach them any more.
orphans() {
	local dir owner
	for dir in "$BASE/$PREFIX"*; do
		[[ -d $dir ]] || continue
		owner=$(cat "$dir/owner" 2>/dev/null || true)
		[[ -n $owner && -d $owner ]] || echo "${dir##*/}"
	done
	return 0
}

down_full() { # FULL_NAME: a machine of any state directory
	local full=$1
	STATE_PREFIX=${full%-*}-
	set_machine "${full##*-}"
	machine_down
}

# --- verbs -----------------------------------------------------------------------

check_tools() {
	[[ $EUID -eq 0 ]] || die "must run as root (it mounts, and enters network namespaces)"
	local tool
	for tool in systemd-nspawn sshd ssh ssh-keygen socat ip nsenter setsid systemd-id128; do
		command -v "$tool" >/dev/null ||
			die "missing $tool (tests/deps.sh installs systemd-container, openssh-server and socat)"
	done
	grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
		die "the kernel has no overlay file system"
}

machines_of_state() {
	local dir
	for dir in "$BASE/$STATE_PREFIX"*; do
		[[ -d $dir ]] && echo "${dir#"$BASE/$STATE_PREFIX"}"
	done
	return 0
}

cmd_up() { # NAME...
	(($# > 0)) || usage
	check_tools
	local name full t0=$SECONDS
	for full in $(orphans); do (down_full "$full"); done
	for name in "$@"; do set_machine "$name"; done # all names valid before anything starts
	for name in "$@"; do
		set_machine "$name"
		machine_up
	done
	local pids=() failed=0 pid
	for name in "$@"; do
		set_machine "$name"
		wait_running &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
	((failed == 0)) || die "not every machine booted: $*"
	log "up in $((SECONDS - t0))s: $* (ssh -F $SSH_CONFIG NAME)"
}

cmd_down() { # [NAME...]
	local name full
	if (($# == 0)); then
		# shellcheck disable=SC2046 # names are [a-z0-9]
		set -- $(machines_of_state)
		for full in $(orphans); do (down_full "$full"); done
	fi
	local pids=() pid
	for name in "$@"; do set_machine "$name"; done
	for name in "$@"; do # in parallel: each waits for its machine to power off
		(set_machine "$name" && machine_down) &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do wait "$pid" || true; done
	[[ -d $STATE ]] && write_ssh_config
	return 0
}

cmd_reboot() { # NAME
	(($# == 1)) || usage
	set_machine "$1"
	local old t0=$SECONDS
	old=$(leader_pid) || die "$NAME is not running"
	# The connection may drop before ssh sees the command's status.
	ssh_to "$NAME" systemctl reboot || true
	wait_running "$old"
	log "$NAME rebooted in $((SECONDS - t0))s"
}

cmd_adduser() { # NAME USER
	(($# == 2)) || usage
	set_machine "$1"
	[[ $2 =~ ^[a-z][a-z0-9-]{0,30}$ ]] || die "not a user name: '$2'"
	in_machine useradd --create-home --shell /bin/bash "$2"
	in_machine install -d -m 0700 -o "$2" -g "$2" "/home/$2/.ssh"
	in_machine install -m 0600 -o "$2" -g "$2" /dev/stdin "/home/$2/.ssh/authorized_keys" <"$KEY.pub"
}

cmd_list() {
	local name
	for name in $(machines_of_state); do
		set_machine "$name"
		if leader_pid >/dev/null; then echo "$NAME running $FULL"; else echo "$NAME stopped $FULL"; fi
	done
}

main() {
	(($# >= 2)) || usage
	local verb=$1
	set_state "$2"
	shift 2
	case $verb in
	up) cmd_up "$@" ;;
	down) cmd_down "$@" ;;
	reboot) cmd_reboot "$@" ;;
	wait)
		(($# == 1)) || usage
		set_machine "$1"
		wait_running
		;;
	ssh)
		(($# >= 1)) || usage
		set_machine "$1"
		ssh_to "$@"
		;;
	exec)
		(($# >= 2)) || usage
		set_machine "$1"
		shift
		in_machine "$@"
		;;
	netns)
		(($# >= 2)) || usage
		set_machine "$1"
		shift
		ip netns exec "$NETNS" "$@"
		;;
	ssh-config) cat "$SSH_CONFIG" ;;
	root)
		(($# == 1)) || usage
		set_machine "$1"
		mountpoint -q "$ROOT" || die "$NAME is not up"
		echo "$ROOT"
		;;
	adduser) cmd_adduser "$@" ;;
	list) cmd_list ;;
	__loop) # STATE_DIR NAME ROOT
		set_machine "$1"
		cmd_loop
		;;
	*) usage ;;
	esac
}

main "$@"
