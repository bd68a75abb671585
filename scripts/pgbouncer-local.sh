#!/usr/bin/env bash
# Throwaway local PgBouncer (Debian's package) in front of the scripts/postgres-local.sh server.
# Usage: scripts/pgbouncer-local.sh [start|stop|status|version]   (start/stop: as root)
# Knobs (defaults below): PB_BOUNCER_PORT (listen, 127.0.0.1 only), PB_BOUNCER_DIR (config, pid,
# log), PB_BOUNCER_POOL_MODE, PB_BOUNCER_POOL_SIZE, PB_BOUNCER_SERVER_SOCKET (the server's Unix
# socket directory), PB_BOUNCER_SERVER_PORT, PB_BOUNCER_SERVER_USER.
#
# No password anywhere: PgBouncer runs as the postgres OS user and logs in to the server over its
# Unix socket with peer authentication (postgres-local.sh's --auth-local=peer); clients on
# 127.0.0.1 are let in with auth_type = any, which logs every client in as SERVER_USER. Loopback
# only, for a benchmark's throwaway server: never expose this configuration.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
PORT="${PB_BOUNCER_PORT:-6432}"
DIR="$(realpath -m "${PB_BOUNCER_DIR:-$REPO/data/pgbouncer}")"
POOL_MODE="${PB_BOUNCER_POOL_MODE:-transaction}"
POOL_SIZE="${PB_BOUNCER_POOL_SIZE:-20}"
SERVER_SOCKET="$(realpath -m "${PB_BOUNCER_SERVER_SOCKET:-$REPO/data/postgres.sock}")"
SERVER_PORT="${PB_BOUNCER_SERVER_PORT:-5433}"
SERVER_USER="${PB_BOUNCER_SERVER_USER:-postgres}"
INI="$DIR/pgbouncer-$PORT.ini"
PIDFILE="$DIR/pgbouncer-$PORT.pid"
LOG="$DIR/pgbouncer-$PORT.log"
BIN=/usr/sbin/pgbouncer

say() { echo "pgbouncer-local: $*"; }
die() { echo "pgbouncer-local: ERROR: $*" >&2; exit 1; }

version() { "$BIN" --version | sed -nE '1s/^PgBouncer ([0-9.]+).*/\1/p'; }

pid_alive() {
  [[ -f $PIDFILE ]] || return 1
  local pid; pid="$(cat "$PIDFILE" 2>/dev/null)"
  [[ $pid =~ ^[0-9]+$ ]] && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == pgbouncer ]]
}

install_if_needed() {
  [[ -x $BIN ]] && return 0
  [[ $(id -u) -eq 0 ]] || die "PgBouncer is not installed; run as root (it installs Debian's pgbouncer package)"
  say "installing Debian's pgbouncer package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -qq update
  # The package enables a systemd service on 6432; without systemd (containers, CI) nothing starts.
  apt-get -qq install -y --no-install-recommends pgbouncer >/dev/null
}

start() {
  [[ $(id -u) -eq 0 ]] || die "run as root (it installs a package and switches to the postgres user)"
  [[ $POOL_MODE =~ ^(session|transaction|statement)$ ]] || die "PB_BOUNCER_POOL_MODE must be session, transaction or statement (got $POOL_MODE)"
  install_if_needed
  if pid_alive; then
    say "ready on 127.0.0.1:$PORT (PgBouncer $(version), already running)"
    return 0
  fi
  [[ -S $SERVER_SOCKET/.s.PGSQL.$SERVER_PORT ]] || die "no PostgreSQL socket at $SERVER_SOCKET/.s.PGSQL.$SERVER_PORT; start the server first (scripts/postgres-local.sh start)"
  mkdir -p "$DIR"; chown postgres:postgres "$DIR"; chmod 700 "$DIR"
  runuser -u postgres -- test -w "$DIR" || die "user postgres cannot reach $DIR (a parent directory is not traversable); set PB_BOUNCER_DIR elsewhere"
  cat >"$INI" <<EOF
; Written by scripts/pgbouncer-local.sh; rewritten on every start.
[databases]
* = host=$SERVER_SOCKET port=$SERVER_PORT user=$SERVER_USER

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PORT
unix_socket_dir =
auth_type = any
pool_mode = $POOL_MODE
default_pool_size = $POOL_SIZE
max_client_conn = 500
ignore_startup_parameters = extra_float_digits,options
logfile = $LOG
pidfile = $PIDFILE
EOF
  chown postgres:postgres "$INI"
  runuser -u postgres -- "$BIN" -d -q "$INI" || { tail -n 20 "$LOG" >&2 2>/dev/null; die "pgbouncer did not start. If port $PORT is taken, set another port"; }
  local i
  for i in $(seq 50); do pid_alive && break; sleep 0.1; done
  pid_alive || { tail -n 20 "$LOG" >&2; die "pgbouncer exited right after starting (log above)"; }
  say "ready on 127.0.0.1:$PORT (PgBouncer $(version), pool_mode $POOL_MODE, in front of $SERVER_SOCKET port $SERVER_PORT)"
}

stop() {
  if pid_alive; then
    local pid; pid="$(cat "$PIDFILE")"
    kill -TERM "$pid"
    local i
    for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && die "pgbouncer (pid $pid) did not stop within 10 s"
    say "stopped"
  else
    say "not running"
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) if pid_alive; then say "running (pid $(cat "$PIDFILE"))"; else say "not running"; exit 1; fi ;;
  version) [[ -x $BIN ]] || die "PgBouncer is not installed"; version ;;
  *) die "usage: $0 [start|stop|status|version]" ;;
esac
