#!/usr/bin/env bash
# package.completion: the bash completion (and the zsh one, when zsh is here) completes every
# command, options, and the names of the apps in a unit directory — only those whose
# [X-Clusterctl] section names them, as `clusterctl status` lists them.
# shellcheck source=tests/package/lib.sh
source "$(dirname "$0")/lib.sh"
export LC_ALL=C # one sort order for the expected lists
: "${SOURCE_DIR:?the source tree}" "${CLUSTERCTL:?the built binary}"
BASH_COMPLETION=$(realpath "$SOURCE_DIR/shell-completion/bash/clusterctl")
ZSH_COMPLETION=$(realpath "$SOURCE_DIR/shell-completion/zsh/_clusterctl")

# A user unit directory with one app, one unit clusterctl did not write, and one whose
# marker names another app.
export XDG_CONFIG_HOME=$WORK/config HOME=$WORK
units=$XDG_CONFIG_HOME/systemd/user
mkdir -p "$units/shop.target.wants" "$XDG_CONFIG_HOME/clusterctl"
printf '[Service]\nExecStart=/bin/true\n\n[X-Clusterctl]\nApp=shop\nConfig=/x.conf\nHash=0\n' >"$units/shop@.service"
printf '[Service]\nExecStart=/bin/true\n' >"$units/other@.service"
printf '[Service]\nExecStart=/bin/true\n\n[X-Clusterctl]\nApp=shop\n' >"$units/fake@.service"
ln -s ../shop@.service "$units/shop.target.wants/shop@0.service"
ln -s ../shop@.service "$units/shop.target.wants/shop@1.service"
touch "$XDG_CONFIG_HOME/clusterctl/api.conf"
commands=$("$CLUSTERCTL" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && !/^Commands:/ { print $1 }' | sort)

# bash_complete WORD...: the completions bash offers for the last word, sorted, one a line.
mkdir -p "$WORK/empty" # the current directory, for file names: none
bash_complete() {
	cd "$WORK/empty" && bash --norc --noprofile -c '
		source "$0"
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _clusterctl
		printf "%s\n" "${COMPREPLY[@]}" | sort' "$BASH_COMPLETION" "$@"
}
expect_completion() { # DESCRIPTION EXPECTED-LINES WORD...
	local what=$1 want=$2 got
	shift 2
	got=$("$@")
	[[ $got == "$want" ]] || fail "$what" "command line: ${*:2}" "want: $(echo $want)" "got:  $(echo $got)"
	pass "$what"
}

check "the bash completion parses" bash -n "$BASH_COMPLETION"
expect_completion "bash: every command of clusterctl --help" "$commands" bash_complete clusterctl ''
expect_completion "bash: a command from its start" $'start\nstatus' bash_complete clusterctl sta
expect_completion "bash: an app name, from the units" "shop" bash_complete clusterctl --user stop ''
expect_completion "bash: an app name, completed from its start" "shop" bash_complete clusterctl --user logs sh
expect_completion "bash: no app of the other scope" "" bash_complete clusterctl stop ''
expect_completion "bash: an app's instances" $'0\n1' bash_complete clusterctl --user logs shop --instance ''
expect_completion "bash: start offers apps with units or a config" $'api\nshop' \
	bash_complete clusterctl --user start ''
expect_completion "bash: options" $'--follow\n--force' bash_complete clusterctl --user --f
expect_completion "bash: only the options the command takes" $'--follow' bash_complete clusterctl --user logs --f
expect_completion "bash: none the command refuses" "" bash_complete clusterctl --user logs --b
expect_completion "bash: reload's options" $'--batch' bash_complete clusterctl reload web --ba
expect_completion "bash: option values" $'rollback' bash_complete clusterctl reload --on-failure r
expect_completion "bash: scale counts" $'max\nmax-1' bash_complete clusterctl --user scale shop ma
if [[ -f /usr/share/bash-completion/bash_completion ]]; then
	# With bash-completion loaded too (_filedir and friends), as in an interactive shell.
	got=$(bash --norc --noprofile -c '
		source /usr/share/bash-completion/bash_completion; source "$0"
		COMP_WORDS=(clusterctl --user restart ""); COMP_CWORD=3; _clusterctl; echo "${COMPREPLY[*]}"' \
		"$BASH_COMPLETION")
	[[ $got == shop ]] || fail "bash with bash-completion: an app name" "got: $got"
	pass "bash with bash-completion loaded: an app name"
fi

# zsh: drive a real interactive zsh through zpty and capture what compadd is given.
if ! command -v zsh >/dev/null; then
	skip "zsh is not installed: the zsh completion is untested (tests/deps.sh installs it)"
fi
check "the zsh completion parses" zsh -n "$ZSH_COMPLETION"
mkdir -p "$WORK/fpath"
cp "$ZSH_COMPLETION" "$WORK/fpath/"
cat >"$WORK/capture.zsh" <<'ZSH'
# capture.zsh FPATH LINE: prints the matches zsh completion offers for LINE, one a line.
# The markers are split in what is typed, so that the terminal's echo of it does not match.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PROMPT=''; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z '_capture() { compadd() { local -a m; builtin compadd -O m "$@"; print -r -l -- "<M>"${^m}; builtin compadd "$@" }; _main_complete; unfunction compadd; print -r -- "<EN""D>" }'
zpty -w z "zle -C capture complete-word _capture; bindkey '^X' capture; print -r -- '<READ''Y>'"
zpty -r z line '*<READY>*'
zpty -w -n z "$2"$'\C-X'
zpty -r z out '*<END>*'
zpty -d z
print -r -- "$out" | tr -d '\r' | grep -ao '<M>[^<]*' | sed 's/^<M>//' | sort -u
ZSH
# timeout: zpty -r waits for its pattern for ever.
zsh_complete() { timeout 30 zsh -f "$WORK/capture.zsh" "$WORK/fpath" "$*"; }
expect_completion "zsh: every command of clusterctl --help" "$commands" zsh_complete 'clusterctl '
expect_completion "zsh: an app name, from the units" "shop" zsh_complete 'clusterctl --user reload '
expect_completion "zsh: an app's instances" $'0\n1' zsh_complete 'clusterctl --user logs shop --instance '
expect_completion "zsh: option values" $'emerg\nerr' zsh_complete 'clusterctl --user logs shop -p e'
expect_completion "zsh: a command's own options" $'--dry-run' zsh_complete 'clusterctl --user reload shop --dr'
expect_completion "zsh: none the command refuses" "" zsh_complete 'clusterctl --user logs shop --ba'
finish
