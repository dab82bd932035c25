#!/usr/bin/env bash
# The controller killed in the middle of a rollout across hosts: every host keeps every instance
# running, and the same command run again finishes the job without restarting any instance a
# second time (each instance has exactly one new InvocationID, read from its host's journal).
source "$(dirname "$0")/lib.sh"
begin

app=hint
conf=$(write_config $app 3997 'instances = 4;' 'env = { APP_VERSION = "v1"; };')
check "start on three hosts" start_app $app "$conf"
declare -A first
for h in "${HOSTS[@]}"; do first[$h]=$(invocations_on "$h" $app 4); done
since=$(date +%s)

sed -i 's/APP_VERSION = "v1"/APP_VERSION = "v2"/' "$conf"
"$CLUSTERCTL" reload $app -c "$conf" "${ALL[@]}" >"$WORK/first.out" 2>"$WORK/first.err" &
controller=$!
for _ in $(seq 300); do
	grep -q "^h2  $app@0 " "$WORK/first.err" && break
	sleep 0.1
done
kill -KILL "$controller"
wait "$controller" || true
grep -q "^h2  $app@0 " "$WORK/first.err" || fail "the rollout reached h2 before the kill" "$(cat "$WORK/first.err")"
pass "controller killed while h2 was rolling out"

# Every instance keeps running, old or new, while the host finishes the batch it was in.
for h in "${HOSTS[@]}"; do
	for _ in $(seq 100); do
		[[ $(on "$h" systemctl list-units --state=active --plain --no-legend "$app@*.service" | wc -l) == 4 ]] && break
		sleep 0.1
	done
	expect_eq "$h: every instance running after the kill" \
		"$(on "$h" systemctl list-units --state=active --plain --no-legend "$app@*.service" | wc -l)" 4
done
expect_eq "h3 was not reached" "$(versions_on h3 $app 4)" "v1 v1 v1 v1 "

expect_exit 0 "run again, it finishes" cc reload $app -c "$conf" "${ALL[@]}"
expect_contains "it says it resumes" "$WORK/stderr" "resuming an unfinished rollout across 3 hosts"
expect_contains "h1 is not restarted again" "$WORK/stderr" "h1  already on the new version"
for h in "${HOSTS[@]}"; do
	expect_eq "$h: every instance on v2" "$(versions_on "$h" $app 4)" "v2 v2 v2 v2 "
	for i in 0 1 2 3; do
		# Every invocation the instance had since the first reload began, from the journal.
		ids=$(on "$h" journalctl -q -o export -u "$app@$i.service" --since "@$since" |
			sed -n 's/^\(_SYSTEMD_\)\{0,1\}INVOCATION_ID=//p' | sort -u |
			grep -v -x -F "$(cut -d' ' -f$((i + 1)) <<<"${first[$h]}")" | wc -l)
		[[ $ids == 1 ]] || fail "$h: $app@$i restarted exactly once" "$ids new invocations"
	done
	pass "$h: each instance restarted exactly once across both runs"
done
finish
