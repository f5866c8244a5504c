#!/usr/bin/env bash
# The browser tests check the website chat with axe-core (WCAG 2.1 AA). It is installed from npm
# into var/axe (ignored by git) when missing; prints the path of axe.min.js.
set -euo pipefail
VERSION="4.14.1"  # axe-core, pinned
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="$ROOT/var/axe"
FILE="$DIR/node_modules/axe-core/axe.min.js"
installed() {
  [ -f "$FILE" ] && [ "$(node -p "require('$DIR/node_modules/axe-core/package.json').version")" = "$VERSION" ]
}
if ! installed; then
  command -v npm >/dev/null || { echo "axe: npm is missing (install Node.js 18+)" >&2; exit 1; }
  mkdir -p "$DIR"
  npm install --silent --no-audit --no-fund --ignore-scripts --no-save --prefix "$DIR" "axe-core@$VERSION" >&2
  installed || { echo "axe: axe-core $VERSION did not install into $DIR" >&2; exit 1; }
fi
echo "$FILE"
