#!/usr/bin/env bash
# package.rpm-filelist: the .rpm installs the same files as the .deb (rpm -qlp against
# dpkg-deb -c), once the differences the distributions dictate are taken out:
#   - Debian compresses man pages and larger docs (.gz); rpm here does not;
#   - Debian's zsh reads /usr/share/zsh/vendor-completions, Fedora's /usr/share/zsh/site-functions;
#   - changelog.Debian.gz and copyright are Debian's; /usr/lib/.build-id/ links are rpm's.
# shellcheck source=tests/package/lib.sh
source "$(dirname "$0")/lib.sh"

need rpm dpkg-deb
find_packages
[[ -f $DEB && -f $RPM ]] || skip "no .deb and .rpm in $PACKAGE_DIR (package.build did not run)"

normalize() {
	sed -e 's/\.gz$//' \
		-e 's|^/usr/share/zsh/vendor-completions/|/usr/share/zsh/site-functions/|' |
		grep -Ev '^/usr/share/doc/clusterctl/(changelog\.Debian|copyright)$|^/usr/lib/\.build-id(/|$)' |
		sort -u
}

# Regular files (and symlinks) of each package.
dpkg-deb -c "$DEB" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' | normalize >"$WORK/deb-files"
rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$RPM" | awk '$1 !~ /^d/ { print $2 }' | normalize \
	>"$WORK/rpm-files"
[[ -s $WORK/deb-files ]] || fail "the .deb lists files" "$(dpkg-deb -c "$DEB")"
if diff -u "$WORK/deb-files" "$WORK/rpm-files" >"$WORK/diff"; then
	pass "the .rpm and the .deb install the same $(wc -l <"$WORK/deb-files") files"
else
	fail "the .rpm and the .deb install the same files" "$(cat "$WORK/diff")"
fi

# Directories of their own: /etc/clusterctl (empty) and the examples.
for d in /etc/clusterctl /usr/share/doc/clusterctl/examples; do
	dpkg-deb -c "$DEB" | awk '$1 ~ /^d/ { print $6 }' | grep -qx "\.$d/" || fail "the .deb has $d/"
	rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$RPM" | grep -qx "d[^ ]* $d" ||
		fail "the .rpm owns the directory $d" "$(rpm -qlp "$RPM")"
done
pass "both own /etc/clusterctl and the examples directory"
rpm -qp --qf '[%{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILENAMES}\n]' "$RPM" |
	grep -E ' /etc/clusterctl$' | grep -q '^drwxr-xr-x root:root ' ||
	fail "the .rpm's /etc/clusterctl is root:root 0755" "$(rpm -qlvp "$RPM" | grep /etc)"
pass "the .rpm's /etc/clusterctl is root:root 0755"

# Nothing runs on install, and the libraries are found by rpm itself.
[[ -z $(rpm -qp --scripts "$RPM") ]] || fail "the .rpm has no scriptlets" "$(rpm -qp --scripts "$RPM")"
pass "the .rpm has no scriptlets"
rpm -qp --requires "$RPM" >"$WORK/requires"
expect_contains "the .rpm requires libsystemd (found automatically)" "$WORK/requires" "libsystemd.so.0"
expect_contains "the .rpm requires libconfig (found automatically)" "$WORK/requires" "libconfig.so"
finish
