#!/usr/bin/env bash
# End-to-end test of the VS Code extension in a real VS Code workbench (code-server) driven by headless Chromium.
# Installs its tools into a cache outside the clone, builds and installs the .vsix, starts code-server on
# 127.0.0.1 with all state in a temporary folder, runs the user journey (journey.js) and stops what it started.
# Environment:
#   LAMBDA_LEAK_E2E_CACHE  tool cache (default ~/.cache/lambda-leak-e2e; first install 3-6 min, then instant)
#   LAMBDA_LEAK_VSIX       test this prebuilt .vsix as is (default: vscode-client/lambda-leak.vsix, rebuilt if stale)
#   LAMBDA_LEAK_PYTHON     a Python 3.11+ for the extension to run its bundled server with (default: python3 on
#                          PATH, run with -S so that nothing installed in it is seen: no pip install anywhere)
#   E2E_ARTIFACTS          failure screenshots and logs (default .e2e-artifacts/); E2E_KEEP=1 keeps the temp folder
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${LAMBDA_LEAK_E2E_CACHE:-${HOME:-/tmp}/.cache/lambda-leak-e2e}
ARTIFACTS=${E2E_ARTIFACTS:-$ROOT/.e2e-artifacts}
VSIX=${LAMBDA_LEAK_VSIX:-$ROOT/vscode-client/lambda-leak.vsix}   # override: test a prebuilt package as is
PYTHON=${LAMBDA_LEAK_PYTHON:-$(command -v python3 || true)}
START=$(date +%s)
say() { echo "[e2e-vscode] $*"; }
die() { echo "[e2e-vscode] FAILED: $*" >&2; exit 1; }

if [ ! -f "$ROOT/vscode-client/package.json" ]; then
  say "skipped: vscode-client/package.json does not exist yet (no extension to test)"
  exit 0
fi
[ -n "$PYTHON" ] && [ -x "$PYTHON" ] || die "no python3 on PATH (or set LAMBDA_LEAK_PYTHON)"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || die "$PYTHON is older than Python 3.11"

# 1. Tools (cached outside the clone).
CACHE=$CACHE bash "$HERE/install.sh"
T_INSTALL=$(( $(date +%s) - START ))
NODE24=$CACHE/node24/package/bin/node
CODE_SERVER=$CACHE/app/node_modules/.bin/code-server

# 2. The extension package, rebuilt when a file in vscode-client/ is newer than it (CI builds it in `make test`).
if [ -z "${LAMBDA_LEAK_VSIX:-}" ]; then
  stale=yes
  if [ -f "$VSIX" ]; then
    stale=$(find "$ROOT/vscode-client" \( -name node_modules -o -name out -o -name dist -o -name .vscode-test \) -prune \
              -o -type f -newer "$VSIX" ! -name '*.vsix' -print | head -1)
  fi
  if [ -n "$stale" ]; then
    say "building $VSIX (make -C vscode-client ci)"
    make -C "$ROOT/vscode-client" ci
  fi
fi
[ -f "$VSIX" ] || die "no extension package at $VSIX"

# 3. A fresh code-server home: user data, extensions, workspace copy, all in one temp folder.
BASE=$(mktemp -d "${TMPDIR:-/tmp}/lambda-leak-e2e.XXXXXX")
WS=$BASE/workspace
PGID=""
export XDG_CONFIG_HOME=$BASE/xdg/config XDG_DATA_HOME=$BASE/xdg/data XDG_CACHE_HOME=$BASE/xdg/cache
export PATH="$CACHE/node24/package/bin:$PATH"

stop_server() {
  [ -n "$PGID" ] || return 0
  kill -TERM -- "-$PGID" 2>/dev/null || true
  for _ in $(seq 1 20); do pgrep -g "$PGID" >/dev/null || break; sleep 0.5; done
  # extension-host children can outlive the parent by a few seconds: end what is left of our own group
  pgrep -g "$PGID" >/dev/null && kill -KILL -- "-$PGID" 2>/dev/null || true
  PGID=""
}
finish() {
  local rc=$?
  stop_server
  if [ "$rc" != 0 ]; then
    mkdir -p "$ARTIFACTS"
    cp "$BASE/code-server.log" "$ARTIFACTS/" 2>/dev/null || true
    [ -d "$BASE/ud/logs" ] && cp -r "$BASE/ud/logs" "$ARTIFACTS/vscode-logs" 2>/dev/null || true
    [ -d "$WS" ] && cp -r "$WS" "$ARTIFACTS/workspace-after" 2>/dev/null || true
    # the extension's own log says why a server did not start or answer
    find "$BASE/ud/logs" -name 'Lambda Leak.log' 2>/dev/null | while read -r log; do
      echo "[e2e-vscode] last lines of the extension's log ($log):" >&2; tail -n 12 "$log" | cut -c1-240 >&2
    done
    echo "[e2e-vscode] FAILED (exit $rc); screenshots and logs in $ARTIFACTS" >&2
  fi
  if [ "${E2E_KEEP:-0}" = 1 ]; then echo "[e2e-vscode] kept $BASE"; else rm -rf "$BASE"; fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

rm -rf "$ARTIFACTS"; mkdir -p "$ARTIFACTS" "$BASE/ud/User" "$BASE/exts"
cp -r "$HERE/workspace" "$WS"
# The Python the extension runs: the machine's python3 without its site-packages (-S), so the server can only
# come from the .vsix. code-server's window is a remote window: machine-scoped settings (lambdaLeak.interpreter,
# importStrategy) are read from Machine/ (its Remote settings), not User/. The journey starts with
# importStrategy fromEnvironment there, so the "not installed" message and its way to the Remote settings show.
PLAIN_PYTHON=$BASE/bin/python3
mkdir -p "$BASE/bin" "$BASE/ud/Machine"
printf '#!/bin/sh\nexec "%s" -S "$@"\n' "$PYTHON" > "$PLAIN_PYTHON" && chmod +x "$PLAIN_PYTHON"
"$PLAIN_PYTHON" -c 'import lambda_leak' 2>/dev/null && die "$PLAIN_PYTHON imports lambda_leak: the test would not prove the bundle"
"$NODE24" "$HERE/settings.js" user "$PLAIN_PYTHON" > "$BASE/ud/User/settings.json"
"$NODE24" "$HERE/settings.js" machine "$PLAIN_PYTHON" fromEnvironment > "$BASE/ud/Machine/settings.json"

say "installing $(basename "$VSIX") into code-server"
"$CODE_SERVER" --user-data-dir "$BASE/ud" --extensions-dir "$BASE/exts" --install-extension "$VSIX" \
  > "$BASE/install-extension.log" 2>&1 || { cat "$BASE/install-extension.log" >&2; die "code-server --install-extension failed"; }

PORT=$("$NODE24" -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
# setsid: code-server leads its own process group, so stopping it ends exactly what it started
setsid "$CODE_SERVER" --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry --disable-update-check \
  --disable-workspace-trust --user-data-dir "$BASE/ud" --extensions-dir "$BASE/exts" "$WS" \
  > "$BASE/code-server.log" 2>&1 < /dev/null &
PGID=$!
[ "$(ps -o pgid= -p "$PGID" | tr -d ' ')" = "$PGID" ] || die "code-server did not get its own process group"
for _ in $(seq 1 120); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break
  kill -0 "$PGID" 2>/dev/null || { cat "$BASE/code-server.log" >&2; die "code-server exited at startup"; }
  sleep 0.5
done
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" || die "code-server did not answer on 127.0.0.1:$PORT"
say "code-server (pgid $PGID) on http://127.0.0.1:$PORT/, workspace $WS"

# 4. The user journey.
T0=$(date +%s)
LAUNCHER=$(ls "$BASE"/exts/lambda-leak.lambda-leak-*/bundled/tool/lambda_leak_server.py 2>/dev/null | head -1)
[ -n "$LAUNCHER" ] || die "the installed extension carries no bundled server (bundled/tool/lambda_leak_server.py)"
E2E_URL="http://127.0.0.1:$PORT/?folder=$WS" E2E_WORKSPACE=$WS E2E_ARTIFACTS=$ARTIFACTS \
E2E_IMAGES=$ROOT/docs/images E2E_PYTHON=$PLAIN_PYTHON E2E_LAUNCHER=$LAUNCHER E2E_PGID=$PGID \
E2E_MACHINE_SETTINGS=$BASE/ud/Machine/settings.json E2E_LOGS=$BASE/ud/logs NODE_PATH=$CACHE/driver/node_modules \
  timeout 900 "$NODE24" "$HERE/journey.js"
say "timings: install/check ${T_INSTALL}s, journey $(( $(date +%s) - T0 ))s, total $(( $(date +%s) - START ))s"
echo "e2e-vscode: $(cat "$ARTIFACTS/steps-passed") passed, 0 failed"  # the plain closing line CI reads
