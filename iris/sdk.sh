#!/usr/bin/env bash
# `make iris-sdk`: copy the InterSystems IRIS Native SDK for Node.js out of the running docker
# compose `iris` container and install its dependencies (iris/sdk-install.sh).
# The SDK ships with IRIS under /usr/irissys/dev/nodejs/: intersystems-iris-native in older kits,
# intersystems-iris in 2025.3+ ("distributed with InterSystems IRIS 2025.3 kits",
# https://docs.intersystems.com/components/csp/docbook/NodeJS-Native/api). It is not on npm under
# those names. The iris-native target finds it in vendor/iris-nodejs/ (see its sdk_path option).
# The copy is the container's Linux build: its native addon loads on a Linux host only. On macOS or
# Windows run the pipeline in the bench container instead (docs/iris.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
src=/usr/irissys/dev/nodejs

if ! docker compose ps --status running --services 2>/dev/null | grep -qx iris; then
  echo "iris-sdk: the iris service is not running; start it with: docker compose up -d --wait iris" >&2
  exit 1
fi
if [ "$(uname -s)" != Linux ]; then
  echo "iris-sdk: warning: this host is $(uname -s); the SDK in the iris container is built for Linux and will not load here." >&2
  echo "iris-sdk: run the pipeline in the bench container instead: docker compose run --rm bench make all CONFIG=config/three-way.yaml" >&2
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
docker compose cp "iris:$src/." "$tmp/"
exec iris/sdk-install.sh "$tmp" vendor/iris-nodejs
