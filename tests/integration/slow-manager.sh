#!/usr/bin/env bash
# A slow or vanishing manager. A daemon-reload longer than the bus's default timeout is waited
# for. A reply that arrives after clusterctl stopped waiting for a job is dropped (not handled on
# memory already freed), and a connection that goes away ends the wait at once with a clear
# error: there clusterctl talks to the manager through tests/lib/busproxy.py, which holds
# replies back or drops the connection on cue.
source "$(dirname "$0")/lib.sh"
begin

PROXY=$(dirname "$0")/../lib/busproxy.py
fake=$(mktemp -d /run/clusterctl-busproxy.XXXXXX)
mkdir "$fake/systemd"
proxy_pid=
at_exit '[[ -z $proxy_pid ]] || kill "$proxy_pid" 2>/dev/null; rm -rf "$fake"'

start_proxy() { # ARGS...: a proxy in front of the manager's private socket, in the background
	python3 "$PROXY" "$fake/systemd/private" "$XDG_RUNTIME_DIR/systemd/private" "$@" >"$WORK/proxy.out" 2>&1 &
	proxy_pid=$!
	for _ in $(seq 50); do
		grep -q ready "$WORK/proxy.out" && return 0
		sleep 0.1
	done
	bail_out "the bus proxy starts" "$(cat "$WORK/proxy.out")"
}

stop_proxy() {
	kill "$proxy_pid" 2>/dev/null || true
	wait "$proxy_pid" 2>/dev/null || true
	proxy_pid=
}

# clusterctl through the proxy: its own runtime directory (lock, rollout state), no other bus.
cc_proxied() { env XDG_RUNTIME_DIR="$fake" DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent "$CLUSTERCTL" --user "$@"; }

# --- a slow daemon-reload ------------------------------------------------------------------------
# A generator makes every reload of the manager take 3 s; SYSTEMD_BUS_TIMEOUT shrinks sd-bus's
# default call timeout (25 s) to 1 s, so a Reload() under the default would give up first.
generators=/run/systemd/user-generators
manager_exec() { "$(dirname "$0")/../lib/manager.sh" exec "$MANAGER_STATE" "$@"; }
manager_exec sh -c "mkdir -p $generators && printf '#!/bin/sh\nsleep 3\n' >$generators/clusterctl-test-slow && chmod +x $generators/clusterctl-test-slow"
at_exit "manager_exec rm -f $generators/clusterctl-test-slow; systemctl --user daemon-reload"
conf=$(write_config slowreload 18263 'instances = 1;')
begin_t=$(date +%s%N)
expect_exit 0 "start waits for a daemon-reload longer than the bus's default timeout" \
	env SYSTEMD_BUS_TIMEOUT=1 "$CLUSTERCTL" --user start "$conf"
APPS_STARTED+=(slowreload)
took_ms=$((($(date +%s%N) - begin_t) / 1000000))
((took_ms >= 3000)) && pass "the reload took its 3 s (${took_ms} ms)" || fail "the generator slowed the reload" "${took_ms} ms"
expect_eq "the instance runs" "$(unit_prop slowreload@0.service ActiveState)" active
manager_exec rm -f "$generators/clusterctl-test-slow"
systemctl --user daemon-reload

# --- a reply after the deadline --------------------------------------------------------------
# The manager restarts the instance at once, but the reply naming the job is held until the
# rollout, past its deadline (start + stop timeout + 10 s), stops the instance it gave up on.
conf=$(write_config late 18261 'instances = 1;' 'ready_timeout = 1;' 'kill_timeout = 1;')
expect_exit 0 "start an app with 1 s timeouts" start_app late "$conf"
start_proxy --hold RestartUnit --release-on StopUnit --max-hold 60
begin_t=$(date +%s)
expect_exit 1 "a reload whose restart is never answered in time fails" cc_proxied reload late
took=$(($(date +%s) - begin_t))
expect_contains "it says it stopped waiting at the deadline" "$WORK/stderr" "late@0.service: still not finished when clusterctl stopped waiting (deadline passed)"
expect_contains "and carries on to its summary after the late reply came" "$WORK/stderr" "0 instances on the new version"
expect_not_contains "no memory error (sanitizer build)" "$WORK/stderr" "AddressSanitizer"
expect_not_contains "no undefined behaviour (sanitizer build)" "$WORK/stderr" "runtime error"
((took >= 11 && took <= 40)) && pass "it waited for the deadline, not longer (${took} s)" ||
	fail "it waited for the deadline, not longer" "took ${took} s"
stop_proxy

# --- the connection goes away while waiting ---------------------------------------------------
conf=$(write_config gone 18262 'instances = 1;' 'ready_timeout = 30;' 'env = { TESTAPP_FLAGS = "--ready-delay 4"; };')
start_proxy
APPS_STARTED+=(gone)
cc_proxied start "$conf" >"$WORK/stdout" 2>"$WORK/stderr" &
starter=$!
for _ in $(seq 100); do
	[[ $(unit_prop gone@0.service ActiveState) == activating ]] && break
	sleep 0.05
done
begin_t=$(date +%s%N)
stop_proxy
rc=0
wait "$starter" || rc=$?
took_ms=$((($(date +%s%N) - begin_t) / 1000000))
expect_eq "start fails when the connection to the manager is lost" "$rc" 1
((took_ms < 2000)) && pass "…at once (${took_ms} ms), not at the deadline" || fail "…at once" "took ${took_ms} ms"
expect_contains "it says the connection was lost" "$WORK/stderr" "lost the connection to the manager"
expect_not_contains "no memory error (sanitizer build)" "$WORK/stderr" "AddressSanitizer"
for _ in $(seq 100); do
	[[ $(unit_prop gone@0.service ActiveState) == active ]] && break
	sleep 0.1
done
expect_eq "the manager finished the job anyway" "$(unit_prop gone@0.service ActiveState)" active

finish
