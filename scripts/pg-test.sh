#!/usr/bin/env bash
# A private PostgreSQL for the tests, from Debian's postgresql package: initdb into a temporary
# directory, its own port on 127.0.0.1 and its own socket directory, never the system cluster.
#   scripts/pg-test.sh start STATE_DIR   writes STATE_DIR/url (a superuser URL) and STATE_DIR/data_dir
#   scripts/pg-test.sh stop STATE_DIR    stops it and removes its files
#   scripts/pg-test.sh down|up STATE_DIR kills it as a crash would / starts it again (outage tests)
# PostgreSQL refuses to run as root, so under root it runs as the package's postgres user.
set -euo pipefail
cmd=$1
state=$2
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    "$0" stop "$state" 2>/dev/null || true
    mkdir -p "$state"
    data=$(mktemp -d /tmp/authd-pg.XXXXXX)
    [[ $(id -u) -eq 0 ]] && chown postgres "$data"
    echo "$data" > "$state/data_dir"
    as_pg "$bin/initdb" -D "$data/data" -E UTF8 --locale=C -U authd --auth=trust >"$state/initdb.log"
    port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    as_pg "$bin/pg_ctl" -D "$data/data" -l "$data/server.log" -w -t 60 \
      -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
    echo "postgresql://authd@127.0.0.1:$port/postgres" > "$state/url"
    echo "$port" > "$state/port"
    echo "pg-test: PostgreSQL $(basename "$(dirname "$bin")") on 127.0.0.1:$port ($data)"
    ;;
  down)
    # The server dies as in a crash (immediate shutdown: no checkpoint), keeping its files.
    data=$(cat "$state/data_dir")
    as_pg "$bin/pg_ctl" -D "$data/data" -m immediate -w stop >/dev/null
    ;;
  up)
    # The same server again, on the same port, recovering from its WAL.
    data=$(cat "$state/data_dir")
    port=$(cat "$state/port")
    as_pg "$bin/pg_ctl" -D "$data/data" -l "$data/server.log" -w -t 60 \
      -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
    ;;
  stop)
    [[ -f "$state/data_dir" ]] || exit 0
    data=$(cat "$state/data_dir")
    if [[ -d "$data/data" ]]; then
      # Immediate: its files are deleted next, so the shutdown checkpoint (flushing every test
      # database the suites made) is work thrown away; it took 22 s at the end of a CI run.
      as_pg "$bin/pg_ctl" -D "$data/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$data" "$state/url" "$state/port" "$state/data_dir"
    ;;
  *)
    echo "usage: $0 start|stop|down|up STATE_DIR" >&2
    exit 2
    ;;
esac
