#!/usr/bin/env bash
# package.machine-install: the .deb on a fresh booted machine, as the README's "Installing" says:
# apt-get install ./build/packages/clusterctl_*.deb, a config in /etc/clusterctl/APP.conf,
# `clusterctl start APP`. The shipped examples (Node, C, Python) run under the system manager as
# shipped; after `systemctl reboot` every instance is back and serving with no command; and
# `apt-get purge clusterctl` leaves no file of the package. The machine (pkg) is its own, and
# is removed at the end.
# shellcheck source=tests/package/lib.sh
source "$(dirname "$0")/lib.sh"
: "${MACHINES_STATE:?state directory of the machines}" "${SOURCE_DIR:?the source tree}"
readonly MACHINES=$SOURCE_DIR/tests/lib/machines.sh MACHINE=pkg
readonly EXAMPLES=/usr/share/doc/clusterctl/examples
at_exit '"$MACHINES" down "$MACHINES_STATE" "$MACHINE" >/dev/null 2>&1 || true'

find_packages
[[ -f $DEB ]] || skip "no .deb in $PACKAGE_DIR (package.build did not run)"
# What the README tells an operator, checked here word for word.
readme_says() { grep -qF -- "$1" "$SOURCE_DIR/README.md" || fail "README.md says: $1"; }
readme_says 'sudo apt-get install ./build/packages/clusterctl_*.deb'
readme_says 'sudo cp web.conf /etc/clusterctl/web.conf'
readme_says 'sudo clusterctl start web'
pass "the README's install section names the commands run here"

start=$SECONDS
check "a fresh machine boots" "$MACHINES" up "$MACHINES_STATE" "$MACHINE"
m() { ssh -F "$MACHINES_STATE/ssh_config" "$MACHINE" "$(printf '%q ' "$@")"; }
get() { m curl -sS --max-time 5 "http://127.0.0.1:$1/"; }
if m dpkg-query -W -f='${Status}' clusterctl 2>/dev/null | grep -q 'install ok installed'; then
	fail "clusterctl is not installed on the fresh machine" "the host has it installed (its root is the machine's image)"
fi
pass "clusterctl is not installed on the fresh machine"
tree() { m sh -c 'find /usr /etc /srv /var/lib/clusterctl -xdev 2>/dev/null; true' | sort; }
tree >"$WORK/before"

# --- install, as the README says ---------------------------------------------------------
m install -d /root/build/packages
m install -m 0644 /dev/stdin "/root/build/packages/${DEB##*/}" <"$DEB"
check "apt-get install ./build/packages/clusterctl_*.deb" \
	m sh -c 'cd /root && DEBIAN_FRONTEND=noninteractive apt-get install -y -q ./build/packages/clusterctl_*.deb'
check "clusterctl --version" m clusterctl --version
[[ -z $(m find /etc/systemd/system -newer "/root/build/packages/${DEB##*/}") ]] ||
	fail "installing enabled or added no unit" "$(m find /etc/systemd/system -newer "/root/build/packages/${DEB##*/}")"
pass "installing enabled or added no unit"

# --- the examples as shipped ---------------------------------------------------------------
check "node: clusterctl start $EXAMPLES/node/web.conf" m clusterctl start "$EXAMPLES/node/web.conf"
expect_contains "node: 4 instances ready" "$WORK/out" "web: 4 instances ready"
check "node: answers on its port" get 3000
expect_contains "node: from an instance of the example" "$WORK/out" "hello from instance"
check "node: delete" m clusterctl delete web

build=$(m sed -n 's/^#   \(cc .*\)$/\1/p' "$EXAMPLES/c/app.conf")
[[ $build == cc* ]] || fail "the C example says how to build it" "$(m cat "$EXAMPLES/c/app.conf")"
check "c: builds as its config says: $build" m sh -c "cd $EXAMPLES/c && $build"
for ex in "c/app.conf hello-c 3001 hello from C instance" "python/app.conf hello-py 3002 hello from Python instance"; do
	read -r conf app port answer <<<"$ex"
	check "$app: clusterctl start $EXAMPLES/$conf" m clusterctl start "$EXAMPLES/$conf"
	check "$app: answers on its port" get "$port"
	expect_contains "$app: from an instance of the example" "$WORK/out" "$answer"
done

# --- an app of the operator's: /etc/clusterctl/web.conf, then `clusterctl start web` -------
m cp -r "$EXAMPLES/node" /srv/web
m sh -c 'cd /srv/web && { cat web.conf; echo "cwd = \"/srv/web\";"; } >web.conf.new && mv web.conf.new web.conf'
check "sudo cp web.conf /etc/clusterctl/web.conf" m cp /srv/web/web.conf /etc/clusterctl/web.conf
check "sudo clusterctl start web" m clusterctl start web
expect_contains "web: 4 instances ready" "$WORK/out" "web: 4 instances ready"
check "web: answers" get 3000

# --- reboot: everything back with no command -----------------------------------------------
before_ids=$(m systemctl show -p InvocationID --value web@0.service)
check "systemctl reboot, and the machine is back" "$MACHINES" reboot "$MACHINES_STATE" "$MACHINE"
log "$(tail -n 1 "$WORK/out")"
for app_port in web:3000 hello-c:3001 hello-py:3002; do
	app=${app_port%:*} port=${app_port#*:}
	check "after the reboot: $app is serving" get "$port"
	check "after the reboot: every instance of $app active" m clusterctl status "$app"
done
[[ $(m systemctl show -p InvocationID --value web@0.service) != "$before_ids" ]] ||
	fail "the instances are new processes of the new boot"
pass "the instances are new processes of the new boot"

# --- delete, purge: nothing of ours left ------------------------------------------------------
for app in web hello-c hello-py; do check "delete $app" m clusterctl delete "$app"; done
# What the operator made: the config, the app's copy, the C example's binary; and the
# dynamic user's state directory (/var/lib/private/APP), which systemd keeps on purpose.
m rm -rf /etc/clusterctl/web.conf /srv/web "$EXAMPLES/c/server" /var/lib/private /var/lib/web /var/lib/hello-c /var/lib/hello-py
check "apt-get purge clusterctl" m env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q clusterctl
tree >"$WORK/after"
check "apt-get purge leaves no file: /usr, /etc and /srv are as before the install" diff "$WORK/before" "$WORK/after"
log "the package on a machine: install, examples, reboot and purge in $((SECONDS - start))s"
finish
