#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3, the last line on Node 20) into .e2e/ for the
# end-to-end tests, outside the project's dependencies. Needs Debian's ripgrep and libkrb5-dev.
# Idempotent: does nothing when the pinned version is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=.e2e/tools
CODE_SERVER_VERSION=4.100.3
if [ -x "$DIR/node_modules/.bin/code-server" ] && grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$DIR/node_modules/code-server/package.json"; then
  exit 0
fi
command -v rg >/dev/null || { echo "install-code-server: Debian's ripgrep is required (apt-get install ripgrep)" >&2; exit 1; }
mkdir -p "$DIR"
# @vscode/ripgrep's postinstall downloads rg from GitHub; a tarball of Debian's rg in its cache satisfies it.
TMP=${TMPDIR:-/tmp}
CACHE="$TMP/vscode-ripgrep-cache-1.15.11"
TARBALL="$CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$TARBALL" ]; then
  mkdir -p "$CACHE" "$TMP/rg-pack"
  cp "$(command -v rg)" "$TMP/rg-pack/rg"
  tar -czf "$TARBALL" -C "$TMP/rg-pack" rg
fi
echo '{"name":"attnlens-e2e-tools","private":true,"allowScripts":{"code-server":true,"argon2":true}}' > "$DIR/package.json"
cd "$DIR"
npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund --no-save \
  "code-server@$CODE_SERVER_VERSION"
