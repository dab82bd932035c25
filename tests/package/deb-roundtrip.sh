#!/usr/bin/env bash
# package.deb-roundtrip: installs the .deb on this machine with apt-get, checks the layout and
# that installing started and enabled nothing, runs the installed /usr/bin/clusterctl against
# the private test manager (start, scale, reload, delete of the packaged Node example), then
# purges the package and checks that nothing of it is left in /usr or /etc. The package is
# purged whatever happens (at_exit), or, if the run is killed first, by the next run.
# shellcheck source=tests/package/lib.sh
source "$(dirname "$0")/lib.sh"
: "${MANAGER_STATE:?state directory of the private manager}"

readonly PORT=18501 APP=pkg-web
readonly EXAMPLES=/usr/share/doc/clusterctl/examples
# Written before the install and removed after the purge: a package found installed with it
# there is this test's own, left by a run killed in between, and is purged before going on.
readonly MARKER=/var/lib/clusterctl-test/deb-roundtrip.installed
INSTALLED=false

purge() {
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -q -o DPkg::Lock::Timeout=120 clusterctl \
		>"$WORK/purge.log" 2>&1 || { cat "$WORK/purge.log"; return 1; }
	rm -f "$MARKER"
}

cleanup() {
	if $INSTALLED; then
		/usr/bin/clusterctl --user delete "$APP" >/dev/null 2>&1 || true
		purge || true
	fi
}
at_exit cleanup

[[ $EUID -eq 0 ]] || skip "must run as root (it installs a package)"
need apt-get dpkg-deb man node curl
find_packages
[[ -f $DEB ]] || skip "no .deb in $PACKAGE_DIR (package.build did not run)"
if dpkg-query -W -f='${Status}' clusterctl 2>/dev/null | grep -q 'install ok installed'; then
	if [[ -f $MARKER ]]; then
		log "purging the package an earlier run of this test installed and did not remove"
		purge || bail_out "purge the package an earlier run left installed"
	else
		# Not ours to remove: a developer installed it. On CI nothing else installs it.
		skip "the clusterctl package is installed on this machine already; not touching it"
	fi
fi

# shellcheck disable=SC1091
source "$MANAGER_STATE/env"
export XDG_RUNTIME_DIR XDG_CONFIG_HOME
UNIT_DIR=$XDG_CONFIG_HOME/systemd/user

# What exists before, to compare with after the purge, and to see that installing changes
# nothing in the system manager's configuration.
find /usr /etc -name '*clusterctl*' 2>/dev/null | sort >"$WORK/before-usr"
find /etc/systemd /lib/systemd/system 2>/dev/null | sort >"$WORK/before-systemd"

# --- install ----------------------------------------------------------------------------
start=$SECONDS
DEB_ABS=$(realpath "$DEB")
mkdir -p "${MARKER%/*}"
: >"$MARKER"
INSTALLED=true
# Minimal images exclude documentation from dpkg (path-exclude in /etc/dpkg/dpkg.cfg.d/); the
# test runs the installed example and man, so it asks for them back.
check "apt-get install ./${DEB##*/}" \
	env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=120 \
	-o 'DPkg::Options::=--path-include=/usr/share/doc/clusterctl/*' \
	-o 'DPkg::Options::=--path-include=/usr/share/man/man[15]/clusterctl*' "$DEB_ABS"
log "installed in $((SECONDS - start))s"

for f in /usr/bin/clusterctl /usr/share/man/man1/clusterctl.1.gz /usr/share/man/man5/clusterctl.conf.5.gz \
	/usr/share/bash-completion/completions/clusterctl /usr/share/zsh/vendor-completions/_clusterctl \
	$EXAMPLES/node/server.js $EXAMPLES/node/web.conf $EXAMPLES/c/server.c $EXAMPLES/c/app.conf \
	$EXAMPLES/python/app.py $EXAMPLES/python/app.conf; do
	[[ -f $f ]] || fail "installed: $f" "$(dpkg -L clusterctl)"
done
pass "binary, man pages, completions and examples are where they belong"
[[ -x /usr/bin/clusterctl ]] || fail "/usr/bin/clusterctl is executable"
[[ -d /etc/clusterctl && -z $(ls -A /etc/clusterctl) && $(stat -c %U:%G:%a /etc/clusterctl) == root:root:755 ]] ||
	fail "/etc/clusterctl exists, empty, root:root 0755" "$(ls -la /etc/clusterctl 2>&1)"
pass "/etc/clusterctl exists, empty, owned by root"

dpkg-deb --ctrl-tarfile "$DEB_ABS" | tar -t >"$WORK/control-files"
if grep -Eq '(pre|post)(inst|rm)$' "$WORK/control-files"; then
	fail "the package has no maintainer scripts (nothing runs on install)" "$(cat "$WORK/control-files")"
fi
pass "the package has no maintainer scripts (nothing runs on install)"
find /etc/systemd /lib/systemd/system 2>/dev/null | sort >"$WORK/after-systemd"
check "installing enabled or added no unit" diff "$WORK/before-systemd" "$WORK/after-systemd"

check "clusterctl --version" /usr/bin/clusterctl --version
expect_contains "--version names the packaged version" "$WORK/out" \
	"$(dpkg-query -W -f='${Version}' clusterctl | sed 's/-[^-]*$//')"
check "man finds clusterctl(1) and renders it without warnings" \
	bash -c 'out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings clusterctl 2>&1 >/dev/null); [[ -z $out ]] || { echo "$out"; exit 1; }'
check "man finds clusterctl.conf(5)" man -w 5 clusterctl.conf

# --- the packaged Node example against the private manager ------------------------------
# The installed config, renamed and on a port of its own; script and cwd stay the installed ones.
sed -e "s/^name = .*/name = \"$APP\";/" -e "s/^listen = .*/listen = \"127.0.0.1:$PORT\";/" \
	"$EXAMPLES/node/web.conf" >"$WORK/$APP.conf"
echo "cwd = \"$EXAMPLES/node\";" >>"$WORK/$APP.conf"
cc() { /usr/bin/clusterctl --user "$@"; }
http_get() { curl -sS --max-time 5 "http://127.0.0.1:$PORT/"; }

check "clusterctl start (the packaged Node example)" cc start "$WORK/$APP.conf"
expect_contains "start waited for every instance" "$WORK/out" "4 instances ready"
check "the example answers" http_get
expect_contains "an instance of the example answered" "$WORK/out" "hello from instance"
grep -q "ExecStart=.*$EXAMPLES/node/server.js" "$UNIT_DIR/$APP@.service" ||
	fail "the unit runs the installed server.js" "$(cat "$UNIT_DIR/$APP@.service")"
pass "the unit runs the installed server.js"

# The installed completion sees the running app.
check "the installed bash completion completes the app name" bash -c "
	source /usr/share/bash-completion/completions/clusterctl
	COMP_WORDS=(clusterctl --user scale ${APP:0:4}); COMP_CWORD=3; _clusterctl
	[[ \" \${COMPREPLY[*]} \" == *' $APP '* ]] || { echo \"got: \${COMPREPLY[*]}\"; exit 1; }"

check "clusterctl scale to 2" cc scale "$APP" 2
check "status: 2 instances, all active" cc status --json "$APP"
expect_contains "status --json: desired 2" "$WORK/out" '"desired":2'
expect_contains "status --json: active 2" "$WORK/out" '"active":2'

before=$(systemctl --user show -p InvocationID --value "$APP@0.service" "$APP@1.service" | paste -sd ' ')
check "clusterctl reload" cc reload "$APP"
after=$(systemctl --user show -p InvocationID --value "$APP@0.service" "$APP@1.service" | paste -sd ' ')
for id in $after; do
	[[ " $before " != *" $id "* ]] || fail "reload restarted every instance" "before: $before" "after: $after"
done
pass "reload restarted every instance"
check "the example answers after the reload" http_get

check "clusterctl delete" cc delete "$APP"
leftover=$(find "$UNIT_DIR" -name "$APP[@.]*" 2>/dev/null)
[[ -z $leftover ]] || fail "delete removed every unit file" "$leftover"
pass "delete removed every unit file"
if http_get >/dev/null 2>&1; then fail "nothing listens on $PORT after delete"; fi
pass "nothing listens on $PORT after delete"

# --- purge ------------------------------------------------------------------------------
dpkg -L clusterctl >"$WORK/files"
check "apt-get purge clusterctl" purge
INSTALLED=false
if dpkg-query -W -f='${Status}' clusterctl 2>/dev/null | grep -q 'installed'; then
	fail "purged: dpkg knows nothing of clusterctl" "$(dpkg-query -W -f='${Status}' clusterctl)"
fi
pass "purged: dpkg knows nothing of clusterctl"
left=()
while IFS= read -r f; do
	[[ -f $f || -L $f ]] && left+=("$f")
done <"$WORK/files"
((${#left[@]} == 0)) || fail "no file of the package is left" "${left[@]}"
pass "no file of the package is left ($(wc -l <"$WORK/files") paths)"
find /usr /etc -name '*clusterctl*' 2>/dev/null | sort >"$WORK/after-usr"
check "nothing named clusterctl is left in /usr or /etc" diff "$WORK/before-usr" "$WORK/after-usr"
log "round trip in $((SECONDS - start))s"
finish
