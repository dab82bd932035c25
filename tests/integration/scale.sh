#!/usr/bin/env bash
# scale: 4 → 8 → 2 → max, relative +N/-N; the enabled links are the desired count; bad counts
# change nothing.
source "$(dirname "$0")/lib.sh"
begin

links() { find "$UNIT_DIR/scaler.target.wants" -name 'scaler@*.service' 2>/dev/null | wc -l; }

conf=$(write_config scaler 18121 'instances = 4;' 'increment_var = "PORT";' 'env = { PORT = 5000; };')
expect_exit 0 "start 4" start_app scaler "$conf"
expect_eq "4 links" "$(links)" 4

expect_exit 0 "scale to 8" cc scale scaler 8
expect_contains "scale reports 4 → 8" "$WORK/stderr" "scaled 4 → 8"
expect_eq "8 active" "$(active_instances scaler)" 8
expect_eq "8 links" "$(links)" 8
main_environ scaler@7.service >"$WORK/env"
expect_contains "new instance 7 has its own PORT" "$WORK/env" "PORT=5007"

expect_exit 0 "scale to 2" cc scale scaler 2
expect_eq "2 active" "$(active_instances scaler)" 2
expect_eq "2 links" "$(links)" 2
expect_eq "scaler@7 stopped" "$(unit_prop scaler@7.service ActiveState)" inactive
expect_eq "scaler@1 still running" "$(unit_prop scaler@1.service ActiveState)" active
[[ ! -e "$UNIT_DIR/scaler@5.service.d" ]] && pass "drop-in of a removed instance is gone" ||
	fail "drop-in of a removed instance is gone" "$(ls -R "$UNIT_DIR")"

cpus=$(nproc)
expect_exit 0 "scale to max" cc scale scaler max
expect_eq "max = $cpus active" "$(active_instances scaler)" "$cpus"

expect_exit 0 "scale +2" cc scale scaler +2
expect_eq "+2 → $((cpus + 2)) active" "$(active_instances scaler)" $((cpus + 2))
expect_exit 0 "scale -1" cc scale scaler -1
expect_eq "-1 → $((cpus + 1)) active" "$(active_instances scaler)" $((cpus + 1))
expect_exit 0 "scale max-1" cc scale scaler max-1
expect_eq "max-1 → $((cpus > 1 ? cpus - 1 : 1)) active" "$(active_instances scaler)" $((cpus > 1 ? cpus - 1 : 1))
before=$(active_instances scaler)

expect_exit 2 "scale to 0 is refused" cc scale scaler 0
expect_exit 2 "scale by -100 is refused" cc scale scaler -100
expect_exit 2 "scale to 'lots' is refused" cc scale scaler lots
expect_contains "the error names the bad count" "$WORK/stderr" "'lots' is not an instance count"
expect_eq "refused scales changed nothing" "$(active_instances scaler)" "$before"
expect_exit 1 "scale of an unknown app fails" cc scale nosuchapp 3
expect_exit 2 "scale of a bad app name is refused" cc scale 'bad/name' 3

finish
