#!/usr/bin/env bash
# The integration suite where systemd is PID 1: this build's integration tests against the
# private manager run inside a booted machine (`ctest -L integration -LE hosts` there), as on a
# workstation or a server, and pass. Their private manager keeps apart from the machine's own:
# afterwards the machine's units, root's own user manager there and the machine's journal show
# nothing of the suite.
source "$(dirname "$0")/lib.sh"
begin
: "${BUILD_DIR:?the build directory}"

[[ $(m readlink /proc/1/exe) == */systemd ]] && pass "systemd is PID 1 in the machine" ||
	fail "systemd is PID 1 in the machine" "$(m readlink /proc/1/exe)"
# The machine sees the host's root file system at the same paths, but has a /tmp of its own: a
# checkout there is copied in, at the same path, with this build (not other builds, the
# machines' overlays or the private manager's runtime files).
copied=false
if ! m test -f "$BUILD_DIR/CTestTestfile.cmake"; then
	log "$SOURCE_DIR is not visible in $MACHINE; copying the checkout and this build there"
	tree=("${SOURCE_DIR#/}")
	[[ $BUILD_DIR == "$SOURCE_DIR"/* ]] || tree+=("${BUILD_DIR#/}")
	tar -C / --one-file-system --exclude="${SOURCE_DIR#/}/.git" --exclude="${SOURCE_DIR#/}/build-*" \
		--exclude="${SOURCE_DIR#/}/tests/bench/.cache" --exclude="${BUILD_DIR#/}/test-machines" \
		--exclude="${BUILD_DIR#/}/test-manager" --exclude="${BUILD_DIR#/}/package-test" \
		-cf - "${tree[@]}" | m tar -C / -xf -
	copied=true
fi
m test -f "$BUILD_DIR/CTestTestfile.cmake" && pass "the machine sees this build at $BUILD_DIR" ||
	fail "the machine sees this build at $BUILD_DIR" "neither through the host's root file system nor copied"

# What the machine's own managers have, before and after.
unit_files() { m systemctl list-unit-files --no-legend --plain | awk '{print $1}' | sort; }
# root's own user manager in the machine (its ssh sessions started it).
user_units() { m systemctl --user list-units --all --no-legend --plain | awk '{print $1}' | sort; }
user_unit_files() { m sh -c 'ls -A ~/.config/systemd/user 2>/dev/null || true'; }
# Every test app logs "... from instance N" (the other machine tests' apps too).
app_lines() { m sh -c 'journalctl --no-pager -q -o cat | grep -c "from instance" || true'; }
unit_files >"$WORK/files.before"
user_units >"$WORK/user.before"
user_unit_files >"$WORK/user-files.before"
lines_before=$(app_lines)
expect_exit 0 "root has a user manager of its own in the machine" m systemctl --user is-system-running --wait

start=$SECONDS
# The private manager's tests: not the many-hosts ones, whose machines do not boot in a machine.
if m env CI=true ctest --test-dir "$BUILD_DIR" -L integration -LE hosts --output-on-failure >"$WORK/suite" 2>&1; then
	pass "the integration suite passes inside the machine ($(sed -n 's/.*tests failed out of //p' "$WORK/suite") tests in $((SECONDS - start)) s)"
else
	fail "the integration suite passes inside the machine" "$(tail -n 60 "$WORK/suite")"
fi
expect_contains "none of it was skipped" "$WORK/suite" "100% tests passed, 0 tests failed"
expect_not_contains "... really none" "$WORK/suite" "Not Run"
$copied && m rm -rf "${tree[@]/#//}"

expect_eq "no scope of the suite's is left in the machine" \
	"$(m systemctl list-units --all --no-legend --plain 'clusterctl-test-*' | wc -l)" 0
unit_files >"$WORK/files.after"
check "the machine's unit files are as they were" diff "$WORK/files.before" "$WORK/files.after"
user_units >"$WORK/user.after"
check "root's own user manager has the units it had" diff "$WORK/user.before" "$WORK/user.after"
user_unit_files >"$WORK/user-files.after"
check "... and the unit files" diff "$WORK/user-files.before" "$WORK/user-files.after"
expect_eq "the machine's journal got none of the suite's lines (they went to its own journald)" \
	"$(app_lines)" "$lines_before"
finish
