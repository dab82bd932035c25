#!/usr/bin/env bash
# Apps written for PM2 run unchanged: an Express app (ecosystem.config.js) and a Fastify app
# (the process-file YAML), both with listen(3000) and process.send('ready') in the listen
# callback, frameworks installed from npm. `import` then `start`: 4 instances serve on the one
# port of the config, each with its own NODE_APP_INSTANCE; a reload under load drops no request;
# a bad deploy keeps the old version serving; in both socket modes.
source "$(dirname "$0")/lib.sh"
begin
source "$(dirname "$0")/../apps/pm2/setup.sh"

# serve_and_reload APP SCRIPT PORT MODE ALLOWED_BAD_DEPLOY_FAILURES
serve_and_reload() {
	local app=$1 script=$PM2_APPDIR/$2 port=$3 mode=$4 allowed=$5 conf=$WORK/conf/$1.conf before after i
	expect_eq "$mode: $app: 4 instances active" "$(active_instances "$app")" 4
	expect_eq "$mode: $app: every instance answers on port $port" "$(instances_seen "$port" "0 1 2 3 ")" "0 1 2 3 "
	for i in 0 1 2 3; do
		expect_eq "$mode: $app@$i sees NODE_APP_INSTANCE=$i" "$(instance_env "$app" $i NODE_APP_INSTANCE)" "$i"
	done
	expect_eq "$mode: $app: stopped with SIGINT, as PM2 does" "$(unit_prop "$app@0.service" KillSignal)" 2

	# A new version, rolled out under load.
	sed -i 's/APP_VERSION = "v1"/APP_VERSION = "v2"/' "$conf"
	before=$(invocations "$app" 4)
	start_load "$port"
	expect_exit 0 "$mode: $app: reload" cc reload "$app"
	stop_load "$mode: $app: no request failed during the reload"
	after=$(invocations "$app" 4)
	for i in 0 1 2 3; do
		[[ $(cut -d' ' -f$((i + 1)) <<<"$before") != $(cut -d' ' -f$((i + 1)) <<<"$after") ]] &&
			pass "$mode: $app@$i restarted" || fail "$mode: $app@$i restarted" "$before" "$after"
	done
	http_get "$port" >"$WORK/body"
	expect_contains "$mode: $app serves v2" "$WORK/body" "version=v2"

	# A bad deploy: the new code throws before it listens. With the shared socket the rollout
	# tries it on a spare instance (@4) first and stops there, every instance still on v2; with
	# reuseport it stops at the first instance, and the others keep serving v2.
	local failed=0 untouched="1 2 3" summary="0 instances on the new version, 3 still on the old one, 1 failed"
	if [[ $mode == shared ]]; then
		failed=4 untouched="0 1 2 3"
		summary="the new version failed on a spare instance before any instance was restarted: all 4 still run the old one"
	fi
	cp "$script" "$WORK/$app.js.good"
	printf 'throw new Error("bad deploy");\n' >"$script"
	sed -i 's/APP_VERSION = "v2"/APP_VERSION = "v3"/' "$conf"
	start_load "$port"
	expect_exit 1 "$mode: $app: the bad deploy fails" cc reload "$app"
	stop_load "$mode: $app: requests served through the bad deploy" "$allowed"
	expect_contains "$mode: $app: names the failed instance" "$WORK/stderr" "$app@$failed.service"
	expect_contains "$mode: $app: counts old and new" "$WORK/stderr" "$summary"
	cc logs "$app" --instance "$failed" -n 200 >"$WORK/logs" 2>&1 || true
	expect_contains "$mode: $app: its log says why" "$WORK/logs" "Error: bad deploy"
	for i in $untouched; do
		expect_eq "$mode: $app@$i still runs v2" "$(instance_env "$app" $i APP_VERSION)" v2
	done
	expect_eq "$mode: $app: the old version answers" "$(instances_seen "$port" "$untouched ")" "$untouched "
	cp "$WORK/$app.js.good" "$script"
	expect_exit 0 "$mode: $app: reload after the fix" cc reload "$app"
	expect_eq "$mode: $app: all 4 back" "$(instances_seen "$port" "0 1 2 3 ")" "0 1 2 3 "
}

# Express, from ecosystem.config.js, shared socket.
expect_exit 0 "import ecosystem.config.js" cc import "$PM2_APPDIR/ecosystem.config.js" --env production \
	--listen 127.0.0.1:18301 -o "$WORK/conf"
conf=$WORK/conf/pm2express.conf
expect_contains "import: node_compat" "$conf" 'node_compat = "pm2";'
expect_contains "import: wait_ready" "$conf" 'ready = "notify";'
expect_contains "import: --env production" "$conf" 'NODE_ENV = "production";'
expect_contains "import: says where it wrote" "$WORK/stderr" "written to $conf"
expect_exit 0 "check passes on the imported config" cc check "$conf"
expect_exit 0 "start pm2express" start_app pm2express "$conf"
expect_contains "start: 4 ready" "$WORK/stderr" "4 instances ready"
serve_and_reload pm2express express-app.js 18301 shared 0

# Fastify, from the YAML process file, a socket per instance. With reuseport, connections the
# kernel hashed to the failed instance's socket are reset when it is stopped.
expect_exit 0 "import ecosystem.config.yml" cc import "$PM2_APPDIR/ecosystem.config.yml" --listen 127.0.0.1:18302 -o "$WORK/conf"
printf 'socket_mode = "reuseport";\n' >>"$WORK/conf/pm2fastify.conf"
expect_exit 0 "check the reuseport config" cc check "$WORK/conf/pm2fastify.conf"
expect_exit 0 "start pm2fastify" start_app pm2fastify "$WORK/conf/pm2fastify.conf"
expect_eq "reuseport: a socket per instance" "$(unit_prop pm2fastify@3.socket ActiveState)" active
serve_and_reload pm2fastify fastify-app.js 18302 reuseport 40

# Without wait_ready, PM2 counts a cluster worker as up once it listens: so does the preload.
sed -e 's/wait_ready: true,//' -e 's/pm2express/pm2listen/' "$PM2_APPDIR/ecosystem.config.js" >"$PM2_APPDIR/listen.config.js"
expect_exit 0 "import without wait_ready" cc import "$PM2_APPDIR/listen.config.js" --listen 127.0.0.1:18303 -o "$WORK/conf"
expect_contains "ready on listen" "$WORK/conf/pm2listen.conf" 'ready = "listen";'
expect_exit 0 "start, ready once listening" start_app pm2listen "$WORK/conf/pm2listen.conf"
expect_eq "ready on listen: every instance answers" "$(instances_seen 18303 "0 1 2 3 ")" "0 1 2 3 "
expect_exit 0 "delete pm2listen" cc delete pm2listen

finish
