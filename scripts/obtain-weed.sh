#!/usr/bin/env bash
# Obtains the real SeaweedFS 4.44 `weed` binary and the upstream volume-server test binaries
# through the Go module proxy (module github.com/seaweedfs/seaweedfs, pinned in test/go/go.mod),
# into a cache outside git. Nothing here is committed; WEED_BINARY overrides the weed path.
#
#   scripts/obtain-weed.sh          # weed (4-byte offsets, the stock build) + http/grpc/rust test binaries
#
# Cache: ${NEEDLEWORK_CACHE:-~/.cache/needlework}/weed-4.44/weed and parity-4.44/<pkg>.test
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${NEEDLEWORK_CACHE:-$HOME/.cache/needlework}
module=github.com/seaweedfs/seaweedfs
mkdir -p "$cache/weed-4.44" "$cache/parity-4.44"
cd "$root/test/go"
if ! go mod download "$module" >"$cache/obtain-weed.err" 2>&1; then
  echo "obtain-weed: the Go module proxy cannot serve $module:" >&2
  cat "$cache/obtain-weed.err" >&2
  echo "obtain-weed: put a 4.44 weed at $cache/weed-4.44/weed (or set WEED_BINARY) and test binaries at $cache/parity-4.44/" >&2
  exit 1
fi
go build -o "$cache/weed-4.44/weed" "$module/weed"
for pkg in http grpc rust; do
  go test -c -o "$cache/parity-4.44/$pkg.test" "$module/test/volume_server/$pkg"
done
"$cache/weed-4.44/weed" version
