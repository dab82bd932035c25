#!/usr/bin/env bash
# Hardened units by default: each level's exposure score from systemd-analyze security, and the
# C and Node test apps start, serve and reload under every level. Root needs saying so.
source "$(dirname "$0")/lib.sh"
begin

# Offline scores of the system-scope unit an app with user = "nobody" gets.
score() { # LEVEL
	local dir="$WORK/sec-$1"
	printf 'name = "sec";\nexec = "%s";\ncwd = "/";\nuser = "nobody";\nlisten = "127.0.0.1:18230";\nhardening = "%s";\n' \
		"$TESTAPP" "$1" >"$WORK/sec-$1.conf"
	"$CLUSTERCTL" --system -q generate "$WORK/sec-$1.conf" -o "$dir" >/dev/null
	cp "$dir/sec@.service" "$dir/sec@0.service"
	(cd "$dir" && systemd-analyze security --offline=true sec@0.service 2>/dev/null) |
		sed -n 's/.*Overall exposure level for sec@0.service: \([0-9.]*\).*/\1/p'
}
none=$(score none) default=$(score default) strict=$(score strict)
log "exposure: none $none, default $default, strict $strict (PM2's pm2-root unit: 9.6)"
python3 -c "import sys; sys.exit(not (float('$none') > 9.0))" && pass "none scores $none (unsandboxed)" || fail "none scores > 9.0" "$none"
python3 -c "import sys; sys.exit(not (float('$default') <= 5.0))" && pass "default scores $default ≤ 5.0" || fail "default ≤ 5.0" "$default"
python3 -c "import sys; sys.exit(not (float('$strict') <= 2.5))" && pass "strict scores $strict ≤ 2.5" || fail "strict ≤ 2.5" "$strict"

# Each level runs the C app and the Node app: start, serve, reload under load.
port=18231
for level in none default strict; do
	for kind in c node; do
		app="hard${level}${kind}"
		if [[ $kind == c ]]; then exec_line="exec = \"$TESTAPP\";"; else exec_line="exec = [ \"$(command -v node)\", \"$APPDIR/testapp.js\" ];"; fi
		cat >"$WORK/$app.conf" <<CONF
name = "$app";
$exec_line
cwd = "$APPDIR";
instances = 2;
listen = "127.0.0.1:$port";
hardening = "$level";
CONF
		expect_exit 0 "$level/$kind: start" start_app "$app" "$WORK/$app.conf"
		grep -q "^instance=" <(http_get $port /) && pass "$level/$kind: serves" || fail "$level/$kind: serves" "$(http_get $port / 2>&1)"
		start_load $port
		expect_exit 0 "$level/$kind: reload" cc reload "$app"
		stop_load "$level/$kind: no request failed during the reload"
		expect_exit 0 "$level/$kind: delete" cc delete "$app"
		port=$((port + 1))
	done
done
expect_contains "the strict unit has ProtectSystem=strict" "$WORK/sec-strict/sec@.service" "ProtectSystem=strict"

# Paths the sandbox would hide are refused up front, not at start-up with a cryptic 200/CHDIR.
printf 'name = "tmpapp";\nexec = "/bin/true";\ncwd = "/tmp/somewhere";\n' >"$WORK/tmpapp.conf"
expect_exit 2 "a cwd under /tmp is refused while hardened" cc check "$WORK/tmpapp.conf"
expect_contains "it names the key, the line and why" "$WORK/stderr" "tmpapp.conf:3: cwd: /tmp/somewhere is hidden from the app"

# The system manager would run instances as root: only when the config says so. Without user
# they run as a dynamic user named after the app.
printf 'name = "rooty";\nexec = "/bin/true";\ncwd = "/";\n' >"$WORK/rooty.conf"
expect_exit 0 "system scope without user is accepted" "$CLUSTERCTL" --system check "$WORK/rooty.conf"
expect_exit 0 "system scope without user: generate" "$CLUSTERCTL" --system generate "$WORK/rooty.conf"
expect_contains "it runs as a dynamic user" "$WORK/stdout" "DynamicUser=yes"
printf 'name = "root";\nexec = "/bin/true";\ncwd = "/";\n' >"$WORK/root.conf"
expect_exit 2 "an app named root without user is refused (DynamicUser= would take the account)" \
	"$CLUSTERCTL" --system check "$WORK/root.conf"
expect_contains "it names the account" "$WORK/stderr" "the existing account 'root', which is root: set user"
printf 'user = "root";\n' >>"$WORK/rooty.conf"
expect_exit 0 "user = \"root\" is accepted" "$CLUSTERCTL" --system check "$WORK/rooty.conf"
expect_contains "with a warning" "$WORK/stderr" "instances run as root"

# A config others can write would let them run code as the app's user.
printf 'name = "shared";\nexec = "/bin/true";\ncwd = "/";\nuser = "nobody";\n' >"$WORK/shared.conf"
chmod 0666 "$WORK/shared.conf"
expect_exit 2 "a world-writable config is refused (system scope)" "$CLUSTERCTL" --system check "$WORK/shared.conf"
expect_contains "it says why" "$WORK/stderr" "refusing a config that others can write"
chmod 0644 "$WORK/shared.conf"
expect_exit 0 "the same config, not writable by others, is fine" "$CLUSTERCTL" --system check "$WORK/shared.conf"

finish
