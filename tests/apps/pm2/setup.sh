# Sourced by the integration tests of PM2 apps, after tests/integration/lib.sh: installs the
# frameworks (once per build directory, install.sh) and copies the apps, their node_modules and
# clusterctl's node files to where the sandboxed instances can read them.
#   PM2_APPDIR           the apps and ecosystem files, with node_modules
#   CLUSTERCTL_DATA_DIR  clusterctl's node files (the preload, the ecosystem evaluator)
: "${PM2_APPS:?the tests/apps/pm2 directory}"
: "${NODE_DEPS:?where the frameworks are installed}"
: "${CLUSTERCTL_NODE_DIR:?the node/ directory of the tree}"

"$PM2_APPS/install.sh" "$NODE_DEPS" >"$WORK/npm.log" 2>&1 ||
	fail "npm installs the frameworks of the test apps" "$(tail -n 20 "$WORK/npm.log")"
PM2_APPDIR=$APPDIR/pm2
mkdir -p "$PM2_APPDIR"
cp "$PM2_APPS"/*.js "$PM2_APPS"/*.yml "$PM2_APPDIR/"
cp -r "$NODE_DEPS/node_modules" "$PM2_APPDIR/"
mkdir -p "$APPDIR/clusterctl-node"
cp "$CLUSTERCTL_NODE_DIR"/*.js "$APPDIR/clusterctl-node/"
export CLUSTERCTL_DATA_DIR=$APPDIR/clusterctl-node
chmod -R go-w "$APPDIR"
