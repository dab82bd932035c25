#!/usr/bin/env bash
# package.manpages: clusterctl(1) and clusterctl.conf(5), as CMake built them, render without a
# warning (groff -ww, and man --warnings as lintian runs it), and document every command and
# option `clusterctl --help` lists and every config key src/config-keys.c accepts.
# shellcheck source=tests/package/lib.sh
source "$(dirname "$0")/lib.sh"
: "${MAN_DIR:?directory of the built man pages}" "${CLUSTERCTL:?the built binary}" "${SOURCE_DIR:?the source tree}"

need groff man
for page in clusterctl.1 clusterctl.conf.5; do
	f=$MAN_DIR/$page
	[[ -f $f ]] || fail "$page was built" "no $f"
	if groff -man -ww -z "$f" >"$WORK/groff" 2>&1 && [[ ! -s $WORK/groff ]]; then
		pass "groff -man -ww -z $page: no warning"
	else
		fail "groff -man -ww -z $page: no warning" "$(cat "$WORK/groff")"
	fi
	LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$f" >/dev/null 2>"$WORK/man"
	[[ ! -s $WORK/man ]] || fail "man --warnings -l $page: no warning" "$(cat "$WORK/man")"
	pass "man --warnings -l $page: no warning"
	# Plain text, with hyphens as typed and each paragraph on one line, to look things up in.
	groff -man -Tascii -P-cbou -rLL=1000n "$f" 2>/dev/null >"$WORK/$page.txt"
done

# Every command of the usage, and every option (long and short).
"$CLUSTERCTL" --help >"$WORK/help"
commands=$(sed -n '/^Commands:/,/^$/p' "$WORK/help" | awk 'NF && !/^Commands:/ { print $1 }')
[[ -n $commands ]] || fail "clusterctl --help lists commands" "$(cat "$WORK/help")"
for c in $commands; do
	grep -Eq "^ {7}(.*, )?$c( |,|$)" "$WORK/clusterctl.1.txt" || fail "clusterctl(1) documents the command '$c'"
done
pass "clusterctl(1) documents every command: $(echo $commands)"
options=$(sed -n '/^Options:/,/^$/p' "$WORK/help" | grep -oE '(^|[ ,])--?[a-z][a-z-]*' | tr -d ' ,' | sort -u)
[[ -n $options ]] || fail "clusterctl --help lists options" "$(cat "$WORK/help")"
for o in $options; do
	grep -Eq -- "(^|[ ,])$o([ ,=]|$)" "$WORK/clusterctl.1.txt" || fail "clusterctl(1) documents the option '$o'"
done
pass "clusterctl(1) documents every option: $(echo $options)"
for s in "EXIT STATUS" ENVIRONMENT FILES EXAMPLES; do
	grep -qx "$s" "$WORK/clusterctl.1.txt" || fail "clusterctl(1) has a section $s"
done
pass "clusterctl(1) has EXIT STATUS, ENVIRONMENT, FILES and EXAMPLES"
for code in 0 1 2 3; do
	sed -n '/^EXIT STATUS/,/^[A-Z]/p' "$WORK/clusterctl.1.txt" | grep -Eq "^ {7}$code\b" ||
		fail "clusterctl(1) documents exit status $code"
done
pass "clusterctl(1) documents exit statuses 0, 1, 2 and 3"

# Every key in src/config-keys.c's table (plus those it reads itself), with its PM2 name and unit setting.
keys=$(sed -n 's/^ *{ "\([a-z_]*\)", parse_[a-z_]* },$/\1/p' "$SOURCE_DIR/src/config-keys.c")
keys="$keys exec script interpreter args batch pause grace on_failure"
[[ $keys == *instances* ]] || fail "the key table of src/config-keys.c was found" "$keys"
for k in $keys; do
	# A key's entry starts at the margin of its section: "       key (type...".
	grep -Eq "^ {7}( {7})?$k +\(" "$WORK/clusterctl.conf.5.txt" || fail "clusterctl.conf(5) documents the key '$k'"
done
pass "clusterctl.conf(5) documents every key: $(echo $keys)"
# Each entry, up to the next one, says "PM2: ..." (every paragraph is one line here).
without=$(awk -v keys="$keys" '
	BEGIN { n = split(keys, k, " "); for (i = 1; i <= n; i++) want[k[i]] = 1 }
	match($0, /^       (       )?[a-z_]+ +\(/) { split(substr($0, RSTART), w, " "); if (w[1] in want) key = w[1] }
	key != "" && /PM2: / { seen[key] = 1 }
	END { for (x in want) if (!(x in seen)) printf "%s ", x }' "$WORK/clusterctl.conf.5.txt")
[[ -z $without ]] || fail "every key names its PM2 equivalent" "no PM2: line for $without"
pass "every key names its PM2 equivalent"
finish
