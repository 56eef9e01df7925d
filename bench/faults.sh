#!/usr/bin/env bash
# Faults under load, by hand (too slow and too disruptive for CI; never run from .ci/run or the tests):
# 16 clients make durable updates (update/inc, one counter canister each) against the service jar running as its
# own process on the PostgreSQL server at 127.0.0.1:5432, while
#   (a) the service is SIGKILLed and restarted, then
#   (b) PostgreSQL is stopped for 10 s and started again.
# FaultBenchmark reports the updates acknowledged and those found applied afterwards (none may be lost, none
# applied twice), the answers and their p50/p99 during each fault, and how long until updates succeed again.
# The table goes to target/fault-results.md.
#
# Usage: bash bench/faults.sh   (from anywhere; runs at the repository root). STOPS AND STARTS the PostgreSQL
# server of FAULT_PG_STOP / FAULT_PG_START (default: the Debian cluster under /etc/postgresql, through
# pg_ctlcluster), which every database on it shares. Needs createdb, dropdb and pg_isready on the PATH, and
# trust authentication for FAULT_PG_USER on 127.0.0.1. Creates the database FAULT_DB (default canister_faults,
# dropped first if it exists, and at the end). PostgreSQL is started again on exit, whatever happened.
#
# Also: FAULT_CLIENTS=16, FAULT_WARMUP_SECS=30, FAULT_OUTAGE_SECS=10, FAULT_TIMEOUT_MS=5000 (a client gives a call
# up after this), FAULT_PG_HOST, FAULT_PG_PORT, FAULT_PG_USER, FAULT_JAVA_OPTS (service JVM options),
# FAULT_SKIP_BUILD=1 (use the jars already built).
set -euo pipefail
cd "$(dirname "$0")/.."

export FAULT_PG_HOST=${FAULT_PG_HOST:-127.0.0.1} FAULT_PG_PORT=${FAULT_PG_PORT:-5432} \
    FAULT_PG_USER=${FAULT_PG_USER:-postgres} FAULT_DB=${FAULT_DB:-canister_faults}
pg=(-h "$FAULT_PG_HOST" -p "$FAULT_PG_PORT" -U "$FAULT_PG_USER")
if [[ -z "${FAULT_PG_STOP:-}" || -z "${FAULT_PG_START:-}" ]]; then
    version=$(ls /etc/postgresql | sort -V | tail -1)
    export FAULT_PG_STOP="pg_ctlcluster --skip-systemctl-redirect $version main stop" \
        FAULT_PG_START="pg_ctlcluster --skip-systemctl-redirect $version main start"
fi

if [[ "${FAULT_SKIP_BUILD:-0}" != 1 ]]; then
    ./mvnw -q -B -ntp install -DskipTests
    ./mvnw -q -B -ntp -f bench/pom.xml compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
fi
jar=$(ls target/canister-host-*-exec.jar | head -1)

workdir=$(mktemp -d -t canister-faults.XXXXXX)
cleanup() {
    if [[ -f "$workdir/service.pid" ]]; then
        pid=$(cat "$workdir/service.pid") # the driver's last service, if it is left (and is still that process)
        if ps -p "$pid" -o args= 2>/dev/null | grep -q "$jar"; then kill -9 "$pid" || true; fi
    fi
    if ! pg_isready "${pg[@]}" -q; then
        echo "starting PostgreSQL again"
        sh -c "$FAULT_PG_START" || true
        for _ in $(seq 30); do pg_isready "${pg[@]}" -q && break; sleep 1; done
    fi
    dropdb "${pg[@]}" --if-exists "$FAULT_DB" || true
    echo "service logs were in $workdir"
}
trap cleanup EXIT

pg_isready "${pg[@]}"
dropdb "${pg[@]}" --if-exists "$FAULT_DB"
createdb "${pg[@]}" "$FAULT_DB"

export FAULT_JAR=$jar FAULT_WORKDIR=$workdir FAULT_OUT=${FAULT_OUT:-$PWD/target/fault-results.md} \
    FAULT_DATASOURCE_URL="jdbc:postgresql://$FAULT_PG_HOST:$FAULT_PG_PORT/$FAULT_DB"
java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" com.canisterhost.bench.FaultBenchmark
