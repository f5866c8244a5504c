#!/usr/bin/env bash
# Vendors the socket.io client the website chat widget loads (backend/webchat/static/vendor/).
# Run it to update the pinned version; the result is committed, so serving the widget needs no
# npm and no build step. npm checks the package's integrity against the registry.
set -euo pipefail
VERSION="4.8.4"  # socket.io-client; widget.js names the same file (SOCKET_IO_FILE)
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/backend/webchat/static/vendor/socket.io-$VERSION.min.js"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "socket.io-client@$VERSION" >/dev/null && tar xzf "socket.io-client-$VERSION.tgz")
pkg="$work/package"
test "$(node -p "require('$pkg/package.json').version")" = "$VERSION"
{
  echo "/* socket.io-client $VERSION, vendored by tools/vendor_webchat.sh from npm"
  echo "   (dist/socket.io.min.js, without its source map). Its licence follows."
  echo
  sed "s#\*/#* /#g" "$pkg/LICENSE"; echo
  echo "*/"
  # The source-map comment would make browsers ask for a file we do not ship.
  grep -v '^//# sourceMappingURL=' "$pkg/dist/socket.io.min.js"
} >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
# Older versions are removed: widget.js loads exactly one.
find "$(dirname "$OUT")" -name 'socket.io-*.min.js' ! -name "socket.io-$VERSION.min.js" -delete
echo "vendored socket.io-client $VERSION -> ${OUT#"$ROOT"/}"
