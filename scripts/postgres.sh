#!/usr/bin/env bash
# A throwaway PostgreSQL on loopback for the tests: Debian's postgresql, initdb into a temporary
# folder and pg_ctl on a free port, run as the postgres user (initdb and pg_ctl refuse root).
#
#   scripts/postgres.sh run COMMAND...   start a server, run COMMAND with GALLEY_TEST_DATABASE_URL
#                                        (a superuser URL) set, stop the server, exit as COMMAND did
#   scripts/postgres.sh start DIR PORT   start a server with its data in DIR (for the outage test;
#                                        PG_EXTRA_OPTIONS adds server options, e.g. for TLS)
#   scripts/postgres.sh stop DIR         stop it (fast shutdown)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh postgresql
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() { # DIR PORT
  local dir=$1 port=$2
  if [ ! -f "$dir/PG_VERSION" ]; then
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    as_postgres "$bin/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  # Only loopback TCP; the socket in the data folder, not /var/run/postgresql.
  as_postgres "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off -c max_connections=200 ${PG_EXTRA_OPTIONS:-}" start >/dev/null
}

stop() { # DIR
  as_postgres "$bin/pg_ctl" -D "$1" -m fast -w stop >/dev/null
}

case "${1:-}" in
  run)
    shift
    dir=$(mktemp -d /tmp/galley-pg.XXXXXX)
    chmod 755 "$dir"
    port=$(free_port)
    start "$dir/data" "$port"
    trap 'stop "$dir/data" || true; rm -rf "$dir"' EXIT
    export GALLEY_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
    echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') for the tests on 127.0.0.1:$port"
    "$@"
    ;;
  start) start "$2" "$3" ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 run COMMAND... | start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
