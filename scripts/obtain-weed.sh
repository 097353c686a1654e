#!/usr/bin/env bash
# Builds the real SeaweedFS peers from the Go module github.com/seaweedfs/seaweedfs at the version
# pinned in test/go/go.mod: the `weed` binary (master, Go volume servers, shell, `weed mini` as the
# S3 server) and upstream's test/volume_server/{http,grpc,rust,loadtest} test binaries. They go to
# a cache outside git, in a folder named after the version; a finished build is reused.
# Nothing built here is committed. WEED_BINARY overrides the weed path at run time.
#
#   scripts/obtain-weed.sh           # prints the peer folder on its last line
#
# Cache: ${NEEDLEWORK_CACHE:-~/.cache/needlework}/seaweedfs-<version>/{weed,<pkg>.test}
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
module=github.com/seaweedfs/seaweedfs
version=$(awk -v m="$module" '$1 == "require" && $2 == m { print $3 } $1 == m { print $2 }' "$root/test/go/go.mod" | head -n 1)
if [ -z "$version" ]; then
  echo "obtain-weed: no version of $module in test/go/go.mod" >&2
  exit 1
fi
cache=${NEEDLEWORK_CACHE:-$HOME/.cache/needlework}
peers="$cache/seaweedfs-$version"
packages=(http grpc rust loadtest)
stamp="$peers/.complete"
if [ -f "$stamp" ]; then
  echo "obtain-weed: reusing $peers" >&2
  echo "$peers"
  exit 0
fi
mkdir -p "$peers"
started=$(date +%s)

# The module's own go.mod and go.sum decide every dependency, exactly as upstream builds it.
src=$(cd "$root/test/go" && go mod download -json "$module@$version" | awk -F'"' '$2 == "Dir" { print $4 }')
if [ -z "$src" ] || [ ! -d "$src" ]; then
  echo "obtain-weed: the Go module proxy did not serve $module@$version" >&2
  exit 1
fi
cd "$src"
echo "obtain-weed: building weed $version" >&2
go build -o "$peers/weed.partial" ./weed
mv "$peers/weed.partial" "$peers/weed"
echo "obtain-weed: building test binaries: ${packages[*]}" >&2
for pkg in "${packages[@]}"; do
  go test -c -o "$peers/$pkg.test.partial" "./test/volume_server/$pkg"
  mv "$peers/$pkg.test.partial" "$peers/$pkg.test"
done
"$peers/weed" version >&2
echo "obtain-weed: built in $(( $(date +%s) - started )) s" >&2
touch "$stamp"
echo "$peers"
