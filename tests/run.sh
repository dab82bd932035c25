#!/usr/bin/env bash
# Builds clusterctl and runs the whole test suite: unit tests, the integration tests that drive
# the binary against a private systemd user manager (started and stopped by CTest), the machine
# tests against the system manager of booted machines (tests/lib/machines.sh), the packages;
# then the unit and integration tests once more against a build with AddressSanitizer,
# LeakSanitizer and UBSan, so no clusterctl invocation of the suite may leak or touch memory it
# should not (unit.jobs, for one, sees a reply reaching a freed waiter only there).
# Extra arguments go to the first ctest only (e.g. -R scale, -L unit) and skip the second run.
#
# The sanitizer pass runs the machine tests whose clusterctl calls reach code that the user
# manager's tests do not: the system bus and the system journal (machine.system,
# machine.forged-logs), the account lookup (machine.accounts), an ordinary user's manager (the
# user namespace probe and logind: machine.user-manager). Not machine.sandbox: what it checks
# is systemd's doing, through the same few calls as machine.system, and it would add a minute;
# nor package.machine-install, which runs the packaged binary, not this build; nor
# machine.integration-suite, the plain build's integration tests inside a machine, which this
# pass runs on the host.
set -euo pipefail
cd "$(dirname "$0")/.."

tests/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure "$@"

if [[ $# -eq 0 ]]; then
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCLUSTERCTL_SANITIZE=ON >/dev/null
	cmake --build build-asan -j"$(nproc)"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --test-dir build-asan --output-on-failure -L 'unit|integration|machine' -E '^(machine\.(sandbox|integration-suite)|package\..*)$'
fi
