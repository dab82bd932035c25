#!/usr/bin/env bash
# Start/stop a private journald + `systemd --user` manager for the tests, kept apart from
# whatever else runs on the machine: its own mount namespace (with its own /run/systemd and
# its own /run/log/journal), its own cgroup namespace rooted at a cgroup of its own, and its own
# journal directory. It works the same whether or not systemd is PID 1: where it is, the cgroup
# is a delegated scope (systemd-run --scope -p Delegate=yes) and the host's managers, units and
# journal are never touched; where it is not, the cgroup is made by hand. Run as root.
#
#   manager.sh start  STATE_DIR   start, wait until usable, write STATE_DIR/env
#   manager.sh stop   STATE_DIR   stop everything started for STATE_DIR (idempotent)
#   manager.sh status STATE_DIR   exit 0 if the manager answers, 1 otherwise
#   manager.sh sync   STATE_DIR   make journald write out every line it has received
#   manager.sh exec   STATE_DIR CMD [ARG...]
#                                 run CMD inside the manager's mount namespace (where
#                                 /run/systemd/system, journald's sockets and the run's journal
#                                 are), with XDG_RUNTIME_DIR and XDG_CONFIG_HOME set
#
# STATE_DIR/env (after start) is meant to be sourced; it exports XDG_RUNTIME_DIR,
# XDG_CONFIG_HOME, XDG_STATE_HOME, MANAGER_PID, JOURNALD_PID, MANAGER_STATE_DIR and, when the
# session bus works, DBUS_SESSION_BUS_ADDRESS. Logs stay in STATE_DIR/*.log, the run's journal
# in STATE_DIR/journal (journalctl -D STATE_DIR/journal) until the next start clears it.
# It never skips: any failure to start exits 1 (with CI=true as without).
#
# Every start gets a new cgroup and an empty journal, so a run never sees an earlier run's
# units or lines, and managers of different STATE_DIRs can run side by side (the tests still
# take a lock: their ports are machine-wide). MANAGER_SLOT=NAME (at start; STATE_DIR remembers
# it) starts a manager without journald, for benchmarks: the units' output and the manager's
# log go nowhere (`systemctl --user status` still says why a unit failed).
set -euo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
readonly SELF
readonly SYSTEMD=/lib/systemd/systemd
readonly JOURNALD=/lib/systemd/systemd-journald
# Inside the run's cgroup namespace: the cgroups a real host gives journald and root's user
# manager. journald derives _SYSTEMD_USER_UNIT from a client's cgroup path, and it has to
# look like this (…/user@UID.service/app.slice/UNIT).
readonly JOURNALD_CGROUP=system.slice/systemd-journald.service
readonly MANAGER_CGROUP=user.slice/user-0.slice/user@0.service
# Set by set_slot: whether this slot runs a journald.
WITH_JOURNALD=
# Written into the namespace's private /run/systemd: a process belongs to our
# manager iff /proc/PID/root/$TOKEN_FILE holds our token. Unlike pids or namespace
# inode numbers this cannot be recycled by an unrelated process.
readonly TOKEN_FILE=/run/systemd/.clusterctl-test-manager
readonly START_TIMEOUT=${MANAGER_START_TIMEOUT:-30}
readonly STOP_TIMEOUT=${MANAGER_STOP_TIMEOUT:-20}

log() { printf 'manager.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

usage() {
	sed -n '2,22s/^# \{0,1\}//p' "$SELF" >&2
	exit 2
}

# The nodes PID 1 creates at boot and sandboxing mounts over what a unit must not see
# (ProtectHome=, ProtectKernelLogs=, InaccessiblePaths=): a manager running as root looks for
# them in /run/systemd/inaccessible, which our private tmpfs would otherwise lack.
make_inaccessible_nodes() { # DIR
	mkdir -p "$1/dir"
	: >"$1/reg"
	mknod "$1/chr" c 0 0
	mknod "$1/blk" b 0 0
	mkfifo "$1/fifo"
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$1/sock"
	chmod 0000 "$1"/*
}

# --- cgroups ---------------------------------------------------------------

# Roots of the hierarchies systemd tracks processes in: on hybrid (this machine)
# the named v1 "systemd" hierarchy and the v2 "unified" one; on pure v2, the root.
cgroup_roots() {
	if [[ $(stat -f -c %T /sys/fs/cgroup 2>/dev/null) == cgroup2fs ]]; then
		echo /sys/fs/cgroup
		return
	fi
	local root
	for root in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified; do
		case $(stat -f -c %T "$root" 2>/dev/null) in
		cgroupfs | cgroup2fs) echo "$root" ;;
		esac
	done
}

systemd_is_pid1() { [[ -d /run/systemd/system ]]; }

# The cgroup this process is in, as the named systemd hierarchy (or v2) shows it.
own_cgroup() {
	sed -n -e 's/^[0-9]*:name=systemd:\(.*\)$/\1/p' -e 's/^0::\(.*\)$/\1/p' /proc/self/cgroup | head -n 1
}

move_to_cgroup() { # REL PID
	local root
	for root in $(cgroup_roots); do
		mkdir -p "$root/$1"
		echo "$2" >"$root/$1/cgroup.procs"
	done
}

# Pids anywhere below the run's cgroup (as the host sees it), whoever started them.
cgroup_pids() {
	[[ -n $RUN_CGROUP ]] || return 0
	local root
	for root in $(cgroup_roots); do
		[[ -d $root$RUN_CGROUP ]] || continue
		find "$root$RUN_CGROUP" -name cgroup.procs -exec cat {} + 2>/dev/null || true
	done | sort -un
}

# Remove the (empty) cgroups of the run, deepest first; the manager leaves app.slice/…
# behind when it is killed. A populated cgroup refuses rmdir: fine.
remove_cgroups() {
	[[ -n $RUN_CGROUP && $RUN_CGROUP != / ]] || return 0
	local root
	for root in $(cgroup_roots); do
		[[ -d $root$RUN_CGROUP ]] || continue
		find "$root$RUN_CGROUP" -depth -type d -exec rmdir {} + 2>/dev/null || true
	done
	return 0
}

# Inside the new cgroup namespace: mount the hierarchies again, so that /sys/fs/cgroup shows
# the namespace's root (the run's cgroup) where systemd --user looks up its own cgroup. The
# kernel refuses a hierarchy on top of itself: unmount the host's view first (in here only).
mount_own_cgroups() {
	remount_cgroup() { # DIR TYPE [OPTIONS]
		umount -l "$1"
		mount -t "$2" -o "nosuid,nodev,noexec${3:+,$3}" "$2" "$1"
	}
	if [[ $(stat -f -c %T /sys/fs/cgroup) == cgroup2fs ]]; then
		remount_cgroup /sys/fs/cgroup cgroup2
		return
	fi
	if [[ $(stat -f -c %T /sys/fs/cgroup/systemd 2>/dev/null) == cgroupfs ]]; then
		remount_cgroup /sys/fs/cgroup/systemd cgroup none,name=systemd
	fi
	if [[ $(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null) == cgroup2fs ]]; then
		remount_cgroup /sys/fs/cgroup/unified cgroup2
	fi
}

# On cgroup v2, hand the manager the controllers the run's cgroup has (memory, cpu, pids:
# accounting in `status` and MemoryMax=), level by level. Best effort: a host that delegated
# none still runs every test.
enable_controllers() {
	local root=/sys/fs/cgroup
	[[ $(stat -f -c %T "$root") == cgroup2fs ]] || root=/sys/fs/cgroup/unified
	[[ -f $root/cgroup.controllers ]] || return 0
	local controllers c dir=$root part
	controllers=$(cat "$root/cgroup.controllers")
	for part in ${MANAGER_CGROUP//\// }; do
		for c in $controllers; do echo "+$c" >"$dir/cgroup.subtree_control" 2>/dev/null || true; done
		dir=$dir/$part
	done
	return 0
}

# --- state -----------------------------------------------------------------

set_paths() { # STATE_DIR
	[[ -n ${1:-} ]] || usage
	STATE=$(readlink -m "$1")
	ENV_FILE=$STATE/env
	TOKEN_PATH=$STATE/token
}

# The slot of STATE_DIR: the one recorded at start, so that stop, status, … need no
# MANAGER_SLOT; for a new STATE_DIR, $MANAGER_SLOT (empty: the default slot).
set_slot() {
	local recorded
	recorded=$(cat "$STATE/slot" 2>/dev/null || true)
	SLOT=${MANAGER_SLOT:-$recorded}
	[[ -z $recorded || $SLOT == "$recorded" ]] ||
		die "$STATE belongs to slot '$recorded', not '$SLOT'; stop it first"
	if [[ -z $SLOT ]]; then
		WITH_JOURNALD=1
		return
	fi
	[[ $SLOT =~ ^[a-z0-9]{1,16}$ ]] || die "MANAGER_SLOT must be 1-16 of [a-z0-9], not '$SLOT'"
	WITH_JOURNALD=
}

# XDG_RUNTIME_DIR holds AF_UNIX sockets, whose paths must fit in 108 bytes
# ($XDG_RUNTIME_DIR/systemd/private, …/bus, …/gnupg/S.gpg-agent.browser), and the
# notify socket that sandboxed units must still reach: so a short path, never under
# /tmp (PrivateTmp= hides it), /home or /root (ProtectHome=), nor /run where /run is
# not a mount of its own (the sandbox then mounts an empty tmpfs over /run).
choose_runtime_dir() {
	mkdir -p /var/lib/clusterctl-test
	mktemp -d /var/lib/clusterctl-test/rt.XXXXXX
}

read_state() {
	TOKEN=$(cat "$TOKEN_PATH" 2>/dev/null || true)
	MANAGER_PID=$(cat "$STATE/manager.pid" 2>/dev/null || true)
	JOURNALD_PID=$(cat "$STATE/journald.pid" 2>/dev/null || true)
	RUNTIME_DIR=$(cat "$STATE/runtime-dir" 2>/dev/null || true)
	# The run's cgroup as the host sees it ("/system.slice/clusterctl-test-….scope" under
	# systemd, "/clusterctl-test-…" elsewhere), and the scope unit if systemd made it.
	RUN_CGROUP=$(cat "$STATE/cgroup" 2>/dev/null || true)
	RUN_SCOPE=$(cat "$STATE/scope" 2>/dev/null || true)
}

# Is PID one of ours (inside the namespace that holds our token)?
is_ours() { # PID
	[[ -n $TOKEN && -n ${1:-} ]] || return 1
	local token # read, not $(cat): this runs for every process on the machine
	{ read -r token <"/proc/$1/root$TOKEN_FILE"; } 2>/dev/null || return 1
	[[ $token == "$TOKEN" ]]
}

# Every process that lives in our mount namespace.
our_pids() {
	[[ -n $TOKEN ]] || return 0
	local p pid
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		((pid != $$ && pid != BASHPID)) || continue
		is_ours "$pid" && echo "$pid"
	done
	return 0
}

# kill -0 is not enough: our daemons end up as children of this machine's PID 1,
# which may take a second or more to reap them, and a zombie is as good as gone.
is_alive() { # PID
	local stat
	{ read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
	stat=${stat##*) } # the state follows "(comm) ", and comm may hold anything
	[[ ${stat:0:1} != Z ]]
}

wait_gone() { # TIMEOUT_S PID...
	local deadline=$((SECONDS + $1)) pid alive
	shift
	while :; do
		alive=
		for pid in "$@"; do
			is_alive "$pid" && alive=1
		done
		[[ -z $alive ]] && return 0
		((SECONDS < deadline)) || return 1
		sleep 0.1
	done
}

# Run systemctl & co. against our manager from outside the namespace.
user_env() {
	env -u DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR="$RUNTIME_DIR" \
		XDG_CONFIG_HOME="$STATE/config" "$@"
}

# A process of ours to enter the namespace through.
namespace_pid() {
	local pid
	for pid in "$MANAGER_PID" "$JOURNALD_PID"; do
		if is_ours "$pid"; then
			echo "$pid"
			return
		fi
	done
	die "nothing runs for $STATE"
}

in_namespace() { # CMD...
	local pid
	pid=$(namespace_pid)
	user_env nsenter -t "$pid" -m -- "$@"
}

manager_answers() {
	[[ -n $MANAGER_PID && -n $RUNTIME_DIR ]] && is_ours "$MANAGER_PID" &&
		user_env timeout 5 systemctl --user show-environment >/dev/null 2>&1
}

dump_diagnostics() {
	local f
	{
		echo "---- manager.sh diagnostics for $STATE ----"
		for f in "$STATE"/*.log; do
			[[ -s $f ]] || continue
			echo "---- $f"
			tail -n 50 "$f"
		done
		if [[ -n ${MANAGER_PID:-} ]]; then
			echo "---- journal of the manager (pid $MANAGER_PID)"
			journalctl --no-pager -q -n 50 -D "$STATE/journal" "_PID=$MANAGER_PID" 2>&1 || true
		fi
	} >&2
}

# --- start -----------------------------------------------------------------

journald_conf() {
	# Only our journald reads this (bind-mounted inside the namespace).
	cat <<-'EOF'
		[Journal]
		# Tests must see every line: no rate limiting.
		RateLimitIntervalSec=0
		# Re-importing the whole kernel ring buffer each run only adds noise.
		ReadKMsg=no
		# Never write to the host's consoles or logged-in users' terminals.
		ForwardToSyslog=no
		ForwardToWall=no
		ForwardToConsole=no
		# Only /run/log/journal, which is the run's own directory (never /var/log/journal,
		# even after a journalctl --flush).
		Storage=volatile
		RuntimeMaxUse=256M
	EOF
}

cmd_start() {
	[[ $EUID -eq 0 ]] || die "must run as root (it mounts and makes cgroups)"
	local tool
	for tool in "$SYSTEMD" "$JOURNALD" unshare nsenter setsid systemctl systemd-run journalctl; do
		command -v "$tool" >/dev/null || die "missing $tool"
	done
	[[ -n $(cgroup_roots) ]] || die "no systemd cgroup hierarchy under /sys/fs/cgroup"

	read_state
	if manager_answers; then
		write_env_file
		log "already running (pid $MANAGER_PID); source $ENV_FILE"
		return 0
	fi
	cmd_stop quiet # a half-dead earlier run of this STATE_DIR

	# Fresh XDG dirs and journal: leftover units or enablement links from an earlier run
	# would otherwise be loaded (and started by default.target), and its lines read.
	mkdir -p "$STATE"
	rm -rf "${STATE:?}"/{runtime,config,data,state,cache,journal} "$STATE"/*.log "$ENV_FILE"
	RUNTIME_DIR=$(choose_runtime_dir)
	mkdir -p "$RUNTIME_DIR" "$STATE"/{config,data,state,cache,journal}
	chmod 0700 "$RUNTIME_DIR"
	echo "$RUNTIME_DIR" >"$STATE/runtime-dir"
	if [[ -n $WITH_JOURNALD ]]; then
		journald_conf >"$STATE/journald.conf"
	else
		echo "$SLOT" >"$STATE/slot"
	fi
	TOKEN=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
	echo "$TOKEN" >"$TOKEN_PATH"

	local t0=$SECONDS name=clusterctl-test-${TOKEN:0:12}
	trap 'cmd_stop quiet; exit 130' INT TERM
	# Fully detached: own session, no inherited stdio, so a CTest fixture (or
	# any caller reading our output through a pipe) is not held open by it.
	if systemd_is_pid1; then
		# A scope of the host's manager that hands us its cgroup subtree; the host's
		# own units and managers stay as they are.
		echo "$name.scope" >"$STATE/scope"
		systemd-run --scope --quiet --collect --unit="$name" -p Delegate=yes \
			--description="clusterctl test manager ($STATE)" -- \
			setsid -f bash "$SELF" __enter "$STATE" </dev/null >"$STATE/manager.log" 2>&1 ||
			die "systemd-run --scope -p Delegate=yes failed: $(cat "$STATE/manager.log")"
	else
		setsid -f bash "$SELF" __enter "$STATE" "$name" </dev/null >"$STATE/manager.log" 2>&1
	fi

	if ! wait_until_usable; then
		dump_diagnostics
		cmd_stop quiet
		die "failed to start a private systemd user manager in $STATE"
	fi
	trap - INT TERM
	write_env_file
	log "manager pid $MANAGER_PID, journald pid ${JOURNALD_PID:-none}, up in $((SECONDS - t0))s; source $ENV_FILE"
}

# Runs in the run's cgroup (systemd's scope), or makes it (CGROUP_NAME, no systemd), records
# it, and enters the namespaces rooted there.
cmd_enter() { # STATE [CGROUP_NAME]
	set_paths "$1"
	set -o errtrace
	trap 'echo "line $LINENO: $BASH_COMMAND" >"$STATE/failed"' ERR
	[[ -z ${2:-} ]] || move_to_cgroup "$2" $$
	own_cgroup >"$STATE/cgroup"
	trap - ERR
	exec unshare -m -C --propagation private -- bash "$SELF" __inner "$STATE"
}

# Seconds left until DEADLINE, at least 1 (timeout(1) takes 0 as "no limit").
remaining() { # DEADLINE
	echo $(($1 > SECONDS + 1 ? $1 - SECONDS : 1))
}

wait_until_usable() {
	local deadline=$((SECONDS + START_TIMEOUT))
	# 1. The manager answers on $XDG_RUNTIME_DIR/systemd/private.
	until manager_answers; do
		read_state
		if [[ -f $STATE/failed ]]; then
			log "inside the namespace: $(cat "$STATE/failed")"
			return 1
		fi
		if [[ -n $MANAGER_PID ]] && ! is_alive "$MANAGER_PID"; then
			log "manager (pid $MANAGER_PID) exited"
			return 1
		fi
		((SECONDS < deadline)) || { log "manager did not answer within ${START_TIMEOUT}s"; return 1; }
		sleep 0.1
	done

	# 2. default.target reached, so the tests' jobs do not queue behind start-up.
	#    Asked from inside: outside, /run/systemd/system is missing and the
	#    answer is always "offline".
	local state
	state=$(in_namespace timeout "$(remaining "$deadline")" systemctl --user is-system-running --wait 2>&1) || true
	case $state in
	running) ;;
	degraded)
		log "warning: manager is degraded; failed units:"
		user_env systemctl --user --no-pager --failed >&2 || true
		;;
	*)
		log "manager did not finish starting up (is-system-running: $state)"
		return 1
		;;
	esac

	[[ -n $WITH_JOURNALD ]] || return 0

	# 3. journald accepts a service's stdout and tags it with the user unit.
	#    The probe stays alive until then: journald reads a client's unit from
	#    /proc/PID/cgroup when it processes the line, so the lines of a process
	#    that has already exited can miss _SYSTEMD_USER_UNIT.
	local unit marker ok=
	unit=manager-sh-probe-$$-$RANDOM.service
	marker="manager.sh probe $TOKEN" # hex only: nothing for sh or systemd to expand
	if ! user_env timeout "$(remaining "$deadline")" systemd-run --user --quiet --collect --unit="$unit" \
		-- /bin/sh -c "echo '$marker'; exec sleep 60" >&2; then
		log "could not run a probe unit with systemd-run --user"
		return 1
	fi
	while ((SECONDS < deadline)); do
		if journalctl --no-pager -q -o cat -D "$STATE/journal" "_SYSTEMD_USER_UNIT=$unit" 2>/dev/null |
			grep -qxF "$marker"; then
			ok=1
			break
		fi
		sleep 0.1
	done
	user_env timeout 5 systemctl --user stop "$unit" >/dev/null 2>&1 || true
	[[ -n $ok ]] || log "journald did not record the probe's output with _SYSTEMD_USER_UNIT=$unit"
	[[ -n $ok ]]
}

write_env_file() {
	local tmp=$ENV_FILE.tmp
	{
		echo "# Written by tests/lib/manager.sh start; source it."
		printf 'export XDG_RUNTIME_DIR=%q\n' "$RUNTIME_DIR"
		printf 'export XDG_CONFIG_HOME=%q\n' "$STATE/config"
		# clusterctl keeps an app's revisions there: each run starts without any.
		printf 'export XDG_STATE_HOME=%q\n' "$STATE/state"
		printf 'export MANAGER_PID=%q\n' "$MANAGER_PID"
		printf 'export JOURNALD_PID=%q\n' "$JOURNALD_PID"
		printf 'export MANAGER_STATE_DIR=%q\n' "$STATE"
		# dbus.socket (dbus-user-session) gives sd_bus_open_user() a session bus;
		# without it sd-bus users fall back to $XDG_RUNTIME_DIR/systemd/private.
		if user_env DBUS_SESSION_BUS_ADDRESS="unix:path=$RUNTIME_DIR/bus" \
			timeout 5 busctl --user status >/dev/null 2>&1; then
			printf 'export DBUS_SESSION_BUS_ADDRESS=%q\n' "unix:path=$RUNTIME_DIR/bus"
		else
			log "note: no session D-Bus at $RUNTIME_DIR/bus (busctl --user will not work)"
			echo "unset DBUS_SESSION_BUS_ADDRESS"
		fi
	} >"$tmp"
	mv -f "$tmp" "$ENV_FILE"
}

# Runs as the first process of the new mount and cgroup namespaces (see cmd_enter);
# on success it becomes the manager, so its pid is MANAGER_PID.
cmd_inner() {
	set_paths "$1"
	set -o errtrace
	trap 'echo "line $LINENO: $BASH_COMMAND" >"$STATE/failed"' ERR
	# Close whatever fds the caller leaked to us (ctest pipes, …).
	local fd
	for fd in "/proc/$$/fd/"*; do
		fd=${fd##*/}
		((fd > 2)) && eval "exec $fd>&-" 2>/dev/null
	done

	mount_own_cgroups

	# Private tmpfs: /run/systemd/system must exist for systemd --user, and
	# journald's sockets live in /run/systemd/journal. The host never sees either, and
	# where systemd is PID 1 the host's /run/systemd is hidden from everything in here.
	mkdir -p /run/systemd
	mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run/systemd
	mkdir -p /run/systemd/system /run/systemd/journal
	make_inaccessible_nodes /run/systemd/inaccessible
	cp "$TOKEN_PATH" "$TOKEN_FILE"

	# The run's own journal: journald writes it and every reader in here (clusterctl logs,
	# journalctl) reads it, and nothing else, not the host's nor an earlier run's.
	mkdir -p /run/log/journal
	mount --bind "$STATE/journal" /run/log/journal
	[[ ! -d /var/log/journal ]] || mount -t tmpfs -o ro,mode=0755,nosuid,nodev,noexec tmpfs /var/log/journal

	# Without journald, the manager logs nowhere: "console" would open the host's /dev/console.
	local log_target=null
	if [[ -n $WITH_JOURNALD ]]; then
		log_target=journal
		[[ -f /etc/systemd/journald.conf ]] &&
			mount --bind "$STATE/journald.conf" /etc/systemd/journald.conf

		# journald from the cgroup it has on a real host; it reads the cgroup of
		# every client to add _SYSTEMD_UNIT/_SYSTEMD_USER_UNIT.
		(
			move_to_cgroup "$JOURNALD_CGROUP" "$BASHPID"
			exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$JOURNALD"
		) </dev/null >"$STATE/journald.log" 2>&1 &
		echo $! >"$STATE/journald.pid"

		local i
		for ((i = 0; i < 100; i++)); do
			[[ -S /run/systemd/journal/stdout ]] && break
			is_alive "$!" || { echo "journald exited" >"$STATE/failed"; exit 1; }
			sleep 0.1
		done
		[[ -S /run/systemd/journal/stdout ]] || { echo "journald did not create its socket" >"$STATE/failed"; exit 1; }
	fi

	# With this cgroup, journald tags service output _SYSTEMD_USER_UNIT=x.service.
	move_to_cgroup "$MANAGER_CGROUP" $$
	enable_controllers
	echo $$ >"$STATE/manager.pid"
	trap - ERR
	# A clean environment: the user manager hands its own to every unit.
	# --log-target: with stderr not a journal stream, a user manager logs to
	# /dev/console, i.e. the host's console. Send it to journald, as on a real
	# host ("Started web@0.service" carries USER_UNIT=web@0.service).
	exec env -i \
		PATH="$PATH" HOME=/root USER=root LOGNAME=root SHELL=/bin/bash LANG=C.UTF-8 \
		XDG_RUNTIME_DIR="$(cat "$STATE/runtime-dir")" \
		XDG_CONFIG_HOME="$STATE/config" XDG_DATA_HOME="$STATE/data" \
		XDG_STATE_HOME="$STATE/state" XDG_CACHE_HOME="$STATE/cache" \
		"$SYSTEMD" --user --log-target="$log_target"
}

# --- stop / status ---------------------------------------------------------

cmd_stop() { # [quiet]
	read_state
	if is_ours "$MANAGER_PID"; then
		# Orderly: the manager stops every unit (ExecStop, KillSignal, …) and exits.
		user_env timeout 5 systemctl --user exit >/dev/null 2>&1 || true
		wait_gone "$STOP_TIMEOUT" "$MANAGER_PID" ||
			log "manager (pid $MANAGER_PID) did not exit within ${STOP_TIMEOUT}s; killing"
	fi
	if is_ours "$JOURNALD_PID"; then
		# Write out what the manager and the units sent last; journald may drop
		# datagrams still queued in its sockets when it gets SIGTERM.
		in_namespace timeout 5 journalctl --sync >/dev/null 2>&1 || true
		kill -TERM "$JOURNALD_PID" 2>/dev/null || true # journald syncs its files on SIGTERM
		wait_gone 5 "$JOURNALD_PID" || true
	fi

	# Whatever is left in the namespace or the cgroup (manager stuck, nsenter'd processes, …).
	local pids
	for _ in 1 2 3; do
		pids=$({ our_pids; cgroup_pids; } | sort -un)
		[[ -z $pids ]] && break
		# shellcheck disable=SC2086 # one pid per word
		kill -KILL $pids 2>/dev/null || true
		# shellcheck disable=SC2086
		wait_gone 5 $pids || true
	done
	pids=$(our_pids)
	[[ -z $pids ]] || log "warning: processes survived SIGKILL: $pids"

	remove_cgroups
	# systemd collects an empty scope by itself; this is for one that still holds a process.
	[[ -z $RUN_SCOPE ]] || ! systemd_is_pid1 || systemctl stop "$RUN_SCOPE" >/dev/null 2>&1 || true
	if [[ $RUNTIME_DIR == /var/lib/clusterctl-test/rt.* ]]; then # see choose_runtime_dir
		rm -rf "$RUNTIME_DIR"
		rmdir /var/lib/clusterctl-test 2>/dev/null || true
	fi
	if [[ -d $STATE ]]; then
		rm -rf "$STATE/runtime"
		rm -f "$ENV_FILE" "$STATE"/{manager.pid,journald.pid,runtime-dir,failed,slot,cgroup,scope} "$TOKEN_PATH"
	fi
	[[ ${1:-} == quiet ]] || log "stopped ($STATE)"
	return 0
}

cmd_status() {
	read_state
	if manager_answers; then
		echo "running: manager pid $MANAGER_PID, journald pid ${JOURNALD_PID:-none}, XDG_RUNTIME_DIR=$RUNTIME_DIR"
		[[ -z $WITH_JOURNALD ]] || is_ours "$JOURNALD_PID" ||
			log "warning: journald (pid $JOURNALD_PID) is gone: no logs"
		return 0
	fi
	echo "not running ($STATE)"
	return 1
}

main() {
	(($# >= 2)) || usage
	local verb=$1
	set_paths "$2"
	set_slot
	shift 2
	case $verb in
	start) cmd_start ;;
	stop) cmd_stop ;;
	status) cmd_status ;;
	sync)
		[[ -n $WITH_JOURNALD ]] || die "slot '$SLOT' runs no journald"
		read_state
		# journald's varlink socket exists only inside the namespace.
		in_namespace journalctl --sync
		;;
	exec)
		(($# > 0)) || usage
		read_state
		local pid
		pid=$(namespace_pid)
		exec env -u DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR="$RUNTIME_DIR" XDG_CONFIG_HOME="$STATE/config" \
			nsenter -t "$pid" -m -- "$@"
		;;
	__enter) cmd_enter "$STATE" "$@" ;;
	__inner) cmd_inner "$STATE" ;;
	*) usage ;;
	esac
}

main "$@"
