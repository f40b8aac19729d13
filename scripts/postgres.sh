#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and the bench: initdb and pg_ctl under DIR, on a
# free loopback port, as an unprivileged user (initdb refuses to run as root, and CI runs as root).
# Usage: scripts/postgres.sh start DIR    starts it (or finds it running); prints its URL
#        scripts/postgres.sh stop DIR     stops it (fast shutdown); the files stay for a look
#        scripts/postgres.sh url DIR      prints the URL of a running cluster
# The URL is postgresql://calkit@127.0.0.1:PORT/calkit; the cluster trusts loopback connections.
# DIR/port names the port. When the unprivileged user cannot reach DIR (a checkout under a private
# home), the cluster's own files live under /var/tmp/calkit-postgres/ instead, named after DIR.
set -euo pipefail
command=${1:?start, stop or url}
dir=$(realpath -m "${2:?the folder of the cluster}")
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "postgres.sh: no PostgreSQL server (apt-get install postgresql)" >&2; exit 1; }
owner=calkit-postgres

# Runs a command as the unprivileged user, from / (it may not be able to enter the current folder).
as_owner() {
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u "$owner" -- "$@"); else "$@"; fi
}

# Where the cluster's files are: DIR itself, unless the unprivileged user cannot reach it.
data_dir() {
    if [ "$(id -u)" = 0 ] && id "$owner" >/dev/null 2>&1 && ! (cd / && runuser -u "$owner" -- test -x "$(dirname "$dir")"); then
        echo "/var/tmp/calkit-postgres/$(printf %s "$dir" | sha256sum | cut -c1-16)"
    else
        echo "$dir"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

url() { echo "postgresql://calkit@127.0.0.1:$(cat "$dir/port")/calkit"; }

running() { [ -f "$dir/port" ] && as_owner "$bin/pg_ctl" -D "$(data_dir)/data" status >/dev/null 2>&1; }

case $command in
start)
    if [ "$(id -u)" = 0 ] && ! id "$owner" >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
    fi
    if running; then url; exit 0; fi
    mkdir -p "$dir"
    data=$(data_dir)
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown "$owner" "$data"
    if [ ! -f "$data/data/PG_VERSION" ]; then
        as_owner "$bin/initdb" -D "$data/data" -U calkit --auth=trust -E UTF8 --locale=C.UTF-8 >"$data/initdb.log" 2>&1 \
            || { cat "$data/initdb.log" >&2; exit 1; }
    fi
    port=$(free_port)
    echo "$port" >"$dir/port"
    as_owner "$bin/pg_ctl" -D "$data/data" -l "$data/server.log" -w -t 60 \
        -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
        || { cat "$data/server.log" >&2; exit 1; }
    as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U calkit -d postgres -qAt \
        -c "SELECT 1 FROM pg_database WHERE datname = 'calkit'" | grep -q 1 \
        || as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U calkit calkit
    url
    ;;
stop)
    if running; then as_owner "$bin/pg_ctl" -D "$(data_dir)/data" -m fast -w stop >/dev/null; fi
    ;;
url)
    running || { echo "postgres.sh: no cluster running in $dir" >&2; exit 1; }
    url
    ;;
*)
    echo "postgres.sh: start, stop or url" >&2
    exit 2
    ;;
esac
