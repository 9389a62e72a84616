#!/usr/bin/env bash
# Integration tests: mocha inside a real VS Code extension host (code-server, offline).
# Builds the extension and the tests, makes sure the tools are installed, then runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-tools.sh >/dev/null
node esbuild.mjs >/dev/null 2>&1 || node esbuild.mjs
npx tsc -p test --noEmit false
node out/test/integration/run.js
