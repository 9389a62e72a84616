#!/usr/bin/env bash
# Sets up and opens Reverie in VS Code.
#   - desktop VS Code (`code` on the PATH): opens a window with Reverie loaded from this checkout
#   - otherwise: installs code-server (a real VS Code in the browser, offline-capable), installs
#     the freshly packaged Reverie into a profile kept in ~/.cache/reverie/open-profile, and serves
#     it on 127.0.0.1, printing the address. Ctrl+C stops it.
# Usage: npm run open [-- FOLDER]     Env: REVERIE_PORT (default 8080), REVERIE_MOCK=1 to talk to the
#        bundled mock API instead of Anthropic (handy without a key or a network).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
FOLDER=$(cd "${1:-$ROOT}" && pwd)
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run -s package >/dev/null
echo "[open] packaged $(ls -1 reverie.vsix) ($(du -k reverie.vsix | cut -f1) KB)"

if command -v code >/dev/null 2>&1 && [ -z "${REVERIE_USE_CODE_SERVER:-}" ]; then
  echo "[open] opening VS Code with Reverie from $ROOT"
  echo "[open] to install it for good: code --install-extension $ROOT/reverie.vsix"
  exec code --extensionDevelopmentPath="$ROOT" "$FOLDER"
fi

bash scripts/setup-tools.sh
source scripts/tools-env.sh
PROFILE=${REVERIE_PROFILE:-$REVERIE_TOOLS/../open-profile}
mkdir -p "$PROFILE/user/User" "$PROFILE/user/Machine" "$PROFILE/extensions"
PORT=${REVERIE_PORT:-8080}
export PATH="$NODE24_DIR/bin:$PATH"
CS=("$NODE24_DIR/bin/node" "$CODE_SERVER" --config "$PROFILE/config.yaml" --user-data-dir "$PROFILE/user" --extensions-dir "$PROFILE/extensions")
"${CS[@]}" --install-extension "$ROOT/reverie.vsix" --force >/dev/null

MOCK_PID=""
if [ -n "${REVERIE_MOCK:-}" ]; then
  npx tsc -p test --noEmit false
  node out/test/fixtures/mockAnthropicCli.js --port 0 > "$PROFILE/mock.log" 2>&1 &
  MOCK_PID=$!
  for _ in $(seq 1 50); do grep -q MOCK_ANTHROPIC_URL "$PROFILE/mock.log" && break; sleep 0.1; done
  MOCK_URL=$(sed -n 's/^MOCK_ANTHROPIC_URL=//p' "$PROFILE/mock.log")
  echo "{ \"reverie.baseUrl\": \"$MOCK_URL\" }" > "$PROFILE/user/Machine/settings.json"
  export ANTHROPIC_API_KEY=mock-key
  echo "[open] mock Anthropic API at $MOCK_URL (it echoes what you type); any key works"
elif grep -q '"reverie.baseUrl"' "$PROFILE/user/Machine/settings.json" 2>/dev/null; then
  echo '{}' > "$PROFILE/user/Machine/settings.json" # forget a mock URL from an earlier REVERIE_MOCK run
fi
trap '[ -n "$MOCK_PID" ] && kill $MOCK_PID 2>/dev/null; true' EXIT

echo "[open] Reverie in VS Code (code-server): http://127.0.0.1:$PORT/?folder=$FOLDER"
echo "[open] open that address in a browser; press Ctrl+C here to stop"
"${CS[@]}" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check "$FOLDER"
