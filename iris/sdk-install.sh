#!/usr/bin/env bash
# Install the InterSystems IRIS Native SDK for Node.js from a copy of an IRIS kit's
# /usr/irissys/dev/nodejs/ (SRC) into vendor/iris-nodejs/ (DEST), and install each package's
# dependencies without touching package.json. Used by `make iris-sdk` (iris/sdk.sh: SRC is a copy
# taken out of the running iris container) and by the bench container (iris/bench-entrypoint.sh:
# SRC is the iris image's directory shared through a volume).
# Usage: iris/sdk-install.sh SRC [DEST]
set -euo pipefail
src="${1:?usage: iris/sdk-install.sh SRC [DEST]}"
dest="${2:-vendor/iris-nodejs}"

mkdir -p "$dest"
# Empty DEST's contents, not DEST itself: in the bench container it is a volume's mount point.
find "$dest" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
cp -R "$src/." "$dest/"

found=""
for pkg in intersystems-iris intersystems-iris-native; do
  if [ -f "$dest/$pkg/package.json" ]; then
    (cd "$dest/$pkg" && npm install --omit=dev --no-audit --no-fund --no-package-lock)
    found="$found $pkg"
  fi
done
if [ -z "$found" ]; then
  echo "iris-sdk: no Node.js SDK (intersystems-iris or intersystems-iris-native) in $src (contents: $(ls "$src" | tr '\n' ' '))" >&2
  exit 1
fi
echo "iris-sdk: installed$found into $dest for $(uname -s)/$(uname -m) (the iris-native target picks it up; sdk_path overrides)"
