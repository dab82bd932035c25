#!/usr/bin/env bash
# Builds the clusterctl .deb (dpkg-buildpackage -us -uc -b) and .rpm (rpmbuild -bb) from a clean
# copy of the source tree: the files git tracks plus new ones it does not ignore (so uncommitted
# work is packaged too), never build directories. Both packages come from the same copy.
#
#   packaging/build-packages.sh [--deb-only|--rpm-only] [OUTDIR]    (default OUTDIR: build/packages)
#
# Needs (Debian): dpkg-dev debhelper rpm cmake pkg-config libsystemd-dev libconfig-dev libjson-c-dev
# libyaml-dev systemd;
# tests/deps.sh installs them. Prints the paths of the packages it wrote, one a line, last.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
build_deb=true build_rpm=true
while [[ ${1:-} == --* ]]; do
	case $1 in
	--deb-only) build_rpm=false ;;
	--rpm-only) build_deb=false ;;
	*) echo "usage: $0 [--deb-only|--rpm-only] [OUTDIR]" >&2; exit 2 ;;
	esac
	shift
done
OUT=$(realpath -m "${1:-$ROOT/build/packages}")

log() { printf 'build-packages: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# One version everywhere: CMake's project(), debian/changelog (upstream part) and the spec.
version=$(sed -n 's/^project(clusterctl VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
deb_version=$(sed -n '1s/^clusterctl (\([^)]*\)).*/\1/p' "$ROOT/packaging/debian/changelog")
rpm_version=$(sed -n 's/^Version: *//p' "$ROOT/packaging/rpm/clusterctl.spec")
[[ -n $version ]] || die "no version in CMakeLists.txt's project()"
[[ ${deb_version%-*} == "$version" ]] ||
	die "packaging/debian/changelog is at $deb_version, CMakeLists.txt at $version: add a changelog entry"
[[ $rpm_version == "$version" ]] ||
	die "packaging/rpm/clusterctl.spec is at $rpm_version, CMakeLists.txt at $version"

tools=(cmake)
$build_deb && tools+=(dpkg-buildpackage dh)
$build_rpm && tools+=(rpmbuild)
for tool in "${tools[@]}"; do
	command -v "$tool" >/dev/null || die "missing $tool (Debian: tests/deps.sh installs it)"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/clusterctl-packages.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
SRC=$WORK/clusterctl-$version
mkdir -p "$SRC" "$OUT"

# The clean tree.
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [[ -e $f || -L $f ]] && printf '%s\0' "$f"; done |
		tar --null -T - -cf -) | tar -xf - -C "$SRC"
else
	tar -C "$ROOT" --exclude='./build*' --exclude=./.git -cf - . | tar -xf - -C "$SRC"
fi

written=()

if $build_deb; then
	log "building the .deb in $SRC"
	cp -r "$SRC/packaging/debian" "$SRC/debian"
	(cd "$SRC" && dpkg-buildpackage -us -uc -b) >"$WORK/deb.log" 2>&1 || {
		tail -n 60 "$WORK/deb.log" >&2
		die "dpkg-buildpackage failed (full log above, last 60 lines)"
	}
	rm -rf "$SRC/debian" "$SRC"/obj-*
	for f in "$WORK"/*.deb "$WORK"/*.buildinfo "$WORK"/*.changes; do
		[[ -e $f ]] || continue
		cp "$f" "$OUT/"
		[[ $f == *.deb ]] && written+=("$OUT/${f##*/}")
	done
fi

if $build_rpm; then
	log "building the .rpm"
	top=$WORK/rpmbuild
	mkdir -p "$top"/{SOURCES,SPECS,BUILD,RPMS,SRPMS}
	tar -C "$WORK" -czf "$top/SOURCES/clusterctl-$version.tar.gz" "clusterctl-$version"
	nodeps=()
	# On a system whose packages rpm does not manage (Debian), BuildRequires cannot be checked:
	# dpkg already has them (tests/deps.sh).
	rpm -q --quiet rpm 2>/dev/null || nodeps=(--nodeps)
	rpmbuild -bb "${nodeps[@]}" --define "_topdir $top" \
		"$SRC/packaging/rpm/clusterctl.spec" >"$WORK/rpm.log" 2>&1 || {
		tail -n 60 "$WORK/rpm.log" >&2
		die "rpmbuild failed (full log above, last 60 lines)"
	}
	for f in "$top"/RPMS/*/*.rpm; do
		cp "$f" "$OUT/"
		written+=("$OUT/${f##*/}")
	done
fi

printf '%s\n' "${written[@]}"
