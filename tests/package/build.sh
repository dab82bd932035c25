#!/usr/bin/env bash
# package.build (CTest fixture "packages"): builds the .deb and the .rpm from a clean copy of the
# tree with packaging/build-packages.sh, into $PACKAGE_DIR, for the tests that inspect them.
# shellcheck source=tests/package/lib.sh
source "$(dirname "$0")/lib.sh"
: "${SOURCE_DIR:?the source tree}"

rm -rf "$PACKAGE_DIR" # never let the other tests see packages of an earlier run
need dpkg-buildpackage dh rpmbuild cmake
start=$SECONDS
check "the .deb and the .rpm build from a clean tree" "$SOURCE_DIR/packaging/build-packages.sh" "$PACKAGE_DIR"
log "built in $((SECONDS - start))s: $(tail -n 3 "$WORK/out" | xargs -n 1 basename | paste -sd ' ')"
find_packages
[[ -f $DEB ]] && pass "a .deb: ${DEB##*/}" || fail "a .deb in $PACKAGE_DIR" "$(ls -l "$PACKAGE_DIR")"
[[ -f $RPM ]] && pass "an .rpm: ${RPM##*/}" || fail "an .rpm in $PACKAGE_DIR" "$(ls -l "$PACKAGE_DIR")"
finish
