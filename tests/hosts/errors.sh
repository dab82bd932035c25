#!/usr/bin/env bash
# What goes wrong with hosts is named: an unreachable host, a host without clusterctl, a host
# whose clusterctl speaks no or another protocol, bad host specs and hosts files, a config the
# hosts refuse. A reload with a host it cannot reach changes nothing anywhere.
source "$(dirname "$0")/lib.sh"
begin

app=herr
conf=$(write_config $app 3996 'instances = 2;' 'env = { APP_VERSION = "v1"; };')
check "start on three hosts" start_app $app "$conf"

# An unreachable host, named with ssh's reason.
expect_exit 1 "status with an unreachable host" cc status $app -H h1 -H nosuch.invalid
expect_contains "the host is named, with why" "$WORK/stderr" "clusterctl: nosuch.invalid: unreachable: ssh: Could not resolve hostname nosuch.invalid"
expect_eq "the reachable host still shows" "$(grep -cE "^h1 +$app: 2/2 instances active" "$WORK/stdout")" 1
h1_before=$(invocations_on h1 $app 2)
sed -i 's/APP_VERSION = "v1"/APP_VERSION = "v2"/' "$conf"
expect_exit 1 "reload with an unreachable host" cc reload $app -c "$conf" -H h1 -H nosuch.invalid
expect_contains "nothing is changed then" "$WORK/stderr" "nothing was changed on any host"
expect_eq "h1 untouched" "$(invocations_on h1 $app 2)" "$h1_before"
expect_eq "h1 keeps its config" "$(on h1 grep -c 'APP_VERSION = "v1"' /etc/clusterctl/$app.conf)" 1

# A host without clusterctl, and one with a clusterctl that predates the protocol.
CLUSTERCTL_REMOTE=/usr/local/bin/no-such-clusterctl expect_exit 1 "a host without clusterctl" cc status -H h2
expect_contains "named as not installed" "$WORK/stderr" "clusterctl: h2: clusterctl is not installed there"
on h3 sh -c 'printf "#!/bin/sh\necho \"clusterctl: unknown option %s\" >&2\nexit 2\n" "\$2" >/usr/local/bin/old-clusterctl; chmod +x /usr/local/bin/old-clusterctl'
CLUSTERCTL_REMOTE=old-clusterctl expect_exit 1 "a host with an old clusterctl" cc status -H h3
expect_contains "named as incompatible" "$WORK/stderr" "clusterctl: h3: incompatible clusterctl there: it does not speak the remote protocol (clusterctl: unknown option --remote-protocol=1)"
expect_exit 2 "a host's clusterctl refuses another protocol" on h1 clusterctl --remote-protocol=99 status
expect_contains "it greets, then says why" "$WORK/stdout" '"event":"hello","protocol":1'
expect_contains "with a clear reason" "$WORK/stdout" "speaks protocol 1, the controller 99"

# Bad hosts on the command line and in a hosts file: exit 2, the problem named.
expect_exit 2 "a host with a shell metacharacter" cc status -H 'h1;reboot'
expect_contains "named" "$WORK/stderr" "-H 'h1;reboot': not a host name"
expect_exit 2 "a bad port" cc status -H h1:70000
expect_exit 2 "an option disguised as a host" cc status -H -oProxyCommand=x
printf '# web tier\nh1\nh2 h3\n' >"$WORK/hosts"
expect_exit 2 "a hosts file with two hosts on a line" cc status --hosts "$WORK/hosts"
expect_contains "names the line" "$WORK/stderr" "$WORK/hosts:3: one host a line"
printf 'h1   # first\n\n[::1:22\n' >"$WORK/hosts"
expect_exit 2 "a hosts file with a bad address" cc status --hosts "$WORK/hosts"
expect_contains "names the line" "$WORK/stderr" "$WORK/hosts:3: '[' without ']'"
printf '# all of them\nh1\nh2  # second\nh3\n' >"$WORK/hosts"
expect_exit 0 "a good hosts file" cc status $app --hosts "$WORK/hosts"
expect_eq "every host in it" "$(grep -cE "^h[123] +$app: 2/2" "$WORK/stdout")" 3
expect_exit 2 "-H with a command for this machine only" cc top $app -H h1
expect_exit 2 "--host-batch without hosts" cc reload $app --host-batch 2

# A config the hosts refuse (checked there, where its paths must exist) is not written anywhere.
for h in "${HOSTS[@]}"; do on "$h" rm -f /etc/clusterctl/hbadconf.conf; done
bad=$(write_config hbadconf 3995)
sed -i 's|^exec = .*|exec = "no-such-app-on-any-host";|' "$bad"
expect_exit 2 "start with a config the hosts refuse" cc start "$bad" "${ALL[@]}"
expect_contains "the host's reason, file:line" "$WORK/stderr" "clusterctl: h1: /etc/clusterctl/hbadconf.conf:"
expect_contains "the first host stops the rest" "$WORK/stderr" "not reached, left as they were: h2, h3"
expect_exit 1 "nothing written on h1" on h1 test -e /etc/clusterctl/hbadconf.conf
finish
