#!/usr/bin/env bash
# package.lintian: lintian finds no error in the .deb. Warnings are printed, not fatal; the
# ones expected are explained in packaging/README.md.
# shellcheck source=tests/package/lib.sh
source "$(dirname "$0")/lib.sh"

need lintian
find_packages
[[ -f $DEB ]] || skip "no .deb in $PACKAGE_DIR (package.build did not run)"
# --fail-on error: exit non-zero on errors only; root is fine in CI.
if lintian --fail-on error --pedantic --display-info "$DEB" >"$WORK/lintian" 2>&1; then
	pass "lintian reports no error for ${DEB##*/}"
else
	fail "lintian reports no error for ${DEB##*/}" "$(cat "$WORK/lintian")"
fi
grep -E '^[WIP]: ' "$WORK/lintian" | sed 's/^/# lintian: /' || true
finish
