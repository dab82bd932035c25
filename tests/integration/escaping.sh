#!/usr/bin/env bash
# Values from a config reach the app exactly as written: quotes, backslashes, $, % and
# specifier-like text survive, and nothing injects a line or a section into the unit.
source "$(dirname "$0")/lib.sh"
begin

hostile='a "quoted" \back\slash $HOME ${PATH} 100% %i %n [Service] ExecStart=/bin/false ; tail\'
cat >"$WORK/esc.conf" <<CONF
name = "esc";
exec = [ "/usr/bin/env", "FROM_ARGV=$(printf '%s' "$hostile" | sed 's/\\/\\\\/g; s/"/\\"/g')", "$TESTAPP" ];
listen = "127.0.0.1:18161";
cwd = "$APPDIR";
env = { HOSTILE = "$(printf '%s' "$hostile" | sed 's/\\/\\\\/g; s/"/\\"/g')"; };
CONF
expect_exit 0 "start with hostile values" start_app esc "$WORK/esc.conf"
main_environ esc@0.service >"$WORK/env"
expect_eq "env value arrives exactly" "$(sed -n 's/^HOSTILE=//p' "$WORK/env")" "$hostile"
expect_eq "exec argument arrives exactly" "$(sed -n 's/^FROM_ARGV=//p' "$WORK/env")" "$hostile"
expect_eq "the unit still has one ExecStart" "$(unit_prop esc@0.service ExecStart | grep -c 'path=')" 1
expect_eq "the unit's sections are only ours" \
	"$(grep '^\[' "$UNIT_DIR/esc@.service" | tr '\n' ' ')" "[Unit] [Service] [Install] [X-Clusterctl] "

printf 'name = "esc2";\nexec = "/bin/true";\nenv = { BAD = "line\\nbreak"; };\ncwd = "/";\n' >"$WORK/esc2.conf"
expect_exit 2 "a newline in a value is refused" cc start "$WORK/esc2.conf"
expect_contains "with file:line" "$WORK/stderr" "esc2.conf:3:"
[[ ! -e "$UNIT_DIR/esc2@.service" ]] && pass "nothing written for a refused config" || fail "nothing written"

finish
