#!/usr/bin/env bash
# start fails, naming the instance, the service Result and its last log lines, when an instance
# exits before READY=1 or is not ready within ready_timeout; a slow start within it succeeds.
source "$(dirname "$0")/lib.sh"
begin

conf=$(write_config failer 18151 'instances = 2;' 'env = { TESTAPP_FLAGS = "--fail-before-ready"; };')
expect_exit 1 "start of an app that exits before READY fails" start_app failer "$conf"
expect_contains "names the instance" "$WORK/stderr" "failer@0.service"
expect_contains "gives the service result" "$WORK/stderr" "exit-code"
expect_contains "gives the exit status" "$WORK/stderr" "exit status 3"
expect_contains "shows the app's last words" "$WORK/stderr" "refusing to start"

conf=$(write_config slowok 18152 'instances = 2;' 'ready_timeout = 10;' 'env = { TESTAPP_FLAGS = "--ready-delay 1.5"; };')
begin_t=$(date +%s%N)
expect_exit 0 "a slow app within ready_timeout starts" start_app slowok "$conf"
took_ms=$((($(date +%s%N) - begin_t) / 1000000))
((took_ms >= 1400)) && pass "start waited for READY (${took_ms} ms)" || fail "start returned before READY (${took_ms} ms)"

conf=$(write_config slowbad 18153 'instances = 1;' 'ready_timeout = 1;' 'restart = "no";' 'env = { TESTAPP_FLAGS = "--ready-delay 5"; };')
expect_exit 1 "an app slower than ready_timeout fails" start_app slowbad "$conf"
expect_contains "the result is timeout" "$WORK/stderr" "timeout"
expect_contains "names the instance" "$WORK/stderr" "slowbad@0.service"
expect_not_contains "never assumed ready" "$WORK/stderr" "ready in"

finish
