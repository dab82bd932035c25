#!/usr/bin/env bash
# clusterctl import: an ecosystem file with every PM2 key imports and passes check; what is not
# an ecosystem file, or cannot be evaluated, is an error that writes nothing; hostile ecosystem
# files give errors or safely quoted units, never an injected line; cron_restart becomes a timer
# whose run is a staggered reload, removed by delete; shutdown_with_message delivers 'shutdown'.
source "$(dirname "$0")/lib.sh"
begin
source "$(dirname "$0")/../apps/pm2/setup.sh"

OUT=$WORK/conf
nothing_written() { # DESCRIPTION
	if [[ -z $(ls -A "$OUT" 2>/dev/null) ]]; then pass "$1: nothing written"; else
		fail "$1: nothing written" "$(ls -la "$OUT")"; fi
}

# --- Every key -------------------------------------------------------------------------------
cat >"$PM2_APPDIR/every.config.js" <<'EOF'
module.exports = {
  apps: [{
    name: 'every', script: 'express-app.js', args: ['--flag', 'value'], interpreter: 'node',
    interpreter_args: '--max-old-space-size=256', cwd: '.', instances: 2,
    exec_mode: 'cluster', env: { APP_VERSION: 'v1', PORT: 18311 }, env_staging: { APP_VERSION: 'staging' },
    increment_var: 'WORKER_PORT', instance_var: 'INSTANCE_ID', wait_ready: true, listen_timeout: 8000,
    kill_timeout: 3000, shutdown_with_message: false, autorestart: true, restart_delay: 200, max_restarts: 10,
    min_uptime: 1000, max_memory_restart: '200M', cron_restart: '0 3 * * *', user: 'nobody', uid: 'nobody',
    gid: 'nogroup', out_file: '/var/log/every.out', error_file: '/var/log/every.err', log_date_format: 'YYYY-MM-DD',
    watch: true, port: 18311,
  }],
};
EOF
expect_exit 0 "every key: import" cc import "$PM2_APPDIR/every.config.js" --env staging -o "$OUT"
conf=$OUT/every.conf
for key in max_restarts min_uptime out_file error_file log_date_format watch user uid gid; do
	expect_contains "every key: $key is a comment" "$conf" "# $key = "
	expect_contains "every key: $key is warned about" "$WORK/stderr" "every: $key: not carried over"
done
for line in 'instances = 2;' 'listen = "18311";' 'ready = "notify";' 'ready_timeout = 8.0;' 'kill_timeout = 3.0;' \
	'restart = "always";' 'restart_delay = 0.2;' 'memory_max = "200M";' 'cron_restart = "0 3 * * *";' \
	'instance_var = "INSTANCE_ID";' 'increment_var = "WORKER_PORT";' 'APP_VERSION = "staging";' \
	'args = [ "--flag", "value" ];' 'interpreter = "node --max-old-space-size=256";'; do
	expect_contains "every key: $line" "$conf" "$line"
done
expect_exit 0 "every key: check passes on the result" cc check "$conf"
rm -rf "$OUT"

# The same keys from JSON and YAML.
node -e 'process.stdout.write(JSON.stringify(require(process.argv[1]), null, 2))' "$PM2_APPDIR/every.config.js" \
	>"$PM2_APPDIR/every.json"
expect_exit 0 "JSON: import" cc import "$PM2_APPDIR/every.json" -o "$OUT" --dry-run
expect_contains "JSON: the same config" "$WORK/stdout" 'cron_restart = "0 3 * * *";'
expect_exit 0 "YAML: import" cc import "$PM2_APPDIR/ecosystem.config.yml" -o "$OUT" --dry-run
expect_contains "YAML: the app" "$WORK/stdout" 'name = "pm2fastify";'
nothing_written "--dry-run"

# --- Not an ecosystem file, or one node cannot evaluate: an error, nothing written -------------
printf 'hello\n' >"$PM2_APPDIR/notes.txt"
expect_exit 2 "a .txt file" cc import "$PM2_APPDIR/notes.txt" -o "$OUT"
expect_contains "a .txt file: says so" "$WORK/stderr" "not an ecosystem file"
printf 'module.exports = 42;\n' >"$PM2_APPDIR/number.config.js"
expect_exit 2 "exports a number" cc import "$PM2_APPDIR/number.config.js" -o "$OUT"
expect_contains "exports a number: says so" "$WORK/stderr" "not a PM2 ecosystem file"
printf 'module.exports = { apps: [ { name: "x", script: "x.js" } ] ;\n' >"$PM2_APPDIR/syntax.config.js"
expect_exit 2 "a syntax error" cc import "$PM2_APPDIR/syntax.config.js" -o "$OUT"
expect_contains "a syntax error: node's message" "$WORK/stderr" "SyntaxError"
expect_contains "a syntax error: names the file" "$WORK/stderr" "node cannot evaluate it"
printf 'console.log("noise"); module.exports = { apps: [ { name: "noisy", script: "x.js" } ] };\n' \
	>"$PM2_APPDIR/noisy.config.js"
expect_exit 0 "what the file prints does not mix with the result" cc import "$PM2_APPDIR/noisy.config.js" -o "$OUT" --dry-run
printf '{ "apps": [ { "name": "a", "script": "a.js" }, ' >"$PM2_APPDIR/cut.json"
expect_exit 2 "truncated JSON" cc import "$PM2_APPDIR/cut.json" -o "$OUT"
expect_contains "truncated JSON: names the file and line" "$WORK/stderr" "cut.json:1: not valid JSON"
printf 'apps:\n  - name: [unclosed\n' >"$PM2_APPDIR/bad.yml"
expect_exit 2 "bad YAML" cc import "$PM2_APPDIR/bad.yml" -o "$OUT"
expect_contains "bad YAML: names the file" "$WORK/stderr" "bad.yml:"
nothing_written "not an ecosystem file"

# --- Hostile ecosystem files ---------------------------------------------------------------
printf '%s\n' '{ "apps": [ { "name": "ok", "script": "a.js" }, { "name": "evil\nExecStartPre=/bin/sh", "script": "a.js" } ] }' \
	>"$PM2_APPDIR/newline-name.json"
expect_exit 2 "a name with a newline" cc import "$PM2_APPDIR/newline-name.json" -o "$OUT"
expect_contains "a name with a newline: says which" "$WORK/stderr" "app 2: name: 'evil\\nExecStartPre=/bin/sh' is not a valid app name"
printf '%s\n' '{ "apps": [ { "name": "envsec", "script": "a.js", "env": { "X": "\n[Service]\nExecStartPre=/bin/touch /tmp/pwned" } } ] }' \
	>"$PM2_APPDIR/env-section.json"
expect_exit 2 "an env value that opens a section" cc import "$PM2_APPDIR/env-section.json" -o "$OUT"
expect_contains "an env value that opens a section: says which" "$WORK/stderr" "env.X: the value contains a control character"
nothing_written "hostile values"

# A script path with % and an env value with unit syntax on one line: quoted, and they arrive.
cp "$PM2_APPDIR/express-app.js" "$PM2_APPDIR/srv%n%i.js"
cat >"$PM2_APPDIR/percent.config.js" <<'EOF'
module.exports = { apps: [{ name: 'pm2percent', script: 'srv%n%i.js', instances: 2, wait_ready: true,
  env: { APP_VERSION: '%i [Service] ExecStartPre=/bin/false $HOME "q" \\' } }] };
EOF
expect_exit 0 "a script with %: import" cc import "$PM2_APPDIR/percent.config.js" --listen 127.0.0.1:18312 -o "$OUT"
expect_exit 0 "a script with %: start" start_app pm2percent "$OUT/pm2percent.conf"
grep -c '^\[Service\]' "$UNIT_DIR/pm2percent@.service" >"$WORK/count"
expect_eq "one [Service] section" "$(cat "$WORK/count")" 1
grep -c '^ExecStartPre' "$UNIT_DIR/pm2percent@.service" >"$WORK/count" || true
expect_eq "no ExecStartPre line" "$(cat "$WORK/count")" 0
grep '^ExecStart=' "$UNIT_DIR/pm2percent@.service" >"$WORK/exec"
expect_contains "the % is escaped" "$WORK/exec" 'srv%%n%%i.js'
http_get 18312 >"$WORK/body"
expect_contains "the value arrives as written" "$WORK/body" 'version=%i [Service] ExecStartPre=/bin/false $HOME "q" \'
tr '\0' ' ' <"/proc/$(unit_prop pm2percent@0.service MainPID)/cmdline" >"$WORK/cmdline"
expect_contains "the script runs under its name" "$WORK/cmdline" "$PM2_APPDIR/srv%n%i.js"
expect_exit 0 "delete pm2percent" cc delete pm2percent
rm -rf "$OUT"

# --- An existing config is kept; an interrupted import finishes -------------------------------
expect_exit 0 "import once" cc import "$PM2_APPDIR/ecosystem.config.yml" -o "$OUT"
# No PORT, no port, no --listen: the config says so, and check fails until it is set.
expect_contains "no port: warned" "$WORK/stderr" "listen: no port found"
expect_contains "no port: the config says so" "$OUT/pm2fastify.conf" 'listen = "";  # SET THIS'
expect_exit 2 "no port: check fails" cc check "$OUT/pm2fastify.conf"
expect_contains "no port: check names the line" "$WORK/stderr" "pm2fastify.conf:"
expect_contains "no port: check says what" "$WORK/stderr" "listen: not set"
expect_exit 0 "import again: unchanged" cc import "$PM2_APPDIR/ecosystem.config.yml" -o "$OUT"
expect_contains "import again: says unchanged" "$WORK/stderr" "unchanged"
printf '# mine\n' >>"$OUT/pm2fastify.conf"
expect_exit 1 "a config that says something else is kept" cc import "$PM2_APPDIR/ecosystem.config.yml" -o "$OUT"
expect_contains "kept: says so" "$WORK/stderr" "--force"
expect_contains "kept: untouched" "$OUT/pm2fastify.conf" "# mine"
rm -rf "$OUT"

# --- cron_restart: a timer, a staggered reload, removed by delete ----------------------------
cat >"$PM2_APPDIR/cron.config.js" <<'EOF'
module.exports = { apps: [{ name: 'pm2cron', script: 'express-app.js', instances: 3, wait_ready: true,
  cron_restart: '0 3 * * *', env: { APP_VERSION: 'v1' } }] };
EOF
expect_exit 0 "cron: import" cc import "$PM2_APPDIR/cron.config.js" --listen 127.0.0.1:18313 -o "$OUT"
expect_exit 0 "cron: start" start_app pm2cron "$OUT/pm2cron.conf"
expect_eq "cron: the timer runs" "$(unit_prop pm2cron.reload.timer ActiveState)" active
unit_prop pm2cron.reload.timer TimersCalendar >"$WORK/calendar"
expect_contains "cron: at 03:00" "$WORK/calendar" "OnCalendar=*-*-* 03:00:00"
before=$(invocations pm2cron 3)
# The service runs clusterctl under the manager, which must find the same node files and dirs.
systemctl --user set-environment CLUSTERCTL_DATA_DIR="$CLUSTERCTL_DATA_DIR" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
	XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR"
start_load 18313
expect_exit 0 "cron: what the timer runs" systemctl --user start pm2cron.reload.service
stop_load "cron: no request failed during the scheduled reload"
systemctl --user unset-environment CLUSTERCTL_DATA_DIR
expect_eq "cron: the reload succeeded" "$(unit_prop pm2cron.reload.service Result)" success
after=$(invocations pm2cron 3)
for i in 0 1 2; do
	[[ $(cut -d' ' -f$((i + 1)) <<<"$before") != $(cut -d' ' -f$((i + 1)) <<<"$after") ]] &&
		pass "cron: pm2cron@$i restarted" || fail "cron: pm2cron@$i restarted" "$before" "$after"
done
# Staggered, not all at once: with one spare serving, @0 and @1 restart together, and @2 only
# once both are ready again.
ready=() started=()
for i in 0 1 2; do
	ready+=("$(unit_prop "pm2cron@$i.service" ActiveEnterTimestampMonotonic)")
	started+=("$(unit_prop "pm2cron@$i.service" ExecMainStartTimestampMonotonic)")
done
((started[2] > ready[0] && started[2] > ready[1])) && pass "cron: the last instance restarted after the others were ready" ||
	fail "cron: the last instance restarted after the others were ready" "started ${started[*]}, ready ${ready[*]} (µs)"
expect_exit 0 "cron: stop" cc stop pm2cron
expect_eq "cron: stop stops the timer" "$(unit_prop pm2cron.reload.timer ActiveState)" inactive
expect_exit 0 "cron: start again" cc start pm2cron
expect_eq "cron: start starts the timer" "$(unit_prop pm2cron.reload.timer ActiveState)" active
# The timer follows the config at a reload.
cp "$OUT/pm2cron.conf" "$WORK/cron.conf"
sed -i '/^cron_restart/d' "$OUT/pm2cron.conf"
expect_exit 0 "cron: reload without cron_restart" cc reload pm2cron
expect_eq "cron: the timer is stopped" "$(unit_prop pm2cron.reload.timer ActiveState)" inactive
[[ ! -e $UNIT_DIR/pm2cron.reload.timer ]] && pass "cron: its file is removed" || fail "cron: its file is removed"
cp "$WORK/cron.conf" "$OUT/pm2cron.conf"
expect_exit 0 "cron: reload with cron_restart again" cc reload pm2cron
expect_eq "cron: the timer runs again" "$(unit_prop pm2cron.reload.timer ActiveState)" active
# undo puts back the units of a revision, and its timer with them, or none.
expect_exit 0 "cron: undo to the revision without cron_restart" cc undo pm2cron
expect_eq "cron: undo stopped the timer" "$(unit_prop pm2cron.reload.timer ActiveState)" inactive
expect_exit 0 "cron: undo to the revision with cron_restart" cc undo pm2cron
expect_eq "cron: undo started the timer" "$(unit_prop pm2cron.reload.timer ActiveState)" active
# A scheduled reload must not promote a canary: the timer waits for promote.
expect_exit 0 "cron: a canary of one" cc reload pm2cron --canary 1
expect_eq "cron: a paused rollout stops the timer" "$(unit_prop pm2cron.reload.timer ActiveState)" inactive
expect_exit 0 "cron: stop while paused" cc stop pm2cron
expect_exit 0 "cron: start while paused" cc start pm2cron
expect_eq "cron: start leaves the paused rollout's timer stopped" "$(unit_prop pm2cron.reload.timer ActiveState)" inactive
expect_exit 0 "cron: promote" cc promote pm2cron
expect_eq "cron: promote starts the timer again" "$(unit_prop pm2cron.reload.timer ActiveState)" active
expect_exit 0 "cron: delete" cc delete pm2cron
[[ ! -e $UNIT_DIR/pm2cron.reload.timer && ! -e $UNIT_DIR/pm2cron.reload.service ]] &&
	pass "cron: delete removes the timer and its service" || fail "cron: delete removes the timer" "$(ls "$UNIT_DIR")"
expect_eq "cron: the timer is gone from the manager" "$(unit_prop pm2cron.reload.timer LoadState)" not-found
rm -rf "$OUT"

# --- shutdown_with_message: the stop signal arrives as the 'shutdown' message ------------------
cat >"$PM2_APPDIR/message-app.js" <<'EOF'
const http = require('http');
const server = http.createServer((req, res) => res.end(`instance=${process.env.NODE_APP_INSTANCE} pid=${process.pid}\n`));
server.listen(3000, () => process.send('ready'));
process.on('message', (msg) => {
  if (msg === 'shutdown') {
    console.log('got the shutdown message');
    server.close(() => process.exit(0));
  }
});
EOF
cat >"$PM2_APPDIR/message.config.js" <<'EOF'
module.exports = { apps: [{ name: 'pm2message', script: 'message-app.js', instances: 2, wait_ready: true,
  shutdown_with_message: true }] };
EOF
expect_exit 0 "shutdown message: import" cc import "$PM2_APPDIR/message.config.js" --listen 127.0.0.1:18314 -o "$OUT"
expect_exit 0 "shutdown message: start" start_app pm2message "$OUT/pm2message.conf"
expect_eq "shutdown message: serves" "$(instances_seen 18314 "0 1 ")" "0 1 "
expect_exit 0 "shutdown message: stop" cc stop pm2message
cc logs pm2message -n 100 >"$WORK/msglog" 2>&1 || true
expect_contains "shutdown message: the app got it" "$WORK/msglog" "got the shutdown message"
expect_eq "shutdown message: it exited by itself, cleanly" "$(unit_prop pm2message@0.service Result)" success

finish
