#!/usr/bin/env bash
# A deploy that fails only on the second host, under load on every host: the rollout stops
# there, the first host runs the new version, the second keeps every instance on the old one (the
# new version failed on its spare), the third is not touched at all (old version, old config, same
# processes), no request fails anywhere, and the exit status is 1. After a fix, running the
# same command again finishes the job without restarting the first host.
source "$(dirname "$0")/lib.sh"
begin

app=hbad
for h in "${HOSTS[@]}"; do on "$h" sh -c "echo 'TESTAPP_FLAGS=' >/etc/$app.env"; done
conf=$(write_config $app 3998 'instances = 4;' "env_file = \"/etc/$app.env\";" 'env = { APP_VERSION = "v1"; };')
check "start on three hosts" start_app $app "$conf"
h3_before=$(invocations_on h3 $app 4)

# Something only h2 has makes the new version fail there.
on h2 sh -c "echo 'TESTAPP_FLAGS=--fail-before-ready' >/etc/$app.env"
sed -i 's/APP_VERSION = "v1"/APP_VERSION = "v2"/' "$conf"
start_loads 3998
expect_exit 1 "the reload fails" cc reload $app -c "$conf" "${ALL[@]}"
stop_loads "no request failed during the bad deploy"
expect_contains "the failure names the host and its spare" "$WORK/stderr" "clusterctl: h2: $app@4.service: StartUnit job failed"
expect_contains "h3 was not reached" "$WORK/stderr" "h3  not reached: still on the old version, untouched"
expect_contains "the summary of h2" "$WORK/stderr" "h2  the new version failed on a spare: all 4 still on the old one"
expect_eq "h1 runs the new version" "$(versions_on h1 $app 4)" "v2 v2 v2 v2 "
expect_eq "h2: every instance on the old version" "$(versions_on h2 $app 4)" "v1 v1 v1 v1 "
expect_eq "h3 runs the old version" "$(versions_on h3 $app 4)" "v1 v1 v1 v1 "
expect_eq "h3: not one process restarted" "$(invocations_on h3 $app 4)" "$h3_before"
expect_eq "h3 keeps its old config" "$(on h3 grep -c 'APP_VERSION = "v1"' /etc/clusterctl/$app.conf)" 1
expect_eq "h2 still serves" "$(http_get_on h2 3998 | sed -n 's/.*version=\([^ ]*\).*/\1/p')" v1

# Fixed on h2: the same command finishes; h1 is not restarted again.
on h2 sh -c "echo 'TESTAPP_FLAGS=' >/etc/$app.env"
h1_before=$(invocations_on h1 $app 4)
expect_exit 0 "after the fix, the same reload finishes" cc reload $app -c "$conf" "${ALL[@]}"
expect_contains "h1 says it is done already" "$WORK/stderr" "h1  already on the new version"
expect_eq "h1: no instance restarted twice" "$(invocations_on h1 $app 4)" "$h1_before"
for h in "${HOSTS[@]}"; do expect_eq "$h runs the new version" "$(versions_on "$h" $app 4)" "v2 v2 v2 v2 "; done

# --on-failure rollback puts the failed host back on its previous version: v3 reads a file
# that only on h2 makes it fail.
for h in "${HOSTS[@]}"; do on "$h" sh -c "echo 'TESTAPP_FLAGS=' >/etc/$app-v3.env"; done
on h2 sh -c "echo 'TESTAPP_FLAGS=--fail-before-ready' >/etc/$app-v3.env"
sed -i "s/APP_VERSION = \"v2\"/APP_VERSION = \"v3\"/; s|/etc/$app.env|/etc/$app-v3.env|" "$conf"
expect_exit 1 "a bad deploy with --on-failure rollback" cc reload $app -c "$conf" "${ALL[@]}" --on-failure rollback
expect_contains "h2 was rolled back" "$WORK/stderr" "h2  failed, rolled back"
expect_eq "h1 runs v3" "$(versions_on h1 $app 4)" "v3 v3 v3 v3 "
expect_eq "h2 is back on v2, every instance up" "$(versions_on h2 $app 4)" "v2 v2 v2 v2 "
expect_eq "h3 untouched" "$(versions_on h3 $app 4)" "v2 v2 v2 v2 "
finish
