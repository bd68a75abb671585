#!/usr/bin/env bash
# Entry point of the compose `bench` service (docker-compose.yml): prepares the Linux side of a
# mounted checkout, then runs the command given (default `make help`). Idempotent and quick when
# nothing changed, so every `docker compose run --rm bench …` can go through it.
#  1. DejaVu fonts for the PNG charts' text (lib/render/export-chart.ts), if missing.
#  2. The IRIS Native SDK for Node.js, built for Linux, from the iris image's copy
#     (PB_IRIS_SDK_SOURCE, a volume the iris service fills) into vendor/iris-nodejs (a volume of
#     this container: a host's own vendor/ is never loaded here). Reinstalled when the source
#     changed. Skipped with a note when the source is absent (profiles without iris-native).
#  3. node_modules (a volume too) is left to `make`, which runs npm ci when package-lock.json is
#     newer than the last install.
set -euo pipefail
cd /pathbench

if ! fc-list 2>/dev/null | grep -qi dejavu; then
  (apt-get update -qq && apt-get install -y -qq --no-install-recommends fonts-dejavu-core >/dev/null) \
    || echo "bench: could not install fonts-dejavu-core; PNG charts may lack text" >&2
fi

sdk_src="${PB_IRIS_SDK_SOURCE:-/opt/iris-nodejs}"
stamp=vendor/iris-nodejs/.pathbench-source
if [ -d "$sdk_src" ] && [ -n "$(ls -A "$sdk_src" 2>/dev/null)" ]; then
  fingerprint="$(cd "$sdk_src" && find . -name package.json -exec cat {} + | cksum)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$fingerprint" ]; then
    iris/sdk-install.sh "$sdk_src" vendor/iris-nodejs
    echo "$fingerprint" >"$stamp"
  fi
else
  echo "bench: no IRIS Native SDK at $sdk_src (the iris service fills it on first start); iris-native will be unavailable" >&2
fi

exec "$@"
