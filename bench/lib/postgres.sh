#!/usr/bin/env bash
# A PostgreSQL database for a benchmark, sourced by a bench script: a private cluster started for the run (as .ci/run
# does), or, when BROADSHEET_BENCH_POSTGRES holds an admin connection string (e.g.
# "Host=127.0.0.1;Port=5432;Username=postgres"), a database made on that server. Both are removed by pg_cleanup.
#
#   source bench/lib/postgres.sh
#   pg_start NAME             # sets PG_ADMIN, PG_DB, PG_CONNECTION (for ConnectionStrings__Broadsheet), PG_NOTE, PG_VERSION
#   pg_sql "SELECT 1"          # one statement in the benchmark's database, unaligned output
#   pg_cleanup                 # from the caller's exit trap
#
# Needs the Debian postgresql package (initdb, pg_ctl, psql) for a private cluster, psql otherwise.

PG_DIR=''
PG_BIN=''
PG_ADMIN=''
PG_DB=''
PG_PSQL=psql

# initdb refuses to run as root, so a root run hands the cluster to the postgres user, as .ci/run does.
pg_as_postgres() {
    if [[ $(id -u) == 0 ]]; then (cd / && su postgres -s /bin/sh -c "$1"); else sh -c "$1"; fi
}

# "Host=h;Port=p;Username=u;…" and a database name -> psql, one statement, no alignment, no headers.
pg_psql() {
    local database=$1 statement=$2 host port user
    host=$(sed -n 's/.*Host=\([^;]*\).*/\1/p' <<<"$PG_ADMIN")
    port=$(sed -n 's/.*Port=\([^;]*\).*/\1/p' <<<"$PG_ADMIN")
    user=$(sed -n 's/.*Username=\([^;]*\).*/\1/p' <<<"$PG_ADMIN")
    "$PG_PSQL" -X -q -At -v ON_ERROR_STOP=1 -h "${host:-127.0.0.1}" -p "${port:-5432}" -U "${user:-postgres}" -d "$database" -c "$statement"
}

pg_sql() { pg_psql "$PG_DB" "$1"; }

pg_start() {
    local name=$1 port
    if [[ -n ${BROADSHEET_BENCH_POSTGRES:-} ]]; then
        PG_ADMIN=$BROADSHEET_BENCH_POSTGRES
        PG_NOTE="the server named by BROADSHEET_BENCH_POSTGRES"
    else
        PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
        [[ -n $PG_BIN ]] || { echo "PostgreSQL is not installed (apt-get install postgresql), or set BROADSHEET_BENCH_POSTGRES" >&2; return 1; }
        PG_DIR=$(mktemp -d /tmp/bench-pg.XXXXXX)
        if [[ $(id -u) == 0 ]]; then chown postgres:postgres "$PG_DIR"; fi
        # A port nobody answers on; bash's /dev/tcp needs no extra tool.
        for _ in $(seq 1 100); do
            port=$((20000 + RANDOM % 20000))
            if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
        done
        pg_as_postgres "$PG_BIN/initdb -D $PG_DIR/data -U postgres -A trust -E UTF8 --locale=C.UTF-8" >/dev/null
        # Three instances with a few pooled connections each, and psql: well within the default 100 connections.
        pg_as_postgres "$PG_BIN/pg_ctl -D $PG_DIR/data -l $PG_DIR/log.txt -o '-p $port -k $PG_DIR -c listen_addresses=127.0.0.1' -w start" >/dev/null
        PG_ADMIN="Host=127.0.0.1;Port=$port;Username=postgres"
        PG_NOTE="a private cluster started for the run with initdb's defaults"
        PG_PSQL="$PG_BIN/psql"
    fi
    PG_DB="${name}_$$"
    pg_psql postgres "CREATE DATABASE $PG_DB" >/dev/null
    PG_CONNECTION="$PG_ADMIN;Database=$PG_DB"
    PG_VERSION=$(pg_psql postgres "SHOW server_version")
    PG_SETTINGS=$(pg_psql postgres "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'shared_buffers', 'synchronous_commit', 'max_connections')")
}

pg_cleanup() {
    if [[ -n $PG_ADMIN && -n $PG_DB ]]; then
        pg_psql postgres "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    if [[ -n $PG_DIR ]]; then
        pg_as_postgres "$PG_BIN/pg_ctl -D $PG_DIR/data -m fast stop" >/dev/null 2>&1 || true
        rm -rf "$PG_DIR"
    fi
    PG_DB='' PG_DIR=''
}
