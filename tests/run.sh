#!/usr/bin/env bash
# Builds clusterctl and runs the whole test suite: unit tests, then the integration tests that
# drive the binary against a private systemd user manager (started and stopped by CTest).
# Extra arguments go to ctest (e.g. -R scale, -L unit).
set -euo pipefail
cd "$(dirname "$0")/.."

tests/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure "$@"
