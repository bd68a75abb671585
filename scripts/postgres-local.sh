#!/usr/bin/env bash
# Throwaway local PostgreSQL 15 + pgvector for tests and CI on Debian 12, without Docker.
# Usage: scripts/postgres-local.sh [start|stop|clean|status]   (must run as root)
# Knobs: PB_PG_PORT PB_PG_DATA PB_PG_USER PB_PG_PASSWORD PB_PG_DB (see defaults below);
# PB_PG_SSL=1 turns TLS on with a throwaway self-signed certificate (openssl) next to the data dir.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
PORT="${PB_PG_PORT:-5433}"
DATA="$(realpath -m "${PB_PG_DATA:-$REPO/data/postgres}")"
DB_USER="${PB_PG_USER:-postgres}"
DB_PASSWORD="${PB_PG_PASSWORD:-postgres}"
DB_NAME="${PB_PG_DB:-benchmark}"

PARENT="$(dirname "$DATA")"
LOG="$PARENT/$(basename "$DATA").log"
# Own socket dir: /var/run/postgresql may be missing or root-owned in containers.
SOCK="$PARENT/$(basename "$DATA").sock"
# Throwaway TLS certificate and key (PB_PG_SSL=1): self-signed, for encryption, not identity.
TLS="$PARENT/$(basename "$DATA").tls"
SSL="${PB_PG_SSL:-0}"
BIN=/usr/lib/postgresql/15/bin
SHAREDIR=/usr/share/postgresql/15

say() { echo "postgres-local: $*"; }
die() { echo "postgres-local: ERROR: $*" >&2; exit 1; }
# fd 9 is the lock; a postmaster inheriting it would hold the lock for its whole life.
as_pg() { runuser -u postgres -- "$@" 9>&-; }
# TCP + password, i.e. exactly the path the tests use; the password travels only
# in psql's environment, never on a command line or in output.
sql() { PGPASSWORD="$DB_PASSWORD" PGOPTIONS='-c client_min_messages=warning' "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U "$DB_USER" "$@"; }

CLEANUP=()
trap 'rm -rf "${CLEANUP[@]}"' EXIT

[[ $(id -u) -eq 0 ]] || die "run as root (it installs packages and switches to the postgres user)"

debian_mirror() {
  # The mirror serving the plain release suite (not -security); deb822 first, then one-line format.
  local codename; codename="$(. /etc/os-release && echo "$VERSION_CODENAME")"
  { awk -v s="$codename" 'BEGIN { RS = ""; FS = "\n" }
      { u = ""; t = ""; su = ""; off = 0
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/)     { u = $i;  sub(/^URIs:[ \t]*/, "", u) }
          if ($i ~ /^Types:/)    { t = $i }
          if ($i ~ /^Suites:/)   { su = $i; sub(/^Suites:/, "", su) }
          if ($i ~ /^Enabled:[ \t]*no/) { off = 1 } }
        if (!off && t ~ /[ \t]deb([ \t]|$)/ && (" " su " ") ~ ("[ \t]" s "[ \t]")) { split(u, a, /[ \t]+/); print a[1] } }' \
      /etc/apt/sources.list.d/*.sources 2>/dev/null || true
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      sed -E 's/\[[^]]*\]//' | awk -v s="$codename" '$1 == "deb" && $3 == s { print $2 }' || true
  } | sed -n 1p
}

build_pgvector() {
  # bookworm ships no pgvector, so build trixie's source package against the local server headers.
  local work mirror
  mirror="$(debian_mirror)"
  [[ -n $mirror ]] || die "could not find a Debian mirror in /etc/apt sources"
  work="$(mktemp -d /tmp/pathbench-pgvector.XXXXXX)"
  CLEANUP+=("$work")
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/src"
  printf 'Types: deb-src\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$mirror" >"$work/trixie-src.sources"
  # Private lists/cache so the machine's own apt state never sees trixie.
  local apt_opts=(-o "Dir::Etc::sourcelist=$work/trixie-src.sources" -o Dir::Etc::sourceparts=/nonexistent
                  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache"
                  -o APT::Sandbox::User=root)  # _apt cannot write into the private 0700 dir
  say "fetching pgvector source (Debian trixie)"
  apt-get -qq "${apt_opts[@]}" update
  (cd "$work" && apt-get -qq "${apt_opts[@]}" source --download-only pgvector >/dev/null)
  tar -xzf "$work"/pgvector_*.orig.tar.gz --strip-components=1 -C "$work/src"
  # OPTFLAGS="" avoids -march=native (binary stays portable); with_llvm=no skips JIT bitcode.
  local mk=(PG_CONFIG="$BIN/pg_config" OPTFLAGS="" with_llvm=no)
  say "building pgvector $(sed -nE "s/^default_version = '(.*)'/\1/p" "$work/src/vector.control")"
  make -s -C "$work/src" -j"$(nproc)" "${mk[@]}" >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; die "pgvector build failed"; }
  make -s -C "$work/src" "${mk[@]}" install >>"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; die "pgvector install failed"; }
}

install_if_needed() {
  [[ -x $BIN/postgres && -f $SHAREDIR/extension/vector.control ]] && return 0
  local p missing=0
  for p in postgresql-15 postgresql-server-dev-15 make gcc; do
    [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == *"ok installed" ]] || missing=1
  done
  if (( missing )); then
    # Keep the package from creating (and starting) a "main" cluster on port 5432.
    mkdir -p /etc/postgresql-common/createcluster.d
    echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/pathbench-no-main-cluster.conf
    say "installing PostgreSQL 15 packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -qq update
    # Together, so the headers (from -security) and the server end up on the same minor.
    apt-get -qq install -y --no-install-recommends postgresql-15 postgresql-server-dev-15 make gcc >/dev/null
  fi
  [[ -f $SHAREDIR/extension/vector.control ]] || build_pgvector
}

is_running() { [[ -f $DATA/PG_VERSION ]] && as_pg "$BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1; }

init_if_needed() {
  [[ -f $DATA/PG_VERSION ]] && return 0
  if [[ -d $DATA && -n $(ls -A "$DATA") ]]; then die "$DATA is not empty and not a PostgreSQL cluster; move it away or set PB_PG_DATA"; fi
  mkdir -p "$DATA"
  chown postgres:postgres "$DATA"; chmod 700 "$DATA"
  as_pg test -w "$DATA" || die "user postgres cannot reach $DATA (a parent directory is not traversable); set PB_PG_DATA elsewhere"
  local pwfile; pwfile="$(mktemp)"
  CLEANUP+=("$pwfile")
  chmod 600 "$pwfile"; chown postgres "$pwfile"
  printf '%s\n' "$DB_PASSWORD" >"$pwfile"
  say "initialising cluster in $DATA"
  as_pg "$BIN/initdb" -D "$DATA" -U "$DB_USER" --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256 >"$PARENT/initdb.log" 2>&1 \
    || { tail -n 20 "$PARENT/initdb.log" >&2; die "initdb failed"; }
  rm -f "$PARENT/initdb.log" "$pwfile"
  # PG15's initdb has no -c; settings live in an included file that start rewrites from the knobs.
  echo "include_if_exists 'pathbench.conf'" >>"$DATA/postgresql.conf"
}

ensure_peer_map() {
  # Unix-socket logins by peer, mapped: the postgres OS user (PgBouncer, scripts/pgbouncer-local.sh)
  # and root (pathbench's own processes: this script requires root) may log in as the DB user over
  # the socket with no password. TCP still needs the password. Idempotent; applied before a start,
  # so clusters made before this existed get it on their next start.
  grep -q "^pathbench root $DB_USER\$" "$DATA/pg_ident.conf" ||
    printf 'pathbench postgres postgres\npathbench postgres %s\npathbench root %s\n' "$DB_USER" "$DB_USER" >>"$DATA/pg_ident.conf"
  sed -i -E 's/^(local[[:space:]]+all[[:space:]]+all[[:space:]]+peer)[[:space:]]*$/\1 map=pathbench/' "$DATA/pg_hba.conf"
}

ensure_tls_files() {
  [[ -f $TLS/server.crt && -f $TLS/server.key ]] && return 0
  mkdir -p "$TLS"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
    -keyout "$TLS/server.key" -out "$TLS/server.crt" >/dev/null 2>&1 || die "openssl could not create a self-signed certificate in $TLS"
  chown -R postgres:postgres "$TLS"; chmod 700 "$TLS"; chmod 600 "$TLS/server.key"
  say "generated a throwaway self-signed TLS certificate in $TLS"
}

tls_conf() {
  printf "ssl = on\nssl_cert_file = '%s'\nssl_key_file = '%s'\n" "$TLS/server.crt" "$TLS/server.key"
}

start() {
  install_if_needed
  if ! is_running; then
    init_if_needed
    ensure_peer_map
    mkdir -p "$SOCK"; chown postgres:postgres "$SOCK"; chmod 700 "$SOCK"
    cat >"$DATA/pathbench.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCK'
max_connections = 100
shared_buffers = 512MB
EOF
    if [[ $SSL == 1 ]]; then ensure_tls_files; tls_conf >>"$DATA/pathbench.conf"; fi
    chown postgres:postgres "$DATA/pathbench.conf"
    touch "$LOG"; chown postgres:postgres "$LOG"
    as_pg "$BIN/pg_ctl" start -D "$DATA" -l "$LOG" -w -t 60 >/dev/null 2>&1 || {
      echo "---- last lines of $LOG ----" >&2; tail -n 25 "$LOG" >&2
      die "server did not start. If port $PORT is taken, set PB_PG_PORT; if the cluster is broken, run '$0 clean' and then '$0 start'."
    }
  fi
  # One psql session: create the database if missing, enable pgvector, report versions.
  local out
  out="$(sql -d postgres -v db="$DB_NAME" -At <<'EOF'
SELECT format('CREATE DATABASE %I', :'db') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
\connect :"db"
CREATE EXTENSION IF NOT EXISTS vector;
SELECT split_part(current_setting('server_version'), ' ', 1) || ' ' || extversion FROM pg_extension WHERE extname = 'vector';
EOF
)" || die "server runs but setup over TCP failed (see psql error above);
if the password was changed after the cluster was created, run '$0 clean' and start again"
  local tls=""
  if [[ $SSL == 1 ]]; then
    # A server already running without TLS (started before, or by a plain instance): ssl is a
    # reloadable setting, so turn it on without a restart.
    if [[ "$(sql -d postgres -At -c 'SHOW ssl')" != on ]]; then
      ensure_tls_files
      grep -q '^ssl = on' "$DATA/pathbench.conf" || tls_conf >>"$DATA/pathbench.conf"
      as_pg "$BIN/pg_ctl" reload -D "$DATA" >/dev/null
      sleep 1
      [[ "$(sql -d postgres -At -c 'SHOW ssl')" == on ]] || die "ssl did not turn on after reload; see $LOG"
    fi
    tls=", TLS on (self-signed, $TLS)"
  fi
  say "ready on 127.0.0.1:$PORT (PostgreSQL ${out% *}, pgvector ${out#* }$tls; Unix socket $SOCK)"
}

stop() {
  if is_running; then
    as_pg "$BIN/pg_ctl" stop -D "$DATA" -m fast -w >/dev/null
    say "stopped"
  else
    say "not running"
  fi
}

clean() {
  stop
  if [[ -e $DATA ]]; then
    # Refuse to wipe anything that is not a cluster, in case PB_PG_DATA points somewhere wrong.
    [[ -f $DATA/PG_VERSION || -z $(ls -A "$DATA") ]] || die "$DATA does not look like a PostgreSQL cluster; not deleting it"
    rm -rf "$DATA"
  fi
  rm -rf "$SOCK" "$LOG"
  say "removed $DATA"
}

status() {
  if is_running; then say "running on 127.0.0.1:$PORT (data: $DATA)"; else say "not running"; return 1; fi
}

cmd="${1:-start}"
case "$cmd" in
  start|stop|clean)
    mkdir -p "$PARENT"
    # Serialise concurrent invocations (parallel CI jobs) on the same data dir.
    exec 9>"$PARENT/.$(basename "$DATA").lock"
    flock 9
    "$cmd" ;;
  status) status ;;
  *) die "unknown command '$cmd' (use start, stop, clean or status)" ;;
esac
