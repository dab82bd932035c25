#!/usr/bin/env bash
# A rollout across hosts interrupted while the second host rolls out — the controller killed,
# the second host's ssh connection dropped, Ctrl-C — keeps every instance on every host running,
# and the same command run again finishes the job without restarting any instance a second time
# (each instance has exactly one new InvocationID, read from its host's journal).
source "$(dirname "$0")/lib.sh"
begin

app=hint
conf=$(write_config $app 3997 'instances = 4;' 'env = { APP_VERSION = "v1"; };')
check "start on three hosts" start_app $app "$conf"

# interrupted_rollout VERSION HOW: HOW is kill (SIGKILL to the controller), drop (h2's ssh
# connection closed) or int (SIGINT to the controller, as Ctrl-C sends).
interrupted_rollout() {
	local version=$1 how=$2 since h i ids previous
	previous=$(sed -n 's/.*APP_VERSION = "\(v[0-9]*\)".*/\1/p' "$conf")
	declare -A first
	for h in "${HOSTS[@]}"; do first[$h]=$(invocations_on "$h" $app 4); done
	since=$(on h1 date +%s)
	sed -i "s/APP_VERSION = \"v[0-9]*\"/APP_VERSION = \"$version\"/" "$conf"
	"$CLUSTERCTL" reload $app -c "$conf" "${ALL[@]}" >"$WORK/first.out" 2>"$WORK/first.err" &
	local controller=$!
	for _ in $(seq 600); do
		grep -q "^h2  $app@0 " "$WORK/first.err" && break
		sleep 0.05
	done
	grep -q "^h2  $app@0 " "$WORK/first.err" || fail "$how: the rollout reached h2" "$(cat "$WORK/first.err")"
	case $how in
	kill) kill -KILL "$controller" ;;
	int) kill -INT "$controller" ;;
	drop) ssh -F "$HOSTS_STATE/ssh_config" -o ControlPath=/run/clusterctl/ssh/ssh-%C -O exit h2 2>/dev/null ;;
	esac
	local status=0
	wait "$controller" || status=$?
	case $how in
	kill) expect_eq "kill: the controller was killed" "$status" 137 ;;
	int)
		expect_eq "int: the controller exits 1" "$status" 1
		expect_contains "int: it says every host keeps running" "$WORK/first.err" "interrupted; every host keeps running"
		;;
	drop)
		expect_eq "drop: the controller exits 1" "$status" 1
		expect_contains "drop: h2's dropped connection is named" "$WORK/first.err" \
			"clusterctl: h2: the connection ended before the command finished there"
		;;
	esac

	# Every instance keeps running, old or new, while h2 finishes the batch it was in.
	for h in "${HOSTS[@]}"; do
		for _ in $(seq 100); do
			[[ $(on "$h" systemctl list-units --state=active --plain --no-legend "$app@*.service" | wc -l) == 4 ]] && break
			sleep 0.1
		done
		expect_eq "$how: $h: every instance running" \
			"$(on "$h" systemctl list-units --state=active --plain --no-legend "$app@*.service" | wc -l)" 4
	done
	expect_eq "$how: h3 not reached" "$(versions_on h3 $app 4)" "$previous $previous $previous $previous "

	expect_exit 0 "$how: run again, it finishes" cc reload $app -c "$conf" "${ALL[@]}"
	expect_contains "$how: it resumes" "$WORK/stderr" "resuming an unfinished rollout across 3 hosts"
	expect_contains "$how: h1 is not restarted again" "$WORK/stderr" "h1  already on the new version"
	for h in "${HOSTS[@]}"; do
		expect_eq "$how: $h: every instance on $version" "$(versions_on "$h" $app 4)" "$version $version $version $version "
		for i in 0 1 2 3; do
			# Every invocation the instance had since the interrupted reload began.
			ids=$(on "$h" journalctl -q -o export -u "$app@$i.service" --since "@$since" |
				sed -n 's/^\(_SYSTEMD_\)\{0,1\}INVOCATION_ID=//p' | sort -u |
				grep -v -x -F "$(cut -d' ' -f$((i + 1)) <<<"${first[$h]}")" | wc -l)
			[[ $ids == 1 ]] || fail "$how: $h: $app@$i restarted exactly once" "$ids new invocations"
		done
		pass "$how: $h: each instance restarted exactly once across both runs"
	done
}

interrupted_rollout v2 kill
interrupted_rollout v3 drop
interrupted_rollout v4 int
finish
