#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, ASan and UBSan in build-fuzz/ and runs each one for
# FUZZ_SECONDS (default 60; fuzz-marker, a small target, a third of it) from a copy of its seed
# corpus, so the corpus in the repository is never written to. Fails on any crash, leak,
# sanitizer report or failed check; the input is kept in build-fuzz/crashes/<target>/ and
# replays with `build-fuzz/tests/fuzz/fuzz-<target> <file>`.
#
# Environment: FUZZ_SECONDS, FUZZ_TARGETS ("config render marker pm2"), FUZZ_CC (clang),
# FUZZ_BUILD_DIR (build-fuzz), FUZZ_KNOWN_BUGS=1 to
# report the known bugs of src/ too (see tests/fuzz/README.md). Without clang or libFuzzer this
# skips (exit 77), except under CI=true, where it fails: the fuzzing must not quietly vanish.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${FUZZ_SECONDS:-60}
read -r -a targets <<<"${FUZZ_TARGETS:-config render marker pm2}"
cc=${FUZZ_CC:-clang}
build=${FUZZ_BUILD_DIR:-build-fuzz}

unavailable() {
	if [[ ${CI:-} == true ]]; then
		echo "fuzz: $1, and CI=true: the fuzz run cannot be skipped in CI (tests/deps.sh installs clang and libclang-rt-14-dev)" >&2
		exit 1
	fi
	echo "fuzz: $1; skipping (install clang and libclang-rt-14-dev to run it)" >&2
	exit 77
}

command -v "$cc" >/dev/null || unavailable "no $cc"
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void) d; (void) n; return 0; }\n' >"$probe/probe.c"
"$cc" -fsanitize=fuzzer,address,undefined "$probe/probe.c" -o "$probe/probe" 2>"$probe/err" ||
	unavailable "$cc cannot link a libFuzzer target ($(head -c 300 "$probe/err"))"

# A build directory configured for another compiler cannot be reused.
if [[ -f $build/CMakeCache.txt ]] && ! grep -q "^CMAKE_C_COMPILER:.*$(basename "$cc")" "$build/CMakeCache.txt"; then
	rm -rf "$build"
fi
cmake -S . -B "$build" -DCMAKE_C_COMPILER="$cc" -DCLUSTERCTL_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${targets[@]/#/fuzz-}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
for t in "${targets[@]}"; do
	work=$probe/$t
	mkdir -p "$work/corpus" "$build/crashes/$t"
	cp -r "tests/fuzz/corpus/$t/." "$work/corpus/"
	secs=$seconds
	[[ $t == marker || $t == pm2 ]] && secs=$(((seconds + 2) / 3))
	dict=()
	[[ -f tests/fuzz/$t.dict ]] && dict=(-dict="tests/fuzz/$t.dict")
	echo "fuzz-$t: ${secs}s from $(find "$work/corpus" -type f | wc -l) seeds"
	status=0
	"$build/tests/fuzz/fuzz-$t" "${dict[@]}" -max_total_time="$secs" -timeout=30 -rss_limit_mb=4096 -max_len=8192 \
		-print_final_stats=1 -artifact_prefix="$build/crashes/$t/" \
		"$work/corpus" >"$work/log" 2>&1 || status=$?
	grep -E '^#[0-9]+ +(DONE|INITED)|stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$work/log" | sed "s/^/fuzz-$t: /" || true
	if [[ $status -ne 0 ]]; then
		echo "fuzz-$t FAILED (exit $status); the end of its log:" >&2
		tail -n 60 "$work/log" >&2
		ls -1 "$build/crashes/$t/" >&2 || true
		failed+=("$t")
	fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
	echo "fuzz: failed: ${failed[*]}; inputs in $build/crashes/" >&2
	exit 1
fi
echo "fuzz: ${targets[*]}: no crash in ${seconds}s each"
