#!/usr/bin/env bash
# `make iris-sdk`: copy the InterSystems IRIS Native SDK for Node.js out of the running docker
# compose `iris` container and install its dependencies, without touching package.json.
# The SDK ships with IRIS under /usr/irissys/dev/nodejs/: intersystems-iris-native in older kits,
# intersystems-iris in 2025.3+ ("distributed with InterSystems IRIS 2025.3 kits",
# https://docs.intersystems.com/components/csp/docbook/NodeJS-Native/api). It is not on npm under
# those names. The iris-native target finds it in vendor/iris-nodejs/ (see its sdk_path option).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dest=vendor/iris-nodejs
src=/usr/irissys/dev/nodejs

if ! docker compose ps --status running --services 2>/dev/null | grep -qx iris; then
  echo "iris-sdk: the iris service is not running; start it with: docker compose up -d --wait iris" >&2
  exit 1
fi
rm -rf "$dest"
mkdir -p "$dest"
docker compose cp "iris:$src/." "$dest/"

found=""
for pkg in intersystems-iris intersystems-iris-native; do
  if [ -f "$dest/$pkg/package.json" ]; then
    (cd "$dest/$pkg" && npm install --omit=dev --no-audit --no-fund --no-package-lock)
    found="$found $pkg"
  fi
done
if [ -z "$found" ]; then
  echo "iris-sdk: no Node.js SDK under $src in the iris container (contents: $(ls "$dest" | tr '\n' ' '))" >&2
  exit 1
fi
echo "iris-sdk: installed$found into $dest (the iris-native target picks it up; sdk_path overrides)"
