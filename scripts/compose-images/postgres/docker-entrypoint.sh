#!/usr/bin/env bash
# Entrypoint of the postgres:16 stand-in: the parts of the official image's entrypoint that
# docker-compose.yml relies on. On an empty data directory it runs initdb with POSTGRES_USER as superuser and
# POSTGRES_PASSWORD as its password, creates POSTGRES_DB, and lets the network in with SCRAM passwords.
set -euo pipefail

if [ "$(id -u)" = 0 ]; then
    # A fresh volume may belong to root: hand it to postgres, then run this script again as postgres.
    mkdir -p "$PGDATA" /var/run/postgresql
    chown -R postgres:postgres "$PGDATA" /var/run/postgresql
    chmod 700 "$PGDATA"
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

POSTGRES_USER=${POSTGRES_USER:-postgres}
POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set (the official image refuses to start without it too)}"
    echo "initialising a PostgreSQL $(postgres --version | awk '{print $3}') cluster in $PGDATA"
    # initdb reads the password from a file; a process substitution keeps it off the command line and disk.
    initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
        --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 >/dev/null
    # Local socket connections (pg_isready, psql in the container) are trusted, as in the official image;
    # every network address must give the password.
    printf 'host all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
    if [ "$POSTGRES_DB" != postgres ]; then
        # Single-user mode: no server has to start (and be waited for) just to create the database.
        printf 'CREATE DATABASE "%s";\n' "${POSTGRES_DB//\"/\"\"}" | postgres --single -c log_checkpoints=off -D "$PGDATA" postgres >/dev/null
    fi
    echo "created database $POSTGRES_DB owned by superuser $POSTGRES_USER"
fi

if [ "${1:-}" = postgres ]; then
    shift
    exec postgres -c listen_addresses='*' "$@"
fi
exec "$@"
