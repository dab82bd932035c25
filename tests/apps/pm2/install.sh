#!/usr/bin/env bash
# Installs the frameworks of the PM2 test apps (package.json) into DIR/node_modules with npm,
# unless DIR already has exactly this package.json installed: each build directory installs once,
# and npm's own cache makes a second build directory's install need no download.
#   tests/apps/pm2/install.sh DIR
set -euo pipefail

src=$(cd "$(dirname "$0")" && pwd)
dest=${1:?usage: install.sh DIR}
mkdir -p "$dest"
exec 9>"$dest/.lock"
flock 9
if [[ -d $dest/node_modules ]] && cmp -s "$src/package.json" "$dest/package.json"; then
	exit 0
fi
command -v npm >/dev/null || { echo "install.sh: npm is not installed (tests/deps.sh installs it)" >&2; exit 1; }
rm -rf "$dest/node_modules" "$dest/package.json" "$dest/package-lock.json"
cp "$src/package.json" "$dest/package.json"
if ! (cd "$dest" && npm install --prefer-offline --no-audit --no-fund --omit=dev --loglevel=error >&2); then
	rm -f "$dest/package.json" # not installed: the next run tries again
	exit 1
fi
