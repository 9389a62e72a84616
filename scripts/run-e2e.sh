#!/usr/bin/env bash
# End-to-end tests: package the .vsix, install it into a real VS Code (code-server), and drive the
# workbench with Playwright and Debian's Chromium. Screenshots go to test-results/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-tools.sh >/dev/null
npm run -s package >/dev/null
npx tsc -p test --noEmit false
npx mocha --no-config --timeout 180000 --reporter spec 'out/test/e2e/**/*.e2e.test.js'
